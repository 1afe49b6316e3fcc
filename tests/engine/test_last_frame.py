"""last_frame / first_frame / frame_at against the ground truth: a full OpenCV decode.

Continuity depends on the next scene starting from the *real* last frame, so every case
compares pixels with `np.array_equal` — and checks that the last two frames differ, so that an
off-by-one could not pass.
"""

from __future__ import annotations

import re
import subprocess
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from genstudio.errors import MediaError
from genstudio.media import frames as frames_module
from genstudio.media.ffmpeg import ffmpeg_exe
from genstudio.media.frames import first_frame, frame_at, last_frame
from genstudio.media.probe import validate_clip
from tests.engine.media_factory import make_clip, rotate_metadata, truncate


def decode_all(path: Path) -> list[np.ndarray]:
    """Every frame, the plain way: read until OpenCV says stop."""
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    out = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        out.append(frame)
    capture.release()
    return out


@dataclass
class FullDecode:
    count: int
    first: np.ndarray
    last: np.ndarray


def assert_exact_last(path: Path) -> FullDecode:
    """Decode every frame (keeping only what is needed: a 10 s 1280×768 clip is 700 MB of
    frames) and check last_frame against the final one."""
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    count, first, tail = 0, None, deque(maxlen=2)
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        count += 1
        first = frame if first is None else first
        tail.append(frame)
    capture.release()
    assert count >= 2 and not np.array_equal(tail[-1], tail[-2])
    got = last_frame(path)
    assert got.dtype == np.uint8 and got.shape == tail[-1].shape
    assert np.array_equal(got, tail[-1])
    return FullDecode(count, first, tail[-1])


