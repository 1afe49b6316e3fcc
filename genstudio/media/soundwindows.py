"""The clips' sound and the dialogue of a long film, placed window by window. Pure: no I/O.

One FFmpeg process that opens every clip and line file (193 clips and 799 lines for Big
Fish) holds a demuxer, a decoder and their queues per file: about 200 KiB each, so memory
grows with the film. Instead the film is cut, in samples, into windows where at most
WINDOW_SOUNDS sounds start; one process per window places its sounds (a sound crossing a
boundary is cut there and continued in the next window) into two float WAVs of exactly the
window's length, one for the clips' sound and one for the dialogue (the dialogue is kept
apart because it keys the music's ducking). PCM joins are sample-exact, so the ffconcat
scripts of those WAVs play as one continuous track each, and the final mix reads just them
and the music.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from genstudio.media.audiomix import (
    AUDIO_FORMAT,
    SAMPLE_RATE,
    Inputs,
    Placed,
    Sound,
    lanes,
    mix,
)

# Sounds starting in one window: its process opens at most about this many files.
WINDOW_SOUNDS = 48
WINDOW_PREFIX = "window-"  # the windows' WAVs in the work directory: window-clip0000.wav
WAV = ["-c:a", "pcm_f32le", "-rf64", "auto"]


@dataclass(frozen=True)
class Window:
    index: int
    start: int  # film sample
    end: int  # film sample (exclusive)

    def name(self, kind: str) -> str:
        return f"{WINDOW_PREFIX}{kind}{self.index:04d}.wav"


def needs_windows(sounds: list[Sound]) -> bool:
    return len(sounds) > WINDOW_SOUNDS


def windows(sounds: list[Sound], total: int, per_window: int | None = None) -> list[Window]:
    """Windows covering samples [0, total), each with at most `per_window` (default
    WINDOW_SOUNDS) sounds starting."""
    per_window = per_window or WINDOW_SOUNDS
    starts = sorted(s.start for s in sounds)
    cuts = sorted({starts[k] for k in range(per_window, len(starts), per_window)} - {0})
    edges = [0, *(c for c in cuts if c < total), total]
    return [Window(i, a, b) for i, (a, b) in enumerate(itertools.pairwise(edges))]


def _piece(sound: Sound, index: int, window: Window) -> Placed | None:
    """The part of `sound` inside `window`, placed at its window sample."""
    begin, end = max(sound.start, window.start), min(sound.start + sound.length, window.end)
    if end <= begin:
        return None
    chain = f"[{index}:a:0]{sound.body}"
    if begin > sound.start or end < sound.start + sound.length:
        chain += (
            f",atrim=start_sample={begin - sound.start}:end_sample={end - sound.start},"
            "asetpts=PTS-STARTPTS"
        )
    return Placed(chain, begin - window.start, end - begin)


def window_args(sounds: list[Sound], window: Window, kinds: tuple[str, ...]) -> list[str]:
    """Arguments writing `window.name(kind)` for each kind ("clip", "line"): that kind's
    sounds inside the window, exactly the window's length (silence where there is none)."""
    inputs = Inputs(args=[])
    chains: list[str] = []
    outputs: list[str] = []
    width = window.end - window.start
    for kind in kinds:
        placed = []
        for sound in sounds:
            if sound.kind != kind:
                continue
            if sound.start >= window.end or sound.start + sound.length <= window.start:
                continue
            piece = _piece(sound, inputs.add(sound.path), window)
            if piece is not None:
                placed.append(piece)
        label = f"[{kind}]"
        if placed:
            lane_chains, labels = lanes(placed, f"{kind}l", width)
            chains += lane_chains
            chains.append(mix(labels, f"[{kind}raw]"))
            chains.append(
                f"[{kind}raw]{AUDIO_FORMAT},apad=whole_len={width},atrim=end_sample={width}{label}"
            )
        else:
            chains.append(
                f"anullsrc=r={SAMPLE_RATE}:cl=stereo,atrim=end_sample={width},{AUDIO_FORMAT}{label}"
            )
        outputs += ["-map", label, *WAV, window.name(kind)]
    return [*inputs.args, "-filter_complex", ";\n".join(chains), *outputs]


def concat_script(names: list[str]) -> str:
    return "ffconcat version 1.0\n" + "".join(f"file {name}\n" for name in names)
