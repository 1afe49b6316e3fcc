"""Per-provider lanes: at most N jobs in flight, starts spaced by a minimum interval, a pause
on 429, strict priority between P0..P3 with aging so a P3 job is never starved.

Granting is O(number of priorities) per start, so ten thousand queued jobs cost no more per
dispatch than ten (see benchmarks/bench_scheduler.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from dataclasses import dataclass, field

from genstudio.engine.clock import Clock

PRIORITIES = 4
AGING_SECONDS = 60.0  # a waiting job gains one priority level per minute in the queue


@dataclass(frozen=True)
class LaneConfig:
    name: str
    max_concurrent: int = 2
    min_interval: float = 0.0


@dataclass(eq=False)
class _Waiter:
    future: asyncio.Future[None]
    priority: int
    enqueued: float
    seq: int = field(default=0)


class Lane:
    def __init__(self, config: LaneConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.in_flight = 0
        self.last_start = float("-inf")
        self.paused_until = float("-inf")
        self._queues: list[deque[_Waiter]] = [deque() for _ in range(PRIORITIES)]
        self._seq = itertools.count()
        self._timer: asyncio.Task[None] | None = None
        self.starts: list[float] = []  # monotonic start times (kept short; for health/benchmarks)
        self.max_seen = 0

    @property
    def waiting(self) -> int:
        return sum(len(q) for q in self._queues)

    async def acquire(self, priority: int = 2) -> None:
        """Wait for a slot. Cancelling the waiter gives its place (or its granted slot) back."""
        loop = asyncio.get_running_loop()
        waiter = _Waiter(
            loop.create_future(),
            max(0, min(PRIORITIES - 1, int(priority))),
            self.clock.monotonic(),
            next(self._seq),
        )
        self._queues[waiter.priority].append(waiter)
        self._pump()
        try:
            await waiter.future
        except asyncio.CancelledError:
            if waiter.future.done() and not waiter.future.cancelled():
                self.release()  # granted just as we were cancelled
            else:
                with contextlib.suppress(ValueError):
                    self._queues[waiter.priority].remove(waiter)
            raise

    def hold(self) -> None:
        """Count a job that is already running remotely (resumed after a restart)."""
        self.in_flight += 1
        self.max_seen = max(self.max_seen, self.in_flight)

    def release(self) -> None:
        self.in_flight = max(0, self.in_flight - 1)
        self._pump()

    def pause(self, seconds: float) -> None:
        """Stop starting jobs for `seconds` (a 429 pauses the provider, not just one job)."""
        if seconds > 0:
            self.paused_until = max(self.paused_until, self.clock.monotonic() + seconds)

    def _next(self, now: float) -> _Waiter | None:
        best: _Waiter | None = None
        best_key = 0.0
        for queue in self._queues:
            if queue:
                head = queue[0]
                key = head.priority - (now - head.enqueued) / AGING_SECONDS
                if best is None or key < best_key or (key == best_key and head.seq < best.seq):
                    best, best_key = head, key
        return best

    def _pump(self) -> None:
        while self.in_flight < self.config.max_concurrent:
            now = self.clock.monotonic()
            waiter = self._next(now)
            if waiter is None:
                return
            if waiter.future.cancelled():
                self._queues[waiter.priority].popleft()
                continue
            ready_at = max(self.last_start + self.config.min_interval, self.paused_until)
            if now < ready_at:
                self._arm(ready_at - now)
                return
            self._queues[waiter.priority].popleft()
            self.in_flight += 1
            self.max_seen = max(self.max_seen, self.in_flight)
            self.last_start = now
            self.starts.append(now)
            if len(self.starts) > 20000:
                del self.starts[:10000]
            waiter.future.set_result(None)

    def _arm(self, delay: float) -> None:
        if self._timer is not None and not self._timer.done():
            return
        self._timer = asyncio.ensure_future(self._wake_after(delay))

    async def _wake_after(self, delay: float) -> None:
        await self.clock.sleep(delay)
        self._timer = None
        self._pump()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for queue in self._queues:
            while queue:
                waiter = queue.popleft()
                if not waiter.future.done():
                    waiter.future.cancel()
