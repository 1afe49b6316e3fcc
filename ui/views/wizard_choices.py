"""Choices offered by the new-project wizard: genres, aspects and dialogue languages.

Genres are stored in English (the planner reads them); only the label is translated.
Language names are written in their own language, as language pickers do.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from genstudio.models import Aspect

GENRES: dict[str, str] = {
    "drama": QT_TRANSLATE_NOOP("NewProjectWizard", "Drama"),
    "comedy": QT_TRANSLATE_NOOP("NewProjectWizard", "Comedy"),
    "thriller": QT_TRANSLATE_NOOP("NewProjectWizard", "Thriller"),
    "horror": QT_TRANSLATE_NOOP("NewProjectWizard", "Horror"),
    "science fiction": QT_TRANSLATE_NOOP("NewProjectWizard", "Science fiction"),
    "fantasy": QT_TRANSLATE_NOOP("NewProjectWizard", "Fantasy"),
    "romance": QT_TRANSLATE_NOOP("NewProjectWizard", "Romance"),
    "mystery": QT_TRANSLATE_NOOP("NewProjectWizard", "Mystery"),
    "action": QT_TRANSLATE_NOOP("NewProjectWizard", "Action"),
    "documentary": QT_TRANSLATE_NOOP("NewProjectWizard", "Documentary"),
    "animation": QT_TRANSLATE_NOOP("NewProjectWizard", "Animation"),
}

_ASPECTS: dict[Aspect, str] = {
    Aspect.LANDSCAPE: QT_TRANSLATE_NOOP("NewProjectWizard", "Landscape"),
    Aspect.PORTRAIT: QT_TRANSLATE_NOOP("NewProjectWizard", "Portrait"),
    Aspect.SQUARE: QT_TRANSLATE_NOOP("NewProjectWizard", "Square"),
}

LANGUAGES: tuple[tuple[str, str], ...] = (("en", "English"), ("es", "Español"))


def _t(text: str) -> str:
    return QCoreApplication.translate("NewProjectWizard", text)


def genre_title(genre: str) -> str:
    return _t(GENRES[genre]) if genre in GENRES else genre


def aspect_title(aspect: Aspect) -> str:
    return _t(_ASPECTS[aspect])
