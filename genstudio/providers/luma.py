"""Luma Dream Machine, direct (PROVIDERS.md §5b): POST /generations/video, keyframes.

Request:

    {"prompt": str,
     "image": "https://…",       # keyframes.frame0 (Luma fetches URLs; no inline images)
     "end_image": "https://…",   # keyframes.frame1
     "duration": 5,              # → "5s" | "9s"
     "ratio": "16:9",            # or "width"/"height" → the nearest of LUMA_RATIOS
     "resolution": "720p",       # 540p | 720p | 1080p | 4k (Luma's default when absent)
     "loop": false,
     "camera": "push_in"}        # said in words in the prompt

States: queued → queued, dreaming → running, completed(assets.video) → succeeded,
failed(failure_reason) → failed. Cancel is DELETE /generations/{id}.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from genstudio.engine.remote import PollResult, RemoteStatus
from genstudio.providers import catalog
from genstudio.providers.http import (
    ApiClient,
    InvalidRequest,
    RunnerBase,
    image_input,
    is_safe_id,
    malformed,
    safe_id,
)
from genstudio.providers.prices import PriceTable, UnknownPrice, default_prices

log = logging.getLogger("genstudio.providers")

BASE_URL = "https://api.lumalabs.ai/dream-machine/v1"


class LumaVideoRunner(RunnerBase):
    label = "Luma"
    poll_interval = 5.0  # 3-10 s [UNVERIFIED]

    def __init__(
        self,
        *,
        api_key: str,
        model: str = "ray-2",
        base_url: str | None = None,
        name: str = "luma",
        lane: str = "luma",
        transport: httpx.AsyncBaseTransport | None = None,
        prices: PriceTable | None = None,
    ) -> None:
        catalog.check_choice("Luma", "model", model, catalog.LUMA_MODELS)
        api = ApiClient(
            "Luma",
            base_url or BASE_URL,
            headers={"Authorization": f"Bearer {api_key}"},
            secret=api_key,
            transport=transport,
        )
        super().__init__(api, name=name, model=model, lane=lane)
        self.prices = prices or default_prices()

    async def build(self, request: dict[str, Any]) -> dict[str, Any]:
        prompt = str(request.get("prompt") or "").strip()
        phrase = catalog.camera_phrase(request.get("camera"))
        if phrase:
            prompt = f"{prompt}. {phrase}." if prompt else f"{phrase}."
        body: dict[str, Any] = {"model": self.model, "generation_type": "video"}
        if prompt:
            body["prompt"] = prompt
        keyframes: dict[str, dict[str, str]] = {}
        for frame, key in (("frame0", "image"), ("frame1", "end_image")):
            if request.get(key):
                url = await image_input(
                    request[key], provider="Luma", field=key, max_data_uri_bytes=None
                )
                keyframes[frame] = {"type": "image", "url": url}
        if keyframes:
            body["keyframes"] = keyframes
        elif not prompt:
            raise InvalidRequest("Luma: give a prompt or a start image")
        ratio = request.get("ratio")
        if ratio is None and request.get("width") and request.get("height"):
            ratio = catalog.nearest_ratio(request["width"], request["height"], catalog.LUMA_RATIOS)
        if ratio is not None:
            catalog.check_choice("Luma", "ratio", ratio, catalog.LUMA_RATIOS)
            body["aspect_ratio"] = ratio
        if request.get("duration") is not None:
            value = request["duration"]
            wire = f"{int(value)}s" if isinstance(value, int | float) else str(value)
            if wire not in catalog.LUMA_DURATIONS:
                raise InvalidRequest(f"Luma: duration {value!r} is not allowed; use 5 or 9 (s)")
            body["duration"] = wire
        if request.get("resolution"):
            catalog.check_choice(
                "Luma", "resolution", request["resolution"], catalog.LUMA_RESOLUTIONS
            )
            body["resolution"] = request["resolution"]
        if "loop" in request:
            body["loop"] = bool(request["loop"])
        return body

    async def submit(self, request: dict[str, Any], idempotency_key: str) -> str:
        body = await self.build(request)
        data = await self.api.json(
            "POST", "/generations/video", json_body=body, action="create the generation"
        )
        gen_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(gen_id, str) or not is_safe_id(gen_id):
            raise malformed(f"Luma accepted the request but sent no usable id ({gen_id!r})")
        return gen_id

    async def poll(self, task_id: str) -> PollResult:
        data = await self.api.json(
            "GET", f"/generations/{safe_id(task_id)}", action="check the generation"
        )
        if not isinstance(data, dict):
            raise malformed("Luma: the generation answer is not an object")
        state = str(data.get("state", ""))
        if state == "queued":
            return PollResult(RemoteStatus.QUEUED, raw=data)
        if state == "dreaming":
            return PollResult(RemoteStatus.RUNNING, raw=data)
        if state == "completed":
            assets = data.get("assets") if isinstance(data.get("assets"), dict) else {}
            video = (assets or {}).get("video")
            urls = (video,) if isinstance(video, str) else ()
            return PollResult(RemoteStatus.SUCCEEDED, output_urls=urls, raw=data)
        if state == "failed":
            reason = str(data.get("failure_reason") or "no reason given")
            return PollResult(
                RemoteStatus.FAILED,
                error=f"Luma failed the generation: {reason[:300]}",
                error_code="remote_failed",
                raw=data,
            )
        return PollResult(
            RemoteStatus.FAILED,
            error=f"Luma answered with an unknown state {state[:40]!r}",
            error_code="provider_malformed",
            raw=data,
        )

    async def cancel(self, task_id: str) -> None:
        await self.api.request(
            "DELETE",
            f"/generations/{safe_id(task_id)}",
            action="delete the generation",
            ok_statuses=(404,),
        )

    def _seconds(self, request: dict[str, Any]) -> float:
        value = request.get("duration")
        return float(value) if isinstance(value, int | float) else 5.0

    def estimate_seconds(self, request: dict[str, Any]) -> float:
        return catalog.LUMA_TIMING.seconds(self._seconds(request))

    def cost(self, request: dict[str, Any]) -> float:
        try:
            return self.prices.estimate("luma", self.model, "video", seconds=self._seconds(request))
        except UnknownPrice as exc:
            log.warning("%s", exc)
            return 0.0

    def output_suffix(self, kind: str) -> str:
        return ".mp4"
