"""Helpers for pipeline tests: a tiny screenplay, counting/failing provider wrappers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from genstudio.providers.base import MediaResult, VideoRequest
from genstudio.providers.registry import ProviderSet, build_providers

TINY_FOUNTAIN = """Title: Tiny Test

INT. KITCHEN - NIGHT

Mara pours coffee. The clock reads three.

MARA
Still awake?

EXT. PORCH - CONTINUOUS

She steps outside into the cold.

TOMAS (O.S.)
(whispering)
Come back in.

EXT. FIELD - DAY

Wind moves the grass.
"""


def write_tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.fountain"
    path.write_text(TINY_FOUNTAIN, encoding="utf-8")
    return path


@dataclass
class Counting:
    """Wraps a ProviderSet, counting calls per role; can fail or interrupt video calls."""

    inner: ProviderSet
    calls: dict[str, int] = field(default_factory=dict)
    fail_video_for: Callable[[VideoRequest], bool] | None = None
    after_video: Callable[[int], None] | None = None  # called with the number of clips finished
    videos_finished: int = 0

    def count(self, role: str) -> None:
        self.calls[role] = self.calls.get(role, 0) + 1

    def providers(self) -> ProviderSet:
        outer = self
        inner = self.inner

        class Planner:
            name = "counting-planner"

            async def plan_production(self, ctx):
                outer.count("plan")
                return await inner.planner.plan_production(ctx)

            async def create_visual_bible(self, ctx):
                outer.count("bible")
                return await inner.planner.create_visual_bible(ctx)

            async def write_screenplay(self, ctx):
                outer.count("screenplay")
                return await inner.planner.write_screenplay(ctx)

            async def assign_characters(self, ctx):
                outer.count("characters")
                return await inner.planner.assign_characters(ctx)

        class Video:
            name = "counting-video"

            async def generate_video(self, request: VideoRequest) -> MediaResult:
                outer.count("video")
                if outer.fail_video_for and outer.fail_video_for(request):
                    raise RuntimeError("provider exploded")
                result = await inner.video.generate_video(request)
                outer.videos_finished += 1
                if outer.after_video:
                    outer.after_video(outer.videos_finished)
                return result

        class Image:
            name = "counting-image"

            async def generate_image(self, request):
                outer.count("image")
                return await inner.image.generate_image(request)

        class Speech:
            name = "counting-speech"

            def voices(self, language: str) -> list[str]:
                return inner.speech.voices(language)

            async def synthesize(self, request):
                outer.count("speech")
                return await inner.speech.synthesize(request)

        return ProviderSet(
            planner=Planner(),
            image=Image(),
            video=Video(),
            speech=Speech(),
            music=inner.music,
            configs=inner.configs,
        )


def counting() -> Counting:
    return Counting(build_providers())
