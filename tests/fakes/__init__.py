"""Fake provider server for GenStudio's reliability and provider tests (no internet needed).

See provider_server.py for the layout, faults.py for fault kinds, tasks.py for task plans,
admin.py for the process-mode API and fixtures.py for the pytest fixtures.
"""

from __future__ import annotations

import importlib
from typing import Any

# Lazy (PEP 562): `python -m tests.fakes.provider_server` imports this package first, and an
# eager import of provider_server here would load that module twice.
_EXPORTS = {
    "DEFAULT_KEYS": "tests.fakes.state",
    "SENSITIVE_HEADERS": "tests.fakes.state",
    "Settings": "tests.fakes.state",
    "FAULT_KINDS": "tests.fakes.faults",
    "Fault": "tests.fakes.faults",
    "TaskPlan": "tests.fakes.tasks",
    "FakeProviderServer": "tests.fakes.provider_server",
    "ProviderServerProcess": "tests.fakes.process",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'tests.fakes' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
