"""Registry: provider names → implementations per role, and the set a run uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from genstudio.errors import GenStudioError
from genstudio.models import ProviderConfig, Role
from genstudio.providers.base import ImageGen, Music, Planner, Speech, VideoGen

REQUIRED_ROLES = (Role.LLM, Role.IMAGE, Role.VIDEO, Role.AUDIO)


@dataclass
class ProviderSet:
    planner: Planner
    image: ImageGen
    video: VideoGen
    speech: Speech
    music: Music | None
    configs: dict[Role, ProviderConfig]

    def limit(self, role: Role) -> int:
        config = self.configs.get(role)
        return config.max_concurrent if config else 1


def _builtin(role: Role) -> object:
    # imported lazily: each builtin pulls in numpy/OpenCV/espeak only when used
    if role is Role.LLM:
        from genstudio.providers.builtin.planner import BuiltinPlanner

        return BuiltinPlanner()
    if role is Role.IMAGE:
        from genstudio.providers.builtin.images import BuiltinImageGen

        return BuiltinImageGen()
    if role is Role.VIDEO:
        from genstudio.providers.builtin.video import BuiltinVideoGen

        return BuiltinVideoGen()
    if role is Role.AUDIO:
        from genstudio.providers.builtin.speech import BuiltinSpeech

        return BuiltinSpeech()
    if role is Role.MUSIC:
        from genstudio.providers.builtin.music import BuiltinMusic

        return BuiltinMusic()
    raise GenStudioError(f"no builtin provider for role {role.value}")


FACTORIES: dict[str, Callable[[Role], object]] = {"builtin": _builtin}


def builtin_configs() -> dict[Role, ProviderConfig]:
    """Offline defaults. Video renders on local cores, so two at once is the useful limit."""
    return {
        Role.LLM: ProviderConfig(
            role=Role.LLM, name="builtin", model="planner-v1", max_concurrent=1
        ),
        Role.IMAGE: ProviderConfig(
            role=Role.IMAGE, name="builtin", model="still-v1", max_concurrent=2
        ),
        Role.VIDEO: ProviderConfig(
            role=Role.VIDEO, name="builtin", model="motion-v1", max_concurrent=2
        ),
        Role.AUDIO: ProviderConfig(
            role=Role.AUDIO, name="builtin", model="espeak-ng", max_concurrent=2
        ),
        Role.MUSIC: ProviderConfig(
            role=Role.MUSIC, name="builtin", model="pad-v1", max_concurrent=1
        ),
    }


def build_providers(configs: dict[Role, ProviderConfig] | None = None) -> ProviderSet:
    """Instantiate the configured providers; missing roles fall back to the builtin ones."""
    merged = builtin_configs()
    merged.update({role: cfg for role, cfg in (configs or {}).items() if cfg.enabled})
    made: dict[Role, object] = {}
    for role, config in merged.items():
        factory = FACTORIES.get(config.name)
        if factory is None:
            raise GenStudioError(
                f"provider {config.name!r} for role {role.value} is not available "
                f"(known: {', '.join(sorted(FACTORIES))})"
            )
        made[role] = factory(role)
    return ProviderSet(
        planner=made[Role.LLM],  # type: ignore[arg-type]
        image=made[Role.IMAGE],  # type: ignore[arg-type]
        video=made[Role.VIDEO],  # type: ignore[arg-type]
        speech=made[Role.AUDIO],  # type: ignore[arg-type]
        music=made.get(Role.MUSIC),  # type: ignore[arg-type]
        configs=merged,
    )
