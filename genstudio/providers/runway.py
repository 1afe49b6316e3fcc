"""Runway (PROVIDERS.md §1): image_to_video and text_to_image as engine runners.

Video request (a JSON dict the job stores; every key but `image` is optional):

    {"prompt": str,                 # promptText, ≤ 1000 UTF-16 units with the camera phrase
     "image": str,                  # https URL, data URI, or a local file (→ data URI ≤ 5 MB)
     "end_image": str,              # last frame; only models that take one (gen3a, veo3.1)
     "duration": int,               # seconds, one of the model's durations (gen4_turbo: 2-10)
     "ratio": "1280:720",           # exact wire ratio, or:
     "width": 1280, "height": 720,  # → the model's nearest allowed ratio
     "seed": int,                   # 0..4294967295
     "camera": "push_in",           # a CameraMove value, said in words in the prompt
     "negative_prompt": str,        # veo models only
     "audio": bool}                 # veo3.1 models only

Image request: {"prompt", "ratio" | "width"/"height", "seed", "reference_images": [str |
{"uri", "tag"}]} (gen4_image_turbo needs 1-3 references).

Polling: PENDING/THROTTLED → queued, RUNNING(progress) → running, SUCCEEDED(output) →
succeeded, FAILED(failureCode) → failed, CANCELLED/CANCELED → cancelled. Cancel is DELETE.
A 502/503/504 on create is documented load shedding (not accepted): `submit_5xx_not_billed`.
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

BASE_URL = "https://api.dev.runwayml.com"
API_VERSION = "2024-11-06"
_QUEUED = {"PENDING", "THROTTLED"}
_CANCELLED = {"CANCELLED", "CANCELED"}  # the SDK spells it CANCELLED; one doc page CANCELED


def failure_message(code: str, failure: str) -> str:
    """What a user should read for a FAILED task (Runway: don't show `failure` raw)."""
    if code.startswith("SAFETY.INPUT"):
        return (
            f"Runway's content moderation rejected the input ({code}): do not retry with the "
            "same prompt and image; change them first"
        )
    if code.startswith("SAFETY.OUTPUT"):
        return (
            f"Runway's content moderation rejected the result ({code}): do not retry with the "
            "same prompt; a different prompt may pass"
        )
    if code.startswith("INTERNAL.BAD_OUTPUT"):
        return (
            f"Runway discarded a low-quality result ({code}); text or graphics overlaid on the "
            "input image often cause this"
        )
    if code.startswith("ASSET.INVALID"):
        return f"Runway could not use the input image ({code}): {failure[:200]}"
    detail = f": {failure[:200]}" if failure else ""
    return f"Runway failed the task ({code or 'no failure code'}){detail}"


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _RunwayRunner(RunnerBase):
    label = "Runway"
    poll_interval = 6.0  # "do not expect updates more often than every 5 s"; the SDK uses 6 ± 1.5
    submit_5xx_not_billed = True
    kind = "video"
    path = ""

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        base_url: str | None = None,
        name: str = "runway",
        lane: str = "runway",
        transport: httpx.AsyncBaseTransport | None = None,
        prices: PriceTable | None = None,
    ) -> None:
        api = ApiClient(
            "Runway",
            base_url or BASE_URL,
            headers={"Authorization": f"Bearer {api_key}", "X-Runway-Version": API_VERSION},
            secret=api_key,
            transport=transport,
        )
        super().__init__(api, name=name, model=model, lane=lane)
        self.prices = prices or default_prices()

    async def build(self, request: dict[str, Any]) -> dict[str, Any]:
        """The wire body; raises `InvalidRequest` naming the field and the allowed values."""
        raise NotImplementedError

    async def submit(self, request: dict[str, Any], idempotency_key: str) -> str:
        body = await self.build(request)
        data = await self.api.json(
            "POST", self.path, json_body=body, action=f"create the {self.kind} task"
        )
        task_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(task_id, str) or not is_safe_id(task_id):
            raise malformed(f"Runway accepted the request but sent no usable task id ({task_id!r})")
        return task_id

    async def poll(self, task_id: str) -> PollResult:
        data = await self.api.json("GET", f"/v1/tasks/{safe_id(task_id)}", action="check the task")
        if not isinstance(data, dict):
            raise malformed("Runway: the task answer is not an object")
        status = str(data.get("status", ""))
        if status in _QUEUED:
            return PollResult(RemoteStatus.QUEUED, raw=data)
        if status == "RUNNING":
            progress = data.get("progress")
            value = float(progress) if isinstance(progress, int | float) else None
            return PollResult(RemoteStatus.RUNNING, progress=value, raw=data)
        if status == "SUCCEEDED":
            output = data.get("output")
            urls = (
                tuple(u for u in output if isinstance(u, str)) if isinstance(output, list) else ()
            )
            return PollResult(RemoteStatus.SUCCEEDED, output_urls=urls, raw=data)
        if status == "FAILED":
            code = str(data.get("failureCode") or "")
            return PollResult(
                RemoteStatus.FAILED,
                error=failure_message(code, str(data.get("failure") or "")),
                error_code=code or "remote_failed",
                raw=data,
            )
        if status in _CANCELLED:
            return PollResult(RemoteStatus.CANCELLED, raw=data)
        return PollResult(
            RemoteStatus.FAILED,
            error=f"Runway answered with an unknown task status {status[:40]!r}",
            error_code="provider_malformed",
            raw=data,
        )

    async def cancel(self, task_id: str) -> None:
        """DELETE cancels a pending/running task (and deletes a finished one): 404 = gone."""
        await self.api.request(
            "DELETE",
            f"/v1/tasks/{safe_id(task_id)}",
            action="cancel the task",
            headers={"Accept": "*/*"},
            ok_statuses=(404,),
        )

    def output_suffix(self, kind: str) -> str:
        return ".png" if self.kind == "image" else ".mp4"

    # -- shared field checks ---------------------------------------------------------------

    def prompt_text(self, request: dict[str, Any], *, required: bool) -> str:
        prompt = str(request.get("prompt") or "").strip()
        phrase = catalog.camera_phrase(request.get("camera"))
        text = f"{prompt}. {phrase[0].upper()}{phrase[1:]}." if prompt and phrase else prompt
        if not text and phrase:
            text = f"{phrase[0].upper()}{phrase[1:]}."
        if required and not prompt:
            raise InvalidRequest(f"Runway {self.model}: a prompt is required")
        units = _utf16_units(text)
        if units > catalog.RUNWAY_PROMPT_LIMIT:
            raise InvalidRequest(
                f"Runway: the prompt is {units} characters with the camera direction; at most "
                f"{catalog.RUNWAY_PROMPT_LIMIT}"
            )
        return text

    def ratio(self, request: dict[str, Any], allowed: tuple[str, ...]) -> str:
        ratio = request.get("ratio")
        if ratio is None:
            width, height = request.get("width"), request.get("height")
            if not isinstance(width, int | float) or not isinstance(height, int | float):
                raise InvalidRequest(
                    f"Runway {self.model}: give a ratio ({', '.join(allowed)}) or width and height"
                )
            return catalog.nearest_ratio(width, height, allowed)
        catalog.check_choice(f"Runway {self.model}", "ratio", ratio, allowed)
        return str(ratio)

    def seed(self, request: dict[str, Any]) -> int | None:
        seed = request.get("seed")
        if seed is None:
            return None
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise InvalidRequest(f"Runway: seed must be an integer (got {seed!r})")
        if not 0 <= seed <= catalog.RUNWAY_SEED_MAX:
            raise InvalidRequest(f"Runway: seed must be 0..{catalog.RUNWAY_SEED_MAX}")
        return seed

    async def image(self, value: object, field: str) -> str:
        return await image_input(
            value,
            provider="Runway",
            field=field,
            max_data_uri_bytes=catalog.RUNWAY_DATA_URI_LIMIT,
        )

    def _cost(self, **amount: float) -> float:
        try:
            return self.prices.estimate("runway", self.model, self.kind, **amount)
        except UnknownPrice as exc:
            log.warning("%s", exc)
            return 0.0


