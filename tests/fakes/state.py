"""The fake server's shared state: settings, tasks, ledger, faults, logs, and their persistence.

In process mode (`state_dir` given) the state survives a restart of the server: creates,
cancels and clock moves are written before the response goes out (a kill -9 of the server
right after a create keeps it); poll counters and the request logs are flushed every 0.1 s.
Writes are temp-file + os.replace without fsync: they must survive a killed process, not a
power cut, and fsync on every poll would slow the chaos tests down for nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes.clock import ServerClock
from tests.fakes.faults import FaultBook
from tests.fakes.ledger import Ledger
from tests.fakes.media import MediaCache
from tests.fakes.tasks import PlanBook, Task, TaskPlan, TaskView
from tests.fakes.wire import Response

# Keys the fake accepts unless a test sets others (Runway keys match ^key_[0-9a-f]{128}$).
DEFAULT_KEYS = {
    "runway": "key_" + "0123456789abcdef" * 8,
    "fal": "fake-key-id:fake-key-secret",
    "elevenlabs": "sk_fake_elevenlabs_key_0001",
}
SENSITIVE_HEADERS = frozenset(
    {"authorization", "x-api-key", "xi-api-key", "cookie", "proxy-authorization", "x-goog-api-key"}
)
IDEMPOTENCY_HEADERS = ("idempotency-key", "x-idempotency-key")


@dataclass
class Settings:
    honour_idempotency: bool | list[str] = False  # True, or the providers that honour keys
    keys: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_KEYS))
    # Output URL lifetime in fake-clock seconds (Runway 24-48 h, FAL >= 7 days); None: forever.
    url_ttl: dict[str, float | None] = field(
        default_factory=lambda: {"runway": 24 * 3600.0, "fal": 7 * 24 * 3600.0}
    )
    media_scale: str = "small"  # small | exact (see media.py)
    # provider -> {"max_active": unfinished tasks allowed, "min_interval": real seconds between
    # creates, "retry_after": Retry-After header value sent with the 429 (optional)}
    limits: dict[str, dict[str, float]] = field(default_factory=dict)
    credit_balance: int = 100_000

    def honours(self, provider: str) -> bool:
        h = self.honour_idempotency
        return h is True or (isinstance(h, list) and provider in h)

    def update(self, **changes: Any) -> None:
        known = {f.name for f in fields(self)}
        if set(changes) - known:
            raise ValueError(f"unknown settings {sorted(set(changes) - known)}")
        if changes.get("media_scale", self.media_scale) not in ("small", "exact"):
            raise ValueError("media_scale must be 'small' or 'exact'")
        for name, value in changes.items():
            setattr(self, name, value)


@dataclass
class Request:
    method: str
    path: str  # without the provider prefix
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    prefix: str = ""  # /runway, /fal, /fal-sync, /elevenlabs or ""
    raw_query: str = ""

    @classmethod
    def build(
        cls,
        method: str,
        path: str,
        raw_query: str,
        headers: dict[str, str],
        body: bytes,
        prefix: str,
    ) -> Request:
        return cls(
            method,
            path,
            dict(parse_qsl(raw_query, keep_blank_values=True)),
            headers,
            body,
            prefix,
            raw_query,
        )

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def idempotency_key(self) -> str | None:
        for name in IDEMPOTENCY_HEADERS:
            if self.headers.get(name):
                return self.headers[name]
        return None

    @property
    def body_sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


class ProviderCore:
    def __init__(
        self,
        *,
        media_dir: Path,
        state_dir: Path | None = None,
        settings: Settings | None = None,
        clock_rate: float = 0.0,
    ) -> None:
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.clock = ServerClock(rate=clock_rate)
        self.ledger = Ledger()
        self.faults = FaultBook(on_change=self.mark_dirty)
        self.plans = PlanBook(on_change=self.mark_dirty)
        self.settings = settings or Settings()
        self.tasks: dict[str, Task] = {}
        self.cdn_log: list[dict[str, Any]] = []
        self.request_log: list[dict[str, Any]] = []
        self.errors: list[str] = []  # tracebacks of bugs in the fake itself
        self.media = MediaCache(media_dir)
        self.secret = secrets.token_hex(16)
        self.origin = ""  # http://127.0.0.1:PORT once bound
        self._last_create: dict[str, float] = {}
        self.state_dir = Path(state_dir) if state_dir else None
        self._dirty = threading.Event()
        self._flusher: threading.Thread | None = None
        if self.state_dir:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            self._load()
            self._flusher = threading.Thread(target=self._flush_loop, daemon=True)
            self._flusher.start()

    # -- requests log ----------------------------------------------------------------------
    def log_request(self, req: Request, provider: str, endpoint: str) -> None:
        entry = {
            "method": req.method,
            "path": req.prefix + req.path,
            "provider": provider,
            "endpoint": endpoint,
            "wall_time": time.time(),
        }
        with self.lock:
            self.request_log.append(entry)
            if endpoint == "download":
                self.cdn_log.append({**entry, "query": req.raw_query, "headers": dict(req.headers)})
        self.mark_dirty()

    # -- tasks -----------------------------------------------------------------------------
    def accept_create(
        self,
        req: Request,
        *,
        provider: str,
        model: str,
        credits: float,
        build: Callable[[str, TaskPlan], Task],
        error: Callable[[int, str], Response],
    ) -> tuple[Task, bool] | Response:
        """Accept (and bill) a create, or replay it for a known idempotency key, or refuse it
        at a configured rate limit. Returns (task, replayed) or the refusal response."""
        key, digest = req.idempotency_key, req.body_sha256
        with self.lock:
            now = self.clock.now()
            if key and self.settings.honours(provider):
                prior = self.ledger.find_by_key(provider, key)
                if prior is not None:
                    if prior.body_sha256 != digest:
                        reason = "Idempotency-Key already used with a different request body"
                        self.ledger.record_rejection(provider, req.path, 409, reason)
                        self.save_now()
                        return error(409, reason)
                    self.ledger.record_replay(provider, key, prior.task_id, now)
                    self.save_now()
                    return self.tasks[prior.task_id], True
            refusal = self._over_limit(provider)
            if refusal:
                self.ledger.record_rejection(provider, req.path, 429, refusal)
                self.save_now()
                refused = error(429, refusal)
                retry_after = self.settings.limits[provider].get("retry_after")
                if retry_after is not None:
                    refused.headers.append(("Retry-After", str(retry_after)))
                return refused
            task = build(str(uuid.uuid4()), self.plans.take(provider))
            self.tasks[task.id] = task
            self.ledger.record(
                provider=provider,
                endpoint=req.path,
                model=model,
                idempotency_key=key,
                body_sha256=digest,
                task_id=task.id,
                clock_time=now,
                credits=credits,
            )
            self.ledger.note_active(provider, self.active_count(provider))
            self._last_create[provider] = time.monotonic()
            self.save_now()  # billed before the first response byte is written
            return task, False

    def _over_limit(self, provider: str) -> str:
        limit = self.settings.limits.get(provider) or {}
        max_active = limit.get("max_active")
        if max_active is not None and self.active_count(provider) >= max_active:
            return f"Too many concurrent tasks (limit {int(max_active)})"
        gap = limit.get("min_interval")
        last = self._last_create.get(provider)
        if gap and last is not None and time.monotonic() - last < gap:
            return "Too many requests: slow down"
        return ""

    def active_count(self, provider: str) -> int:
        now = self.clock.now()
        return sum(
            1
            for t in self.tasks.values()
            if t.provider == provider and not t.deleted and not t.view(now).terminal
        )

    def find_task(self, task_id: str, provider: str) -> Task | None:
        """The task as its provider still knows it (None: never existed, deleted or forgotten)."""
        with self.lock:
            task = self.tasks.get(task_id)
            if task is None or task.provider != provider or task.deleted:
                return None
            forget = task.plan.forget_after
            if forget is not None and self.clock.now() - task.created_at > forget:
                return None
            return task

    def poll(self, task: Task) -> TaskView:
        """The state this poll sees; counts the poll (poll-driven plans advance by one)."""
        with self.lock:
            view = task.view(self.clock.now())
            task.polls += 1
        self.mark_dirty()
        return view

    def view(self, task: Task) -> TaskView:
        with self.lock:
            return task.view(self.clock.now())

    # -- CDN URLs --------------------------------------------------------------------------
    def signed_url(self, task: Task, index: int) -> str:
        spec = task.media[index]
        name = f"{task.provider}-{task.id}-{index}.{spec.fmt}"
        ttl = (
            task.plan.url_ttl
            if task.plan.url_ttl is not None
            else self.settings.url_ttl.get(task.provider)
        )
        expires = 0 if ttl is None else int(self.clock.now() + ttl)  # 0: never expires
        return f"{self.origin}/cdn/{name}?exp={expires}&sig={self.sign(name, expires)}"

    def sign(self, name: str, expires: int) -> str:
        mac = hmac.new(self.secret.encode(), f"{name}:{expires}".encode(), hashlib.sha256)
        return mac.hexdigest()[:24]

    # -- persistence -----------------------------------------------------------------------
    def mark_dirty(self) -> None:
        self._dirty.set()

    def save_now(self) -> None:
        if self.state_dir:
            with self.lock:
                _write_json(self.state_dir / "state.json", self._state_json())

    def _state_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "clock": self.clock.now(),
            "secret": self.secret,
            "settings": asdict(self.settings),
            "ledger": self.ledger.to_json(),
            "tasks": {k: t.to_json() for k, t in self.tasks.items()},
            "plans": self.plans.to_json(),
            "faults": self.faults.to_json(),
        }

    def _flush(self) -> None:
        if not self.state_dir:
            return
        with self.lock:
            self._dirty.clear()
            _write_json(self.state_dir / "state.json", self._state_json())
            _write_json(
                self.state_dir / "log.json",
                {"cdn": self.cdn_log, "requests": self.request_log, "errors": self.errors},
            )

    def _flush_loop(self) -> None:
        while not self.stopping.is_set():
            # A running clock (rate > 0) is saved too, so a restart does not turn time back.
            if (self._dirty.wait(0.1) or self.clock.rate > 0) and not self.stopping.is_set():
                time.sleep(0.1)  # coalesce bursts of polls into one write
                self._flush()

    def _load(self) -> None:
        assert self.state_dir is not None
        state_file, log_file = self.state_dir / "state.json", self.state_dir / "log.json"
        if state_file.exists():
            data = json.loads(state_file.read_text("utf-8"))
            self.clock.set(float(data.get("clock", 0.0)))
            self.secret = data.get("secret", self.secret)
            self.settings = Settings(**data.get("settings", {}))
            self.ledger.load_json(data.get("ledger", {}))
            self.tasks = {k: Task.from_json(v) for k, v in data.get("tasks", {}).items()}
            self.plans.load_json(data.get("plans", {}))
            self.faults.load_json(data.get("faults", {}))
        if log_file.exists():
            log = json.loads(log_file.read_text("utf-8"))
            self.cdn_log = log.get("cdn", [])
            self.request_log = log.get("requests", [])
            self.errors = log.get("errors", [])

    def close(self) -> None:
        self.stopping.set()
        if self._flusher is not None:
            self._flusher.join(timeout=2)
        self._flush()


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
