"""The Conform dialog on real clips: a dry run reports what matched and what did not, Assemble
writes the film and its .otio and says where, bad folders are named, Cancel writes nothing;
the File menu opens it with a project and with none."""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio
import pytest
from PySide6.QtGui import QDesktopServices

from tests.engine.assembly_inputs import solid_clip
from tests.ui.conftest import add_project
from tests.ui.fixtures_b import wait_until
from ui.i18n import install_translator
from ui.views.conform_dialog import NAME_ORDER, PROGRESS_STEPS, ConformDialog
from ui.views.conform_report import (
    CLIP_WITHOUT_SCENE,
    MATCH,
    REJECTED,
    SCENE_WITHOUT_CLIP,
)
from ui.views.main_window import MainWindow


def _dialog(qtbot, controller, folder: Path, output: Path) -> ConformDialog:
    dialog = ConformDialog(controller)
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(folder))
    dialog.output_edit.setText(str(output))
    dialog.open()
    return dialog


async def _click(dialog: ConformDialog, button) -> None:
    button.click()
    assert dialog.is_running()
    await wait_until(lambda: not dialog.is_running(), 60)


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    """Scene 1 by the name, scene 2 by a sidecar, a clip of no scene, a broken download."""
    folder = tmp_path / "Downloads"
    folder.mkdir()
    solid_clip(folder / "scene_1.mp4", "red", duration=1.0)
    solid_clip(folder / "download.mp4", "green", duration=1.0)
    (folder / "download.mp4.json").write_text(json.dumps({"scene": 2}), encoding="utf-8")
    solid_clip(folder / "bloopers.mp4", "blue", duration=1.0)
    (folder / "broken.mp4").write_bytes(b"not a video at all")
    (folder / "notes.txt").write_text("not a clip", encoding="utf-8")
    return folder


def test_dry_run_reports_then_assemble_writes_film_and_otio(
    qtbot, qloop, controller, downloads, tmp_path, monkeypatch
) -> None:
    qloop.run_until_complete(controller.open_project(add_project(controller, 3, title="Rooms")))
    output = tmp_path / "out" / "rooms.mp4"
    dialog = _dialog(qtbot, controller, downloads, output)
    assert dialog.project_id() == controller.project_id  # the open project comes first
    assert not dialog.transition_combo.isEnabled()  # scenes are joined as the pipeline does
    assert not dialog.assemble_button.isEnabled()  # nothing to assemble before a check
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    values: list[int] = []
    dialog.progress.valueChanged.connect(values.append)

    qloop.run_until_complete(_click(dialog, dialog.check_button))
    rows = dialog.report.rows()
    assert [(kind, cells[:3]) for kind, cells in rows] == [
        (MATCH, ["1", "scene_1.mp4", "80 %"]),
        (MATCH, ["2", "download.mp4", "99 %"]),
        (SCENE_WITHOUT_CLIP, ["3", "—", ""]),
        (CLIP_WITHOUT_SCENE, ["—", "bloopers.mp4", ""]),
        (REJECTED, ["—", "broken.mp4", ""]),
    ]
    assert rows[0][1][3].startswith("scene number in the file name")
    assert rows[1][1][3].startswith("sidecar says scene 2")
    assert rows[4][1][3].startswith("Not used: broken.mp4: ")
    assert dialog.summary_label.text() == (
        "Scenes matched: 2 of 3. Clips without a scene: 1. Files not used: 1."
    )
    assert dialog.status_label.text() == "Nothing written yet: “Assemble” makes the film."
    assert dialog.assemble_button.isEnabled() and not output.parent.exists()

    qloop.run_until_complete(_click(dialog, dialog.assemble_button))
    timeline = output.with_suffix(".otio")
    assert dialog.status_label.text() == (
        f"Film written to {output}\nTimeline (.otio) written to {timeline}"
    )
    assert output.is_file() and timeline.is_file()
    clips = otio.adapters.read_from_file(str(timeline)).find_clips()
    assert [Path(c.media_reference.target_url).name for c in clips] == [
        "scene_1.mp4",
        "download.mp4",
    ]
    assert values[-1] == PROGRESS_STEPS and values == sorted(values)
    dialog.open_folder_button.click()
    assert opened == [str(output.parent)]
    assert dialog.assemble_button.text() == "Assemble again"
    dialog.close()


