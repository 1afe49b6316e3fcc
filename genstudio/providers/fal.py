"""FAL queue API (PROVIDERS.md §2): FLUX images and the video models FAL hosts.

Request (keys used depend on the model's catalog entry, `catalog.FAL_ENDPOINTS`):

    {"prompt": str,
     "width": int, "height": int,   # image_size {"width","height"} models, or → nearest ratio
     "ratio": "16:9",               # aspect_ratio models: exact value instead of width/height
     "image": str,                  # video: start frame (https URL, data URI or local file)
     "end_image": str,              # video: end frame, for models that take one
     "duration": int,               # video: seconds; sent as the model's string ("5", "5s")
     "negative_prompt": str,        # Kling
     "camera": "push_in",           # said in words in the prompt
     "seed": int}

Task ids: FAL answers the submit with `status_url` / `response_url` / `cancel_url` that drop
the model sub-path (`fal-ai/flux/dev` → `fal-ai/flux/requests/<id>`). We keep the part of the
returned `response_url` before `/requests/` (the "app") and the request id, as
`"<app>|<request_id>"` (e.g. `fal-ai/flux|80e732af-…`), so a resumed job rebuilds exactly
`{base}/{app}/requests/{id}` (+ `/status`, + `/cancel`) without the submit answer. URLs that
point off our API host are refused: our key header would go with them.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import httpx

from genstudio.engine.remote import PollResult, RemoteStatus
from genstudio.providers import catalog
from genstudio.providers.http import (
    ApiCallFailed,
    ApiClient,
    InvalidRequest,
    RunnerBase,
    error_detail,
    image_input,
    is_safe_id,
    malformed,
)
from genstudio.providers.prices import PriceTable, UnknownPrice, default_prices

log = logging.getLogger("genstudio.providers")

BASE_URL = "https://queue.fal.run"
_NAMESPACES = ("workflows", "comfy")  # apps with a three-segment id [V-SDK client.py]


def app_of(model_id: str) -> str:
    """`fal-ai/flux/dev` → `fal-ai/flux`; `workflows/o/a/x` → `workflows/o/a`."""
    parts = model_id.strip("/").split("/")
    keep = 3 if parts[0] in _NAMESPACES else 2
    return "/".join(parts[:keep])


def encode_task_id(app: str, request_id: str) -> str:
    return f"{app}|{request_id}"


def decode_task_id(task_id: str) -> tuple[str, str]:
    """(app, request_id); `InvalidRequest` for anything that could escape the app's path."""
    app, sep, request_id = task_id.partition("|")
    segments = app.split("/")
    if not sep or not is_safe_id(request_id) or not all(is_safe_id(s) for s in segments):
        raise InvalidRequest(f"FAL: not a task id of ours: {task_id[:80]!r}")
    return app, request_id


def _first_url(data: dict[str, Any]) -> str:
    """The output file: images[0].url (FLUX), or video / image / audio .url."""
    images = data.get("images")
    if isinstance(images, list) and images and isinstance(images[0], dict):
        url = images[0].get("url")
        if isinstance(url, str):
            return url
    for key in ("video", "image", "audio"):
        item = data.get(key)
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            return str(item["url"])
    return ""


