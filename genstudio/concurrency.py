"""The one documented way to leave the event loop for blocking work.

`await run_blocking(fn, *args)` runs `fn` on the shared media pool (OpenCV, FFmpeg, file I/O).
The database has its own single writer thread (see `genstudio.store`). Whoever starts the
engine (CLI or window) owns these pools and calls `shutdown_pools()` on exit.
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_lock = threading.Lock()
_media_pool: ThreadPoolExecutor | None = None


def media_pool() -> ThreadPoolExecutor:
    global _media_pool
    with _lock:
        if _media_pool is None:
            workers = max(2, min(4, os.cpu_count() or 2))
            _media_pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gs-media")
        return _media_pool


async def run_blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(media_pool(), functools.partial(fn, *args, **kwargs))


def shutdown_pools(wait: bool = True) -> None:
    global _media_pool
    with _lock:
        pool, _media_pool = _media_pool, None
    if pool is not None:
        pool.shutdown(wait=wait, cancel_futures=True)