class RunwayVideoRunner(_RunwayRunner):
    """POST /v1/image_to_video (default model gen4_turbo)."""

    kind = "video"
    path = "/v1/image_to_video"

    def __init__(self, *, api_key: str, model: str = "gen4_turbo", **kwargs: Any) -> None:
        if model not in catalog.RUNWAY_VIDEO:
            raise InvalidRequest(
                f"Runway video model {model!r} is not known; use one of: "
                f"{', '.join(catalog.RUNWAY_VIDEO)}"
            )
        super().__init__(api_key=api_key, model=model, **kwargs)
        self.spec = catalog.RUNWAY_VIDEO[model]

    def duration(self, request: dict[str, Any]) -> int:
        value = request.get("duration", catalog.fit_duration(5, self.spec.durations))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        catalog.check_choice(f"Runway {self.model}", "duration", value, self.spec.durations)
        return int(value)

    async def build(self, request: dict[str, Any]) -> dict[str, Any]:
        spec = self.spec
        first = await self.image(request.get("image"), "image")
        end = request.get("end_image")
        prompt_image: str | list[dict[str, str]] = first
        if end:
            if not spec.last_frame:
                raise InvalidRequest(f"Runway {self.model} does not take an end frame")
            last = await self.image(end, "end_image")
            prompt_image = [{"uri": first, "position": "first"}, {"uri": last, "position": "last"}]
        body: dict[str, Any] = {
            "model": self.model,
            "promptImage": prompt_image,
            "ratio": self.ratio(request, spec.ratios),
            "duration": self.duration(request),
        }
        text = self.prompt_text(request, required=spec.prompt_required)
        if text:
            body["promptText"] = text
        seed = self.seed(request)
        if seed is not None:
            body["seed"] = seed
        if request.get("negative_prompt"):
            if not spec.negative_prompt:
                raise InvalidRequest(f"Runway {self.model} does not take a negative prompt")
            body["negativePrompt"] = str(request["negative_prompt"])
        if "audio" in request:
            if not spec.audio_option:
                raise InvalidRequest(f"Runway {self.model} has no audio option")
            body["audio"] = bool(request["audio"])
        return body

    def _seconds(self, request: dict[str, Any]) -> float:
        value = request.get("duration")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return float(catalog.fit_duration(5, self.spec.durations))

    def estimate_seconds(self, request: dict[str, Any]) -> float:
        return self.spec.timing.seconds(self._seconds(request))

    def cost(self, request: dict[str, Any]) -> float:
        return self._cost(seconds=self._seconds(request))