class FalRunner(RunnerBase):
    """One FAL model (`model` is the full endpoint id) through the queue."""

    label = "FAL"
    submit_5xx_not_billed = True  # "Server errors (HTTP 500+) are not charged" [V-DOC faq]

    def __init__(
        self,
        *,
        api_key: str,
        model: str = "fal-ai/flux/dev",
        base_url: str | None = None,
        name: str = "fal",
        lane: str = "fal",
        transport: httpx.AsyncBaseTransport | None = None,
        prices: PriceTable | None = None,
    ) -> None:
        if model not in catalog.FAL_ENDPOINTS:
            raise InvalidRequest(
                f"FAL model {model!r} is not in the catalog; known: "
                f"{', '.join(catalog.FAL_ENDPOINTS)}"
            )
        api = ApiClient(
            "FAL",
            base_url or BASE_URL,
            headers={"Authorization": f"Key {api_key}"},
            secret=api_key,
            transport=transport,
        )
        super().__init__(api, name=name, model=model, lane=lane)
        self.spec = catalog.FAL_ENDPOINTS[model]
        self.kind = self.spec.kind
        self.poll_interval = 1.0 if self.kind == "image" else 2.0  # FAL: 0.5-2 s
        self.prices = prices or default_prices()

    # -- request ------------------------------------------------------------------------------

    async def build(self, request: dict[str, Any]) -> dict[str, Any]:
        spec = self.spec
        prompt = str(request.get("prompt") or "").strip()
        phrase = catalog.camera_phrase(request.get("camera"))
        if phrase:
            prompt = f"{prompt}. {phrase}." if prompt else f"{phrase}."
        if not prompt:
            raise InvalidRequest(f"FAL {self.model}: a prompt is required")
        body: dict[str, Any] = {"prompt": prompt, **spec.fixed}
        if spec.size_field == "image_size":
            body["image_size"] = self._size(request)
        elif spec.size_field == "aspect_ratio":
            body["aspect_ratio"] = self._ratio(request)
        if spec.image_field:
            body[spec.image_field] = await self._image(request.get("image"), "image")
        if request.get("end_image"):
            if not spec.end_image_field:
                raise InvalidRequest(f"FAL {self.model} does not take an end frame")
            body[spec.end_image_field] = await self._image(request["end_image"], "end_image")
        if spec.durations:
            body["duration"] = self._duration(request)
        if request.get("negative_prompt"):
            if not spec.negative_prompt:
                raise InvalidRequest(f"FAL {self.model} does not take a negative prompt")
            body["negative_prompt"] = str(request["negative_prompt"])
        seed = request.get("seed")
        if seed is not None:
            if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
                raise InvalidRequest(f"FAL: seed must be a non-negative integer (got {seed!r})")
            body["seed"] = seed
        return body

    def _size(self, request: dict[str, Any]) -> dict[str, int]:
        width, height = request.get("width"), request.get("height")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (width, height)):
            raise InvalidRequest(f"FAL {self.model}: width and height (integers) are required")
        assert isinstance(width, int) and isinstance(height, int)
        if not (64 <= width <= 4096 and 64 <= height <= 4096):
            raise InvalidRequest(f"FAL {self.model}: {width}×{height} is outside 64-4096 pixels")
        return {"width": width, "height": height}

    def _ratio(self, request: dict[str, Any]) -> str:
        ratio = request.get("ratio")
        if ratio is not None:
            catalog.check_choice(f"FAL {self.model}", "ratio", ratio, self.spec.ratios)
            return str(ratio)
        width, height = request.get("width"), request.get("height")
        if isinstance(width, int | float) and isinstance(height, int | float):
            return catalog.nearest_ratio(width, height, self.spec.ratios)
        raise InvalidRequest(
            f"FAL {self.model}: give a ratio ({', '.join(self.spec.ratios)}) or width and height"
        )

    def _duration(self, request: dict[str, Any]) -> str:
        allowed = self.spec.durations
        value = request.get("duration", allowed[0].rstrip("s"))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        suffix = "s" if allowed[0].endswith("s") else ""
        wire = f"{value}{suffix}" if isinstance(value, int) else str(value)
        if wire not in allowed:
            shown = ", ".join(a.rstrip("s") for a in allowed)
            raise InvalidRequest(
                f"FAL {self.model}: duration {value!r} is not allowed; use one of: {shown} (s)"
            )
        return wire

    async def _image(self, value: object, field: str) -> str:
        return await image_input(
            value,
            provider=f"FAL {self.model}",
            field=field,
            max_data_uri_bytes=catalog.FAL_DATA_URI_LIMIT,
        )

    # -- queue calls --------------------------------------------------------------------------

    async def submit(self, request: dict[str, Any], idempotency_key: str) -> str:
        body = await self.build(request)
        data = await self.api.json(
            "POST", f"/{self.model}", json_body=body, action=f"queue the {self.kind} request"
        )
        request_id = data.get("request_id") if isinstance(data, dict) else None
        if not isinstance(request_id, str) or not is_safe_id(request_id):
            raise malformed(
                f"FAL queued the request but sent no usable request id ({request_id!r})"
            )
        app = self._app_from(data, request_id)
        return encode_task_id(app, request_id)

    def _app_from(self, data: dict[str, Any], request_id: str) -> str:
        """The app path FAL itself uses in `response_url` (falls back to the SDK's rule)."""
        url = data.get("response_url")
        if not isinstance(url, str) or not url:
            return app_of(self.model)
        if not self.api.same_origin(url):
            raise malformed(
                f"FAL answered with a result URL on another host ({urlsplit(url).netloc}); "
                "not sending the key there"
            )
        path = urlsplit(url).path.strip("/")
        base_path = urlsplit(self.base_url).path.strip("/")
        if base_path and path.startswith(base_path + "/"):
            path = path[len(base_path) + 1 :]
        app, sep, rest = path.partition("/requests/")
        if not sep or rest.split("/")[0] != request_id:
            raise malformed(f"FAL answered with an unexpected result URL path ({path[:80]})")
        return app

    async def poll(self, task_id: str) -> PollResult:
        app, request_id = decode_task_id(task_id)
        data = await self.api.json(
            "GET",
            f"/{app}/requests/{request_id}/status",
            params={"logs": "0"},
            action="check the request",
        )
        if not isinstance(data, dict):
            raise malformed("FAL: the status answer is not an object")
        status = str(data.get("status", ""))
        if status == "IN_QUEUE":
            return PollResult(RemoteStatus.QUEUED, raw=data)
        if status == "IN_PROGRESS":
            return PollResult(RemoteStatus.RUNNING, raw=data)
        if status != "COMPLETED":
            return PollResult(
                RemoteStatus.FAILED,
                error=f"FAL answered with an unknown status {status[:40]!r}",
                error_code="provider_malformed",
                raw=data,
            )
        if data.get("error") or data.get("error_type"):
            return self._completed_with_error(data)
        return await self._result(app, request_id)

    def _completed_with_error(self, data: dict[str, Any]) -> PollResult:
        error_type = str(data.get("error_type") or "")
        if error_type == "client_cancelled":
            return PollResult(RemoteStatus.CANCELLED, raw=data)
        message = str(data.get("error") or error_type)
        return PollResult(
            RemoteStatus.FAILED,
            error=f"FAL {self.model} failed: {message[:300]}",
            error_code=error_type or "remote_failed",
            raw=data,
        )

    async def _result(self, app: str, request_id: str) -> PollResult:
        try:
            data = await self.api.json(
                "GET", f"/{app}/requests/{request_id}", action="fetch the result"
            )
        except ApiCallFailed as exc:
            if _transient(exc):
                raise  # the engine polls again
            return PollResult(
                RemoteStatus.FAILED,
                error=str(exc),
                error_code=exc.code or f"http_{exc.failure.status}",
            )
        if not isinstance(data, dict):
            raise malformed("FAL: the result is not an object")
        nsfw = data.get("has_nsfw_concepts")
        if isinstance(nsfw, list) and nsfw and nsfw[0] is True:
            return PollResult(
                RemoteStatus.FAILED,
                error="FAL's safety checker blanked the image (NSFW concept detected); "
                "change the prompt before trying again",
                error_code="safety",
                raw=data,
            )
        url = _first_url(data)
        if not url:
            return PollResult(
                RemoteStatus.FAILED,
                error=f"FAL {self.model} finished without an output file",
                error_code="provider_malformed",
                raw=data,
            )
        return PollResult(RemoteStatus.SUCCEEDED, output_urls=(url,), raw=data)

    async def cancel(self, task_id: str) -> None:
        """PUT …/cancel. Already completed or unknown (400/404/409) is not an error."""
        app, request_id = decode_task_id(task_id)
        response = await self.api.request(
            "PUT",
            f"/{app}/requests/{request_id}/cancel",
            action="cancel the request",
            ok_statuses=(400, 404, 409),
        )
        if response.status >= 300:
            log.info("FAL cancel of %s: %s", request_id, error_detail(response.content)[0])

    # -- estimates ----------------------------------------------------------------------------

    def _amount(self, request: dict[str, Any]) -> dict[str, float]:
        if self.kind == "video":
            seconds = request.get("duration")
            if not isinstance(seconds, int | float) or isinstance(seconds, bool):
                seconds = float(self.spec.durations[0].rstrip("s"))
            return {"seconds": float(seconds)}
        width, height = request.get("width"), request.get("height")
        if not isinstance(width, int | float) or not isinstance(height, int | float):
            width, height = 1024, 768  # FLUX's default landscape_4_3
        return {"megapixels": float(width) * float(height) / 1e6}

    def estimate_seconds(self, request: dict[str, Any]) -> float:
        return self.spec.timing.seconds(self._amount(request).get("seconds", 0.0))

    def cost(self, request: dict[str, Any]) -> float:
        try:
            return self.prices.estimate("fal", self.model, self.kind, **self._amount(request))
        except UnknownPrice as exc:
            log.warning("%s", exc)
            return 0.0

    def output_suffix(self, kind: str) -> str:
        return ".png" if self.kind == "image" else ".mp4"


def _transient(exc: ApiCallFailed) -> bool:
    """Worth polling again: transport errors, 408/429, and 5xx without a FAL `error_type`
    (an ingress page, not FAL's verdict on the request; the SDK retries those too)."""
    status = exc.failure.status or 0
    if exc.failure.exception is not None or status in (408, 429):
        return True
    return status >= 500 and not exc.code
