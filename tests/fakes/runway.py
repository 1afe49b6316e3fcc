"""Fake Runway API (PROVIDERS.md §1): image_to_video, text_to_image, tasks, organization.

Auth is `Authorization: Bearer <key>` plus a required `X-Runway-Version: 2024-11-06`.
Validation follows the per-model tables in runway_inputs.py; errors use the observed shape
{"error", "issues": [{"code", "message", "path"}], "docUrl"}.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.clock import iso_at
from tests.fakes.runway_inputs import I2V_MODELS, T2I_MODELS, issue, validate_i2v, validate_t2i
from tests.fakes.state import ProviderCore, Request
from tests.fakes.tasks import Task, TaskPlan, TaskView
from tests.fakes.wire import Response, json_response

VERSION = "2024-11-06"
DOC_URL = "https://docs.dev.runwayml.com/api"
MESSAGES = {
    400: "Bad request",
    401: "Invalid API key. Check the Authorization header.",
    402: "Not enough credits",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    408: "Request timeout",
    409: "Conflict",
    413: "Request entity too large",
    422: "Unprocessable entity",
    429: "You have exceeded the rate limit for this organization.",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}
STATUS = {
    "queued": "PENDING",
    "throttled": "THROTTLED",
    "running": "RUNNING",
    "succeeded": "SUCCEEDED",
    "failed": "FAILED",
    "cancelled": "CANCELLED",
}
CREATE_PATHS = ("/v1/image_to_video", "/v1/text_to_image")


def error_response(
    status: int, message: str | None = None, issues: list[dict[str, Any]] | None = None
) -> Response:
    data: dict[str, Any] = {"error": message or MESSAGES.get(status, "Error")}
    if issues is not None:
        data["issues"] = issues
        data["docUrl"] = DOC_URL
    return json_response(status, data)


def classify(method: str, path: str) -> str:
    if method == "POST" and path in CREATE_PATHS:
        return "submit"
    if path.startswith("/v1/tasks/"):
        return "cancel" if method == "DELETE" else "poll"
    return "info"


def handle(core: ProviderCore, req: Request) -> Response:
    if req.header("authorization") != f"Bearer {core.settings.keys['runway']}":
        return error_response(401)
    if req.header("x-runway-version") != VERSION:
        return error_response(400, f"The X-Runway-Version header is required ({VERSION}).")
    path, method = req.path, req.method
    if path in CREATE_PATHS:
        if method != "POST":
            return error_response(405)
        return _create(core, req, video=path == "/v1/image_to_video")
    if path.startswith("/v1/tasks/") and path.count("/") == 3:
        task = core.find_task(path.rsplit("/", 1)[1], "runway")
        if task is None:
            return error_response(404, "Task not found")
        if method == "GET":
            return task_response(core, task, core.poll(task))
        if method == "DELETE":
            return _delete(core, task)
        return error_response(405)
    if path == "/v1/organization" and method == "GET":
        return json_response(200, _organization(core))
    return error_response(404)


def task_response(core: ProviderCore, task: Task, view: TaskView) -> Response:
    data: dict[str, Any] = {
        "id": task.id,
        "createdAt": iso_at(task.created_at),
        "status": STATUS[view.phase],
    }
    if view.phase == "running":
        data["progress"] = view.progress
    elif view.phase == "succeeded":
        data["output"] = [core.signed_url(task, i) for i in range(len(task.media))]
    elif view.phase == "failed":
        data["failure"] = task.plan.failure
        data["failureCode"] = task.plan.failure_code or "INTERNAL.BAD_OUTPUT.CODE01"
    essential = ("output",) if view.phase == "succeeded" else ("status",)
    return json_response(200, data, essential=essential, output_key="output")


def _delete(core: ProviderCore, task: Task) -> Response:
    with core.lock:
        if not core.view(task).terminal:
            task.cancelled = True  # DELETE cancels a running task, else deletes it
        task.deleted = True
        core.ledger.record_cancel("runway", task.id, core.clock.now())
        core.save_now()
    return Response(204, b"", content_type=None)


def _create(core: ProviderCore, req: Request, *, video: bool) -> Response:
    try:
        body = req.json()
    except ValueError:
        return error_response(400, "Request body is not valid JSON")
    if not isinstance(body, dict):
        return error_response(
            400, "Validation of body failed", [issue("invalid_type", "Expected object", [])]
        )
    issues, spec, credits = (validate_i2v if video else validate_t2i)(
        body, core.settings.media_scale
    )
    if issues:
        return error_response(400, "Validation of body failed", issues)
    assert spec is not None

    def build(task_id: str, plan: TaskPlan) -> Task:
        return Task(
            id=task_id,
            provider="runway",
            endpoint=req.path,
            model=body["model"],
            created_at=core.clock.now(),
            plan=plan,
            media=[spec],
        )

    accepted = core.accept_create(
        req,
        provider="runway",
        model=body["model"],
        credits=credits,
        build=build,
        error=error_response,
    )
    if isinstance(accepted, Response):
        return accepted
    task, _replayed = accepted
    return json_response(200, {"id": task.id}, essential=("id",))


def _organization(core: ProviderCore) -> dict[str, Any]:
    entries = core.ledger.entries("runway")
    now = core.clock.now()
    spent = sum(e["credits"] for e in entries)
    models = [*I2V_MODELS, *T2I_MODELS]
    daily = {
        m: sum(1 for e in entries if e["model"] == m and now - e["clock_time"] < 86400)
        for m in models
    }
    return {
        "creditBalance": int(core.settings.credit_balance - spent),
        "tier": {
            "maxMonthlyCreditSpend": 100_000,
            "models": {
                m: {"maxConcurrentGenerations": 2, "maxDailyGenerations": 200} for m in models
            },
        },
        "usage": {"models": {m: {"dailyGenerations": n} for m, n in daily.items() if n}},
    }


def owns(path: str) -> bool:
    """Root-mounted requests under /v1/ that are not ElevenLabs' are Runway's."""
    return path.startswith("/v1/")