@pytest.fixture
def no_full_decode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if last_frame falls back to decoding the whole clip."""

    def forbidden(path: Path) -> np.ndarray:
        raise AssertionError(f"{path.name}: last_frame decoded the whole clip")

    monkeypatch.setattr(frames_module, "_full_decode_last", forbidden)


CONTAINERS = {
    "mp4": {},
    "mkv": {"container": "mkv"},
    "ts": {"container": "ts"},
    "fragmented_mp4": {"container": "mp4", "fragmented": True},
}


@pytest.mark.parametrize("audio", [False, True], ids=["silent", "audio"])
@pytest.mark.parametrize("bframes", [0, 2], ids=["no_b", "b_frames"])
@pytest.mark.parametrize("gop", [1, 12, 250])
@pytest.mark.parametrize("container", sorted(CONTAINERS))
def test_last_frame_is_exact(
    tmp_path, monkeypatch, container: str, gop: int, bframes: int, audio: bool
) -> None:
    ext = "mkv" if container == "mkv" else "ts" if container == "ts" else "mp4"
    # MPEG-TS tails are decoded in growing windows of at least 1 MB: shrink that so these
    # ~100 KB clips go through the windows (with and without a keyframe in them) too.
    monkeypatch.setattr(frames_module, "_MIN_TS_WINDOW", 4096)
    clip = make_clip(
        tmp_path / f"clip.{ext}",
        width=160,
        height=96,
        duration=1.5,
        gop=gop,
        bframes=bframes,
        audio=audio,
        **CONTAINERS[container],
    )
    assert_exact_last(clip)


@pytest.mark.parametrize("fps", [24, 25, 30, 29.97])
@pytest.mark.parametrize("container", sorted(CONTAINERS))
def test_last_frame_is_exact_at_common_rates(tmp_path, container: str, fps: float) -> None:
    ext = "mkv" if container == "mkv" else "ts" if container == "ts" else "mp4"
    clip = make_clip(
        tmp_path / f"clip.{ext}", width=160, height=96, fps=fps, duration=1.0, gop=12,
        audio=True, **CONTAINERS[container],
    )  # fmt: skip
    assert_exact_last(clip)


@pytest.mark.parametrize(("width", "height"), [(854, 480), (768, 1280), (1280, 768)])
def test_last_frame_is_exact_at_real_sizes(tmp_path: Path, width: int, height: int) -> None:
    clip = make_clip(tmp_path / "c.mp4", width=width, height=height, duration=0.5, audio=True)
    assert_exact_last(clip)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("vp9.webm", {"audio": True}),
        ("quicktime.mov", {"gop": 12}),
        ("vfr.mp4", {"vfr": True}),
        ("faststart.mp4", {"faststart": True, "audio": True}),
    ],
)
def test_last_frame_is_exact_on_other_variants(tmp_path: Path, name: str, options: dict) -> None:
    clip = make_clip(tmp_path / name, width=160, height=96, duration=1.5, **options)
    assert_exact_last(clip)


def test_default_clip_is_exact_without_a_full_decode(tmp_path, no_full_decode) -> None:
    """The real default: 10 s, 1280×768, 24 fps, one GOP (x264's default 250), sound."""
    clip = make_clip(
        tmp_path / "scene.mp4", width=1280, height=768, duration=10, gop=250, audio=True
    )
    decoded = assert_exact_last(clip)
    assert decoded.count == 240
    info = validate_clip(clip)
    assert np.array_equal(last_frame(clip, frame_count=info.decoded_frames), decoded.last)


def test_long_clip_with_short_gops_is_not_decoded_in_full(tmp_path, no_full_decode) -> None:
    clip = make_clip(tmp_path / "long.mkv", width=160, height=96, duration=8, gop=12, audio=True)
    assert_exact_last(clip)


def test_mpeg_ts_tail_holds_the_last_frame(tmp_path, no_full_decode) -> None:
    # 1280×768, 3 s, keyframe every 0.5 s: the last 1 MB holds a keyframe.
    clip = make_clip(
        tmp_path / "scene.ts", width=1280, height=768, duration=3, gop=12, bframes=2, audio=True
    )
    assert clip.stat().st_size > 2 * 1024 * 1024  # so the first window is a true tail
    assert_exact_last(clip)


def test_mpeg_ts_with_a_single_gop_is_decoded_in_full_and_stays_exact(tmp_path) -> None:
    # OpenCV's own seek spins for seconds here and reads nothing; the tail windows hold no
    # keyframe, so only a full decode can give the last frame.
    clip = make_clip(tmp_path / "one_gop.ts", width=640, height=384, duration=2, gop=250)
    assert_exact_last(clip)


@pytest.mark.parametrize("layout", ["faststart", "fragmented"])
def test_truncated_clip_gives_its_last_decodable_frame(tmp_path: Path, layout: str) -> None:
    # The container still promises every frame (OpenCV's frame count says 48); only half exist.
    complete = make_clip(
        tmp_path / "c.mp4", width=160, height=96, duration=2, gop=12,
        faststart=layout == "faststart", fragmented=layout == "fragmented",
    )  # fmt: skip
    cut = truncate(complete, 0.5)
    assert assert_exact_last(cut).count < 40


def test_unicode_paths_read_through_a_file_object(tmp_path: Path) -> None:
    for name in ("场景 ✓.mp4", "scène é.mkv"):
        clip = make_clip(tmp_path / "dossier ü" / name, width=160, height=96, duration=1, gop=12)
        assert np.array_equal(first_frame(clip), assert_exact_last(clip).first)


def test_rotated_clip_frames_come_out_upright(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "c.mp4", width=160, height=96, duration=0.5)
    rotated = rotate_metadata(clip, 90)
    assert last_frame(rotated).shape == (160, 96, 3)  # as OpenCV shows it: rotated
    assert_exact_last(rotated)


def test_first_frame_is_exact(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "c.mp4", width=160, height=96, duration=0.5, audio=True)
    assert np.array_equal(first_frame(clip), decode_all(clip)[0])


def frame_times(path: Path) -> list[float]:
    """Presentation times of every frame, from FFmpeg (independent of OpenCV)."""
    err = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", "0:v:0", "-vf", "showinfo",
         "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    times = [float(t) for t in re.findall(r"pts_time:\s*(-?[\d.]+)", err)]
    return [t - times[0] for t in times]


@pytest.mark.parametrize(
    "options",
    [
        {"container": "mp4", "fps": 29.97, "bframes": 2},
        {"container": "mkv", "fps": 29.97},
        {"container": "ts", "fps": 25, "audio": True},
        {"container": "mp4", "fragmented": True, "audio": True},  # first frame lasts 63 ms
        {"container": "mp4", "vfr": True},
    ],
    ids=["mp4_ntsc", "mkv_ntsc", "ts", "fragmented_audio", "vfr"],
)
def test_frame_at_picks_the_frame_on_screen(tmp_path: Path, options: dict) -> None:
    ext = {"mkv": "mkv", "ts": "ts"}.get(options["container"], "mp4")
    clip = make_clip(tmp_path / f"c.{ext}", width=160, height=96, duration=1.0, gop=12, **options)
    frames, times = decode_all(clip), frame_times(clip)
    assert len(frames) == len(times)
    for i in (0, 1, 5, len(frames) // 2, len(frames) - 2, len(frames) - 1):
        following = times[i + 1] if i + 1 < len(times) else times[i] + 0.04
        assert np.array_equal(frame_at(clip, times[i]), frames[i]), f"frame {i} at its start"
        midway = (times[i] + following) / 2
        assert np.array_equal(frame_at(clip, midway), frames[i]), f"frame {i} midway"
    assert np.array_equal(frame_at(clip, 60.0), frames[-1])  # past the end: the last frame


def test_frame_errors(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="not found"):
        last_frame(tmp_path / "missing.mp4")
    text = tmp_path / "page.mp4"
    text.write_text("<html>oops</html>")
    with pytest.raises(MediaError, match="cannot open"):
        last_frame(text)
    clip = make_clip(tmp_path / "c.mp4", width=160, height=96, duration=0.5)
    with pytest.raises(ValueError):
        frame_at(clip, -1)
