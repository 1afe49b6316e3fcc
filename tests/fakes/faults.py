"""Scriptable faults (RELIABILITY.md §8, Toxiproxy-style), matched per provider and endpoint.

A fault fires for the next `times` matching requests (None: every one), each with
`probability` drawn from its own `random.Random(seed)`. It acts in one of two phases:

- "pre": before the provider handler runs. Nothing is accepted, nothing is billed (a gateway
  or network failure in front of the provider).
- "post": after the handler ran. A create IS accepted and billed, then the response the client
  sees is damaged: "accepted but connection dropped", truncated JSON, 5xx after acceptance...

Kinds that need the real response are always "post"; the others are "pre" unless
`accept=True` is given. See FAULT_KINDS for what each kind does.
"""

from __future__ import annotations

import copy
import random
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from tests.fakes.wire import (
    MIB,
    Response,
    WirePlan,
    endless_body,
    gzip_bomb_body,
    huge_json_body,
    with_json,
)

FAULT_KINDS: dict[str, str] = {
    "status": "answer `status` with the provider's error body; `retry_after` is sent verbatim "
    "as the Retry-After header, `body_extra` merged into the JSON (e.g. retry_after)",
    "latency": "wait `delay` seconds (real time), then answer normally",
    "timeout": "accept the connection and never answer, until the client gives up (or `hold`)",
    "reset": "TCP reset after `after_bytes` bytes of the real response (head included); with "
    "accept=False the reset comes before the handler runs (nothing billed)",
    "drop_after_accept": "the create is accepted and billed, then the socket is reset before "
    "any response byte",
    "drip": "send the real body at `bytes_per_second` (headers at once unless drip_headers)",
    "html": "an nginx-style HTML error page with `status` (default 200)",
    "truncated_json": "the real JSON cut to `keep_fraction`, with a matching Content-Length",
    "missing_fields": "the real JSON without `drop` (dotted paths; default: the essential ones)",
    "bad_url": "every output URL replaced by `url` (any JSON value: 'null', None, '', "
    "'undefined', 'file:///etc/passwd'...); whole=True replaces the output container itself",
    "huge_json": "a valid JSON object of `size` bytes (default 50 MB), streamed",
    "gzip_bomb": "Content-Encoding: gzip body (~1 KB per MiB) inflating to `inflated_size` bytes",
    "endless": "a chunked body that never ends",
    "content_length_short": "Content-Length smaller than the body by `length_delta` (default half)",
    "content_length_long": "Content-Length larger than the body by `length_delta` (default 1024)",
}
NEEDS_RESPONSE = {
    "drop_after_accept",
    "drip",
    "truncated_json",
    "missing_fields",
    "bad_url",
    "content_length_short",
    "content_length_long",
}
PROVIDERS = {"any", "runway", "fal", "elevenlabs"}
ENDPOINTS = {"any", "submit", "poll", "download", "cancel", "info"}

