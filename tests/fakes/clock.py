"""The fake providers' clock: virtual seconds that a test moves on (or lets run at a rate).

Task progress, signed-URL expiry and `createdAt` stamps all read this clock, so a test can
make a 90 s video finish, or a 24 h URL expire, with one `advance()` call.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

# createdAt of a task made at clock time t is EPOCH + t (a fixed date keeps runs reproducible).
EPOCH = datetime(2026, 7, 1, 12, 0, 0, tzinfo=UTC)


class ServerClock:
    """Seconds since the server's epoch. `rate` 0 (the default) means time moves only when a
    test calls `advance`/`set`; `rate` r > 0 adds r virtual seconds per real second."""

    def __init__(self, start: float = 0.0, rate: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._base = float(start)
        self._anchor = time.monotonic()
        self._rate = float(rate)

    def now(self) -> float:
        with self._lock:
            return self._now_locked()

    def _now_locked(self) -> float:
        return self._base + self._rate * (time.monotonic() - self._anchor)

    def _rebase_locked(self) -> None:
        self._base = self._now_locked()
        self._anchor = time.monotonic()

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the fake clock never goes backwards")
        with self._lock:
            self._rebase_locked()
            self._base += float(seconds)
            return self._base

    def set(self, t: float) -> float:
        with self._lock:
            self._base = float(t)
            self._anchor = time.monotonic()
            return self._base

    @property
    def rate(self) -> float:
        return self._rate

    def set_rate(self, rate: float) -> None:
        if rate < 0:
            raise ValueError("clock rate must be >= 0")
        with self._lock:
            self._rebase_locked()
            self._rate = float(rate)

    def state(self) -> dict[str, float]:
        return {"now": self.now(), "rate": self._rate}


def iso_at(t: float) -> str:
    """Runway-style ISO timestamp (millisecond precision, Z) for clock time t."""
    stamp = EPOCH + timedelta(seconds=t)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"
