"""What the engine needs from a remote provider: split submit / poll / cancel calls.

A provider adapter turns its HTTP contract into these values and raises `CallFailed` with the
`Failure` of an unsuccessful call; the engine owns retries, persistence and downloads, so a
job can resume from its saved remote task id after any crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from genstudio.engine.retry import Failure
from genstudio.errors import ProviderError


class RemoteStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PollResult:
    status: RemoteStatus
    progress: float | None = None  # 0..1 when the provider reports it
    output_urls: tuple[str, ...] = ()
    error: str = ""
    error_code: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    # A synchronous provider (TTS) already wrote the result on this machine: the engine copies
    # this file instead of downloading (its downloader only fetches public http(s) URLs).
    local_path: str = ""


class CallFailed(ProviderError):
    """A submit/poll/cancel call failed; `failure` says how (status, exception, Retry-After)."""

    def __init__(self, failure: Failure, message: str) -> None:
        self.failure = failure
        super().__init__(message)


class RemoteRunner(Protocol):
    """One configured remote provider (name + base URL + model), as the engine drives it."""

    name: str
    base_url: str
    model: str
    lane: str
    poll_interval: float  # seconds between polls while the task runs
    idempotent_submit: bool  # provider honours our Idempotency-Key: a submit may be retried
    submit_5xx_not_billed: bool  # provider documents 5xx on create as "not accepted"

    async def submit(self, request: dict[str, Any], idempotency_key: str) -> str:
        """Create the remote task; return its id. Raise `CallFailed` on an HTTP failure."""
        ...

    async def poll(self, task_id: str) -> PollResult: ...

    async def cancel(self, task_id: str) -> None: ...

    def estimate_seconds(self, request: dict[str, Any]) -> float:
        """Typical active (running, not queued) seconds for this request."""
        ...

    def cost(self, request: dict[str, Any]) -> float: ...

    def output_suffix(self, kind: str) -> str:
        """File extension for the result (decided by us, never by the server)."""
        ...
