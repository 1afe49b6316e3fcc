"""Named, referenced asyncio tasks for the window (FeelUOwn's `task.py`, anki's taskman).

Every coroutine the UI starts goes through `TaskManager.spawn(name, coro)`:
- the task is held until it finishes (a bare `ensure_future` can be garbage-collected);
- starting a task under a name that is still running cancels the older one first (a newer
  request makes the old one stale: a second click on "Run", a newer thumbnail request);
- an exception is logged and reported through `on_error` (the controller turns it into its
  `errorRaised` signal), so failures never vanish into the loop's exception handler;
- `cancel_all()` cancels everything and waits, with a bound, on shutdown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger("genstudio.ui.tasks")

ErrorHandler = Callable[[str, BaseException], None]


def _loop() -> asyncio.AbstractEventLoop:
    """The running loop, or the one set for this thread (qasync's, before it starts running)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.get_event_loop_policy().get_event_loop()


class TaskManager:
    def __init__(self, on_error: ErrorHandler | None = None) -> None:
        self._on_error = on_error
        self._named: dict[str, asyncio.Task[Any]] = {}
        self._all: set[asyncio.Task[Any]] = set()
        self._closed = False

    def spawn(
        self, name: str, coro: Coroutine[Any, Any, Any], *, preempt: bool = True
    ) -> asyncio.Task[Any]:
        """Start `coro` as task `name`; with `preempt` an unfinished task of that name is cancelled.

        With `preempt=False` a running task of the same name is kept and the new coroutine is
        dropped (closed unstarted): used for "refresh"-style work where one run is enough.
        """
        if self._closed:
            coro.close()
            raise RuntimeError("the task manager is shut down")
        previous = self._named.get(name)
        if previous is not None and not previous.done():
            if not preempt:
                coro.close()
                return previous
            previous.cancel()
        task = _loop().create_task(coro, name=name)
        self._named[name] = task
        self._all.add(task)
        task.add_done_callback(lambda t, n=name: self._finished(n, t))
        return task

    def _finished(self, name: str, task: asyncio.Task[Any]) -> None:
        self._all.discard(task)
        if self._named.get(name) is task:
            del self._named[name]
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        log.error("task %s failed: %s", name, exc, exc_info=exc)
        if self._on_error is not None:
            try:
                self._on_error(name, exc)
            except Exception:  # a broken error reporter must not recurse into itself
                log.exception("error handler failed for task %s", name)

    def get(self, name: str) -> asyncio.Task[Any] | None:
        task = self._named.get(name)
        return task if task is not None and not task.done() else None

    def is_running(self, name: str) -> bool:
        return self.get(name) is not None

    def cancel(self, name: str) -> bool:
        task = self.get(name)
        if task is None:
            return False
        task.cancel()
        return True

    def running(self) -> list[str]:
        return sorted(n for n, t in self._named.items() if not t.done())

    def pending_count(self) -> int:
        return sum(1 for t in self._all if not t.done())

    async def wait_for_prefix(self, prefix: str, timeout: float) -> None:
        """Wait (bounded) for the tasks whose name starts with `prefix`, e.g. pending saves."""
        me = asyncio.current_task()
        waiting = [
            t
            for n, t in self._named.items()
            if n.startswith(prefix) and not t.done() and t is not me
        ]
        if waiting:
            await asyncio.wait(waiting, timeout=timeout)

    async def cancel_all(self, timeout: float = 3.0) -> None:
        """Cancel every task and wait for them, at most `timeout` seconds (a task whose
        wake-up was lost would otherwise block shutdown forever; STYLE.md §4.1.3)."""
        self._closed = True
        pending = [t for t in self._all if not t.done() and t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        if pending:
            _done, still = await asyncio.wait(pending, timeout=timeout)
            for task in still:
                log.warning("task %s did not stop within %.1f s", task.get_name(), timeout)
