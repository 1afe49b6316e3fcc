"""Refresh the README screenshots of the main window and the scene inspector, on a real X server.

    xvfb-run -a -s "-screen 0 1600x1000x24" \
        python packaging/screenshots/make_screenshots.py [en] [es]

For each language: a fresh workspace, the window's own first run (the bundled demo screenplay
in that language, planned offline), the plan approved and the film rendered with the offline
providers (real thumbnails and clips), then the screen is grabbed: the whole window and the
scene inspector dock. Writes docs/screenshots/main_window[_es].png, scene_inspector[_es].png.
The dialogs (settings, wizard, assemble) come from capture_dialogs.py.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
sys.path.insert(0, str(ROOT))

SELECTED_SCENE = 2  # index in the storyboard: a scene with dialogue and a continuation


async def wait_for(predicate: Callable[[], object], timeout: float = 300.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("the window did not get there in time")
        await asyncio.sleep(0.05)


def save(pixmap: QPixmap, name: str) -> None:
    path = OUT / name
    if not pixmap.save(str(path)):
        raise OSError(f"cannot write {path}")
    print(f"{path.relative_to(ROOT)}: {pixmap.width()}x{pixmap.height()}")


async def shoot(app: QApplication, language: str) -> None:
    from genstudio.workspace import Workspace
    from ui.controller import ProjectController
    from ui.i18n import install_translator
    from ui.settings import LANGUAGE, app_settings
    from ui.startup import open_initial_project
    from ui.views.main_window import MainWindow

    app_settings().setValue(LANGUAGE, language)
    install_translator(app, language)
    suffix = "" if language == "en" else f"_{language}"
    home = Path(tempfile.mkdtemp(prefix=f"gs-shots-{language}-"))
    controller = ProjectController(Workspace.open(home / "workspace"))
    window = MainWindow(controller)
    window.resize(1600, 1000)
    window.move(0, 0)
    window.show()
    try:
        await open_initial_project(controller)
        await controller.approve_plan()
        await controller.run_pipeline()
        scenes = controller.scenes()
        window.storyboard.select_scene(scenes[SELECTED_SCENE].id)
        await wait_for(lambda: window.takes.takes and not controller.tasks.running())
        await asyncio.sleep(2.0)  # thumbnails decode off-thread; the preview loads its clip
        screen = window.screen()
        frame = window.frameGeometry()
        save(
            screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()),
            f"main_window{suffix}.png",
        )
        # the inspector's whole form (it scrolls in the dock), at the dock's width
        save(window.inspector.body.grab(), f"scene_inspector{suffix}.png")
    finally:
        window.close()
        await controller.shutdown()
        window.deleteLater()


def main() -> int:
    if not os.environ.get("DISPLAY"):
        print("run under an X server: xvfb-run -a -s '-screen 0 1600x1000x24' python ...")
        return 2
    import qasync

    from ui.app import GenStudioApp

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GENSTUDIO_HOME"] = str(Path(tmp) / "workspace")
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        app = GenStudioApp(sys.argv[:1])
        app.setQuitOnLastWindowClosed(False)
        with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
            for language in sys.argv[1:] or ["en", "es"]:
                runner.run(shoot(app, language))
    return 0


if __name__ == "__main__":
    sys.exit(main())
