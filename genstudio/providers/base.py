"""Role protocols every provider implements, and the request/result values they exchange.

Builtin providers render locally; remote ones (a later layer) split each call into
submit / poll / fetch so a job can resume by remote task id. Both return a `MediaResult`
whose file is complete and validated by the time it is returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from genstudio.models import (
    CameraMove,
    Character,
    Plan,
    Project,
    Provenance,
    Scene,
    VisualBible,
)


@dataclass(frozen=True)
class MediaResult:
    path: Path
    provenance: Provenance
    duration: float | None = None


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    width: int
    height: int
    out_path: Path  # where the provider must write the image (PNG)
    seed: int = 0
    palette: tuple[str, ...] = ()  # "#rrggbb" colours from the visual bible
    style: str = ""
    job_key: str = ""  # e.g. "<take id>:video": a resumed run finds its paid job again
    project_id: str = ""
    scene_id: str | None = None


@dataclass(frozen=True)
class VideoRequest:
    image_path: Path  # the start frame
    prompt: str
    duration: float
    width: int
    height: int
    out_path: Path  # MP4 (H.264)
    camera: CameraMove = CameraMove.STATIC
    fps: int = 24
    seed: int = 0
    job_key: str = ""  # e.g. "<take id>:video": a resumed run finds its paid job again
    project_id: str = ""
    scene_id: str | None = None


@dataclass(frozen=True)
class SpeechRequest:
    text: str
    out_path: Path  # WAV
    voice: str = ""
    language: str = "en"
    emotion: str = ""
    delivery: str = ""
    job_key: str = ""  # e.g. "<take id>:video": a resumed run finds its paid job again
    project_id: str = ""
    scene_id: str | None = None


@dataclass(frozen=True)
class MusicRequest:
    duration: float
    out_path: Path  # WAV
    mood: str = ""
    seed: int = 0
    tempo_bpm: int = 90


@dataclass(frozen=True)
class PlanContext:
    """What the planner is asked to work on."""

    project: Project
    plan: Plan = field(default_factory=Plan)
    bible: VisualBible = field(default_factory=VisualBible)
    scenes: tuple[Scene, ...] = ()


@runtime_checkable
class Planner(Protocol):
    """The LLM role: production plan, visual bible, screenplay and characters.

    For an imported screenplay (`project.source_kind == FOUNTAIN`) `write_screenplay` must keep
    dialogue text and scene order verbatim; the pipeline rejects any change to them.
    """

    name: str

    async def plan_production(self, ctx: PlanContext) -> Plan: ...

    async def create_visual_bible(self, ctx: PlanContext) -> VisualBible: ...

    async def write_screenplay(self, ctx: PlanContext) -> list[Scene]: ...

    async def assign_characters(self, ctx: PlanContext) -> list[Character]: ...


@runtime_checkable
class ImageGen(Protocol):
    name: str

    async def generate_image(self, request: ImageRequest) -> MediaResult: ...


@runtime_checkable
class VideoGen(Protocol):
    name: str

    async def generate_video(self, request: VideoRequest) -> MediaResult: ...


@runtime_checkable
class Speech(Protocol):
    name: str

    def voices(self, language: str) -> list[str]: ...

    async def synthesize(self, request: SpeechRequest) -> MediaResult: ...


@runtime_checkable
class Music(Protocol):
    name: str

    async def generate_music(self, request: MusicRequest) -> MediaResult: ...
