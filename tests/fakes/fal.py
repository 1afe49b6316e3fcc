"""Fake FAL queue and sync APIs (PROVIDERS.md §2).

Queue host: POST {queue}/{model_id} -> {"request_id", "status_url", "response_url",
"cancel_url"}; those URLs use only the app (`owner/alias`), never the model sub-path:
{queue}/fal-ai/flux/requests/{id}/status. Polling with the model sub-path gets a 404, as the
real service's docs warn. The queue is served under the /fal prefix (and at the root, for
paths that are not Runway's or ElevenLabs'); the synchronous host (fal.run) under /fal-sync,
where a POST returns the result directly.
"""

from __future__ import annotations

import math
from typing import Any

from tests.fakes.clock import iso_at
from tests.fakes.media import MediaSpec, served_size
from tests.fakes.state import ProviderCore, Request
from tests.fakes.tasks import Task, TaskPlan, TaskView
from tests.fakes.wire import Response, json_response

IMAGE_SIZES = {
    "square_hd": (1024, 1024),
    "square": (512, 512),
    "portrait_4_3": (768, 1024),
    "portrait_16_9": (576, 1024),
    "landscape_4_3": (1024, 768),
    "landscape_16_9": (1024, 576),
}
ULTRA_RATIOS = {
    "21:9": (2048, 878),
    "16:9": (2048, 1152),
    "4:3": (2048, 1536),
    "3:2": (2048, 1366),
    "1:1": (2048, 2048),
    "2:3": (1366, 2048),
    "3:4": (1536, 2048),
    "9:16": (1152, 2048),
    "9:21": (878, 2048),
}
KLING_RATIOS = {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (960, 960)}
MODELS: dict[str, dict[str, Any]] = {
    "fal-ai/flux/dev": {"schema": "flux", "steps": (1, 50)},
    "fal-ai/flux/schnell": {"schema": "flux", "steps": (1, 12)},
    "fal-ai/flux-pro/v1.1": {"schema": "flux_pro"},
    "fal-ai/flux-pro/v1.1-ultra": {"schema": "flux_ultra"},
    "fal-ai/kling-video/v2/master/image-to-video": {"schema": "kling_i2v"},
    "fal-ai/kling-video/v2.1/master/image-to-video": {"schema": "kling_i2v"},
    "fal-ai/kling-video/v2.1/standard/image-to-video": {"schema": "kling_i2v"},
    "fal-ai/kling-video/v2/master/text-to-video": {"schema": "kling_t2v"},
}
# error_type -> HTTP status (PROVIDERS.md §2 "Errors")
ERROR_TYPES = {
    "request_timeout": 504,
    "startup_timeout": 504,
    "runner_scheduling_failure": 503,
    "runner_connection_timeout": 503,
    "runner_disconnected": 503,
    "runner_connection_refused": 503,
    "runner_connection_error": 503,
    "runner_incomplete_response": 502,
    "runner_server_error": 500,
    "internal_error": 500,
    "client_disconnected": 499,
    "client_cancelled": 499,
    "bad_request": 400,
}
STATUS_TYPES = {
    504: "request_timeout",
    503: "runner_scheduling_failure",
    502: "runner_incomplete_response",
    500: "internal_error",
    400: "bad_request",
}


def error_response(status: int, message: str | None = None) -> Response:
    if status == 422:
        return json_response(
            422,
            {
                "detail": [
                    {
                        "loc": ["body"],
                        "msg": message or "Unprocessable entity",
                        "type": "value_error",
                    }
                ]
            },
        )
    error_type = STATUS_TYPES.get(status)
    data: dict[str, Any] = {"detail": message or _default_message(status)}
    headers = []
    if error_type:
        data["error_type"] = error_type
        headers.append(("X-Fal-Error-Type", error_type))
    return json_response(status, data, headers=headers)


def _default_message(status: int) -> str:
    return {
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        408: "Request timeout",
        409: "Conflict",
        429: "Too many requests",
        500: "Internal server error",
        502: "Bad gateway",
        503: "Service unavailable",
        504: "Request timed out",
    }.get(status, "Error")


def app_of(model_id: str) -> str:
    parts = model_id.strip("/").split("/")
    n = 3 if parts[0] in ("workflows", "comfy") else 2
    return "/".join(parts[:n])


def classify(method: str, path: str) -> str:
    if "/requests/" not in path:
        return "submit" if method == "POST" else "info"
    return "cancel" if path.endswith("/cancel") else "poll"


