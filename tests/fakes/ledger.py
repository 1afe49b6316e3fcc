"""The billing ledger: what each provider would have charged us for.

Every ACCEPTED create is an entry, recorded before the first response byte is written, so a
create whose response is lost in transit ("accepted but connection dropped") is still billed,
exactly as at the real providers. An idempotent replay (same key, provider honours keys) is
recorded separately and not billed. Rejected creates (rate limits, bad input) are not billed.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class LedgerEntry:
    seq: int
    provider: str  # runway | fal | elevenlabs
    endpoint: str  # request path without the provider prefix, e.g. /v1/image_to_video
    model: str
    idempotency_key: str | None
    body_sha256: str
    task_id: str
    clock_time: float  # fake-clock seconds
    wall_time: float  # time.time() of acceptance
    credits: float  # provider's unit: Runway credits, FAL megapixel-ish units, characters


class Ledger:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._entries: list[LedgerEntry] = []
        self._replays: list[dict[str, Any]] = []
        self._cancels: list[dict[str, Any]] = []
        self._rejections: list[dict[str, Any]] = []
        self._peak_active: dict[str, int] = {}

    # -- recording (server side) ---------------------------------------------------------
    def record(self, **fields: Any) -> LedgerEntry:
        with self._lock:
            entry = LedgerEntry(seq=len(self._entries) + 1, wall_time=time.time(), **fields)
            self._entries.append(entry)
            return entry

    def find_by_key(self, provider: str, key: str) -> LedgerEntry | None:
        with self._lock:
            for entry in self._entries:
                if entry.provider == provider and entry.idempotency_key == key:
                    return entry
            return None

    def record_replay(self, provider: str, key: str, task_id: str, clock_time: float) -> None:
        with self._lock:
            self._replays.append(
                {
                    "provider": provider,
                    "idempotency_key": key,
                    "task_id": task_id,
                    "clock_time": clock_time,
                }
            )

    def record_cancel(self, provider: str, task_id: str, clock_time: float) -> None:
        with self._lock:
            self._cancels.append(
                {"provider": provider, "task_id": task_id, "clock_time": clock_time}
            )

    def record_rejection(self, provider: str, endpoint: str, status: int, reason: str) -> None:
        with self._lock:
            self._rejections.append(
                {
                    "provider": provider,
                    "endpoint": endpoint,
                    "status": status,
                    "reason": reason,
                    "wall_time": time.time(),
                }
            )

    def note_active(self, provider: str, active: int) -> None:
        """Highest number of unfinished tasks a provider held at once (T7's concurrency)."""
        with self._lock:
            self._peak_active[provider] = max(self._peak_active.get(provider, 0), active)

    # -- queries (tests) -----------------------------------------------------------------
    def entries(self, provider: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(e) for e in self._entries if provider in (None, e.provider)]

    def count(self, provider: str | None = None, endpoint: str | None = None) -> int:
        with self._lock:
            return sum(
                1
                for e in self._entries
                if provider in (None, e.provider) and endpoint in (None, e.endpoint)
            )

    def creates_per_key(self) -> dict[str, int]:
        """Billed creates per client idempotency key (creates sent without a key are left out)."""
        with self._lock:
            return dict(Counter(e.idempotency_key for e in self._entries if e.idempotency_key))

    def replays(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._replays)

    def cancels(self, provider: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [c for c in self._cancels if provider in (None, c["provider"])]

    def rejections(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._rejections)

    def peak_active(self) -> dict[str, int]:
        with self._lock:
            return dict(self._peak_active)

    # -- persistence ---------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "entries": [asdict(e) for e in self._entries],
                "replays": self._replays,
                "cancels": self._cancels,
                "rejections": self._rejections,
                "peak_active": self._peak_active,
            }

    def load_json(self, data: dict[str, Any]) -> None:
        with self._lock:
            self._entries = [LedgerEntry(**e) for e in data.get("entries", [])]
            self._replays = list(data.get("replays", []))
            self._cancels = list(data.get("cancels", []))
            self._rejections = list(data.get("rejections", []))
            self._peak_active = dict(data.get("peak_active", {}))