NGINX_HTML = (
    "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass
class Fault:
    kind: str
    provider: str = "any"
    endpoint: str = "any"  # submit | poll | download | cancel | info | any
    method: str | None = None
    path: str | None = None  # substring of the request path
    times: int | None = 1
    probability: float = 1.0
    seed: int = 0
    accept: bool | None = None  # run the handler first (a create is billed)
    delay: float = 0.0  # real seconds before the fault acts
    status: int | None = None
    retry_after: str | None = None  # literal Retry-After header value, "" included
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # literal body, replaces the provider's error body
    body_extra: dict[str, Any] | None = None
    content_type: str | None = None
    after_bytes: int = 0
    bytes_per_second: float = 1.0
    drip_headers: bool = False
    size: int = 50 * MIB
    inflated_size: int = 2048 * MIB
    keep_fraction: float = 0.5
    drop: list[str] | None = None
    url: Any = "null"
    whole: bool = False
    length_delta: int | None = None
    hold: float = 300.0
    id: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {sorted(FAULT_KINDS)}")
        if self.provider not in PROVIDERS:
            raise ValueError(f"unknown provider {self.provider!r}; known: {sorted(PROVIDERS)}")
        if self.endpoint not in ENDPOINTS:
            known = sorted(ENDPOINTS)
            raise ValueError(f"unknown endpoint class {self.endpoint!r}; known: {known}")
        if self.kind == "status" and self.status is None:
            raise ValueError("a 'status' fault needs status=<code>")
        values = [*self.headers.values(), self.retry_after or ""]
        if any("\r" in v or "\n" in v for v in values):
            raise ValueError("header values cannot contain CR/LF")
        if self.kind in NEEDS_RESPONSE:
            self.accept = True
        elif self.accept is None:
            self.accept = self.kind == "reset"  # cut the real response; accept=False: at once

    @property
    def phase(self) -> str:
        return "post" if self.accept else "pre"

    def matches(self, provider: str, endpoint: str, method: str, path: str) -> bool:
        return (
            self.provider in ("any", provider)
            and self.endpoint in ("any", endpoint)
            and (self.method is None or self.method.upper() == method)
            and (self.path is None or self.path in path)
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields {sorted(unknown)}")
        return cls(**data)


class FaultBook:
    """The scripted faults, first added first matched; thread-safe."""

    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._rngs: dict[int, random.Random] = {}
        self._fired: list[dict[str, Any]] = []
        self._next_id = 1
        self._on_change = on_change or (lambda: None)

    def add(self, kind: str | Fault, **params: Any) -> int:
        fault = kind if isinstance(kind, Fault) else Fault(kind=kind, **params)
        with self._lock:
            fault = replace(fault, id=self._next_id)
            self._next_id += 1
            self._faults.append(fault)
            self._rngs[fault.id] = random.Random(fault.seed)
        self._on_change()
        return fault.id

    def remove(self, fault_id: int) -> None:
        with self._lock:
            self._faults = [f for f in self._faults if f.id != fault_id]
        self._on_change()

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
        self._on_change()

    def active(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def fired(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._fired)

    def take(
        self,
        provider: str,
        endpoint: str,
        method: str,
        path: str,
        phase: str,
        applicable: Callable[[Fault], bool] = lambda _f: True,
    ) -> Fault | None:
        """The first matching fault that fires now (its remaining `times` is used up by one)."""
        with self._lock:
            for fault in self._faults:
                if fault.phase != phase or not fault.matches(provider, endpoint, method, path):
                    continue
                if not applicable(fault):
                    continue
                if fault.probability < 1.0 and self._rngs[fault.id].random() >= fault.probability:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                self._fired.append(
                    {
                        "id": fault.id,
                        "kind": fault.kind,
                        "provider": provider,
                        "endpoint": endpoint,
                        "method": method,
                        "path": path,
                    }
                )
                fired = copy.deepcopy(fault)
                break
            else:
                return None
        self._on_change()
        return fired

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "faults": [asdict(f) for f in self._faults],
                "fired": self._fired,
                "next_id": self._next_id,
            }

    def load_json(self, data: dict[str, Any]) -> None:
        with self._lock:
            self._faults = [Fault.from_json(f) for f in data.get("faults", [])]
            self._rngs = {f.id: random.Random(f.seed) for f in self._faults}
            self._fired = list(data.get("fired", []))
            self._next_id = int(data.get("next_id", 1))


# -- turning a fault into what goes on the wire --------------------------------------------
def applicable(fault: Fault, resp: Response) -> bool:
    """Post-phase faults only fire on responses they can damage (else they wait)."""
    if fault.kind in ("truncated_json", "missing_fields"):
        return resp.data is not None and (
            fault.kind == "truncated_json" or bool(fault.drop or resp.essential)
        )
    if fault.kind == "bad_url":
        return _has_cdn_url(resp.data)
    if fault.kind.startswith("content_length_"):
        return isinstance(resp.body, bytes) or resp.length is not None
    return True


def realize(
    fault: Fault, resp: Response | None, error_for: Callable[[int], Response]
) -> tuple[Response, WirePlan]:
    """The response and wire plan for `fault`; `resp` is the handler's answer (post phase)."""
    plan = WirePlan(delay=fault.delay)
    kind = fault.kind
    base = resp or Response(200, b"")
    if kind == "latency":
        out = base
    elif kind == "timeout":
        plan.hold = fault.hold
        out = base
    elif kind == "status":
        out = _status_response(fault, error_for)
    elif kind == "html":
        html = NGINX_HTML.format(status=fault.status or 502).encode()
        out = Response(fault.status or 200, html, content_type="text/html")
    elif kind == "huge_json":
        data = base.data if fault.accept and isinstance(base.data, dict) else None
        length, gen = huge_json_body(fault.size, data)
        out = Response(fault.status or 200, gen, length)
    elif kind == "gzip_bomb":
        length, gen = gzip_bomb_body(fault.inflated_size)
        out = Response(fault.status or 200, gen, length, headers=[("Content-Encoding", "gzip")])
    elif kind == "endless":
        out = Response(fault.status or 200, endless_body(), None)
    elif kind in ("reset", "drop_after_accept"):
        plan.reset_after = 0 if kind == "drop_after_accept" or resp is None else fault.after_bytes
        out = base
    elif kind == "drip":
        plan.drip_rate = fault.bytes_per_second
        plan.drip_head = fault.drip_headers
        out = base
    elif kind == "truncated_json":
        body = base.body if isinstance(base.body, bytes) else b""
        out = replace(base, body=body[: int(len(body) * fault.keep_fraction)], data=None)
    elif kind == "missing_fields":
        out = with_json(base, _drop(base.data, fault.drop or list(base.essential)))
    elif kind == "bad_url":
        out = with_json(base, _replace_urls(base, fault.url, fault.whole))
    else:  # content_length_short / content_length_long
        length = len(base.body) if isinstance(base.body, bytes) else (base.length or 0)
        if kind == "content_length_short":
            plan.length_delta = -(fault.length_delta or max(1, length // 2))
        else:
            plan.length_delta = fault.length_delta or 1024
        out = base
    extra = list(fault.headers.items())
    if fault.retry_after is not None and kind != "status":
        extra.append(("Retry-After", fault.retry_after))
    if extra:
        out = replace(out, headers=[*out.headers, *extra])
    return out, plan


def _status_response(fault: Fault, error_for: Callable[[int], Response]) -> Response:
    status = int(fault.status or 500)
    if fault.body is not None:
        out = Response(
            status, fault.body.encode(), content_type=fault.content_type or "application/json"
        )
    else:
        out = error_for(status)
        if fault.body_extra and isinstance(out.data, dict):
            out = with_json(out, {**out.data, **fault.body_extra})
    headers = list(out.headers)
    if fault.retry_after is not None:
        headers.append(("Retry-After", fault.retry_after))
    return replace(out, status=status, headers=headers)


def _has_cdn_url(data: Any) -> bool:
    if isinstance(data, str):
        return data.startswith("http") and "/cdn/" in data
    if isinstance(data, dict):
        return any(_has_cdn_url(v) for v in data.values())
    if isinstance(data, list):
        return any(_has_cdn_url(v) for v in data)
    return False


def _replace_urls(resp: Response, value: Any, whole: bool) -> Any:
    data = copy.deepcopy(resp.data)
    if whole and resp.output_key and isinstance(data, dict):
        data[resp.output_key] = value
        return data

    def walk(node: Any) -> Any:
        if isinstance(node, str) and _has_cdn_url(node):
            return value
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(data)


def _drop(data: Any, paths: list[str]) -> Any:
    data = copy.deepcopy(data)
    for path in paths:
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node.get(part, {})
        if isinstance(node, dict):
            node.pop(last, None)
        elif isinstance(node, list) and last.isdigit() and int(last) < len(node):
            node.pop(int(last))
    return data
