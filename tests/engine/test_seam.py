"""Seam check: a continuation's start frame measured against the previous scene.

Clips are real: builtin stills rendered into builtin camera-move clips (x264), some with a
drift baked in frame by frame (exposure falling, a blur growing), as a video model drifts.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import cv2
import numpy as np
import pytest

from genstudio.cli_output import Printer, print_status
from genstudio.events import EventBus, LogLine, StepChanged
from genstudio.media.frames import first_frame, last_frame
from genstudio.media.images import load_image, save_frame
from genstudio.media.seam import (
    THRESHOLDS,
    check_seam,
    match_colour,
    matched_path,
    measure_seam,
    score_seam,
)
from genstudio.models import CameraMove, ImageSource, SeamReport, StepName, StepStatus, Take
from genstudio.pipeline import Pipeline
from genstudio.projects import new_project_from_fountain
from genstudio.providers.base import MediaResult, VideoRequest
from genstudio.providers.builtin.images import render_still
from genstudio.providers.builtin.video import (
    encode_frames,
    fit_to_frame,
    frame_count,
    motion_frames,
    read_still,
)
from genstudio.providers.registry import build_providers
from tests.engine.pipeline_helpers import write_tiny

W, H = 1280, 768  # the real default (landscape) size the thresholds were measured at
NIGHT_KITCHEN = "INT. KITCHEN - NIGHT Mara pours coffee"  # dark, little texture: hard to align


def darken(frame: np.ndarray, t: float, amount: float) -> np.ndarray:
    return np.clip(frame.astype(np.float32) * (1 - amount * t) + 0.5, 0, 255).astype(np.uint8)


def blur(frame: np.ndarray, t: float, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(frame, (0, 0), sigma * t) if sigma * t > 0.05 else frame


def drifting_clip(path: Path, still: np.ndarray, move: CameraMove, drift=None, seconds=1.0):
    """A builtin camera-move clip with `drift(frame, t)` applied, t going 0 → 1."""
    count = frame_count(seconds, 24)
    frames = motion_frames(still, move, count)
    if drift is not None:
        frames = (drift(f, i / (count - 1)) for i, f in enumerate(frames))
    h, w = still.shape[:2]
    encode_frames(frames, path, w, h, 24, timeout=120)
    return path


def end_frame_of(clip: Path) -> Path:
    return save_frame(last_frame(clip), clip.with_name(f"{clip.stem}-end.png"))


@pytest.fixture(scope="module")
def kitchen() -> np.ndarray:
    return render_still(NIGHT_KITCHEN, W, H, seed=0)


# -- scoring ---------------------------------------------------------------------------------


def test_identical_frames_score_100(kitchen) -> None:
    report = measure_seam(kitchen, kitchen.copy())
    assert report.verdict == "ok" and report.score >= 95
    assert report.luma_drift < 0.01 and report.colour_drift < 0.01
    assert report.sharpness_ratio == pytest.approx(1.0, abs=0.01)
    assert report.colour_matched is False


def test_score_falls_through_the_thresholds() -> None:
    t = THRESHOLDS
    assert score_seam(0, 0, 1.0).score == 100
    assert score_seam(t.luma_warn * 0.99, 0, 1.0).verdict == "ok"
    assert score_seam(t.luma_warn * 1.01, 0, 1.0).verdict == "warn"
    assert score_seam(0, t.colour_bad * 1.01, 1.0).verdict == "bad"
    assert score_seam(0, 0, t.sharpness_warn * 1.01).verdict == "ok"
    assert score_seam(0, 0, t.sharpness_warn * 0.99).verdict == "warn"
    assert score_seam(0, 0, t.sharpness_bad * 0.99).verdict == "bad"
    assert score_seam(0, 0, 3.0).score == 100  # sharper than the reference is no seam problem
    # the worst aspect decides: a perfect colour does not hide a blur
    assert score_seam(0, 0, 0.05).score == score_seam(5, 5, 0.05).score
    scores = [score_seam(d, d, 1.0).score for d in (0, 1, 2, 4, 8, 12, 16)]
    assert scores == sorted(scores, reverse=True) and scores[-1] == 0


def test_a_flat_frame_is_measured_not_crashed_on() -> None:
    grey = np.full((H, W, 3), 128, np.uint8)
    assert measure_seam(grey, grey.copy()).verdict == "ok"
    assert measure_seam(grey, np.full_like(grey, 60)).verdict == "bad"  # ΔL* ≈ 28


def test_size_differences_do_not_count_as_drift(kitchen) -> None:
    half = cv2.resize(kitchen, (W // 2, H // 2), interpolation=cv2.INTER_AREA)
    assert measure_seam(kitchen, half).verdict == "ok"


# -- real clips ------------------------------------------------------------------------------


@pytest.mark.parametrize("move", [CameraMove.PAN_RIGHT, CameraMove.PULL_OUT])
def test_camera_moves_without_drift_are_ok(tmp_path, kitchen, move) -> None:
    # Both change the frame's mean L* by 4-6 (a pan leaves the vignette, a pull out reveals
    # a darkened surround): without alignment these would be flagged as exposure drift.
    clip = drifting_clip(tmp_path / "c.mp4", kitchen, move)
    check = check_seam(clip, end_frame_of(clip))
    assert check.report.verdict == "ok", check.report
    assert check.report.luma_drift < 2.0 and not check.report.colour_matched
    assert check.start_image == clip.with_name("c-end.png")


def test_exposure_drift_is_bad_and_colour_matched_beside_the_real_frame(tmp_path, kitchen):
    clip = drifting_clip(
        tmp_path / "dark.mp4", kitchen, CameraMove.PUSH_IN, lambda f, t: darken(f, t, 0.3)
    )
    end = end_frame_of(clip)
    original = end.read_bytes()
    check = check_seam(clip, end)
    assert check.measured.verdict == "bad" and check.measured.luma_drift > THRESHOLDS.luma_bad
    assert check.measured.colour_matched is False
    # the correction is a copy beside the real last frame, which is left as it was
    assert check.start_image == matched_path(end) and check.start_image.parent == end.parent
    assert end.read_bytes() == original
    assert check.report.colour_matched is True
    assert check.report.colour_drift < THRESHOLDS.colour_warn
    assert check.report.luma_drift < THRESHOLDS.luma_warn
    assert check.report.verdict == "ok"
    # and the file on disk is what was measured
    again = measure_seam(first_frame(clip), load_image(check.start_image))
    assert again.colour_drift == pytest.approx(check.report.colour_drift, abs=0.05)


def test_colour_matching_can_be_turned_off(tmp_path, kitchen) -> None:
    clip = drifting_clip(
        tmp_path / "dark.mp4", kitchen, CameraMove.STATIC, lambda f, t: darken(f, t, 0.3)
    )
    end = end_frame_of(clip)
    check = check_seam(clip, end, colour_match=False)
    assert check.report.verdict == "bad" and not check.report.colour_matched
    assert check.start_image == end and not matched_path(end).exists()


def test_blur_is_flagged_but_not_corrected(tmp_path, kitchen) -> None:
    clip = drifting_clip(
        tmp_path / "soft.mp4", kitchen, CameraMove.STATIC, lambda f, t: blur(f, t, 2.0)
    )
    end = end_frame_of(clip)
    check = check_seam(clip, end)
    assert check.report.verdict == "bad", check.report
    assert check.report.sharpness_ratio < THRESHOLDS.sharpness_bad
    assert check.report.colour_drift < THRESHOLDS.colour_warn  # it is only the blur
    assert check.start_image == end and not matched_path(end).exists()


def test_match_colour_removes_a_cast(kitchen) -> None:
    warm = np.clip(kitchen.astype(np.float32) * [0.8, 1.0, 1.2], 0, 255).astype(np.uint8)
    before = measure_seam(kitchen, warm)
    assert before.colour_drift > THRESHOLDS.colour_bad
    after = measure_seam(kitchen, match_colour(warm, kitchen))
    assert after.colour_drift < THRESHOLDS.colour_warn / 2
    assert after.sharpness_ratio > 0.9  # the correction does not soften the picture


def test_seam_measurement_is_fast(kitchen) -> None:
    import time

    last = cv2.GaussianBlur(kitchen, (0, 0), 1.0)
    measure_seam(kitchen, last)  # warm up OpenCV
    started = time.perf_counter()
    for _ in range(5):
        measure_seam(kitchen, last)
    per_seam = (time.perf_counter() - started) / 5
    assert per_seam < 0.25, f"{per_seam * 1000:.0f} ms per seam at 1280×768"


# -- in the pipeline -------------------------------------------------------------------------


class DarkeningVideo:
    """The builtin video provider, except that the given scene's clip darkens by 35%."""

    name = "darkening-video"

    def __init__(self, darken_scene: str) -> None:
        self.inner = build_providers().video
        self.darken_scene = darken_scene

    async def generate_video(self, request: VideoRequest) -> MediaResult:
        result = await self.inner.generate_video(request)
        if request.scene_id == self.darken_scene:
            still = fit_to_frame(read_still(request.image_path), request.width, request.height)
            tmp = result.path.with_name(f"drift-{result.path.name}")
            await asyncio.to_thread(
                drifting_clip, tmp, still, request.camera, lambda f, t: darken(f, t, 0.35),
                request.duration,
            )  # fmt: skip
            tmp.replace(result.path)
        return result


