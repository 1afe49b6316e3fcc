"""Project-level models: the project, its visual bible, characters, locations, step states."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from genstudio.models.enums import (
    Aspect,
    ProjectStatus,
    Role,
    SourceKind,
    StepName,
    StepStatus,
)
from genstudio.models.scene import new_id
from genstudio.models.take import utcnow


class VisualBible(BaseModel):
    model_config = ConfigDict(extra="forbid")

    style: str = ""
    palette: list[str] = Field(default_factory=list)  # "#rrggbb"
    camera_style: str = ""
    emotional_tone: str = ""
    lighting: str = ""
    references: list[str] = Field(default_factory=list)


class Character(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    voice: str = ""  # provider voice id; builtin speech uses espeak voice names
    reference_image: str | None = None


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str
    name: str
    description: str = ""


class ContinuityLink(BaseModel):
    """Scene `scene_id` starts on the real last frame of `from_scene_id`."""

    model_config = ConfigDict(extra="forbid")

    scene_id: str
    from_scene_id: str
    reason: str = ""


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locations: list[Location] = Field(default_factory=list)
    characters: list[Character] = Field(default_factory=list)
    continuity: list[ContinuityLink] = Field(default_factory=list)


class StepState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: StepName
    status: StepStatus = StepStatus.PENDING
    percent: float = Field(default=0.0, ge=0, le=100)
    detail: str = ""
    error: str = ""
    warnings: list[str] = Field(default_factory=list)
    inputs: str = ""  # fingerprint of what the step's output was made from (staleness)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class LocationImage(BaseModel):
    """A still in the workspace-wide location library, reused across projects."""

    model_config = ConfigDict(extra="forbid")

    slug: str
    time_of_day: str = ""
    weather: str = ""
    path: str  # relative to the workspace library folder
    prompt: str = ""
    usage_count: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class ProviderConfig(BaseModel):
    """A configured role implementation. Keys are never stored here: only in the OS keyring."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    name: str
    model: str = ""
    base_url: str = ""
    max_concurrent: int = Field(default=2, ge=1)
    min_interval: float = Field(default=0.0, ge=0)
    prices: dict[str, float] = Field(default_factory=dict)
    enabled: bool = True


class Project(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: str = Field(default_factory=new_id)
    title: str = Field(min_length=1, max_length=200)
    folder: str = ""  # folder under the workspace's projects/, fixed at creation
    idea: str = ""
    genre: str = ""
    target_duration: float = Field(default=60.0, gt=0, le=7200)
    aspect: Aspect = Aspect.LANDSCAPE
    language: str = "en"
    source_kind: SourceKind = SourceKind.IDEA
    source_text: str = ""
    visual_bible: VisualBible = Field(default_factory=VisualBible)
    plan: Plan = Field(default_factory=Plan)
    plan_approved: bool = False
    budget: float | None = Field(default=None, ge=0)
    status: ProjectStatus = ProjectStatus.DRAFT
    seed: int = 0
    # A continuation whose start frame drifted badly in colour/exposure starts from a
    # colour-matched copy (the look holds across the chain, at the price of a visible step
    # at the cut itself); off: it starts from the real last frame and the seam is only flagged.
    seam_colour_match: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def size(self) -> tuple[int, int]:
        return self.aspect.size
