"""Sync (sync.so) lip-sync v2 (PROVIDERS.md §6): POST /v2/generate, GET /v2/generate/{id}.

Request:

    {"video": "https://…/clip.mp4",   # Sync fetches both inputs: https URLs only
     "audio": "https://…/line.mp3",
     "sync_mode": "cut_off",          # bounce | loop | cut_off | silence | remap
     "duration": 6.5,                 # seconds of video: for the estimate and the cost
     "output_name": "scene-003"}      # outputFileName

Status: PENDING → queued, PROCESSING → running, COMPLETED(outputUrl) → succeeded,
FAILED / REJECTED (error, error_code) → failed. Sync documents no cancel endpoint.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import httpx

from genstudio.engine.remote import PollResult, RemoteStatus
from genstudio.errors import ProviderError
from genstudio.providers import catalog
from genstudio.providers.http import (
    ApiClient,
    InvalidRequest,
    RunnerBase,
    is_safe_id,
    malformed,
    safe_id,
)
from genstudio.providers.prices import PriceTable, UnknownPrice, default_prices

log = logging.getLogger("genstudio.providers")

BASE_URL = "https://api.sync.so"


def _https(value: object, field: str) -> str:
    if not isinstance(value, str) or urlsplit(value.strip()).scheme.lower() != "https":
        raise InvalidRequest(
            f"Sync: {field} must be an https URL Sync can fetch (got {str(value)[:60]!r})"
        )
    return value.strip()


class SyncLipsyncRunner(RunnerBase):
    label = "Sync"
    poll_interval = 5.0  # 5-10 s [UNVERIFIED]

    def __init__(
        self,
        *,
        api_key: str,
        model: str = "lipsync-2",
        base_url: str | None = None,
        name: str = "sync",
        lane: str = "sync",
        transport: httpx.AsyncBaseTransport | None = None,
        prices: PriceTable | None = None,
    ) -> None:
        catalog.check_choice("Sync", "model", model, catalog.SYNC_MODELS)
        api = ApiClient(
            "Sync",
            base_url or BASE_URL,
            headers={"x-api-key": api_key},
            secret=api_key,
            transport=transport,
        )
        super().__init__(api, name=name, model=model, lane=lane)
        self.prices = prices or default_prices()

    def build(self, request: dict[str, Any]) -> dict[str, Any]:
        mode = request.get("sync_mode", "cut_off")
        catalog.check_choice("Sync", "sync_mode", mode, catalog.SYNC_MODES)
        body: dict[str, Any] = {
            "model": self.model,
            "input": [
                {"type": "video", "url": _https(request.get("video"), "video")},
                {"type": "audio", "url": _https(request.get("audio"), "audio")},
            ],
            "options": {"sync_mode": mode},
        }
        if request.get("output_name"):
            body["outputFileName"] = str(request["output_name"])
        return body

    async def submit(self, request: dict[str, Any], idempotency_key: str) -> str:
        data = await self.api.json(
            "POST", "/v2/generate", json_body=self.build(request), action="create the lip-sync"
        )
        gen_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(gen_id, str) or not is_safe_id(gen_id):
            raise malformed(f"Sync accepted the request but sent no usable id ({gen_id!r})")
        return gen_id

    async def poll(self, task_id: str) -> PollResult:
        data = await self.api.json(
            "GET", f"/v2/generate/{safe_id(task_id)}", action="check the lip-sync"
        )
        if not isinstance(data, dict):
            raise malformed("Sync: the generation answer is not an object")
        status = str(data.get("status", ""))
        if status == "PENDING":
            return PollResult(RemoteStatus.QUEUED, raw=data)
        if status == "PROCESSING":
            return PollResult(RemoteStatus.RUNNING, raw=data)
        if status == "COMPLETED":
            url = data.get("outputUrl")
            urls = (url,) if isinstance(url, str) else ()
            return PollResult(RemoteStatus.SUCCEEDED, output_urls=urls, raw=data)
        if status in ("FAILED", "REJECTED"):
            code = str(data.get("error_code") or "")
            verb = "rejected" if status == "REJECTED" else "failed"
            detail = str(data.get("error") or "no reason given")[:300]
            return PollResult(
                RemoteStatus.FAILED,
                error=f"Sync {verb} the lip-sync" + (f" ({code})" if code else "") + f": {detail}",
                error_code=code or status.lower(),
                raw=data,
            )
        return PollResult(
            RemoteStatus.FAILED,
            error=f"Sync answered with an unknown status {status[:40]!r}",
            error_code="provider_malformed",
            raw=data,
        )

    async def cancel(self, task_id: str) -> None:
        raise ProviderError(
            "Sync has no cancel endpoint: the lip-sync may still finish (and be billed); "
            "its result is ignored"
        )

    def _seconds(self, request: dict[str, Any]) -> float:
        value = request.get("duration")
        return float(value) if isinstance(value, int | float) and value > 0 else 5.0

    def estimate_seconds(self, request: dict[str, Any]) -> float:
        return catalog.SYNC_TIMING.seconds(self._seconds(request))

    def cost(self, request: dict[str, Any]) -> float:
        try:
            return self.prices.estimate(
                "sync", self.model, "lipsync", seconds=self._seconds(request)
            )
        except UnknownPrice as exc:
            log.warning("%s", exc)
            return 0.0

    def output_suffix(self, kind: str) -> str:
        return ".mp4"