def test_no_project_clips_in_name_order_become_a_film(qtbot, qloop, controller, tmp_path) -> None:
    folder = tmp_path / "takes"
    folder.mkdir()
    for name, colour in (("shot10.mp4", "blue"), ("shot2.mp4", "red"), ("shot1.mp4", "green")):
        solid_clip(folder / name, colour, duration=1.0)
    dialog = ConformDialog(controller)  # no project open: only the name-order choice
    qtbot.addWidget(dialog)
    assert [dialog.mode_combo.itemData(i) for i in range(dialog.mode_combo.count())] == [NAME_ORDER]
    dialog.folder_edit.setText(str(folder))
    assert dialog.output_edit.text() == str(tmp_path / "takes.mp4")  # beside the folder
    dialog.transition_combo.setCurrentIndex(dialog.transition_combo.findData("cut"))
    dialog.open()

    async def scenario() -> None:
        await _click(dialog, dialog.check_button)
        assert [cells[:2] for _, cells in dialog.report.rows()] == [
            ["1", "shot1.mp4"],
            ["2", "shot2.mp4"],
            ["3", "shot10.mp4"],
        ]
        assert dialog.summary_label.text() == "Clips in name order: 3. Files not used: 0."
        await _click(dialog, dialog.assemble_button)

    qloop.run_until_complete(scenario())
    film, timeline = tmp_path / "takes.mp4", tmp_path / "takes.otio"
    assert film.is_file() and timeline.is_file()
    assert str(film) in dialog.status_label.text() and str(timeline) in dialog.status_label.text()
    assert len(otio.adapters.read_from_file(str(timeline)).find_clips()) == 3
    dialog.close()


def test_errors_name_the_folder_and_nothing_is_assembled(
    qtbot, qloop, controller, tmp_path
) -> None:
    qloop.run_until_complete(controller.open_project(add_project(controller, 2, title="Rooms")))
    missing = tmp_path / "no such folder"
    output = tmp_path / "film.mp4"
    dialog = _dialog(qtbot, controller, missing, output)

    async def scenario() -> None:
        await _click(dialog, dialog.check_button)
        assert dialog.status_label.text() == f"The folder {missing} does not exist."
        assert not dialog.assemble_button.isEnabled()

        unrelated = tmp_path / "unrelated"
        unrelated.mkdir()
        solid_clip(unrelated / "holiday.mp4", "red", duration=1.0)
        dialog.folder_edit.setText(str(unrelated))
        await _click(dialog, dialog.check_button)
        assert dialog.status_label.text() == (f"No clip in {unrelated} matches a scene of “Rooms”.")
        assert dialog.report.rows()[-1][0] == CLIP_WITHOUT_SCENE
        assert not dialog.assemble_button.isEnabled()

    qloop.run_until_complete(scenario())
    dialog.output_edit.setText(str(tmp_path / "film.mov"))
    dialog.check_button.click()  # refused before anything runs
    assert not dialog.is_running()
    assert dialog.status_label.text() == "The film is written as MP4: end the name with .mp4"
    assert not output.exists()
    dialog.close()


def test_cancel_leaves_no_film(qtbot, qloop, controller, tmp_path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    solid_clip(folder / "a.mp4", "red", duration=1.0)
    solid_clip(folder / "b.mp4", "green", duration=1.0)
    output = tmp_path / "out" / "film.mp4"
    dialog = _dialog(qtbot, controller, folder, output)

    async def scenario() -> None:
        await _click(dialog, dialog.check_button)
        dialog.assemble_button.click()
        assert dialog.close_button.text() == "Cancel"
        dialog.close_button.click()  # while running: cancel, not close
        await wait_until(lambda: not dialog.is_running(), 60)

    qloop.run_until_complete(scenario())
    assert dialog.isVisible()
    assert dialog.status_label.text() == f"Cancelled. {output} was not changed."
    assert not output.exists() and not output.with_suffix(".otio").exists()
    assert not output.parent.exists() or not list(output.parent.iterdir())  # no partial file
    assert not dialog.open_folder_button.isEnabled() and dialog.close_button.text() == "Close"
    dialog.close()


def test_file_menu_opens_it_with_and_without_a_project(
    qtbot, qloop, controller, open_window, qapp
) -> None:
    window = open_window(MainWindow(controller))
    assert window.actions_.conform in window.menuBar().actions()[0].menu().actions()
    window.actions_.conform.trigger()
    dialog = window.dialogs["conform"]
    assert isinstance(dialog, ConformDialog) and dialog.isVisible()
    assert dialog.mode_combo.count() == 1 and dialog.project_id() is None
    dialog.close()

    qloop.run_until_complete(controller.open_project(add_project(controller, 2, title="Rooms")))
    assert install_translator(qapp, "es") == "es"
    try:
        window.actions_.conform.trigger()
        dialog = window.dialogs["conform"]
        assert dialog.windowTitle() == "Conformar una carpeta de clips"
        assert dialog.mode_combo.count() == 2 and dialog.project_id() == controller.project_id
        dialog.close()
    finally:
        assert install_translator(qapp, "en") == "en"
