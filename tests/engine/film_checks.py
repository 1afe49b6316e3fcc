"""What the finishing tests share: their film size and rate, the colours of their clips, and
the measurements of a rendered film (its frames decoded once into numpy, in presentation
order, as a player shows them; frame i is on screen from i / FPS seconds)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from genstudio.media.assemble import AssemblyResult
from genstudio.timeline import Timeline, TimelineClip, Transition, TransitionKind
from tests.engine import assembly_inputs as media

W, H, FPS = 320, 192, 24
# a rendered film: its timeline, what assemble() returned, every frame decoded
Film = tuple[Timeline, AssemblyResult, np.ndarray]
Subtitled = tuple[Timeline, dict[str, tuple[AssemblyResult, np.ndarray]]]
# ... and the copy test's sources decoded (by clip name)
Copied = tuple[Timeline, AssemblyResult, np.ndarray, dict[str, np.ndarray]]
RGB = {
    "red": (255, 0, 0),
    "blue": (0, 0, 255),
    "green": (0, 192, 0),  # 0x00C000
    "yellow": (255, 255, 0),
    "black": (0, 0, 0),
    "white": (255, 255, 255),
}


def clip(
    path: Path,
    number: int,
    duration: float,
    *,
    kind: TransitionKind | None = None,
    fade: float = 0.0,
    audio: bool = False,
    source_in: float = 0.0,
) -> TimelineClip:
    return TimelineClip(
        scene_id=f"s{number}",
        scene_number=number,
        take_id=f"t{number}",
        path=path,
        duration=duration,
        source_in=source_in,
        transition_in=Transition(kind=kind, duration=fade) if kind else None,
        has_audio=audio,
    )


def rgb_frames(film: Path) -> np.ndarray:
    """Every frame of the film as (frames, H, W, 3) RGB."""
    return media.raw_frames(film, W, H, "rgb24").reshape(-1, H, W, 3)


def frame_index(seconds: float) -> int:
    """The film frame a Timeline time falls on (the assembler rounds every clip boundary to
    the nearest frame)."""
    return round(seconds * FPS)


def patch(frame: np.ndarray, fx: float, fy: float, radius: int = 8) -> tuple[int, ...]:
    """Mean RGB of a small square centred at (fx x W, fy x H)."""
    x, y = int(fx * W), int(fy * H)
    area = frame[y - radius : y + radius, x - radius : x + radius].reshape(-1, 3)
    return tuple(int(v) for v in area.mean(axis=0))


def is_colour(rgb: tuple[int, ...], name: str, tolerance: int = 30) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, RGB[name], strict=True))


def all_colour(frame: np.ndarray, name: str, tolerance: int = 30) -> bool:
    """The whole frame is one flat colour (no bars, no blend, no second picture)."""
    return bool(np.all(np.abs(frame.astype(int) - RGB[name]) <= tolerance))


def assert_length(
    tl: Timeline, result: AssemblyResult, frames: np.ndarray, *, header_rate: bool = True
) -> None:
    """The film lasts what the timeline says, in whole frames (within half a frame).
    header_rate: also the frame count over the rate the file's header states."""
    assert len(frames) == frame_index(tl.total_duration)
    assert result.duration == pytest.approx(len(frames) / FPS, abs=1e-6)
    assert abs(result.duration - tl.total_duration) <= 0.5 / FPS
    if header_rate:
        seconds = media.decoded_video_seconds(result.path)
        assert seconds == pytest.approx(result.duration, abs=1e-3)