class RunwayImageRunner(_RunwayRunner):
    """POST /v1/text_to_image (default model gen4_image)."""

    kind = "image"
    path = "/v1/text_to_image"
    poll_interval = 5.0

    def __init__(
        self, *, api_key: str, model: str = "gen4_image", name: str = "runway-image", **kwargs: Any
    ) -> None:
        if model not in catalog.RUNWAY_IMAGE:
            raise InvalidRequest(
                f"Runway image model {model!r} is not known; use one of: "
                f"{', '.join(catalog.RUNWAY_IMAGE)}"
            )
        super().__init__(api_key=api_key, model=model, name=name, **kwargs)
        self.spec = catalog.RUNWAY_IMAGE[model]

    async def build(self, request: dict[str, Any]) -> dict[str, Any]:
        spec = self.spec
        refs = request.get("reference_images") or []
        if not isinstance(refs, list):
            raise InvalidRequest("Runway: reference_images must be a list")
        if not spec.min_references <= len(refs) <= spec.max_references:
            raise InvalidRequest(
                f"Runway {self.model} takes {spec.min_references}-{spec.max_references} "
                f"reference images (got {len(refs)})"
            )
        references = []
        for index, ref in enumerate(refs):
            uri, tag = (ref.get("uri"), ref.get("tag")) if isinstance(ref, dict) else (ref, None)
            item = {"uri": await self.image(uri, f"reference_images[{index}]")}
            if tag:
                item["tag"] = str(tag)
            references.append(item)
        body: dict[str, Any] = {
            "model": self.model,
            "promptText": self.prompt_text(request, required=True),
            "ratio": self.ratio(request, spec.ratios),
        }
        if references:
            body["referenceImages"] = references
        seed = self.seed(request)
        if seed is not None:
            body["seed"] = seed
        return body

    def _megapixels(self, request: dict[str, Any]) -> float:
        try:
            w, h = catalog.parse_ratio(self.ratio(request, self.spec.ratios))
        except InvalidRequest:
            return 0.0
        return w * h / 1e6

    def estimate_seconds(self, request: dict[str, Any]) -> float:
        return self.spec.timing.seconds()

    def cost(self, request: dict[str, Any]) -> float:
        return self._cost(megapixels=self._megapixels(request))
