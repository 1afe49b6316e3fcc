""" "Test connection" for a provider: one cheap authenticated GET, off the GUI thread, bounded.

A provider module that defines `async def check_connection(config, key, *,
timeout) -> str` is asked first (it knows its API best); otherwise the read-only endpoint
documented for that provider (PROVIDERS.md) is called. A provider whose client module is not
part of this build cannot be used by a run, so it is reported as such instead of "tested".
The key is sent only in the request header and never appears in a result or a log line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from urllib.parse import urlparse

import httpx
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from genstudio.models import ProviderConfig

DEFAULT_BASE_URLS: dict[str, str] = {
    "runway": "https://api.dev.runwayml.com",
    "fal": "https://queue.fal.run",
    "elevenlabs": "https://api.elevenlabs.io",
    "luma": "https://api.lumalabs.ai/dream-machine/v1",
    "sync": "https://api.sync.so",
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}
# Modules that may hold each provider's client (the OpenAI-compatible one has a longer name).
MODULE_NAMES: dict[str, tuple[str, ...]] = {
    "openai": ("openai", "openai_compat"),
    "sync": ("sync", "sync_labs"),
}


@dataclass(frozen=True)
class Probe:
    path: str
    headers: Callable[[str], dict[str, str]]


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


PROBES: dict[str, Probe] = {
    "runway": Probe("/v1/organization", lambda k: {**_bearer(k), "X-Runway-Version": "2024-11-06"}),
    "openai": Probe("/models", _bearer),
    "anthropic": Probe("/v1/models", lambda k: {"x-api-key": k, "anthropic-version": "2023-06-01"}),
    "elevenlabs": Probe("/v2/voices?page_size=1", lambda k: {"xi-api-key": k}),
    "luma": Probe("/credits", _bearer),
    "sync": Probe("/v2/generations", lambda k: {"x-api-key": k}),
}


# Result texts, translated when shown (context "ConnectionCheck").
TEXTS: dict[str, str] = {
    "builtin": QT_TRANSLATE_NOOP(
        "ConnectionCheck", "Built-in provider: runs on this computer, nothing to connect to."
    ),
    "no_client": QT_TRANSLATE_NOOP(
        "ConnectionCheck", "The {name} client is not part of this build yet: nothing to test."
    ),
    "no_key": QT_TRANSLATE_NOOP("ConnectionCheck", "No key stored for {name}: store one first."),
    "no_probe": QT_TRANSLATE_NOOP(
        "ConnectionCheck",
        "{name} has no read-only endpoint to test; the key is checked on first use.",
    ),
    "custom": QT_TRANSLATE_NOOP("ConnectionCheck", "{detail}"),
    "timeout": QT_TRANSLATE_NOOP("ConnectionCheck", "No answer from {host} within {timeout} s."),
    "unreachable": QT_TRANSLATE_NOOP("ConnectionCheck", "Cannot reach {host}: {error}."),
    "ok": QT_TRANSLATE_NOOP("ConnectionCheck", "Connected to {host}: the key works."),
    "rejected": QT_TRANSLATE_NOOP("ConnectionCheck", "The key was rejected (HTTP {status})."),
    "not_found": QT_TRANSLATE_NOOP(
        "ConnectionCheck", "Not found (HTTP 404): check the base URL ({base})."
    ),
    "rate_limited": QT_TRANSLATE_NOOP(
        "ConnectionCheck", "The key works, but the provider is rate limiting (HTTP 429)."
    ),
    "http": QT_TRANSLATE_NOOP("ConnectionCheck", "The provider answered HTTP {status}."),
}


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    code: str  # a key of TEXTS
    params: tuple[tuple[str, str], ...] = ()

    @property
    def message(self) -> str:
        template = QCoreApplication.translate("ConnectionCheck", TEXTS[self.code])
        return template.format(**dict(self.params))


def _result(ok: bool, code: str, **params: object) -> CheckResult:
    return CheckResult(ok, code, tuple((k, str(v)) for k, v in params.items()))


def provider_module(name: str) -> ModuleType | None:
    for module in MODULE_NAMES.get(name, (name,)):
        try:
            return importlib.import_module(f"genstudio.providers.{module}")
        except ModuleNotFoundError as exc:
            if exc.name and not f"genstudio.providers.{module}".startswith(exc.name):
                raise  # the module exists but one of its own imports is missing: a real bug
    return None


def is_local(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return host in ("localhost", "127.0.0.1", "::1") or host.endswith(".local")


async def check_connection(
    config: ProviderConfig,
    key: str | None,
    *,
    timeout: float = 10.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> CheckResult:
    name = config.name
    if name == "builtin":
        return _result(True, "builtin")
    module = provider_module(name)
    if module is None:
        return _result(False, "no_client", name=name)
    default = getattr(module, "BASE_URL", "") or DEFAULT_BASE_URLS.get(name, "")
    base = (config.base_url or default).rstrip("/")
    if not key and not is_local(base):
        return _result(False, "no_key", name=name)
    custom = getattr(module, "check_connection", None)
    if custom is not None:
        message = await custom(config, key or "", timeout=timeout)
        return _result(True, "custom", detail=message)
    probe = PROBES.get(name)
    if probe is None:
        return _result(False, "no_probe", name=name)
    url = base + probe.path
    host = urlparse(url).hostname or base
    headers = probe.headers(key) if key else {}
    try:
        async with httpx.AsyncClient(timeout=timeout, transport=transport) as client:
            response = await client.get(url, headers=headers)
    except httpx.TimeoutException:
        return _result(False, "timeout", host=host, timeout=f"{timeout:g}")
    except httpx.HTTPError as exc:
        return _result(False, "unreachable", host=host, error=type(exc).__name__)
    status = response.status_code
    if status < 300:
        return _result(True, "ok", host=host)
    if status in (401, 403):
        return _result(False, "rejected", status=status)
    if status == 404:
        return _result(False, "not_found", base=base)
    if status == 429:
        return _result(True, "rate_limited")
    return _result(False, "http", status=status)
