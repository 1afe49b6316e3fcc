"""The clip preview plays real H.264 clips with both backends (QtMultimedia and the OpenCV
frame player), scrubs, pauses, shows posters, and releases everything on close."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from genstudio.media.ffmpeg import ffmpeg_exe
from genstudio.models import Take
from tests.ui.fixtures_b import *  # noqa: F403
from tests.ui.fixtures_b import run_until
from ui.views.clip_preview import HAVE_MULTIMEDIA, ClipPreview

BACKENDS = [
    "opencv",
    pytest.param(
        "multimedia",
        marks=pytest.mark.skipif(
            not HAVE_MULTIMEDIA, reason="QtMultimedia cannot be loaded here (libpulse0 missing?)"
        ),
    ),
]


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """A project folder with a 2 s 24 fps H.264 clip and its reference still."""
    (tmp_path / "clips").mkdir()
    (tmp_path / "images").mkdir()
    clip = tmp_path / "clips" / "scene-001.mp4"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x192:rate=24",
            "-t",
            "2",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-y",
            str(clip),
        ],
        check=True,
        timeout=60,
    )
    still = np.full((192, 320, 3), (40, 120, 200), np.uint8)
    cv2.imwrite(str(tmp_path / "images" / "scene-001.png"), still)
    return tmp_path


def _take(**paths: str) -> Take:
    return Take(scene_id="s1", **paths)


@pytest.mark.parametrize("backend", BACKENDS)
def test_plays_scrubs_pauses_and_releases(qtbot, qloop, no_leftovers, project_dir, backend):
    preview = ClipPreview(backend=backend)
    qtbot.addWidget(preview)
    preview.resize(480, 320)
    preview.show()
    frames: list[int] = []
    preview.frameShown.connect(frames.append)

    take = _take(clip="clips/scene-001.mp4", reference_image="images/scene-001.png")
    preview.show_take(project_dir, take)
    run_until(qloop, lambda: preview.play_button.isEnabled())
    run_until(qloop, lambda: preview.duration_ms() > 0)
    assert 1900 <= preview.duration_ms() <= 2100

    preview.play_button.click()
    run_until(qloop, lambda: len(frames) >= 10 and max(frames) >= 300, timeout=15)
    assert preview.is_playing()
    assert frames == sorted(frames)  # playback moves forward

    preview.play_button.click()
    run_until(qloop, lambda: not preview.is_playing())
    frames.clear()
    preview.seek(1500)
    run_until(qloop, lambda: any(1300 <= f <= 1700 for f in frames), timeout=15)
    assert not preview.is_playing()

    preview.close()
    assert not preview.is_playing()
    if backend == "opencv":
        assert not preview._cv._timer.isActive() and preview._cv._source is None


def test_opencv_player_stops_at_the_end_and_rewinds(qtbot, qloop, no_leftovers, project_dir):
    preview = ClipPreview(backend="opencv")
    qtbot.addWidget(preview)
    preview.show()
    frames: list[int] = []
    preview.frameShown.connect(frames.append)
    preview.show_take(project_dir, _take(clip="clips/scene-001.mp4"))
    run_until(qloop, lambda: preview.play_button.isEnabled())
    preview.play()
    run_until(qloop, lambda: not preview.is_playing(), timeout=15)
    assert max(frames) >= 1900  # reached the last frames
    frames.clear()
    preview.play()  # starts again from the top
    run_until(qloop, lambda: bool(frames))
    assert min(frames) < 500
    preview.close()


def test_poster_and_missing_media(qtbot, qloop, no_leftovers, project_dir):
    preview = ClipPreview(backend="opencv")
    qtbot.addWidget(preview)
    preview.resize(400, 300)
    preview.show()
    shown: list[str] = []
    preview.posterShown.connect(shown.append)

    preview.show_take(project_dir, _take(reference_image="images/scene-001.png"))
    run_until(qloop, lambda: bool(shown))
    assert shown == [str(project_dir / "images" / "scene-001.png")]
    pixmap = preview.poster_label.pixmap()
    assert not pixmap.isNull() and pixmap.width() <= 400
    assert not preview.play_button.isEnabled()  # a still cannot be played

    preview.show_take(project_dir, _take(clip="clips/missing.mp4"))
    assert preview.poster_label.text() == "This take has no image or clip yet"
    preview.show_take(project_dir, None)
    assert preview.poster_label.text() == "No take selected"

    bad = project_dir / "images" / "broken.png"
    bad.write_bytes(b"not a png")
    preview.show_poster(bad)
    run_until(qloop, lambda: "not an image" in preview.poster_label.text())
    preview.close()
