"""Builtin camera-motion clips: exact start frame, right direction, frame count and codec."""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from genstudio.errors import MediaError, ProviderError
from genstudio.media.ffmpeg import ffmpeg_exe
from genstudio.models import CameraMove
from genstudio.providers.base import VideoGen, VideoRequest
from genstudio.providers.builtin import video
from genstudio.providers.builtin.images import render_still
from genstudio.providers.builtin.video import BuiltinVideoGen, camera_matrix, render_clip
from tests.engine.probe_util import streams_and_duration

W, H = 320, 192


def _still(tmp_path: Path, width: int = W, height: int = H, name: str = "start.png") -> Path:
    path = tmp_path / name
    image = render_still("EXT. MAIN STREET - DAY. ANNA and TOM wait.", width, height, seed=2)
    cv2.imwrite(str(path), image)
    return path


def _request(tmp_path: Path, image: Path, move: CameraMove, **kw) -> VideoRequest:
    values = {"duration": 1.0, "width": W, "height": H, "fps": 24, "prompt": "street"}
    values.update(kw)
    return VideoRequest(
        image_path=image, out_path=tmp_path / f"{move.value}.mp4", camera=move, **values
    )


def _decode(path: Path) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames


def _mad(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean())


def _gray(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32)


def test_every_move_is_the_identity_at_the_start() -> None:
    for move in CameraMove:
        assert np.array_equal(camera_matrix(move, 0.0, 1280, 768), [[1, 0, 0], [0, 1, 0]])
        assert not np.allclose(camera_matrix(move, 1.0, 1280, 768), [[1, 0, 0], [0, 1, 0]])


@pytest.mark.parametrize("move", list(CameraMove))
def test_clip_starts_on_the_input_and_ends_where_the_move_goes(
    tmp_path: Path, move: CameraMove
) -> None:
    still = _still(tmp_path)
    duration = render_clip(_request(tmp_path, still, move))
    frames = _decode(tmp_path / f"{move.value}.mp4")
    assert len(frames) == 24 and duration == pytest.approx(1.0)
    source = cv2.imread(str(still))
    # only the encoder's loss (fine grain, 4:2:0 chroma): no initial zoom or offset
    assert _mad(frames[0], source) < 4.0
    (dx, dy), _ = cv2.phaseCorrelate(_gray(source), _gray(frames[0]))
    assert abs(dx) < 0.2 and abs(dy) < 0.2
    expected_end = cv2.warpAffine(
        source, camera_matrix(move, 1.0, W, H), (W, H), borderMode=cv2.BORDER_REFLECT_101
    )
    if move is not CameraMove.PULL_OUT:  # its edges are the generated surround
        assert _mad(frames[-1], expected_end) < 4.0
    if move is not CameraMove.STATIC:
        assert _mad(frames[-1], frames[0]) > 8.0  # the camera really moved
    else:
        assert _mad(frames[-1], frames[0]) < 6.0  # a 1% drift, not a move


@pytest.mark.parametrize(
    ("move", "axis", "sign"),
    [
        (CameraMove.PAN_RIGHT, 0, -1),  # camera turns right: the picture slides left
        (CameraMove.PAN_LEFT, 0, 1),
        (CameraMove.TILT_UP, 1, 1),  # camera tilts up: the picture slides down
        (CameraMove.TILT_DOWN, 1, -1),
    ],
)
def test_pans_and_tilts_move_the_right_way(
    tmp_path: Path, move: CameraMove, axis: int, sign: int
) -> None:
    render_clip(_request(tmp_path, _still(tmp_path), move, duration=2.0))
    frames = _decode(tmp_path / f"{move.value}.mp4")
    # after 60% of the clip the zoom has settled and the motion is a pure translation
    shift, response = cv2.phaseCorrelate(_gray(frames[29]), _gray(frames[41]))
    assert response > 0.3
    assert shift[axis] * sign > 2.0, shift
    assert abs(shift[1 - axis]) < 1.0, shift


