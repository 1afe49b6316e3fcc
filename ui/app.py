"""`genstudio-gui`: the platform glue, done once (dangerzone's gui/__init__.py, FeelUOwn's
run_app): the QApplication subclass, the excepthook, Ctrl+C, the qasync loop, shutdown.

The asyncio loop is qasync's QEventLoop run by `asyncio.Runner` (Python 3.11 has no
`asyncio.run(loop_factory=)`). The app does not quit on its own when the window closes: the
main coroutine waits for the window's `closing` (or `aboutToQuit`), then shuts the controller
down (pending saves land, tasks are cancelled, the DB and pools close) before the loop stops.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from genstudio import __version__
from genstudio.errors import GenStudioError
from genstudio.resources import resource_path
from genstudio.secrets import install_redaction
from genstudio.workspace import Workspace
from ui import settings as keys

log = logging.getLogger("genstudio.ui")


GUI_SWITCH_INTERVAL = 0.001  # seconds; see GenStudioApp.__init__


class GenStudioApp(QApplication):
    def __init__(self, argv: Sequence[str]) -> None:
        super().__init__(list(argv))
        self.setApplicationName(keys.APPLICATION)
        self.setApplicationDisplayName("GenStudio")
        self.setOrganizationName(keys.ORGANIZATION)
        self.setOrganizationDomain("genstudio.io")
        self.setApplicationVersion(__version__)
        # Matches packaging/io.genstudio.GenStudio.desktop: Wayland/X11 docks find our icon.
        self.setDesktopFileName(keys.DESKTOP_ID)
        try:
            self.setWindowIcon(QIcon(str(resource_path("icons/genstudio.svg"))))
        except FileNotFoundError as exc:
            log.warning("%s", exc)
        self.main_window: Any = None
        self.error_boxes: list[QMessageBox] = []
        # The DB thread parses models and the media pool decodes images while the GUI thread
        # paints. PySide6 drops the GIL around Qt calls, and each time the GUI thread takes it
        # back it may wait a whole switch interval (5 ms by default) for a busy worker: a
        # card paint makes dozens of Qt calls. 1 ms keeps the loop's p99 stall under 50 ms
        # while fifty jobs report (benchmarks/bench_storyboard.py); workers lose a little.
        sys.setswitchinterval(GUI_SWITCH_INTERVAL)


def show_error(app: GenStudioApp, text: str) -> None:
    """Tell the user, without a nested event loop (`open()`, never `exec()`)."""
    window = app.main_window
    if window is not None and hasattr(window, "show_error"):
        window.show_error(text)
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "GenStudio", text)
    app.error_boxes.append(box)
    box.finished.connect(lambda _r: app.error_boxes.remove(box))
    box.open()


def install_excepthook(app: GenStudioApp) -> None:
    """Unhandled exceptions (a slot, an asyncSlot) are logged and shown, never silent."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        log.critical("unhandled error", exc_info=(kind, exc, tb))
        message = str(exc) if isinstance(exc, GenStudioError) else f"{kind.__name__}: {exc}"
        show_error(app, app.tr("Something went wrong:\n%s") % message)

    sys.excepthook = hook


def _loop_exception_handler(app: GenStudioApp) -> Any:
    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, asyncio.CancelledError):
            return
        loop.default_exception_handler(context)
        if isinstance(exc, Exception):
            show_error(app, app.tr("Something went wrong:\n%s") % exc)

    return handler


def _parse(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="genstudio-gui", description="GenStudio window")
    parser.add_argument("--workspace", metavar="DIR", help="workspace folder to open")
    parser.add_argument("--lang", metavar="CODE", help="interface language (en, es)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=f"GenStudio {__version__}")
    return parser.parse_known_args(list(argv))  # the rest are Qt's own options


def choose_workspace(explicit: str | None) -> Workspace:
    """--workspace, else $GENSTUDIO_HOME, else the last one used, else the default."""
    import os

    if explicit:
        return Workspace.open(explicit)
    if os.environ.get("GENSTUDIO_HOME", "").strip():
        return Workspace.open(None)
    last = keys.app_settings().value(keys.LAST_WORKSPACE)
    if last and Path(str(last)).is_dir():
        return Workspace.open(str(last))
    return Workspace.open(None)


async def run_app(app: GenStudioApp, args: argparse.Namespace, holder: dict[str, Any]) -> None:
    from ui.controller import ProjectController
    from ui.startup import open_initial_project
    from ui.views.main_window import MainWindow

    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_loop_exception_handler(app))
    done: asyncio.Future[None] = loop.create_future()

    def finish(*_args: object) -> None:
        if not done.done():
            done.set_result(None)

    workspace = choose_workspace(args.workspace)
    keys.app_settings().setValue(keys.LAST_WORKSPACE, str(workspace.root))
    controller = ProjectController(workspace)
    holder["controller"] = controller
    window = MainWindow(controller)
    app.main_window = window
    window.closing.connect(finish)
    app.aboutToQuit.connect(finish)
    window.show()
    controller.tasks.spawn("startup", open_initial_project(controller))
    await done
    await controller.shutdown()
    app.main_window = None
    window.deleteLater()


def main(argv: Sequence[str] | None = None) -> int:
    args, qt_args = _parse(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    install_redaction()
    import qasync

    app = GenStudioApp([sys.argv[0], *qt_args])
    app.setQuitOnLastWindowClosed(False)  # run_app decides when to stop, after shutdown
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl+C in a terminal ends the app
    install_excepthook(app)
    language = args.lang or str(keys.app_settings().value(keys.LANGUAGE, "") or "")
    try:
        from ui.i18n import install_translator

        install_translator(app, language)
    except ImportError as exc:
        log.warning("translations unavailable: %s", exc)
    holder: dict[str, Any] = {}
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        try:
            runner.run(run_app(app, args, holder))
        except GenStudioError as exc:  # e.g. the workspace folder cannot be created
            print(f"genstudio-gui: error: {exc}", file=sys.stderr)
            return 2
        except RuntimeError as exc:
            # Qt's loop ended under us (session logout, app.quit() elsewhere): still shut down.
            log.info("event loop ended early: %s", exc)
        controller = holder.get("controller")
        if controller is not None and not controller.closed:
            runner.run(controller.shutdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
