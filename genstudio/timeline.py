"""The Timeline: one value that says what the finished film is (clips, transitions, dialogue,
music, subtitles). The FFmpeg assembler and the OTIO exporter both read it, so what an editor
receives is what GenStudio rendered. Pure data and arithmetic: no I/O here.

All times are in seconds. "Film time" is time in the finished film; "source time" is time
inside one clip's file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from genstudio.media.subtitles import SubtitleCue, split_for_reading

# A cue shorter than this cannot be read; it borrows time from the gap after it when there is one.
MIN_CUE_SECONDS = 0.7
# Subtitles never touch: a viewer must see one cue leave before the next arrives.
CUE_GAP_SECONDS = 0.04


# xfade's own transition names: the incoming picture wipes or slides over the outgoing one
WIPES = (
    "wipeleft",
    "wiperight",
    "wipeup",
    "wipedown",
    "slideleft",
    "slideright",
    "slideup",
    "slidedown",
)
TransitionKind = Literal[
    "cut",
    "crossfade",
    "dip",
    "wipeleft",
    "wiperight",
    "wipeup",
    "wipedown",
    "slideleft",
    "slideright",
    "slideup",
    "slidedown",
]
TRANSITION_KINDS: tuple[str, ...] = ("cut", "crossfade", "dip", *WIPES)


class Transition(BaseModel):
    """How a clip enters: a straight cut, or over `duration` seconds a crossfade, a dip to
    black (the outgoing picture fades to black in the first half, the incoming one fades up
    in the second) or one of xfade's wipes and slides.

    Every transition but a cut overlaps the two clips by its duration: the film is that much
    shorter than the sum of its clips, whatever the kind, so changing the kind never moves
    a later cut."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: TransitionKind = "cut"
    duration: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _check(self) -> Transition:
        if self.kind != "cut" and self.duration <= 0:
            raise ValueError(f"a {self.label} needs a duration above 0 s")
        if self.kind == "cut" and self.duration != 0:
            # a cut has no length; accepting one would silently shift every later clip
            raise ValueError(f"a cut has no duration (got {self.duration} s)")
        return self

    @property
    def overlap(self) -> float:
        """Seconds this transition overlaps the previous clip."""
        return self.duration if self.kind != "cut" else 0.0

    @property
    def label(self) -> str:
        """The kind as a message names it."""
        if self.kind == "dip":
            return "dip to black"
        return f"{self.kind} wipe" if self.kind in WIPES else self.kind


CUT = Transition()


class TimelineClip(BaseModel):
    """One scene's selected take, used from `source_in` for `duration` seconds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scene_id: str
    scene_number: int
    take_id: str
    path: Path
    source_in: float = Field(default=0.0, ge=0)
    duration: float = Field(gt=0)
    # None: use the timeline's default transition
    transition_in: Transition | None = None
    # the clip's own sound is mixed in only when the caller knows the file has an audio stream
    has_audio: bool = False


class DialoguePlacement(BaseModel):
    """A voiced dialogue line placed at `start` seconds of film time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scene_id: str
    line_index: int = Field(ge=0)
    path: Path
    start: float = Field(ge=0)
    duration: float = Field(gt=0)
    text: str
    character: str = ""


