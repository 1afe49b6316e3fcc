"""Real screenshots of the settings dialog, the new-project wizard and the assemble dialog.

    xvfb-run -a -s "-screen 0 1600x1000x24" \
        python packaging/screenshots/capture_dialogs.py [en] [es]

Everything runs for real in a throwaway workspace: a tiny screenplay goes through the offline
pipeline, then each dialog is opened on it and its window is grabbed from the X screen.
Keys go to an in-memory keyring (never the machine's). Writes docs/screenshots/*.png.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
sys.path.insert(0, str(ROOT))

import keyring  # noqa: E402
import keyring.backends.fail  # noqa: E402
import qasync  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

SCREENPLAY = """Title: The Lighthouse

EXT. CLIFF ROAD - DUSK

Wind bends the grass. MARA climbs towards the lighthouse with a lantern.

INT. LIGHTHOUSE - NIGHT

The lamp turns. Mara finds a bottle on the desk, a note rolled inside.

MARA
Tomorrow, at six.

EXT. CLIFF ROAD - DAWN

The sea is flat and silver. Mara waits.
"""


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


async def wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("the dialog never reached the state to capture")
        await asyncio.sleep(0.05)


async def settle() -> None:
    await asyncio.sleep(0.4)  # let layouts, fonts and the X server catch up


def grab(widget: QWidget, name: str) -> None:
    screen = widget.screen()
    frame = widget.frameGeometry()
    pixmap = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    path = OUT / name
    if not pixmap.save(str(path)):
        raise OSError(f"could not write {path}")
    print(path.relative_to(ROOT), f"{pixmap.width()}x{pixmap.height()}")


async def capture(app: QApplication, language: str) -> None:
    from genstudio.models import Role
    from genstudio.workspace import Workspace
    from ui.controller import ProjectController
    from ui.i18n import install_translator
    from ui.views.assemble_dialog import AssembleDialog
    from ui.views.new_project_wizard import NewProjectWizard
    from ui.views.provider_catalog import ROLE_PROVIDERS
    from ui.views.settings_dialog import SettingsDialog

    install_translator(app, language)
    suffix = "" if language == "en" else f"_{language}"
    home = Path(tempfile.mkdtemp(prefix="gs-shots-"))
    controller = ProjectController(Workspace.open(home / "workspace"))
    try:
        script = home / "lighthouse.fountain"
        script.write_text(SCREENPLAY, encoding="utf-8")
        await controller.create_from_fountain(script)
        await controller.run_pipeline(auto_approve=True)

        keyring.set_keyring(MemoryKeyring())
        controller.keystore.set_key("runway", "key_" + "5" * 128)
        settings = SettingsDialog(controller)
        settings.show()
        await wait_for(lambda: settings.current_role() is not None)
        settings.roles.setCurrentRow(list(ROLE_PROVIDERS).index(Role.VIDEO))
        settings.select_provider("runway")
        settings.model_edit.setText("gen4_turbo")
        settings.max_concurrent.setValue(2)
        await wait_for(lambda: settings.key_box.key_state.text() != "")
        await settle()
        grab(settings, f"settings{suffix}.png")
        settings.close()

        keyring.set_keyring(keyring.backends.fail.Keyring())
        locked = SettingsDialog(controller)
        locked.show()
        await wait_for(lambda: locked.current_role() is not None)
        locked.roles.setCurrentRow(list(ROLE_PROVIDERS).index(Role.AUDIO))
        locked.select_provider("elevenlabs")
        await settle()
        grab(locked, f"settings_no_keyring{suffix}.png")
        locked.close()

        wizard = NewProjectWizard(controller)
        wizard.show()
        wizard.source.title_edit.setText("The Lighthouse")
        wizard.source.idea_edit.setPlainText(
            "A lighthouse keeper finds a message in a bottle that predicts tomorrow. "
            "She has one night to decide whether to believe it."
        )
        await settle()
        grab(wizard, f"new_project_wizard{suffix}.png")
        wizard.next()
        await settle()
        grab(wizard, f"new_project_wizard_details{suffix}.png")
        wizard.close()

        assemble = AssembleDialog(controller)
        assemble.output_edit.setText(str(home / "exports" / "the-lighthouse.mp4"))
        assemble.transition_combo.setCurrentIndex(assemble.transition_combo.findData("crossfade"))
        assemble.show()
        await settle()
        grab(assemble, f"assemble{suffix}.png")
        assemble.start()
        await wait_for(lambda: assemble.progress.value() >= 300)
        grab(assemble, f"assemble_running{suffix}.png")
        await wait_for(lambda: assemble.open_folder_button.isEnabled(), 120)
        await settle()
        grab(assemble, f"assemble_done{suffix}.png")
        assemble.close()
    finally:
        await controller.shutdown()


def main() -> int:
    if not os.environ.get("DISPLAY"):
        print("run under an X server, e.g. xvfb-run -a -s '-screen 0 1600x1000x24' ...")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
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
