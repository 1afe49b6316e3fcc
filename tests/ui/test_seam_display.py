"""A continuation take's seam score shows in the inspector and the takes strip, with its
figures in a tooltip; takes without one (older takes, first scenes) show nothing."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtGui import QUndoStack

from genstudio.models import Take
from tests.ui.conftest import add_project
from ui.seam import seam_text, seam_tooltip
from ui.views.scene_inspector import SceneInspector
from ui.views.takes_strip import TakesStrip

try:  # the engine's model (seam_contract.md), once it exists
    from genstudio.models import SeamReport
except ImportError:
    SeamReport = None


def _seam(score: float, verdict: str, *, matched: bool = False) -> object:
    fields = {
        "score": score,
        "luma_drift": 3.25,
        "colour_drift": 4.5,
        "sharpness_ratio": 0.92,
        "verdict": verdict,
        "colour_matched": matched,
    }
    return SeamReport(**fields) if SeamReport is not None else SimpleNamespace(**fields)


def test_seam_words_and_figures() -> None:
    take = Take(scene_id="s").model_copy(update={"seam": _seam(86.6, "ok")})
    assert seam_text(take) == "Seam 87 · ok"
    tip = seam_tooltip(take)
    assert "Score: 87 of 100" in tip and "Brightness drift: 3.2 L*" in tip
    assert "Colour drift: ΔE 4.5" in tip and "Sharpness: 92% of the reference" in tip
    assert "colour-matched" not in tip
    bad = Take(scene_id="s").model_copy(update={"seam": _seam(31, "bad", matched=True)})
    assert seam_text(bad) == "Seam 31 · bad" and "colour-matched" in seam_tooltip(bad)
    assert seam_text(Take(scene_id="s")) == "" and seam_text(None) == ""


def test_inspector_and_takes_strip_show_the_selected_takes_seam(
    controller, run, until, qtbot
) -> None:
    if SeamReport is None:
        pytest.skip("genstudio.models.SeamReport is not there yet")
    pid = add_project(controller, 2)
    run(controller.open_project(pid))
    scene = controller.scenes()[1]
    plain = Take(scene_id=scene.id)
    with_seam = Take(scene_id=scene.id, seam=_seam(58, "warn"))
    for take in (plain, with_seam):
        controller.store.save_take(take)
    run(controller.select_take(scene.id, with_seam.id))  # stored, read back as after a run

    inspector = SceneInspector(controller, QUndoStack())
    qtbot.addWidget(inspector)
    inspector.show()
    inspector.show_scene(scene.id)
    assert inspector.seam_label.isVisible()
    assert inspector.seam_label.text() == "Seam 58 · check"
    assert "Brightness drift" in inspector.seam_label.toolTip()
    inspector.show_scene(controller.scenes()[0].id)  # no seam report: nothing shown
    assert inspector.seam_label.isHidden()

    strip = TakesStrip(controller)
    qtbot.addWidget(strip)
    strip.show_scene(scene.id)
    until(lambda: strip.list.count() == 2, what="takes listed")
    labels = [strip.list.item(row).text() for row in range(strip.list.count())]
    assert "Seam" not in labels[0] and labels[1].endswith("\nSeam 58 · check")
    assert "Colour drift: ΔE 4.5" in strip.list.item(1).toolTip()
