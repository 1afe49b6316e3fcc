"""The storyboard card: one scene, its heading, beats, dialogue, camera and approval."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, field_validator

from genstudio.models.enums import Approval, CameraMove, IntExt, SceneStatus, ShotSize

MAX_PROMPT_CHARS = 1000


def new_id() -> str:
    return uuid.uuid4().hex


class SceneHeading(BaseModel):
    """INT/EXT, location, time of day and weather, as on a slug line."""

    model_config = ConfigDict(extra="forbid")

    int_ext: IntExt = IntExt.INT
    location: str = ""
    time_of_day: str = ""
    weather: str = ""
    raw: str = ""

    def slug_line(self) -> str:
        """The heading as a screenplay slug line (the imported text when we have it)."""
        if self.raw:
            return self.raw
        prefix = f"{self.int_ext.value}. " if self.int_ext.value else ""
        line = f"{prefix}{self.location.upper()}".strip()
        if self.time_of_day:
            line = f"{line} - {self.time_of_day.upper()}" if line else self.time_of_day.upper()
        return line


class DialogueLine(BaseModel):
    """One spoken line. `start` is seconds from the start of the scene."""

    model_config = ConfigDict(extra="forbid")

    character: str
    line: str
    emotion: str = ""
    delivery: str = ""
    parenthetical: str = ""
    extension: str = ""
    dual: bool = False
    start: float | None = Field(default=None, ge=0)
    duration: float | None = Field(default=None, ge=0)


class Camera(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shot_size: ShotSize = ShotSize.MEDIUM
    angle: str = "eye level"
    movement: CameraMove = CameraMove.STATIC


class Scene(BaseModel):
    """A storyboard card. `continues_from` names the scene whose last frame this one starts on."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: str = Field(default_factory=new_id)
    number: int = Field(ge=1)
    label: str = ""  # a scene number from the screenplay (e.g. "1A"), kept verbatim
    heading: SceneHeading = Field(default_factory=SceneHeading)
    characters: list[str] = Field(default_factory=list)
    beats: list[str] = Field(default_factory=list)
    dialogue: list[DialogueLine] = Field(default_factory=list)
    camera: Camera = Field(default_factory=Camera)
    duration: float = Field(default=5.0, gt=0, le=120)
    visual_prompt: str = Field(default="", max_length=MAX_PROMPT_CHARS)
    continues_from: str | None = None
    approval: Approval = Approval.DRAFT
    approval_note: str = ""
    locked: bool = False
    dialogue_locked: bool = False  # imported screenplays: dialogue text and order are verbatim
    status: SceneStatus = SceneStatus.PENDING
    error: str = ""
    selected_take_id: str | None = None

    @field_validator("visual_prompt")
    @classmethod
    def _prompt_has_no_newlines_only(cls, value: str) -> str:
        return value.strip()
