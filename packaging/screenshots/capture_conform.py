"""A real screenshot of the Conform dialog after a dry run on a folder of "downloaded" clips.

    xvfb-run -a -s "-screen 0 1600x1000x24" \
        python packaging/screenshots/capture_conform.py [en] [es]

A tiny screenplay goes through the offline pipeline in a throwaway workspace; its clips are then
copied into a Downloads folder the way a user would have them (renamed by the provider, one
with a sidecar naming its scene, one with a broken sidecar, an unrelated clip, a truncated
download), and the dialog's report is grabbed from the X screen. Writes
docs/screenshots/conform[_LANG].png, beside the README's other screenshots.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import qasync  # noqa: E402
from capture_dialogs import SCREENPLAY, grab, settle, wait_for  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def downloads(project_dir: Path, clips: list[Path], folder: Path) -> None:
    """The project's clips as a browser leaves them: new names, and a few things that are not."""
    from genstudio.media.ffmpeg import ffmpeg_exe

    folder.mkdir(parents=True)
    first, second, third = clips[:3]
    shutil.copyfile(first, folder / f"runway_{first.stem.rsplit('-', 1)[-1]}.mp4")
    shutil.copyfile(second, folder / "download (3).mp4")
    (folder / "download (3).mp4.json").write_text(json.dumps({"scene": 2}), encoding="utf-8")
    shutil.copyfile(third, folder / "Untitled.mp4")
    (folder / "Untitled.mp4.json").write_text("{oops", encoding="utf-8")
    source = "testsrc2=size=320x192:duration=2"
    bloopers = [ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", source, "-pix_fmt", "yuv420p"]
    subprocess.run([*bloopers, str(folder / "bloopers.mp4"), "-y"], check=True, timeout=60)
    data = (folder / "bloopers.mp4").read_bytes()
    (folder / "download (4).mp4").write_bytes(data[: len(data) // 3])  # an interrupted download


async def capture(app: QApplication, language: str) -> None:
    from genstudio.workspace import Workspace
    from ui.controller import ProjectController
    from ui.i18n import install_translator
    from ui.views.conform_dialog import ConformDialog

    install_translator(app, language)
    suffix = "" if language == "en" else f"_{language}"
    home = Path(tempfile.mkdtemp(prefix="gs-shots-"))
    controller = ProjectController(Workspace.open(home / "workspace"))
    try:
        script = home / "lighthouse.fountain"
        script.write_text(SCREENPLAY, encoding="utf-8")
        await controller.create_from_fountain(script)
        await controller.run_pipeline(auto_approve=True)
        project_dir = controller.project_dir()
        assert project_dir is not None
        clips = []
        for scene in controller.scenes():
            take = controller.selected_take(scene.id)
            if take is not None and take.clip:
                clips.append(project_dir / take.clip)
        folder = home / "Downloads"
        downloads(project_dir, clips, folder)

        dialog = ConformDialog(controller)
        dialog.folder_edit.setText(str(folder))
        dialog.show()
        dialog.check()
        await wait_for(lambda: not dialog.is_running(), 120)
        await settle()
        grab(dialog, f"conform{suffix}.png")
        dialog.close()
    finally:
        await controller.shutdown()


def main() -> int:
    if not os.environ.get("DISPLAY"):
        print("run under an X server, e.g. xvfb-run -a -s '-screen 0 1600x1000x24' ...")
        return 2
    os.environ.setdefault("GENSTUDIO_HOME", tempfile.mkdtemp(prefix="gs-shots-home-"))
    from ui.app import GenStudioApp

    app = GenStudioApp(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        for language in sys.argv[1:] or ["en"]:
            runner.run(capture(app, language))
    return 0


if __name__ == "__main__":
    sys.exit(main())
