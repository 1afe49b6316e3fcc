"""GenStudio's Qt window (PySide6 + qasync), built on the `genstudio` engine."""

from ui.pyside_fixes import keep_singletons_alive

keep_singletons_alive()  # before any widget emits: see ui/pyside_fixes.py
