"""UI test harness (dangerzone / napari / vorta style, STYLE.md §3.12 and §4.1).

- one session QApplication of our own class (`qapp_cls`), offscreen (tests/conftest.py);
- `qloop`: a qasync loop per test; scenarios run inside `qloop.run_until_complete(...)`;
- guards that FAIL a test which leaves asyncio tasks, QThreads, started QTimers, QThreadPool
  jobs or Python threads running (`no_dangling_qt`, `no_dangling_threads`, `qloop`);
- `qtmodeltester` on every model of ours that a view is given (`models_checked`), for the
  whole test: the real widgets' models are checked through every reset, move and edit;
- QSettings redirected to a per-test folder, and an in-memory keyring for every test;
- `controller`: a ProjectController on a fresh workspace, shut down (DB closed) afterwards.
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import keyring
import pytest
import qasync
from keyring.backend import KeyringBackend
from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QEvent,
    QSettings,
    QThread,
    QThreadPool,
    QTimer,
)
from PySide6.QtWidgets import QAbstractItemView, QTableView, QTreeView
from shiboken6 import isValid

from ui.app import GenStudioApp


class MemoryKeyring(KeyringBackend):
    """A secure-looking backend that keeps keys in a dict (never on disk)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.passwords:
            raise keyring.errors.PasswordDeleteError(username)
        del self.passwords[(service, username)]


@pytest.fixture(scope="session")
def qapp_cls():
    return GenStudioApp


@pytest.fixture(scope="session", autouse=True)
def _qasync_kills_its_timers_on_close() -> Iterator[None]:
    """qasync's `_SimpleTimer.stop()` (called by `loop.close()`) only sets a flag: the Qt
    timers of pending `call_later` handles (an `asyncio.wait` timeout, a cancelled sleep) stay
    registered. When Python's cyclic GC later frees the closed loop *on a worker thread*, Qt
    cannot unregister them ("QObject::~QObject: Timers cannot be stopped from another
    thread") and the next one to fire dereferences a freed object: a segfault in an unrelated
    test. Kill them on the GUI thread at close instead."""
    original = qasync._SimpleTimer.stop

    def stop(self: qasync._SimpleTimer) -> None:
        original(self)
        callbacks = self._SimpleTimer__callbacks  # type: ignore[attr-defined]
        for timer_id in list(callbacks):
            self.killTimer(timer_id)
        callbacks.clear()

    qasync._SimpleTimer.stop = stop  # type: ignore[method-assign]
    yield
    qasync._SimpleTimer.stop = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path: Path, qapp) -> Iterator[Path]:
    folder = tmp_path / "qsettings"
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    yield folder


def _flush_deletions() -> None:
    QCoreApplication.sendPostedEvents(None, int(QEvent.Type.DeferredDelete))
    QCoreApplication.processEvents()


@pytest.fixture(autouse=True)
def no_dangling_qt(monkeypatch: pytest.MonkeyPatch, qapp) -> Iterator[None]:
    """napari's _dangling_qthreads / _dangling_qtimers: whatever a test starts, it stops."""
    threads: list[weakref.ref[QThread]] = []
    timers: list[QTimer] = []
    thread_start, timer_start = QThread.start, QTimer.start

    def start_thread(self: QThread, *args: object) -> None:
        threads.append(weakref.ref(self))
        thread_start(self, *args)

    def start_timer(self: QTimer, *args: object) -> None:
        timers.append(self)
        timer_start(self, *args)

    monkeypatch.setattr(QThread, "start", start_thread)
    monkeypatch.setattr(QTimer, "start", start_timer)
    yield
    _flush_deletions()
    running = [t for ref in threads if (t := ref()) is not None and isValid(t) and t.isRunning()]
    active = [t for t in timers if isValid(t) and t.isActive()]
    timers.clear()
    pool = QThreadPool.globalInstance()
    busy = pool.activeThreadCount() if not pool.waitForDone(2000) else 0
    problems = []
    if running:
        problems.append(f"{len(running)} QThread(s) still running")
    if active:
        owners = ", ".join(sorted({type(t.parent()).__name__ for t in active}))
        problems.append(f"{len(active)} QTimer(s) still active (owned by {owners})")
    if busy:
        problems.append(f"{busy} QThreadPool job(s) still running")
    if problems:
        pytest.fail("test left Qt work behind: " + "; ".join(problems))


@pytest.fixture(autouse=True)
def no_dangling_threads() -> Iterator[None]:
    """Python threads a test starts (the DB writer, media pool workers, a fake server's
    handlers, an FFmpeg progress reader) must have ended once its fixtures are torn down.
    Set up before (so torn down after) every fixture a test asks for; a short grace period
    lets a pool shut down with wait=False finish the job it was on."""
    before = {t.ident for t in threading.enumerate()}
    yield
    from genstudio.concurrency import shutdown_pools

    shutdown_pools(wait=False)  # the shared media pool is lazily created by whoever needs it
    deadline = time.monotonic() + 5.0
    while True:
        extra = [t for t in threading.enumerate() if t.ident not in before and t.is_alive()]
        if not extra or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    if extra:
        pytest.fail("test left threads running: " + ", ".join(sorted(t.name for t in extra)))