@pytest.mark.asyncio
async def test_continuation_take_carries_its_seam(store, workspace, tmp_path) -> None:
    project = new_project_from_fountain(store, workspace, write_tiny(tmp_path))
    providers = build_providers()
    await Pipeline(store, workspace, project.id, providers=providers).run()  # plan only
    scenes = store.list_scenes(project.id)
    assert scenes[1].continues_from == scenes[0].id  # EXT. PORCH - CONTINUOUS
    for scene in scenes:  # short clips keep the test fast; the frame size stays 1280×768
        scene.duration = 1.0
        store.save_scene(project.id, scene)
    providers.video = DarkeningVideo(scenes[0].id)
    events, warnings = EventBus(), []
    pipeline = Pipeline(
        store, workspace, project.id, providers=providers, auto_approve=True, events=events
    )
    task = asyncio.ensure_future(pipeline.run())

    def watch(event) -> None:
        if isinstance(event, LogLine):
            warnings.append(event.message)
        if (  # the seams are all made by now: skip audio, music and assembly
            isinstance(event, StepChanged)
            and event.step is StepName.GENERATE_VIDEOS
            and event.status is StepStatus.COMPLETED
        ):
            task.cancel()

    events.subscribe(watch)
    with pytest.raises(asyncio.CancelledError):
        await task

    scenes = store.list_scenes(project.id)
    first, second, third = (store.get_take(s.selected_take_id) for s in scenes)
    assert first.seam is None and third.seam is None  # not continuations
    seam = second.seam
    assert isinstance(seam, SeamReport) and seam.colour_matched and seam.verdict == "ok"
    end = workspace.project_dir(project.folder) / first.end_frame
    assert second.reference_source is ImageSource.PREVIOUS_FRAME
    assert second.reference_image == matched_path(Path(first.end_frame)).as_posix()
    assert end.is_file() and (end.parent / Path(second.reference_image).name).is_file()
    assert second.image_provenance is not None
    assert first.end_frame in second.image_provenance.prompt
    assert any("scenes 1→2" in w and "(bad)" in w for w in warnings), warnings
    # the stored take round-trips with its seam
    assert Take.model_validate_json(second.model_dump_json()).seam == seam

    lines: list[str] = []
    printer = Printer()
    printer.line = lines.append  # type: ignore[method-assign]
    print_status(store, project.id, printer)
    seam_lines = [line for line in lines if "1→2" in line]
    assert len(seam_lines) == 1 and "colour-matched" in seam_lines[0], lines
