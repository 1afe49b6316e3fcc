"""Enumerations shared by the domain models."""

from __future__ import annotations

from enum import StrEnum


class Aspect(StrEnum):
    LANDSCAPE = "landscape"
    PORTRAIT = "portrait"
    SQUARE = "square"

    @property
    def size(self) -> tuple[int, int]:
        """Frame size (width, height) the offline providers render at."""
        return ASPECT_SIZES[self]


ASPECT_SIZES: dict[Aspect, tuple[int, int]] = {
    Aspect.LANDSCAPE: (1280, 768),
    Aspect.PORTRAIT: (768, 1280),
    Aspect.SQUARE: (960, 960),
}


class StepName(StrEnum):
    VALIDATE_PROVIDERS = "validate_providers"
    PLAN_PRODUCTION = "plan_production"
    CREATE_VISUAL_BIBLE = "create_visual_bible"
    GENERATE_SCREENPLAY = "generate_screenplay"
    ASSIGN_CHARACTERS = "assign_characters"
    REFERENCE_IMAGES = "reference_images"
    GENERATE_VIDEOS = "generate_videos"
    GENERATE_AUDIO = "generate_audio"
    GENERATE_MUSIC = "generate_music"
    ASSEMBLE_MOVIE = "assemble_movie"
    GENERATE_COVER = "generate_cover"
    FINALIZE = "finalize"


PIPELINE_ORDER: tuple[StepName, ...] = tuple(StepName)
PLAN_STEPS: tuple[StepName, ...] = PIPELINE_ORDER[:5]


class StepStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    SKIPPED = "skipped"


class ProjectStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    RUNNING = "running"
    COMPLETED = "completed"
    COMPLETED_WITH_WARNINGS = "completed_with_warnings"
    FAILED = "failed"


class Approval(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


class SceneStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class IntExt(StrEnum):
    INT = "INT"
    EXT = "EXT"
    INT_EXT = "INT/EXT"
    NONE = ""


class ShotSize(StrEnum):
    ESTABLISHING = "establishing"
    WIDE = "wide"
    MEDIUM = "medium"
    CLOSE_UP = "close_up"
    EXTREME_CLOSE_UP = "extreme_close_up"


class CameraMove(StrEnum):
    STATIC = "static"
    PUSH_IN = "push_in"
    PULL_OUT = "pull_out"
    PAN_LEFT = "pan_left"
    PAN_RIGHT = "pan_right"
    TILT_UP = "tilt_up"
    TILT_DOWN = "tilt_down"


class ImageSource(StrEnum):
    PREVIOUS_FRAME = "previous_frame"
    LIBRARY = "library"
    GENERATED = "generated"
    IMPORTED = "imported"


class Role(StrEnum):
    LLM = "llm"
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    LIPSYNC = "lipsync"
    MUSIC = "music"


class SourceKind(StrEnum):
    IDEA = "idea"
    FOUNTAIN = "fountain"