@pytest.fixture(autouse=True)
def models_checked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Every model of ours (module `ui.*`) set on a view goes through pytest-qt's
    qtmodeltester, which keeps checking it on each signal until the test ends."""
    from pytestqt.modeltest import ModelTester

    testers: list[ModelTester] = []
    seen: set[int] = set()

    def checking(original):
        def set_model(view: QAbstractItemView, model: QAbstractItemModel | None) -> None:
            original(view, model)
            module = type(model).__module__ if model is not None else ""
            if module.startswith("ui.") and id(model) not in seen:
                seen.add(id(model))
                tester = ModelTester(request.config)
                testers.append(tester)
                tester.check(model, force_py=True)

        return set_model

    for cls in (QAbstractItemView, QTableView, QTreeView):
        monkeypatch.setattr(cls, "setModel", checking(cls.setModel))
    yield testers
    for tester in testers:
        model = getattr(tester, "_model", None)
        if model is not None and isValid(model):  # deleted with its view: nothing to detach
            tester._cleanup()


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_call(item: pytest.Item):
    """After the test body, let the app go idle as it would in real use: run the loop until the
    tasks the test set off have finished (bounded). Without this, pytest-qt's processEvents
    would step them outside a running asyncio loop. What is still running after the bound
    makes the qloop teardown fail the test."""
    try:
        return (yield)
    finally:
        loop = getattr(item, "funcargs", {}).get("qloop")
        if isinstance(loop, qasync.QEventLoop) and not loop.is_closed():
            _settle(loop, timeout=10.0)


def settle(loop: qasync.QEventLoop, timeout: float = 10.0) -> None:
    """Run the loop until no task is left (new ones included), at most `timeout` seconds."""
    _settle(loop, timeout)


def _settle(loop: qasync.QEventLoop, timeout: float) -> None:
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        if not pending:
            return
        loop.run_until_complete(asyncio.wait(pending, timeout=deadline - loop.time()))


@pytest.fixture
def qloop(qapp) -> Iterator[qasync.QEventLoop]:
    """STYLE.md §4.1: a qasync loop; leftover tasks fail the test (after a bounded cancel)."""
    qapp.setQuitOnLastWindowClosed(False)  # as in the app: closing a window never stops the loop
    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    yield loop
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:  # bounded: a task whose wake-up was lost never finishes
        loop.run_until_complete(asyncio.wait(pending, timeout=1.0))
    loop.close()
    asyncio.set_event_loop(None)
    if pending:
        names = ", ".join(sorted(t.get_name() for t in pending))
        pytest.fail(f"test left asyncio tasks running: {names}")


@pytest.fixture
def until(qloop: qasync.QEventLoop) -> Callable[..., None]:
    """Spin the Qt+asyncio loop until `predicate()` holds (or fail after `timeout` s)."""

    def wait(predicate: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
        async def poll() -> None:
            deadline = qloop.time() + timeout
            while not predicate():
                if qloop.time() > deadline:
                    raise AssertionError(
                        f"timed out after {timeout} s waiting for {what or predicate}"
                    )
                await asyncio.sleep(0.01)

        qloop.run_until_complete(poll())

    return wait


@pytest.fixture
def run(qloop: qasync.QEventLoop) -> Callable[[Awaitable[object]], object]:
    """Run a coroutine to completion on the Qt loop (events flow while it runs)."""

    def runner(awaitable: Awaitable[object]) -> object:
        return qloop.run_until_complete(awaitable)

    return runner


@pytest.fixture
def open_window(qloop: qasync.QEventLoop):
    """Show app windows and close them *inside* the running loop at teardown, as the app does
    (closing flushes edits into save tasks). pytest-qt's own widget cleanup would close them
    outside the loop, where those tasks cannot run."""
    windows = []

    def show(window):
        windows.append(window)
        window.show()
        settle(qloop)
        return window

    yield show
    for window in windows:
        if isValid(window):
            window.close()
    settle(qloop)
    for window in windows:
        if isValid(window):
            window.deleteLater()
    _flush_deletions()


@pytest.fixture
def ws_root(tmp_path: Path) -> Path:
    return tmp_path / "workspace"


@pytest.fixture
def controller(qloop: qasync.QEventLoop, ws_root: Path):
    from genstudio.workspace import Workspace
    from ui.controller import ProjectController

    made = ProjectController(Workspace.open(ws_root))
    yield made
    qloop.run_until_complete(made.shutdown())
    made.deleteLater()


def add_project(controller, count: int, *, title: str = "Storyboard test") -> str:
    """A project with `count` plain scenes, written through the controller's own Store
    (one writer per database, as in the app). Returns the project id."""
    from genstudio.models import IntExt, Scene, SceneHeading
    from genstudio.projects import new_project_from_idea

    store = controller.store
    project = new_project_from_idea(store, controller.workspace, title=title, idea="a test film")
    scenes = [
        Scene(
            number=i,
            heading=SceneHeading(int_ext=IntExt.INT, location=f"ROOM {i}", time_of_day="DAY"),
            duration=4.0 + i % 3,
            visual_prompt=f"shot {i}",
        )
        for i in range(1, count + 1)
    ]
    store.replace_scenes(project.id, scenes)
    return project.id
