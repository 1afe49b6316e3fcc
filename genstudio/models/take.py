"""A take: one version of a scene's media, with where each piece came from."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from genstudio.models.enums import ImageSource
from genstudio.models.scene import new_id


def utcnow() -> datetime:
    return datetime.now(UTC)


class Provenance(BaseModel):
    """Who made a piece of media, from what, and what it cost."""

    model_config = ConfigDict(extra="forbid")

    provider: str
    model: str = ""
    seed: int | None = None
    prompt: str = ""
    remote_task_id: str = ""
    cost: float = 0.0
    started_at: datetime | None = None
    finished_at: datetime | None = None


class AudioCue(BaseModel):
    """A synthesized dialogue line placed inside its scene (`start` in scene seconds)."""

    model_config = ConfigDict(extra="forbid")

    line_index: int = Field(ge=0)
    path: str  # relative to the project folder
    start: float = Field(ge=0)
    duration: float = Field(gt=0)
    provenance: Provenance | None = None


SeamVerdict = Literal["ok", "warn", "bad"]


class SeamReport(BaseModel):
    """How well a continuation's start image (the previous clip's last frame) matches the
    previous scene's look; computed by `genstudio.media.seam.measure_seam`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    score: float = Field(ge=0, le=100)  # higher = smoother seam
    luma_drift: float = Field(ge=0)  # |mean L* difference| (0..100)
    colour_drift: float = Field(ge=0)  # ΔE (CIE76) between the two images' mean Lab colours
    sharpness_ratio: float = Field(ge=0)  # start image / reference (contrast-normalised)
    verdict: SeamVerdict
    colour_matched: bool = False  # the start image was colour-matched to fix a bad seam


class Take(BaseModel):
    """Paths are relative to the project folder; a clip is set only once it is validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: str = Field(default_factory=new_id)
    scene_id: str
    created_at: datetime = Field(default_factory=utcnow)
    reference_image: str | None = None
    reference_source: ImageSource | None = None
    image_provenance: Provenance | None = None
    clip: str | None = None
    clip_duration: float | None = None
    clip_provenance: Provenance | None = None
    end_frame: str | None = None
    audio: list[AudioCue] = Field(default_factory=list)
    note: str = ""
    # An editor's in/out points in clip seconds (from a re-imported timeline). The film uses
    # the clip from trim_in to trim_out; trim_out None: to the end the scene normally uses.
    trim_in: float = Field(default=0.0, ge=0)
    trim_out: float | None = Field(default=None, gt=0)
    # Continuations only: how the start image compares with the previous scene (None: not a
    # continuation, or made before seams were measured).
    seam: SeamReport | None = None

    @model_validator(mode="after")
    def _trims_in_order(self) -> Take:
        if self.trim_out is not None and self.trim_out <= self.trim_in:
            raise ValueError(
                f"a take's out point ({self.trim_out:g} s) must come after its in point "
                f"({self.trim_in:g} s)"
            )
        return self

    @property
    def cost(self) -> float:
        parts = [self.image_provenance, self.clip_provenance]
        parts += [cue.provenance for cue in self.audio]
        return sum(p.cost for p in parts if p is not None)
