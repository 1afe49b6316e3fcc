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
    spec = os.environ.get("GENSTUDIO_CRASH_AT", "").strip()
    if not spec:
        return None
    name, _, nth = spec.partition(":")
    if name not in POINTS:
        raise ValueError(f"GENSTUDIO_CRASH_AT names an unknown crash point: {name!r}")
    return name, int(nth or 1)


def crash_point(name: str) -> None:
    target = _target()
    if target is None or target[0] != name:
        return
    with _lock:
        _counts[name] = _counts.get(name, 0) + 1
        hit = _counts[name] == target[1]
    if hit:
        sys.stderr.write(f"genstudio: crash point {name}:{target[1]} reached\n")
        sys.stderr.flush()
        os._exit(CRASH_EXIT_CODE)
