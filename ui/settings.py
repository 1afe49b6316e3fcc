"""The window's own preferences (geometry, dock layout, last project, language) in QSettings.

Stored as an INI file under the OS config dir (`$XDG_CONFIG_HOME/GenStudio/GenStudio.ini` on
Linux, the user's config folders elsewhere), never in the registry, so it is readable and
tests can redirect it with `QSettings.setPath`. Project data lives in the workspace database,
not here.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANIZATION = "GenStudio"
APPLICATION = "GenStudio"
DESKTOP_ID = "io.genstudio.GenStudio"

# Keys, in one place so a typo cannot silently create a second setting.
WINDOW_GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
LAST_PROJECT = "session/last_project"
LAST_WORKSPACE = "session/workspace"
STORYBOARD_ZOOM = "storyboard/zoom"
LANGUAGE = "ui/language"
STATE_VERSION = 1  # bump when docks are added/renamed: restoreState ignores other versions


def app_settings() -> QSettings:
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )
