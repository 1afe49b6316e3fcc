"""Where every clip sits in the finished film, in whole frames. Pure arithmetic, no I/O.

Clip boundaries are rounded to whole frames cumulatively (each boundary to the nearest frame
of film time), so rounding never accumulates over a long film: every cut and every transition
lands within half a frame of the Timeline's time.

A transition into clip i overlaps it with clip i-1 by `fade` frames (its ClipFrames). How
that window looks depends on the kind:
- crossfade and the wipes/slides: both pictures are blended by `xfade` over the window;
- dip to black: the outgoing clip fades to black over the window's first half and is then
  gone, the incoming clip fades up from black over the second half. Nothing is blended, so a
  dip needs no two-input filter: each clip's fade is its own (and a film can be split into
  independently encoded pieces right at the dip's middle).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from genstudio.timeline import Timeline

# xfade transition names for the kinds that blend two pictures
XFADE_NAMES = {
    "crossfade": "fade",
    "wipeleft": "wipeleft",
    "wiperight": "wiperight",
    "wipeup": "wipeup",
    "wipedown": "wipedown",
    "slideleft": "slideleft",
    "slideright": "slideright",
    "slideup": "slideup",
    "slidedown": "slidedown",
}


@dataclass(frozen=True)
class ClipFrames:
    """Where clip i sits in the film, in whole frames."""

    start: int  # first film frame of the clip (its transition, if any, starts here)
    count: int  # frames the clip contributes before overlaps are removed
    fade: int  # frames of transition into this clip; 0 = a cut
    kind: str = "cut"  # the transition's kind ("cut" when fade is 0)

    @property
    def end(self) -> int:
        return self.start + self.count

    @property
    def blends(self) -> bool:
        """True when the window into this clip blends two pictures (xfade)."""
        return self.fade > 0 and self.kind in XFADE_NAMES


@dataclass(frozen=True)
class Shown:
    """What of one clip is on screen, in the clip's own frames (0 = its frame at
    ClipFrames.start), and how its edges look."""

    first: int  # first local frame on screen
    end: int  # local frame after the last one on screen
    black_in: int  # frames fading up from black at `first` (a dip into this clip)
    black_out: int  # frames fading to black before `end` (a dip out of it)
    mix_in: int  # frames blended with the previous clip at `first` (xfade window)
    mix_out: int  # frames blended with the next clip before `end`


def fps_fraction(fps: float) -> Fraction:
    """24 → 24; 23.976 → 24000/1001 (the rate NTSC-derived footage really has)."""
    return Fraction(fps).limit_denominator(1001)


def frame_plan(timeline: Timeline) -> list[ClipFrames]:
    rate = float(fps_fraction(timeline.fps))
    plan: list[ClipFrames] = []
    previous_end = 0
    for i, clip in enumerate(timeline.clips):
        transition = timeline.transition_in(i)
        start = round(timeline.clip_start(i) * rate)
        end = round(timeline.clip_end(i) * rate)
        fade = max(0, previous_end - start) if transition.overlap else 0
        if end - start < 1:
            raise ValueError(
                f"scene {clip.scene_number} lasts {clip.duration:g} s, less than one frame "
                f"at {timeline.fps:g} fps"
            )
        kind = transition.kind if fade else "cut"
        plan.append(ClipFrames(start=start, count=end - start, fade=fade, kind=kind))
        previous_end = end
    return plan


def film_frames(timeline: Timeline) -> int:
    last = frame_plan(timeline)[-1]
    return last.start + last.count


def film_seconds(timeline: Timeline) -> float:
    """The rendered film's exact length: whole frames at the film's rate."""
    return float(film_frames(timeline) / fps_fraction(timeline.fps))


def _dip_halves(fade: int) -> tuple[int, int]:
    """(frames the outgoing clip fades out over, frames the incoming one fades up over)."""
    out = fade // 2
    return out, fade - out


def shown(plan: list[ClipFrames], index: int) -> Shown:
    """The visible part of clip `index` given its neighbours' transitions."""
    frames = plan[index]
    first, black_in, mix_in = 0, 0, 0
    if frames.fade and frames.kind == "dip":
        out, up = _dip_halves(frames.fade)
        first, black_in = out, up
    elif frames.blends:
        mix_in = frames.fade
    end, black_out, mix_out = frames.count, 0, 0
    if index + 1 < len(plan):
        after = plan[index + 1]
        if after.fade and after.kind == "dip":
            out, _ = _dip_halves(after.fade)
            end = after.start + out - frames.start
            black_out = out
        elif after.blends:
            mix_out = after.fade
    return Shown(first, end, black_in, black_out, mix_in, mix_out)


def blocked_spans(plan: list[ClipFrames]) -> list[tuple[int, int]]:
    """Film frame spans (lo, hi) inside which the film cannot be split into separately
    encoded pieces: a split at frame f with lo < f < hi would cut through a blend or a fade.
    Splitting at lo or hi is fine (a piece may start with a whole window). Sorted."""
    spans = []
    for frames in plan:
        if not frames.fade:
            continue
        if frames.kind == "dip":
            middle = frames.start + _dip_halves(frames.fade)[0]  # black: a fine place to split
            spans += [(frames.start, middle), (middle, frames.start + frames.fade)]
        else:
            spans.append((frames.start, frames.start + frames.fade))
    return [(lo, hi) for lo, hi in spans if hi - lo > 1]


def is_clean(spans: list[tuple[int, int]], frame: int) -> bool:
    """True when `frame` is outside every blocked span (see `blocked_spans`)."""
    return not any(lo < frame < hi for lo, hi in spans)
