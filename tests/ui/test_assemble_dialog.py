"""The Assemble dialog on real clips: options reach the assembler, the progress bar follows
FFmpeg, Cancel stops FFmpeg and writes nothing, Open folder opens the film's folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtGui import QDesktopServices

from genstudio.media.ffmpeg import ffmpeg_exe
from genstudio.media.looks import look_names
from genstudio.media.probe import probe as probe_media
from genstudio.models import AudioCue, DialogueLine, Scene, SceneStatus, Take
from genstudio.projects import new_project_from_idea
from genstudio.timeline import TRANSITION_KINDS
from tests.ui.fake_controller import FakeController
from tests.ui.fixtures_b import *  # noqa: F403
from tests.ui.fixtures_b import wait_until
from ui.views.assemble_dialog import PROGRESS_STEPS, AssembleDialog


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-v", "error", *args, "-y"], check=True, timeout=120)


def make_rendered_project(controller, seconds: float) -> str:
    """A project whose two scenes have finished clips (and one voiced line), made directly."""
    store = controller.store
    project = new_project_from_idea(
        store, controller.workspace, title="Export test", idea="two shots"
    )
    folder = controller.workspace.project_dir(project.folder)
    scenes = [
        Scene(number=n, duration=seconds, status=SceneStatus.COMPLETED, visual_prompt=f"shot {n}")
        for n in (1, 2)
    ]
    scenes[0].dialogue = [DialogueLine(character="ANA", line="Good morning.")]
    store.replace_scenes(project.id, scenes)
    for scene in scenes:
        clip = f"clips/scene-{scene.number}.mp4"
        _ffmpeg(
            "-f",
            "lavfi",
            "-i",
            f"testsrc=size=320x192:rate=24:duration={seconds}",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            str(folder / clip),
        )
        frame = f"frames/scene-{scene.number}-end.png"
        cv2.imwrite(str(folder / frame), np.zeros((192, 320, 3), np.uint8))
        take = Take(scene_id=scene.id, clip=clip, clip_duration=seconds, end_frame=frame)
        if scene.dialogue:
            _ffmpeg(
                "-f", "lavfi", "-i", "sine=frequency=440:duration=1", str(folder / "audio/l.wav")
            )
            take.audio = [AudioCue(line_index=0, path="audio/l.wav", start=0.2, duration=1.0)]
        store.save_take(take)
        scene.selected_take_id = take.id
        store.save_scene(project.id, scene)
    return project.id


def _dialog(qtbot, controller, output: Path) -> AssembleDialog:
    dialog = AssembleDialog(controller)
    qtbot.addWidget(dialog)
    dialog.output_edit.setText(str(output))
    dialog.open()
    return dialog


@pytest.fixture
def fake(qloop, workspace):
    controller = FakeController(workspace)
    yield controller
    qloop.run_until_complete(controller.shutdown())


def test_export_with_options_progress_and_open_folder(
    qtbot, qloop, no_leftovers, fake, tmp_path, monkeypatch
) -> None:
    qloop.run_until_complete(fake.open_project(make_rendered_project(fake, 1.5)))
    output = tmp_path / "out" / "film.mp4"
    dialog = _dialog(qtbot, fake, output)
    dialog.transition_combo.setCurrentIndex(dialog.transition_combo.findData("crossfade"))
    assert dialog.transition_seconds.isEnabled()
    dialog.transition_seconds.setValue(0.5)
    dialog.music_combo.setCurrentIndex(dialog.music_combo.findData("none"))
    assert dialog.subtitles_combo.currentData() == "sidecar"
    values: list[int] = []
    dialog.progress.valueChanged.connect(values.append)
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))

    async def scenario() -> None:
        dialog.assemble_button.click()
        assert not dialog.assemble_button.isEnabled() and dialog.cancel_button.text() == "Cancel"
        await wait_until(lambda: dialog.open_folder_button.isEnabled(), 60)

    qloop.run_until_complete(scenario())
    assert dialog.status_label.text() == f"Film written to {output}"
    assert values[-1] == PROGRESS_STEPS and any(0 < v < PROGRESS_STEPS for v in values)
    assert values == sorted(values)  # the bar never goes backwards
    info = probe_media(output)
    assert abs(info.duration - 2.5) < 0.1  # 1.5 + 1.5 s with a 0.5 s crossfade
    assert output.with_suffix(".srt").read_text(encoding="utf-8").count("Good morning.") == 1
    dialog.open_folder_button.click()
    assert opened == [str(output.parent)]
    assert dialog.assemble_button.text() == "Assemble again"

    # again, with cuts and no subtitle file: the options change the film
    dialog.transition_combo.setCurrentIndex(dialog.transition_combo.findData("cut"))
    dialog.subtitles_combo.setCurrentIndex(dialog.subtitles_combo.findData("none"))
    qloop.run_until_complete(_click_and_wait(dialog))
    assert abs(probe_media(output).duration - 3.0) < 0.1
    assert not output.with_suffix(".srt").exists()
    dialog.close()


async def _click_and_wait(dialog: AssembleDialog) -> None:
    dialog.assemble_button.click()
    await wait_until(lambda: not dialog.is_running(), 60)


def test_cancel_stops_ffmpeg_and_writes_nothing(qtbot, qloop, no_leftovers, b_controller, tmp_path):
    qloop.run_until_complete(b_controller.open_project(make_rendered_project(b_controller, 8.0)))
    output = tmp_path / "film.mp4"
    dialog = _dialog(qtbot, b_controller, output)

    async def scenario() -> None:
        dialog.assemble_button.click()
        await wait_until(lambda: dialog.progress.value() > 0, 60)
        dialog.cancel_button.click()  # while FFmpeg runs: cancel, not close
        await wait_until(lambda: not dialog.is_running(), 30)

    qloop.run_until_complete(scenario())
    assert dialog.isVisible()
    assert dialog.status_label.text() == "Cancelled. Nothing was written."
    assert not output.exists() and not list(tmp_path.glob("film*.mp4"))
    assert not dialog.open_folder_button.isEnabled()
    dialog.close()


def test_validation_and_unavailable_options(qtbot, qloop, b_controller, tmp_path) -> None:
    dialog = _dialog(qtbot, b_controller, tmp_path / "film.mov")
    dialog.assemble_button.click()
    assert dialog.status_label.text() == "The film is written as MP4: end the name with .mp4"
    dialog.output_edit.setText(str(tmp_path / "film.mp4"))
    dialog.music_combo.setCurrentIndex(dialog.music_combo.findData("file"))
    dialog.music_edit.setText(str(tmp_path / "missing.wav"))
    dialog.assemble_button.click()
    assert dialog.status_label.text() == "Choose an existing music file."
    assert not dialog.is_running()

    # the assembler's own lists: every transition kind and look preset is offered
    kinds = [dialog.transition_combo.itemData(i) for i in range(dialog.transition_combo.count())]
    assert kinds == ["auto", *TRANSITION_KINDS]
    looks = [dialog.look_combo.itemData(i) for i in range(dialog.look_combo.count())]
    assert looks == [None, *(n for n in look_names() if n != "neutral")]
    assert dialog.subtitles_combo.findData("burned") >= 0
    assert not dialog.transition_seconds.isEnabled()  # automatic: the pipeline's own lengths
    dialog.transition_combo.setCurrentIndex(dialog.transition_combo.findData("cut"))
    assert not dialog.transition_seconds.isEnabled()  # a cut has no length
    dialog.transition_combo.setCurrentIndex(dialog.transition_combo.findData("wipeleft"))
    assert dialog.transition_seconds.isEnabled()
    dialog.transition_combo.setCurrentIndex(0)
    dialog.normalise_box.setChecked(False)
    assert not dialog.loudness.isEnabled()
    dialog.music_edit.setText("")
    dialog.music_combo.setCurrentIndex(0)
    options = dialog.options()
    assert options is not None and options.loudness is None and options.music == "project"
    assert dialog.loudness.value() == -14.0
    dialog.close()


def _frame(path: Path, seconds: float) -> np.ndarray:
    capture = cv2.VideoCapture(str(path))
    capture.set(cv2.CAP_PROP_POS_MSEC, seconds * 1000)
    ok, frame = capture.read()
    capture.release()
    assert ok, f"no frame at {seconds} s in {path}"
    return frame.astype(np.int16)


def test_look_dip_and_burned_subtitles_reach_the_film(qtbot, qloop, fake, tmp_path) -> None:
    qloop.run_until_complete(fake.open_project(make_rendered_project(fake, 1.5)))
    burned, plain = tmp_path / "burned.mp4", tmp_path / "plain.mp4"
    dialog = _dialog(qtbot, fake, burned)
    dialog.transition_combo.setCurrentIndex(dialog.transition_combo.findData("dip"))
    dialog.transition_seconds.setValue(0.5)
    dialog.look_combo.setCurrentIndex(dialog.look_combo.findData("noir"))
    dialog.music_combo.setCurrentIndex(dialog.music_combo.findData("none"))
    dialog.subtitles_combo.setCurrentIndex(dialog.subtitles_combo.findData("burned"))
    qloop.run_until_complete(_click_and_wait(dialog))
    assert dialog.status_label.text() == f"Film written to {burned}"
    dialog.output_edit.setText(str(plain))
    dialog.subtitles_combo.setCurrentIndex(dialog.subtitles_combo.findData("none"))
    qloop.run_until_complete(_click_and_wait(dialog))
    dialog.close()

    assert abs(probe_media(burned).duration - 2.5) < 0.1  # the dip overlaps the clips by 0.5 s
    assert not burned.with_suffix(".srt").exists()  # burned in, no sidecar
    with_text, without = _frame(burned, 0.7), _frame(plain, 0.7)  # "Good morning." is spoken
    channels = with_text[..., 0] - with_text[..., 2], with_text[..., 1] - with_text[..., 2]
    assert max(int(np.abs(c).max()) for c in channels) < 24  # noir: black and white
    height = with_text.shape[0]
    assert np.abs(with_text[: height // 2] - without[: height // 2]).mean() < 2
    assert np.abs(with_text[height * 2 // 3 :] - without[height * 2 // 3 :]).mean() > 2
