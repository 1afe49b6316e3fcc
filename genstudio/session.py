"""An engine session: the JobEngine, its runners and the provider set for one workspace.

The CLI and the window each own one session per workspace and close it on exit. Builtin
providers need no engine; as soon as a role is configured with a remote provider, its calls go
through durable jobs, and `start()` first resumes whatever a previous process left running.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from genstudio.engine.clock import Clock
from genstudio.engine.download import Downloader, DownloadPolicy
from genstudio.engine.engine import JobEngine, RecoveryReport
from genstudio.engine.lanes import LaneConfig
from genstudio.engine.remote import RemoteRunner
from genstudio.errors import GenStudioError
from genstudio.events import EventBus
from genstudio.models import ProviderConfig, Role
from genstudio.providers.registry import ProviderSet, build_providers
from genstudio.secrets import KeyStore
from genstudio.store import Store
from genstudio.workspace import Workspace

log = logging.getLogger("genstudio.session")

REMOTE_MEDIA = {"runway", "fal", "luma", "elevenlabs"}
REMOTE_LLM = {"openai", "anthropic"}


# validate_clip/validate_audio decode in an FFmpeg subprocess; images are decoded in-process
ISOLATED_VALIDATION = frozenset({"video", "speech", "music"})


def validate_output(kind: str, path: Path) -> None:
    """The engine's gate between a download and a 'done' job: real, complete media only."""
    from genstudio.media.probe import validate_audio, validate_clip, validate_image

    if kind == "video":
        validate_clip(path)
    elif kind == "image":
        validate_image(path)
    elif kind in ("speech", "music"):
        validate_audio(path)
    else:
        raise GenStudioError(f"no validator for {kind} output")


def _is_local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host in ("localhost",):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local


class EngineSession:
    def __init__(
        self,
        store: Store,
        workspace: Workspace,
        *,
        events: EventBus | None = None,
        keystore: KeyStore | None = None,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.store = store
        self.workspace = workspace
        self.events = events or EventBus()
        self.keystore = keystore or KeyStore()
        # GENSTUDIO_TIME_SKIP=1: waits between polls take no real time (the Temporal
        # time-skipping idea), so crash tests drive hour-long provider waits in seconds.
        if clock is None and os.environ.get("GENSTUDIO_TIME_SKIP") == "1":
            from datetime import UTC, datetime

            from genstudio.engine.clock import FakeClock

            clock = FakeClock(start=datetime.now(UTC))
        self.clock = clock
        self.transport = transport
        self.engine: JobEngine | None = None

    def _key(self, config: ProviderConfig) -> str:
        key = self.keystore.get_key(config.name)
        if key:
            return key
        if config.base_url and _is_local(config.base_url):
            return ""  # a local server (Ollama, LM Studio) takes no key
        raise GenStudioError(
            f"no API key for {config.name} ({config.role.value}): add it in Settings; keys are "
            "kept only in the OS keyring"
        )

    def _ensure_engine(self, configs: dict[Role, ProviderConfig]) -> JobEngine:
        if self.engine is None:
            trusted = frozenset(
                urlsplit(c.base_url).hostname or ""
                for c in configs.values()
                if c.base_url and _is_local(c.base_url)
            )
            downloader = Downloader(DownloadPolicy(trusted_local_hosts=trusted))
            self.engine = JobEngine(
                self.store,
                clock=self.clock,
                events=self.events,
                downloader=downloader,
                validator=validate_output,
                isolated_validation=ISOLATED_VALIDATION,
            )
        return self.engine

    def _runner(self, config: ProviderConfig) -> RemoteRunner:
        key = self._key(config)
        common = {"api_key": key, "base_url": config.base_url or None, "transport": self.transport}
        model = {"model": config.model} if config.model else {}
        if config.name == "runway":
            from genstudio.providers.runway import RunwayImageRunner, RunwayVideoRunner

            cls = RunwayVideoRunner if config.role is Role.VIDEO else RunwayImageRunner
            return cls(**common, **model)
        if config.name == "fal":
            from genstudio.providers.fal import FalRunner

            name = "fal" if config.role is Role.IMAGE else f"fal-{config.role.value}"
            return FalRunner(**common, **model, name=name)
        if config.name == "luma":
            from genstudio.providers.luma import LumaVideoRunner

            return LumaVideoRunner(**common, **model)
        if config.name == "elevenlabs":
            from genstudio.providers.elevenlabs import ElevenLabsTTSRunner

            cache = self.workspace.root / "cache" / "elevenlabs"
            return ElevenLabsTTSRunner(**common, **model, cache_dir=cache)
        raise GenStudioError(f"{config.name} cannot serve the {config.role.value} role")

    def _planner(self, config: ProviderConfig) -> object:
        from genstudio.providers.llm_planner import LLMPlanner

        key = self._key(config)
        if config.name == "anthropic":
            from genstudio.providers.llm_anthropic import AnthropicLLM

            extra = {"base_url": config.base_url} if config.base_url else {}
            llm = AnthropicLLM(
                config.model or "claude-sonnet-4-5", key, transport=self.transport, **extra
            )
        else:
            from genstudio.providers.llm_openai import OpenAICompatLLM

            llm = OpenAICompatLLM(
                config.base_url or "https://api.openai.com/v1",
                config.model or "gpt-4.1",
                key,
                transport=self.transport,
            )
        return LLMPlanner(llm)

    def providers(self, configs: dict[Role, ProviderConfig] | None = None) -> ProviderSet:
        """The provider set for a run: builtin where configured so, engine-backed elsewhere."""
        from genstudio.providers.remote_roles import EngineImageGen, EngineSpeech, EngineVideoGen

        configs = configs if configs is not None else self.store.get_provider_configs()
        base = build_providers({r: c for r, c in configs.items() if c.name == "builtin"})
        remote = {
            r: c for r, c in configs.items() if c.enabled and c.name in REMOTE_MEDIA | REMOTE_LLM
        }
        if not remote:
            return base
        engine = self._ensure_engine(configs)
        for role, config in remote.items():
            if role is Role.LLM:
                base.planner = self._planner(config)  # type: ignore[assignment]
            elif role in (Role.IMAGE, Role.VIDEO, Role.AUDIO):
                runner = self._runner(config)
                engine.register(
                    runner,
                    LaneConfig(
                        runner.lane or runner.name, config.max_concurrent, config.min_interval
                    ),
                )
                wrapped = {
                    Role.IMAGE: EngineImageGen,
                    Role.VIDEO: EngineVideoGen,
                    Role.AUDIO: EngineSpeech,
                }[role](engine, runner)
                setattr(
                    base,
                    {Role.IMAGE: "image", Role.VIDEO: "video", Role.AUDIO: "speech"}[role],
                    wrapped,
                )
            base.configs[role] = config
        return base

    async def start(self) -> RecoveryReport | None:
        if self.engine is None:
            return None
        report = await self.engine.recover()
        if report.in_doubt or report.quarantined:
            log.warning(
                "%d jobs in doubt and %d quarantined need your attention",
                len(report.in_doubt),
                len(report.quarantined),
            )
        return report

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.close()
            self.engine = None