def handle(core: ProviderCore, req: Request) -> Response:
    if req.header("authorization") != f"Key {core.settings.keys['fal']}":
        return error_response(
            401, "Invalid or missing credentials: expected 'Authorization: Key <FAL_KEY>'"
        )
    if "/requests/" not in req.path:
        if req.method != "POST":
            return error_response(405, "Method Not Allowed")
        return _submit(core, req, sync=req.prefix == "/fal-sync")
    app, _, rest = req.path.strip("/").partition("/requests/")
    request_id, _, action = rest.partition("/")
    task = core.find_task(request_id, "fal")
    if task is None or task.app != app:
        return error_response(404, "Request not found")
    if action == "status" and req.method == "GET":
        return _status(core, req, task, core.poll(task))
    if action == "" and req.method == "GET":
        return _result(core, task, core.view(task))
    if action == "cancel" and req.method == "PUT":
        return _cancel(core, task)
    return error_response(405 if action in ("", "status", "cancel") else 404)


def _urls(core: ProviderCore, req: Request, task: Task) -> dict[str, str]:
    base = f"{core.origin}{req.prefix}/{task.app}/requests/{task.id}"
    return {"response_url": base, "status_url": f"{base}/status", "cancel_url": f"{base}/cancel"}


def _submit(core: ProviderCore, req: Request, *, sync: bool) -> Response:
    model_id = req.path.strip("/")
    model = MODELS.get(model_id)
    if model is None:
        return error_response(404, f"Application '{model_id}' not found")
    try:
        body = req.json()
    except ValueError:
        return error_response(422, "Request body is not valid JSON")
    if not isinstance(body, dict):
        return error_response(422, "Input should be a valid dictionary")
    detail, media, credits = _validate(model, body, core.settings.media_scale)
    if detail:
        return json_response(422, {"detail": detail}, headers=[("X-Fal-Retryable", "false")])

    def build(task_id: str, plan: TaskPlan) -> Task:
        if sync:  # fal.run answers in the same request: the task is done on arrival
            plan.pending, plan.throttled, plan.running = 0.0, 0.0, 0.0
        return Task(
            id=task_id,
            provider="fal",
            endpoint=req.path,
            model=model_id,
            created_at=core.clock.now(),
            plan=plan,
            media=media,
            app=app_of(model_id),
            info={"prompt": body.get("prompt", ""), "seed": body.get("seed", 1234567)},
        )

    accepted = core.accept_create(
        req, provider="fal", model=model_id, credits=credits, build=build, error=error_response
    )
    if isinstance(accepted, Response):
        return accepted
    task, _replayed = accepted
    if sync:
        return _result(core, task, core.view(task))
    return json_response(
        200,
        {"request_id": task.id, **_urls(core, req, task)},
        essential=("request_id", "status_url", "response_url"),
    )


def _status(core: ProviderCore, req: Request, task: Task, view: TaskView) -> Response:
    logs: list[dict[str, Any]] | None = None
    if req.query.get("logs") == "1":
        logs = [
            {
                "message": f"step {task.polls}",
                "level": "INFO",
                "source": "user",
                "timestamp": iso_at(core.clock.now()),
            }
        ]
    data: dict[str, Any] = {"request_id": task.id, **_urls(core, req, task)}
    if view.phase in ("queued", "throttled"):
        data.update(status="IN_QUEUE", queue_position=view.queue_position)
    elif view.phase == "running":
        data.update(status="IN_PROGRESS", logs=logs)
    else:
        data.update(status="COMPLETED", logs=logs, metrics={"inference_time": 1.23})
        if view.phase != "succeeded":
            message, error_type = _failure(task, view)
            data.update(error=message, error_type=error_type)
    return json_response(200, data, essential=("status",))


def _failure(task: Task, view: TaskView) -> tuple[str, str]:
    if view.phase == "cancelled":
        return "Request was cancelled", "client_cancelled"
    return task.plan.failure, task.plan.failure_code or "runner_server_error"


def _result(core: ProviderCore, task: Task, view: TaskView) -> Response:
    if not view.terminal:
        return json_response(400, {"detail": "Request is still in progress"})
    if view.phase != "succeeded":
        message, error_type = _failure(task, view)
        status = ERROR_TYPES.get(error_type)
        if status is None:  # a model-level failure (e.g. content policy): 422 with details
            return json_response(
                422, {"detail": [{"loc": ["body"], "msg": message, "type": error_type}]}
            )
        return json_response(
            status,
            {"detail": message, "error_type": error_type},
            headers=[("X-Fal-Error-Type", error_type)],
        )
    urls = [core.signed_url(task, i) for i in range(len(task.media))]
    if task.media[0].kind == "video":
        video = {"url": urls[0], "content_type": "video/mp4", "file_name": "output.mp4"}
        return json_response(200, {"video": video}, essential=("video",), output_key="video")
    images = [
        {
            "url": url,
            "width": m.width,
            "height": m.height,
            "content_type": m.content_type,
            "file_name": f"{task.id}-{i}.{m.fmt}",
        }
        for i, (url, m) in enumerate(zip(urls, task.media, strict=True))
    ]
    data = {
        "images": images,
        "timings": {"inference": 1.23},
        "seed": task.info.get("seed"),
        "has_nsfw_concepts": [False] * len(images),
        "prompt": task.info.get("prompt"),
    }
    return json_response(200, data, essential=("images",), output_key="images")


