"""Fixtures shared by UI helper B's tests (import with `from tests.ui.fixtures_b import *`).

Kept out of tests/ui/conftest.py, which the window's helper owns (it provides `qloop`, the
autouse in-memory keyring and the Qt leak guards). Here: a failing keyring; B's widgets run
against both controllers on the real engine; a tiny Fountain screenplay; `run_until` /
`wait_until` to spin the qasync loop; a guard that no asyncio task or worker thread is left.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtWidgets import QApplication

from genstudio.concurrency import shutdown_pools

__all__ = [
    "TINY_FOUNTAIN",
    "b_controller",
    "fail_keyring",
    "no_leftovers",
    "run_until",
    "tiny_fountain",
    "wait_until",
    "window_controller",
]

TINY_FOUNTAIN = """Title: Tiny Test
Author: GenStudio tests

INT. KITCHEN - DAY

Ana pours coffee into a chipped mug.

ANA
Good morning.

EXT. GARDEN - NIGHT

Rain falls on the roses.

INT. KITCHEN - NIGHT

Ana switches off the light.
"""


@pytest.fixture
def fail_keyring() -> Iterator[KeyringBackend]:
    previous = keyring.get_keyring()
    backend = keyring.backends.fail.Keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def run_until(
    loop: asyncio.AbstractEventLoop, predicate: Callable[[], bool], timeout: float = 10.0
) -> None:
    """Spin the qasync loop (Qt events and asyncio) until `predicate()` holds."""

    async def wait() -> None:
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() > deadline:
                raise AssertionError(f"condition not met within {timeout} s")
            await asyncio.sleep(0.01)

    loop.run_until_complete(wait())


async def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Inside a coroutine driven by the qloop: wait (without blocking Qt) for `predicate()`.

    Long scenarios run as ONE coroutine under `qloop.run_until_complete`: between separate
    run_until_complete calls qasync processes pending Qt events with no running asyncio loop,
    and a task stepped then fails with "no running event loop".
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.01)


def _controller_classes() -> list[type]:
    from tests.ui.fake_controller import FakeController

    classes: list[type] = [FakeController]
    try:
        from ui.controller import ProjectController
    except ImportError:  # the window's controller is not there yet
        return classes
    return [*classes, ProjectController]


@pytest.fixture(params=["fake", "real"])
def b_controller(request: pytest.FixtureRequest, qloop: asyncio.AbstractEventLoop, workspace):
    """B's widgets run against both the thin fake controller and the window's real one."""
    classes = _controller_classes()
    if request.param == "real" and len(classes) == 1:
        pytest.skip("ui.controller.ProjectController does not exist yet")
    cls = classes[0] if request.param == "fake" else classes[1]
    controller = cls(workspace)
    yield controller
    qloop.run_until_complete(controller.shutdown())


@pytest.fixture
def window_controller(qloop: asyncio.AbstractEventLoop, workspace):
    """For the slow end-to-end scenarios: the window's controller (the fake one only while it
    does not exist), so a full pipeline run is paid for once."""
    cls = _controller_classes()[-1]
    controller = cls(workspace)
    yield controller
    qloop.run_until_complete(controller.shutdown())


@pytest.fixture
def tiny_fountain(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.fountain"
    path.write_text(TINY_FOUNTAIN, encoding="utf-8")
    return path


@pytest.fixture
def no_leftovers(qloop: asyncio.AbstractEventLoop, qapp: QApplication) -> Iterator[None]:
    """Fail a test that leaves an asyncio task or a non-daemon worker thread running."""
    threads_before = {t.ident for t in threading.enumerate()}
    yield
    tasks = [t for t in asyncio.all_tasks(qloop) if not t.done()]
    assert not tasks, f"tasks left running: {[t.get_name() for t in tasks]}"
    shutdown_pools()
    deadline = time.monotonic() + 5.0  # a pool shut down without waiting finishes its job
    while True:
        extra = [
            t
            for t in threading.enumerate()
            if t.ident not in threads_before and t.is_alive() and not t.daemon
        ]
        if not extra or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert not extra, f"threads left running: {[t.name for t in extra]}"
