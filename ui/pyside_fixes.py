"""Work-around for the pinned PySide6 on Python 3.11, applied once when `ui` is imported.

PySide6 6.12.0 returns `None`, `True` and `False` to Python without taking a reference to
them, as if they were immortal (they are since Python 3.12, PEP 683; not on 3.11). Measured
here on CPython 3.11.7: every void method (`setText`, `setEnabled`...) and every
`QModelIndex.data()` that yields None drops one reference to `None`; every
`SignalInstance.emit()` drops one to `True`. When a count reaches zero CPython aborts
("Fatal Python error: none_dealloc / bool_dealloc: deallocating None/True"): after ~500
emits in a bare process, within seconds in the storyboard benchmark, after minutes of use
in the window. We emulate 3.12's immortality: when a probe shows references being lost, the
three singletons get 2**40 extra references, more than any session can drop. With a
PySide6 or an interpreter without the bug, the probe finds nothing and nothing is changed.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger("genstudio.ui")

EXTRA_REFERENCES = 1 << 40
PROBES = 16
_applied = False


def _references_lost() -> dict[str, int]:
    """How many references to None / True a few PySide6 calls drop (0 when correct)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(PROBES):
        probe.setObjectName("probe")  # a void method: returns None
        probe.ping.emit()  # returns True
    return {
        "None": none_before - sys.getrefcount(None),
        "True": true_before - sys.getrefcount(True),
    }


def keep_singletons_alive() -> bool:
    """Apply the work-around if this PySide6 needs it; returns whether it is applied."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return _applied
    lost = _references_lost()
    if max(lost.values()) < PROBES:
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object (a Py_ssize_t).
        ctypes.c_ssize_t.from_address(id(singleton)).value += EXTRA_REFERENCES
    _applied = True
    log.debug("PySide6 drops references to None/True (%s): work-around applied", lost)
    return True
