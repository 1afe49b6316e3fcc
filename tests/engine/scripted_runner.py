"""An in-process RemoteRunner whose every call is scripted: unit tests of the job engine."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

import httpx

from genstudio.engine.remote import CallFailed, PollResult, RemoteStatus
from genstudio.engine.retry import Failure

CDN = "https://93.184.216.34"  # a public address literal: no DNS needed, MockTransport answers


@dataclass
class ScriptedRunner:
    name: str = "scripted"
    base_url: str = "https://api.scripted.test"
    model: str = "m1"
    lane: str = "video"
    poll_interval: float = 5.0
    idempotent_submit: bool = False
    submit_5xx_not_billed: bool = False
    estimate: float = 60.0
    submits: list[str] = field(default_factory=list)  # idempotency keys, one per POST sent
    polls: int = 0
    cancels: list[str] = field(default_factory=list)
    submit_script: deque[Any] = field(default_factory=deque)  # exceptions or task ids
    poll_script: deque[Any] = field(default_factory=deque)  # PollResult or exceptions
    default_poll: PollResult | None = None

    async def submit(self, request: dict[str, Any], idempotency_key: str) -> str:
        step = self.submit_script.popleft() if self.submit_script else f"task-{len(self.submits)}"
        if isinstance(step, BaseException) and isinstance(step, httpx.ConnectError):
            raise step  # never reached the server: not counted as sent
        self.submits.append(idempotency_key)
        if isinstance(step, BaseException):
            raise step
        return str(step)

    async def poll(self, task_id: str) -> PollResult:
        self.polls += 1
        step = self.poll_script.popleft() if self.poll_script else self.default_poll
        if step is None:
            step = succeeded()
        if isinstance(step, BaseException):
            raise step
        return step

    async def cancel(self, task_id: str) -> None:
        self.cancels.append(task_id)

    def estimate_seconds(self, request: dict[str, Any]) -> float:
        return self.estimate

    def cost(self, request: dict[str, Any]) -> float:
        return 0.25

    def output_suffix(self, kind: str) -> str:
        return ".mp4"


def succeeded(name: str = "clip.mp4") -> PollResult:
    return PollResult(RemoteStatus.SUCCEEDED, output_urls=(f"{CDN}/{name}",))


def running(progress: float = 0.5) -> PollResult:
    return PollResult(RemoteStatus.RUNNING, progress=progress)


def http_failure(status: int, retry_after: float | None = None) -> CallFailed:
    return CallFailed(Failure(status=status, retry_after=retry_after), f"HTTP {status}")


def cdn_transport(routes: dict[str, Any], seen: list[httpx.Request]) -> httpx.MockTransport:
    """CDN answers per path: bytes, an int status, or a list consumed one per request."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = routes.get(request.url.path, 404)
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        if isinstance(answer, int):
            return httpx.Response(answer)
        return httpx.Response(200, content=answer)

    return httpx.MockTransport(handler)