def test_zoom_moves_scale_the_centre(tmp_path: Path) -> None:
    still = _still(tmp_path)
    for move, grows in ((CameraMove.PUSH_IN, True), (CameraMove.PULL_OUT, False)):
        render_clip(_request(tmp_path, still, move))
        first, last = (_gray(f) for f in _decode(tmp_path / f"{move.value}.mp4")[::23])
        # compare the last frame with the first scaled about the centre by the expected zoom
        zoom = camera_matrix(move, 1.0, W, H)[0, 0]
        assert bool(zoom > 1) is grows
        scaled = cv2.warpAffine(first, camera_matrix(move, 1.0, W, H), (W, H))
        centre = (slice(H // 4, 3 * H // 4), slice(W // 4, 3 * W // 4))
        assert _mad(last[centre], scaled[centre]) < 0.5 * _mad(last[centre], first[centre])


def test_frame_count_size_and_codec(tmp_path: Path) -> None:
    request = _request(tmp_path, _still(tmp_path), CameraMove.PUSH_IN, duration=1.3, fps=25)
    assert render_clip(request) == pytest.approx(33 / 25)  # round(1.3 * 25) frames
    frames = _decode(request.out_path)
    assert len(frames) == 33 and frames[0].shape == (H, W, 3)
    info = streams_and_duration(request.out_path)
    assert info["video"] == ["h264"] and info["audio"] == []
    assert info["duration"] == pytest.approx(33 / 25, abs=0.02)
    text = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(request.out_path)], capture_output=True, text=True
    ).stderr
    assert re.search(r"Video: h264 .*yuv420p", text), text
    with open(request.out_path, "rb") as fh:  # +faststart: the index comes before the media
        head = fh.read(4096)
    assert head.find(b"moov") != -1 and (
        head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat")
    )


def test_input_of_another_size_is_fitted(tmp_path: Path) -> None:
    still = _still(tmp_path, 400, 300, "odd.png")
    request = _request(tmp_path, still, CameraMove.STATIC, duration=0.5)
    render_clip(request)
    frames = _decode(request.out_path)
    assert len(frames) == 12 and frames[0].shape == (H, W, 3)
    expected = video.fit_to_frame(cv2.imread(str(still)), W, H)
    assert _mad(frames[0], expected) < 3.0


def test_real_sizes_and_render_time(tmp_path: Path) -> None:
    landscape = _still(tmp_path, 1280, 768, "land.png")
    request = _request(
        tmp_path, landscape, CameraMove.PAN_RIGHT, duration=5.0, width=1280, height=768
    )
    started = time.perf_counter()
    render_clip(request)
    elapsed = time.perf_counter() - started
    frames = _decode(request.out_path)
    assert len(frames) == 120 and frames[0].shape == (768, 1280, 3)
    assert _mad(frames[0], cv2.imread(str(landscape))) < 3.0
    assert elapsed < 20, f"5 s 1280x768 clip took {elapsed:.1f} s"
    portrait = _still(tmp_path, 768, 1280, "port.png")
    request = _request(tmp_path, portrait, CameraMove.TILT_UP, duration=0.5, width=768, height=1280)
    render_clip(request)
    frames = _decode(request.out_path)
    assert len(frames) == 12 and frames[0].shape == (1280, 768, 3)


def test_bad_input_is_reported_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="not found"):
        render_clip(_request(tmp_path, tmp_path / "missing.png", CameraMove.STATIC))
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image at all")
    with pytest.raises(MediaError, match="cannot be read"):
        render_clip(_request(tmp_path, junk, CameraMove.STATIC))
    with pytest.raises(ProviderError, match="even"):
        render_clip(_request(tmp_path, _still(tmp_path), CameraMove.STATIC, width=321))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.png", "start.png"]


def test_ffmpeg_failure_mid_stream_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(video, "PRESET", "no-such-preset")  # libx264 refuses to open
    request = _request(tmp_path, _still(tmp_path), CameraMove.PUSH_IN)
    with pytest.raises(ProviderError, match="ffmpeg failed while encoding") as failure:
        render_clip(request)
    message = str(failure.value)
    assert "preset" in message.lower() and str(request.out_path) in message
    assert not request.out_path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["start.png"]


def test_stalled_frames_hit_the_timeout(tmp_path: Path) -> None:
    def slow_frames():
        frame = np.zeros((H, W, 3), np.uint8)
        for _ in range(50):
            time.sleep(0.1)
            yield frame

    started = time.perf_counter()
    with pytest.raises(ProviderError, match="did not finish within"):
        video.encode_frames(slow_frames(), tmp_path / "slow.mp4", W, H, 24, timeout=0.5)
    assert time.perf_counter() - started < 3


@pytest.mark.asyncio
async def test_provider_renders_and_cancels_cleanly(tmp_path: Path) -> None:
    provider = BuiltinVideoGen()
    assert isinstance(provider, VideoGen)
    still = _still(tmp_path)
    request = _request(tmp_path, still, CameraMove.PAN_LEFT, duration=0.5, seed=11)
    result = await provider.generate_video(request)
    assert result.path == request.out_path and result.duration == pytest.approx(0.5)
    prov = result.provenance
    assert (prov.provider, prov.model, prov.seed, prov.prompt) == (
        "builtin",
        "motion-v1",
        11,
        "street",
    )
    long = _request(tmp_path, still, CameraMove.PUSH_IN, duration=120.0)
    task = asyncio.create_task(provider.generate_video(long))
    await asyncio.sleep(0.5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    deadline = time.monotonic() + 10
    while any(".part" in p.name for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)  # the worker thread kills ffmpeg and removes its temp file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pan_left.mp4", "start.png"]
