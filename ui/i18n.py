"""English and Spanish through Qt's translation system.

Source strings are English (`self.tr()`, `QCoreApplication.translate`). For another language
the app loads our catalogue `resources/i18n/genstudio_<lang>.qm` (built from the .ts by
`packaging/build_translations.py`) plus Qt's own `qtbase_<lang>.qm` (standard buttons: the
wizard's Back/Next, dialog boxes). The language is the one asked for, else the saved
setting, else the system locale; anything without a catalogue falls back to English.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from genstudio.resources import resources_root
from ui.settings import LANGUAGE, app_settings

log = logging.getLogger("genstudio.ui.i18n")

SUPPORTED = ("en", "es")
CATALOGUE = "genstudio"


def catalogue_path(language: str) -> str:
    return str(resources_root() / "i18n" / f"{CATALOGUE}_{language}.qm")


def choose_language(requested: str | None = None) -> str:
    """The UI language: requested → saved setting → system locale → English."""
    for candidate in (requested, app_settings().value(LANGUAGE, "")):
        code = str(candidate or "").strip().lower().replace("-", "_").split("_")[0]
        if code:
            return code if code in SUPPORTED else "en"
    system = QLocale.system().name().split("_")[0].lower()
    return system if system in SUPPORTED else "en"


def _installed(app: QCoreApplication) -> list[QTranslator]:
    return [t for t in app.findChildren(QTranslator) if t.objectName().startswith("gs-i18n:")]


def install_translator(app: QCoreApplication, language: str | None = None) -> str:
    """Install the translators for `language` (replacing earlier ones); returns the language
    actually used. The translators are children of the app, so they live as long as it."""
    chosen = choose_language(language)
    for old in _installed(app):
        app.removeTranslator(old)
        old.deleteLater()
    if chosen == "en":
        QLocale.setDefault(QLocale.system())
        return "en"
    ours = QTranslator(app)
    ours.setObjectName(f"gs-i18n:{CATALOGUE}")
    if not ours.load(catalogue_path(chosen)):
        log.warning(
            "no %s catalogue at %s: the UI stays in English", chosen, catalogue_path(chosen)
        )
        ours.deleteLater()
        return "en"
    app.installTranslator(ours)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    base = QTranslator(app)
    base.setObjectName("gs-i18n:qtbase")
    if base.load(f"qtbase_{chosen}", qt_dir):
        app.installTranslator(base)
    else:  # standard buttons stay English; everything of ours is still translated
        log.info("Qt's own %s translations are not installed", chosen)
        base.deleteLater()
    QLocale.setDefault(QLocale(chosen))
    return chosen
