"""Display names of the engine's camera enums, in the UI language (the stored values and the
prompts stay English: only what the user reads is translated)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from genstudio.models import CameraMove, ShotSize

SHOT_SIZES: dict[ShotSize, str] = {
    ShotSize.ESTABLISHING: QT_TRANSLATE_NOOP("CameraLabels", "establishing"),
    ShotSize.WIDE: QT_TRANSLATE_NOOP("CameraLabels", "wide"),
    ShotSize.MEDIUM: QT_TRANSLATE_NOOP("CameraLabels", "medium"),
    ShotSize.CLOSE_UP: QT_TRANSLATE_NOOP("CameraLabels", "close up"),
    ShotSize.EXTREME_CLOSE_UP: QT_TRANSLATE_NOOP("CameraLabels", "extreme close up"),
}
MOVES: dict[CameraMove, str] = {
    CameraMove.STATIC: QT_TRANSLATE_NOOP("CameraLabels", "static"),
    CameraMove.PUSH_IN: QT_TRANSLATE_NOOP("CameraLabels", "push in"),
    CameraMove.PULL_OUT: QT_TRANSLATE_NOOP("CameraLabels", "pull out"),
    CameraMove.PAN_LEFT: QT_TRANSLATE_NOOP("CameraLabels", "pan left"),
    CameraMove.PAN_RIGHT: QT_TRANSLATE_NOOP("CameraLabels", "pan right"),
    CameraMove.TILT_UP: QT_TRANSLATE_NOOP("CameraLabels", "tilt up"),
    CameraMove.TILT_DOWN: QT_TRANSLATE_NOOP("CameraLabels", "tilt down"),
}


def _label(table: dict, value: object) -> str:
    text = table.get(value)
    if text is None:  # a value added to the engine later: readable, untranslated
        return str(getattr(value, "value", value)).replace("_", " ")
    return QCoreApplication.translate("CameraLabels", text)


def shot_size_label(size: ShotSize) -> str:
    return _label(SHOT_SIZES, size)


def move_label(move: CameraMove) -> str:
    return _label(MOVES, move)
