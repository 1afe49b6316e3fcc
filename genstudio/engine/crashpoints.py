"""Crash-point injection: `GENSTUDIO_CRASH_AT=<point>:<nth>` exits hard at the nth time the
process passes that persistence boundary (the SQLite/TH3 "crash at I/O n" method applied to
the job lifecycle). Only for tests; a no-op when the variable is unset."""

from __future__ import annotations

import os
import sys
import threading

POINTS = (
    "before_intent_commit",
    "after_intent_commit",
    "after_post_sent_before_response",
    "after_response_before_taskid_commit",
    "after_taskid_commit",
    "mid_poll",
    "download_mid_body",
    "after_download_before_validate",
    "after_validate_before_rename",
    "after_rename_before_db",
    "mid_edit_commit",
    "mid_ffmpeg_assembly",
)
CRASH_EXIT_CODE = 137

_lock = threading.Lock()
_counts: dict[str, int] = {}


def _target() -> tuple[str, int] | None:
    """(point, nth); nth 0 means every time (`point:every`, the poison-pill test)."""
    spec = os.environ.get("GENSTUDIO_CRASH_AT", "").strip()
    if not spec:
        return None
    name, _, nth = spec.partition(":")
    if name not in POINTS:
        raise ValueError(f"GENSTUDIO_CRASH_AT names an unknown crash point: {name!r}")
    return name, 0 if nth == "every" else int(nth or 1)


def crash_point(name: str, key: str = "") -> None:
    """Exit hard here if asked to. `GENSTUDIO_CRASH_KEY` limits it to jobs whose key contains
    that text (a job that takes the app down every time it runs)."""
    target = _target()
    if target is None or target[0] != name:
        return
    only = os.environ.get("GENSTUDIO_CRASH_KEY", "")
    if only and only not in key:
        return
    with _lock:
        _counts[name] = _counts.get(name, 0) + 1
        hit = target[1] == 0 or _counts[name] == target[1]
    if hit:
        sys.stderr.write(f"genstudio: crash point {name}:{target[1]} reached\n")
        sys.stderr.flush()
        os._exit(CRASH_EXIT_CODE)
