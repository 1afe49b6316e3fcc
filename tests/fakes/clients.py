"""httpx clients authenticated the way each real provider expects, pointed at a fake server
(in-process or process mode). For tests of the fake and quick manual probes."""

from __future__ import annotations

import functools
import ssl
from typing import Any

import httpx

RUNWAY_VERSION = "2024-11-06"


@functools.cache
def _http_only_tls() -> ssl.SSLContext:
    # The fake speaks plain HTTP. httpx builds (and loads certifi into) a new TLS context for
    # every Client, ~30-300 ms each: one shared, empty context keeps the tests fast.
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def plain_client(**kwargs: Any) -> httpx.Client:
    """No auth headers, no base URL: how the app must download CDN URLs."""
    return httpx.Client(verify=_http_only_tls(), timeout=kwargs.pop("timeout", 10), **kwargs)


def runway_client(fake: Any, **kwargs: Any) -> httpx.Client:
    headers = {"Authorization": f"Bearer {fake.keys['runway']}", "X-Runway-Version": RUNWAY_VERSION}
    return httpx.Client(
        base_url=fake.url("runway"),
        headers=headers,
        timeout=kwargs.pop("timeout", 5),
        verify=_http_only_tls(),
        **kwargs,
    )


def fal_client(fake: Any, *, sync_host: bool = False, **kwargs: Any) -> httpx.Client:
    return httpx.Client(
        base_url=fake.url("fal-sync" if sync_host else "fal"),
        headers={"Authorization": f"Key {fake.keys['fal']}"},
        timeout=kwargs.pop("timeout", 5),
        verify=_http_only_tls(),
        **kwargs,
    )


def elevenlabs_client(fake: Any, **kwargs: Any) -> httpx.Client:
    return httpx.Client(
        base_url=fake.url("elevenlabs"),
        headers={"xi-api-key": fake.keys["elevenlabs"]},
        timeout=kwargs.pop("timeout", 10),
        verify=_http_only_tls(),
        **kwargs,
    )


# The gen4_turbo example of PROVIDERS.md §1, at 2 s so its clip renders quickly.
RUNWAY_I2V_EXAMPLE: dict[str, Any] = {
    "model": "gen4_turbo",
    "promptImage": "https://example.com/a.jpg",
    "promptText": "slow push in",
    "ratio": "1280:720",
    "duration": 2,
    "seed": 42,
}


def poll_runway_until(client: httpx.Client, task_id: str, status: str, limit: int = 10) -> dict:
    """Poll a Runway task until it reports `status` (at most `limit` polls)."""
    task: dict[str, Any] = {}
    for _ in range(limit):
        task = client.get(f"/v1/tasks/{task_id}").json()
        if task["status"] == status:
            return task
    raise AssertionError(f"task {task_id} never reached {status}: {task}")