def _cancel(core: ProviderCore, task: Task) -> Response:
    with core.lock:
        if core.view(task).terminal:
            return json_response(400, {"status": "ALREADY_COMPLETED"})
        task.cancelled = True
        core.ledger.record_cancel("fal", task.id, core.clock.now())
        core.save_now()
    return json_response(202, {"status": "CANCELLATION_REQUESTED"})


# -- input validation (FastAPI-style 422 details) -------------------------------------------
def _err(field: str, msg: str, kind: str = "value_error") -> dict[str, Any]:
    return {"loc": ["body", field], "msg": msg, "type": kind}


def _number(
    body: dict[str, Any],
    field: str,
    low: float,
    high: float,
    *,
    integer: bool,
    detail: list[dict[str, Any]],
) -> None:
    value = body.get(field)
    if value is None:
        return
    ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok_type:
        detail.append(_err(field, "Input should be a valid number", "type_error"))
    elif not low <= value <= high:
        detail.append(_err(field, f"Input should be between {low} and {high}"))


def _enum(body: dict[str, Any], field: str, allowed: Any, detail: list[dict[str, Any]]) -> None:
    if field in body and body[field] not in allowed:
        detail.append(_err(field, f"Input should be one of {sorted(allowed)}", "enum"))


def _validate(
    model: dict[str, Any], body: dict[str, Any], scale: str
) -> tuple[list[dict[str, Any]], list[MediaSpec], float]:
    detail: list[dict[str, Any]] = []
    schema = model["schema"]
    if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
        detail.append(_err("prompt", "Field required", "missing"))
    _number(body, "seed", 0, 2**63, integer=True, detail=detail)
    _number(body, "num_images", 1, 4, integer=True, detail=detail)
    _enum(body, "output_format", {"jpeg", "png"}, detail)
    if schema.startswith("kling"):
        return _validate_kling(schema, body, scale, detail)
    size = IMAGE_SIZES["landscape_4_3"]
    if schema == "flux_ultra":
        _enum(body, "aspect_ratio", set(ULTRA_RATIOS), detail)
        size = ULTRA_RATIOS.get(body.get("aspect_ratio", "16:9"), size)
    else:
        requested = body.get("image_size", "landscape_4_3")
        if isinstance(requested, dict):
            w, h = requested.get("width"), requested.get("height")
            if not all(isinstance(v, int) and 64 <= v <= 14142 for v in (w, h)):
                detail.append(_err("image_size", "width and height must be integers 64-14142"))
            else:
                size = (w, h)
        elif requested in IMAGE_SIZES:
            size = IMAGE_SIZES[requested]
        else:
            detail.append(
                _err("image_size", f"Input should be one of {sorted(IMAGE_SIZES)}", "enum")
            )
    if schema == "flux":
        _number(body, "num_inference_steps", *model["steps"], integer=True, detail=detail)
        _number(body, "guidance_scale", 1, 20, integer=False, detail=detail)
        _enum(body, "acceleration", {"none", "regular", "high"}, detail)
    else:
        _enum(body, "safety_tolerance", {"1", "2", "3", "4", "5", "6"}, detail)
    if detail:
        return detail, [], 0
    fmt = "png" if body.get("output_format") == "png" else "jpg"
    count = int(body.get("num_images", 1))
    w, h = served_size(*size, scale)
    megapixels = math.ceil(size[0] * size[1] / 1_000_000)
    return [], [MediaSpec("image", w, h, fmt)] * count, float(megapixels * count)


def _validate_kling(
    schema: str, body: dict[str, Any], scale: str, detail: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[MediaSpec], float]:
    if schema == "kling_i2v":
        url = body.get("image_url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://", "data:image/")):
            detail.append(_err("image_url", "Field required: an image URL", "missing"))
    _enum(body, "duration", {"5", "10"}, detail)
    _enum(body, "aspect_ratio", set(KLING_RATIOS), detail)
    _number(body, "cfg_scale", 0, 1, integer=False, detail=detail)
    if detail:
        return detail, [], 0
    seconds = float(body.get("duration", "5"))
    w, h = served_size(*KLING_RATIOS[body.get("aspect_ratio", "16:9")], scale)
    return [], [MediaSpec("video", w, h, "mp4", seconds=seconds)], seconds
