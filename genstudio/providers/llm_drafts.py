"""What `LLMPlanner` asks a model to write: small drafts with only the fields a model should
fill (no ids, approvals or statuses). Their JSON schemas are what the model sees."""

from __future__ import annotations

from pydantic import BaseModel, Field

from genstudio.models import MAX_PROMPT_CHARS, Camera, IntExt


class LocationDraft(BaseModel):
    name: str = Field(description="as it appears in scene headings")
    description: str = Field(description="what it looks like, for image generation")


class CharacterDraft(BaseModel):
    name: str
    description: str = Field(description="appearance, age, wardrobe: for image generation")


class LinkDraft(BaseModel):
    scene: int = Field(description="number of the scene that starts on the previous shot")
    from_scene: int = Field(description="number of the earlier scene it continues")
    reason: str


class PlanDraft(BaseModel):
    """The production plan: locations, characters and which scenes continue which."""

    locations: list[LocationDraft]
    characters: list[CharacterDraft]
    continuity: list[LinkDraft] = Field(default_factory=list)


class BibleDraft(BaseModel):
    """The visual bible every prompt follows."""

    style: str
    palette: list[str] = Field(description='3-6 colours as "#rrggbb"')
    camera_style: str
    emotional_tone: str
    lighting: str
    references: list[str] = Field(default_factory=list)


class HeadingDraft(BaseModel):
    int_ext: IntExt
    location: str
    time_of_day: str
    weather: str = ""


class LineDraft(BaseModel):
    character: str
    line: str
    emotion: str = ""
    delivery: str = ""


class SceneDraft(BaseModel):
    heading: HeadingDraft
    characters: list[str]
    beats: list[str]
    dialogue: list[LineDraft] = Field(default_factory=list)
    camera: Camera
    duration: float = Field(gt=0, le=120, description="seconds")
    visual_prompt: str = Field(max_length=MAX_PROMPT_CHARS)
    continues_from_scene: int | None = Field(
        default=None, description="number of the earlier scene whose last frame this starts on"
    )


class ScreenplayDraft(BaseModel):
    """The screenplay, scene by scene, in order."""

    scenes: list[SceneDraft]


class DirectionDraft(BaseModel):
    number: int
    beats: list[str] = Field(description="visible action, beat by beat; no dialogue")
    camera: Camera
    visual_prompt: str = Field(max_length=MAX_PROMPT_CHARS)


class DirectionsDraft(BaseModel):
    """Camera, beats and visual prompt for each listed scene, in the same order."""

    scenes: list[DirectionDraft]


class CastMember(BaseModel):
    name: str
    description: str
    voice: str = Field(default="", description="one of the offered voice ids, or empty")


class CastDraft(BaseModel):
    """Every character with a description and a voice."""

    characters: list[CastMember]
