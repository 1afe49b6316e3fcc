"""How a take's seam score reads in the window ("Seam 87 · ok", figures in a tooltip).

`Take.seam` (a `genstudio.media.seam.SeamReport`) says how well a continuation
scene's start image matches the previous scene's last frame. It is read with `getattr`, so
takes saved before the field existed (or an engine without it) simply show no seam.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "Seam"
VERDICTS = {
    "ok": QT_TRANSLATE_NOOP("Seam", "ok"),
    "warn": QT_TRANSLATE_NOOP("Seam", "check"),
    "bad": QT_TRANSLATE_NOOP("Seam", "bad"),
}
COLOURS = {"ok": "#15803d", "warn": "#b45309", "bad": "#b91c1c"}


def _t(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


# Literal `QCoreApplication.translate("Seam", …)` calls below: lupdate only extracts those.
def seam_of(take: Any) -> Any | None:
    return getattr(take, "seam", None) if take is not None else None


def seam_text(take: Any) -> str:
    """ "Seam 87 · ok", or "" when the take has no seam report."""
    seam = seam_of(take)
    if seam is None:
        return ""
    verdict = VERDICTS.get(seam.verdict)
    return QCoreApplication.translate("Seam", "Seam %d · %s") % (
        round(seam.score),
        _t(verdict) if verdict else seam.verdict,
    )


def seam_colour(take: Any) -> str:
    seam = seam_of(take)
    return COLOURS.get(seam.verdict, "") if seam is not None else ""


def seam_tooltip(take: Any) -> str:
    seam = seam_of(take)
    if seam is None:
        return ""
    lines = [
        QCoreApplication.translate(
            "Seam", "How well this scene's start image matches the previous scene's last frame."
        ),
        QCoreApplication.translate("Seam", "Score: %d of 100") % round(seam.score),
        QCoreApplication.translate("Seam", "Brightness drift: %.1f L*") % seam.luma_drift,
        QCoreApplication.translate("Seam", "Colour drift: ΔE %.1f") % seam.colour_drift,
        QCoreApplication.translate("Seam", "Sharpness: %d%% of the reference")
        % round(seam.sharpness_ratio * 100),
    ]
    if seam.colour_matched:
        lines.append(
            QCoreApplication.translate(
                "Seam", "The start image was colour-matched to fix the seam."
            )
        )
    return "\n".join(lines)
