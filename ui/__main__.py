"""`python -m ui` starts the window, like `genstudio-gui`."""

import sys

from ui.app import main

sys.exit(main())
