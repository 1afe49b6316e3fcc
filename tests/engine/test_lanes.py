"""Provider lanes: concurrency cap, start spacing, priorities with aging, 429 pause (T7)."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from genstudio.engine.clock import FakeClock, RealClock
from genstudio.engine.lanes import AGING_SECONDS, Lane, LaneConfig


async def _work(lane: Lane, priority: int, log: list, hold: float, name: str) -> None:
    await lane.acquire(priority)
    log.append((name, time.monotonic()))
    try:
        await asyncio.sleep(hold)
    finally:
        lane.release()


@pytest.mark.asyncio
async def test_never_more_than_max_concurrent_and_starts_spaced() -> None:
    lane = Lane(LaneConfig("video", max_concurrent=3, min_interval=0.02), RealClock())
    starts: list = []
    await asyncio.gather(*(_work(lane, i % 4, starts, 0.1, f"j{i}") for i in range(30)))
    assert lane.max_seen == 3
    times = sorted(t for _, t in starts)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.02 - 0.010
    lane.close()


@pytest.mark.asyncio
async def test_p0_starts_before_waiting_p3() -> None:
    clock = FakeClock()
    lane = Lane(LaneConfig("video", max_concurrent=1), clock)
    await lane.acquire(2)  # the lane is busy
    order: list[str] = []

    async def wait(priority: int, name: str) -> None:
        await lane.acquire(priority)
        order.append(name)
        lane.release()

    tasks = [asyncio.ensure_future(wait(3, "p3-a")), asyncio.ensure_future(wait(3, "p3-b"))]
    await asyncio.sleep(0)
    tasks.append(asyncio.ensure_future(wait(0, "p0")))
    await asyncio.sleep(0)
    lane.release()
    await asyncio.gather(*tasks)
    assert order == ["p0", "p3-a", "p3-b"]
    lane.close()


@pytest.mark.asyncio
async def test_aged_p3_is_not_starved_by_a_stream_of_p0() -> None:
    clock = FakeClock()
    lane = Lane(LaneConfig("video", max_concurrent=1), clock)
    await lane.acquire(0)
    order: list[str] = []

    async def wait(priority: int, name: str) -> None:
        await lane.acquire(priority)
        order.append(name)

    old = asyncio.ensure_future(wait(3, "old-p3"))
    await asyncio.sleep(0)
    clock.advance(3 * AGING_SECONDS + 1)  # it has waited three minutes
    fresh = asyncio.ensure_future(wait(0, "fresh-p0"))
    await asyncio.sleep(0)
    lane.release()
    await asyncio.sleep(0)
    assert order == ["old-p3"]
    lane.release()
    await asyncio.gather(old, fresh)
    assert order == ["old-p3", "fresh-p0"]
    lane.close()


@pytest.mark.asyncio
async def test_pause_holds_every_start_for_retry_after() -> None:
    clock = FakeClock()
    lane = Lane(LaneConfig("video", max_concurrent=2), clock)
    lane.pause(20)
    await lane.acquire(2)
    assert clock.monotonic() >= 20
    lane.release()
    lane.close()


@pytest.mark.asyncio
async def test_cancelled_waiter_gives_its_place_back() -> None:
    lane = Lane(LaneConfig("video", max_concurrent=1), FakeClock())
    await lane.acquire(2)
    waiter = asyncio.ensure_future(lane.acquire(1))
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    assert lane.waiting == 0
    lane.release()
    await asyncio.wait_for(lane.acquire(2), 1)
    assert lane.in_flight == 1
    lane.close()