class MusicBed(BaseModel):
    """Music under the whole film, looped or cut to its length, ducked under dialogue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: Path
    volume_db: float = Field(default=-18.0, le=12)
    # how far the music drops while someone speaks (negative dB)
    duck_db: float = Field(default=-12.0, le=0, ge=-40)


class Timeline(BaseModel):
    """The finished film as data. `clip_start`, `total_duration` and `subtitle_cues` derive
    from it; nothing derived is stored, so the value cannot contradict itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    width: int = Field(gt=0)
    height: int = Field(gt=0)
    fps: float = Field(default=24, gt=0, le=120)
    clips: list[TimelineClip] = Field(min_length=1)
    dialogue: list[DialoguePlacement] = Field(default_factory=list)
    music: MusicBed | None = None
    transition: Transition = CUT

    @model_validator(mode="after")
    def _check(self) -> Timeline:
        if self.width % 2 or self.height % 2:
            # H.264 in yuv420p needs even dimensions; failing here beats an FFmpeg error later
            raise ValueError(f"frame size {self.width}x{self.height} must have even sides")
        for i in range(1, len(self.clips)):
            fade = self.transition_in(i)
            if not fade.overlap:
                continue
            before, after = self.clips[i - 1], self.clips[i]
            limit = min(before.duration, after.duration) / 2
            if fade.duration > limit + 1e-9:
                raise ValueError(
                    f"the {fade.duration:g} s {fade.label} into scene {after.scene_number} "
                    "is longer "
                    f"than half of scene {before.scene_number} ({before.duration:g} s) or of "
                    f"scene {after.scene_number} ({after.duration:g} s); at most {limit:g} s fits"
                )
        for clip in self.clips:
            if clip.duration < 1 / self.fps:
                raise ValueError(
                    f"scene {clip.scene_number} lasts {clip.duration:g} s, less than one frame "
                    f"at {self.fps:g} fps"
                )
        end = self.total_duration
        numbers = {c.scene_id: c.scene_number for c in self.clips}
        for line in self.dialogue:
            if line.start >= end:
                scene = numbers.get(line.scene_id, line.scene_id)
                raise ValueError(
                    f"dialogue line {line.line_index + 1} of scene {scene} starts at "
                    f"{line.start:.2f} s, after the film ends ({end:.2f} s)"
                )
        return self

    def transition_in(self, index: int) -> Transition:
        """The transition into clip `index`. The first clip has nothing to fade from: a cut."""
        if index == 0:
            return CUT
        own = self.clips[index].transition_in
        return own if own is not None else self.transition

    def clip_start(self, index: int) -> float:
        """Film time at which clip `index` starts (its crossfade, if any, starts there)."""
        if not 0 <= index < len(self.clips):
            raise IndexError(f"clip {index} is not in a timeline of {len(self.clips)} clips")
        start = 0.0
        for i in range(index):
            start += self.clips[i].duration - self.transition_in(i + 1).overlap
        return start

    def clip_end(self, index: int) -> float:
        return self.clip_start(index) + self.clips[index].duration

    @property
    def total_duration(self) -> float:
        """Sum of clip durations minus every transition's overlap."""
        overlaps = sum(self.transition_in(i).overlap for i in range(1, len(self.clips)))
        return sum(c.duration for c in self.clips) - overlaps

    def subtitle_cues(self, *, speaker_names: bool = False) -> list[SubtitleCue]:
        """One cue per dialogue line, in film order, never overlapping, inside the film.

        A cue lasts as long as its line is heard, but at least `MIN_CUE_SECONDS` when the next
        cue leaves room; it always ends `CUE_GAP_SECONDS` before the next one starts. A line
        too long for two subtitle lines becomes several consecutive cues.
        """
        lines = sorted(self.dialogue, key=lambda d: d.start)
        end_of_film = self.total_duration
        cues: list[SubtitleCue] = []
        carried = ""  # text of a line that starts together with the next one
        for i, line in enumerate(lines):
            text = " ".join(line.text.split())
            if speaker_names and text and line.character.strip():
                text = f"{line.character.strip()}: {text}"
            text = f"{carried}\n{text}".strip() if carried else text
            carried = ""
            if not text:
                continue
            end = max(line.start + line.duration, line.start + MIN_CUE_SECONDS)
            if i + 1 < len(lines):
                end = min(end, lines[i + 1].start - CUE_GAP_SECONDS)
            end = min(end, end_of_film)
            if end - line.start < 0.05 and i + 1 < len(lines):
                # two lines start (almost) together: show them together rather than flash one
                carried = text
                continue
            cues += split_for_reading(SubtitleCue(round(line.start, 3), round(end, 3), text))
        return cues
