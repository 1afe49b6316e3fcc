"""The admin API: how a test drives a fake server running in another process.

    GET    /__admin/health                 {"ok", "pid"}
    GET    /__admin/ledger                 Ledger.to_json()
    GET    /__admin/faults                 active faults;  /__admin/faults/fired: fired log
    POST   /__admin/faults                 {"kind", ...Fault fields} -> {"id"}
    DELETE /__admin/faults[/{id}]          clear all / remove one
    GET    /__admin/clock                  {"now", "rate"}
    POST   /__admin/clock                  {"advance": s} | {"set": t} | {"rate": r}
    POST   /__admin/plans                  {"provider", "mode": "default"|"next", "plan": {...}}
    GET    /__admin/settings, POST /__admin/settings {...partial Settings}
    GET    /__admin/tasks                  all tasks;  POST /__admin/tasks/{id} {...plan fields}
    GET    /__admin/cdn_requests | /__admin/requests | /__admin/errors
Admin requests are never faulted, logged or authenticated (loopback test fixture only).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from typing import Any

from tests.fakes.state import ProviderCore
from tests.fakes.tasks import TaskPlan
from tests.fakes.wire import Response


def _ok(data: Any, status: int = 200) -> Response:
    return Response(status, json.dumps(data).encode(), data=data)


def handle(core: ProviderCore, method: str, path: str, body: bytes) -> Response:
    try:
        payload = json.loads(body) if body else {}
        return _route(core, method, path.removeprefix("/__admin/").strip("/"), payload)
    except (ValueError, TypeError, KeyError) as exc:
        return _ok({"error": f"{type(exc).__name__}: {exc}"}, 400)


def _route(core: ProviderCore, method: str, path: str, payload: Any) -> Response:
    if path == "health":
        return _ok({"ok": True, "pid": os.getpid()})
    if path == "ledger":
        return _ok(core.ledger.to_json())
    if path == "faults/fired":
        return _ok(core.faults.fired())
    if path.startswith("faults"):
        return _faults(core, method, path, payload)
    if path == "clock":
        if method == "POST":
            if "rate" in payload:
                core.clock.set_rate(float(payload["rate"]))
            if "set" in payload:
                core.clock.set(float(payload["set"]))
            if "advance" in payload:
                core.clock.advance(float(payload["advance"]))
            core.save_now()
        return _ok(core.clock.state())
    if path == "plans" and method == "POST":
        mode = payload.get("mode", "next")
        setter = core.plans.set_default if mode == "default" else core.plans.push
        setter(payload.get("provider", "any"), **payload.get("plan", {}))
        return _ok({"ok": True})
    if path == "settings":
        if method == "POST":
            core.settings.update(**payload)
            core.save_now()
        return _ok(asdict(core.settings))
    if path == "tasks":
        with core.lock:
            return _ok([t.to_json() for t in core.tasks.values()])
    if path.startswith("tasks/") and method == "POST":
        task = core.tasks[path.removeprefix("tasks/")]
        with core.lock:
            task.plan = TaskPlan.from_json({**asdict(task.plan), **payload})
            core.save_now()
        return _ok(task.to_json())
    if path == "cdn_requests":
        return _ok(list(core.cdn_log))
    if path == "requests":
        return _ok(list(core.request_log))
    if path == "errors":
        return _ok(list(core.errors))
    return _ok({"error": f"unknown admin path /__admin/{path}"}, 404)


def _faults(core: ProviderCore, method: str, path: str, payload: Any) -> Response:
    if method == "POST":
        return _ok({"id": core.faults.add(**payload)})
    if method == "DELETE":
        if path == "faults":
            core.faults.clear()
        else:
            core.faults.remove(int(path.removeprefix("faults/")))
        return _ok({"ok": True})
    return _ok(core.faults.active())
