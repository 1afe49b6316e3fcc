"""Refresh the README screenshots from the real window, on a real X server.

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/make_screenshots.py

Makes a fresh workspace, lets the window create its first-run sample (the demo screenplay,
planned offline), approves the plan and renders the film with the offline providers, then
grabs the screen: the main window, the scene inspector, and the settings dialog.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).resolve().parent


async def wait_for(predicate, timeout: float = 120.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("the window did not get there in time")
        await asyncio.sleep(0.05)


async def shoot(app) -> None:
    from PySide6.QtWidgets import QApplication

    from genstudio.workspace import Workspace
    from ui.controller import ProjectController
    from ui.startup import open_initial_project
    from ui.views.main_window import MainWindow

    controller = ProjectController(Workspace.open(None))
    window = MainWindow(controller)
    app.main_window = window
    window.resize(1600, 1000)
    window.move(0, 0)
    window.show()
    await open_initial_project(controller)
    await controller.approve_plan()
    await controller.run_pipeline()
    scenes = controller.scenes()
    window.storyboard.select_scene(scenes[3].id)
    await wait_for(lambda: window.takes.takes and not controller.tasks.running())
    await asyncio.sleep(1.5)  # thumbnails decode off-thread; the preview loads its clip
    screen = QApplication.primaryScreen()

    def save(name: str, widget=None) -> None:
        pixmap = widget.grab() if widget is not None else screen.grabWindow(0)
        if not pixmap.save(str(OUT / name)):
            raise OSError(f"cannot write {OUT / name}")
        print(f"{OUT / name}: {pixmap.width()}x{pixmap.height()}")

    save("main_window.png")
    save("scene_inspector.png", window.docks["inspector"])
    window.open_settings()
    await asyncio.sleep(1.0)
    dialog = window.dialogs.get("settings")
    if dialog is not None:
        save("settings.png", dialog)
        dialog.close()
    window.close()
    await controller.shutdown()


def main() -> int:
    import qasync

    from ui.app import GenStudioApp

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GENSTUDIO_HOME"] = str(Path(tmp) / "workspace")
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        app = GenStudioApp([sys.argv[0], *sys.argv[1:]])
        app.setQuitOnLastWindowClosed(False)
        with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
            runner.run(shoot(app))
    return 0


if __name__ == "__main__":
    sys.exit(main())
