"""The providers a window run uses: `genstudio.session.EngineSession` with the user's settings.

As in the CLI, a run opens one `EngineSession`: builtin roles run on this computer, remote ones
(Runway, FAL, Luma, ElevenLabs, OpenAI-compatible, Anthropic) become durable jobs in its
JobEngine, with keys from the OS keyring. Two things differ from the CLI:

- the keyring can block (D-Bus on Linux, a locked wallet), so the keys a run needs are read
  on a worker thread first and handed to the session in a `PrefetchedKeys`;
- a role set to a provider the session cannot serve for that role stops the run before
  anything is sent, naming the role and provider (the CLI's provider check fails later and
  less clearly). `RUNNABLE` is that table; the settings dialog warns from the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from genstudio.concurrency import run_blocking
from genstudio.engine.clock import Clock
from genstudio.errors import GenStudioError
from genstudio.events import EventBus
from genstudio.models import ProviderConfig, Role
from genstudio.providers.registry import ProviderSet
from genstudio.secrets import KeyStore
from genstudio.session import EngineSession
from genstudio.store import Store
from genstudio.workspace import Workspace
from ui.connection_check import is_local

# What `EngineSession.providers()` serves per role (tests/ui/test_provider_session.py builds
# every entry through it). Luma has no image runner; no pipeline step uses lip-sync yet, and
# music is always the builtin bed, so those choices are kept but cannot run.
RUNNABLE: dict[Role, frozenset[str]] = {
    Role.LLM: frozenset({"builtin", "openai", "anthropic"}),
    Role.IMAGE: frozenset({"builtin", "runway", "fal"}),
    Role.VIDEO: frozenset({"builtin", "runway", "fal", "luma"}),
    Role.AUDIO: frozenset({"builtin", "elevenlabs"}),
    Role.MUSIC: frozenset({"builtin"}),
    Role.LIPSYNC: frozenset(),
}
# Roles no pipeline step uses yet: a configuration there is harmless, so it never stops a run.
UNUSED_ROLES = (Role.LIPSYNC,)


def runnable(role: Role, name: str) -> bool:
    return name in RUNNABLE.get(role, frozenset())


@dataclass(frozen=True)
class PrefetchedKeys:
    """The KeyStore face `EngineSession` uses, over keys already read off the GUI thread."""

    keys: dict[str, str]

    def get_key(self, provider: str) -> str | None:
        return self.keys.get(provider) or None


def remote_configs(configs: dict[Role, ProviderConfig]) -> dict[Role, ProviderConfig]:
    return {r: c for r, c in configs.items() if c.enabled and c.name != "builtin"}


def check_runnable(configs: dict[Role, ProviderConfig]) -> None:
    """Stop before anything is sent when a used role names a provider that cannot serve it."""
    for role, config in remote_configs(configs).items():
        if role not in UNUSED_ROLES and not runnable(role, config.name):
            raise GenStudioError(
                f"{config.name} cannot serve the {role.value} role in this version: choose "
                "another provider for it in Settings"
            )


def _read_keys(keystore: KeyStore, names: set[str]) -> dict[str, str]:
    found = {name: keystore.get_key(name) for name in sorted(names)}
    return {name: key for name, key in found.items() if key}


@dataclass
class SessionFactory:
    """Makes the EngineSession of a run (tests pass a transport to reach the fake server)."""

    store: Store
    workspace: Workspace
    events: EventBus
    keystore: KeyStore
    transport: httpx.AsyncBaseTransport | None = None
    clock: Clock | None = None

    async def configs(self) -> dict[Role, ProviderConfig]:
        return await self.store.run(self.store.get_provider_configs)

    async def open(
        self, configs: dict[Role, ProviderConfig] | None = None
    ) -> tuple[EngineSession, ProviderSet]:
        """A session and its provider set for `configs` (default: the saved settings).

        Raises GenStudioError, before any request, for an unservable role or a missing key.
        """
        if configs is None:
            configs = await self.configs()
        check_runnable(configs)
        usable = {r: c for r, c in configs.items() if r not in UNUSED_ROLES}
        names = {c.name for c in remote_configs(usable).values()}
        keys = await run_blocking(_read_keys, self.keystore, names) if names else {}
        session = EngineSession(
            self.store,
            self.workspace,
            events=self.events,
            keystore=PrefetchedKeys(keys),  # type: ignore[arg-type]
            clock=self.clock,
            transport=self.transport,
        )
        try:
            providers = session.providers(usable)
        except BaseException:
            await session.close()
            raise
        return session, providers

    async def open_for_provider(self, provider: str) -> EngineSession | None:
        """A session whose engine can talk to the job provider `provider` (a runner name such
        as "fal-video"), without resuming anything: used to cancel a job between runs.
        None when no configured role with a stored key serves that provider any more."""
        configs = await self.configs()
        remote = remote_configs(configs)
        keys = await run_blocking(_read_keys, self.keystore, {c.name for c in remote.values()})
        usable = {
            r: c
            for r, c in remote.items()
            if runnable(r, c.name)
            and r not in UNUSED_ROLES
            and (c.name in keys or (c.base_url and is_local(c.base_url)))
        }
        if not usable:
            return None
        session = EngineSession(
            self.store,
            self.workspace,
            events=self.events,
            keystore=PrefetchedKeys(keys),  # type: ignore[arg-type]
            clock=self.clock,
            transport=self.transport,
        )
        try:
            session.providers(usable)
        except GenStudioError:
            await session.close()
            return None
        if session.engine is None or provider not in session.engine.runners:
            await session.close()
            return None
        return session
