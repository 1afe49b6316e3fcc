"""Settings: provider configuration saved to the store; keys only in the keyring (never in the
database, QSettings or a log); the "no secure key storage" state; "Test connection"."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
import respx

from genstudio.models import Role
from genstudio.secrets import SERVICE
from tests.ui.fixtures_b import *  # noqa: F403
from tests.ui.fixtures_b import run_until
from ui import connection_check
from ui.settings import app_settings
from ui.views.provider_catalog import ROLE_PROVIDERS
from ui.views.settings_dialog import SettingsDialog

RUNWAY_KEY = "key_" + "0123456789abcdef" * 8  # the shape Runway documents


def _open(qtbot, qloop, controller) -> SettingsDialog:
    dialog = SettingsDialog(controller)
    qtbot.addWidget(dialog)
    dialog.open()
    run_until(qloop, lambda: dialog.current_role() is not None)
    return dialog


def _select(dialog: SettingsDialog, role: Role, name: str) -> None:
    dialog.roles.setCurrentRow(list(ROLE_PROVIDERS).index(role))
    dialog.select_provider(name)


def _files_containing(secret: str, paths: list[Path]) -> list[Path]:
    needle = secret.encode()
    return [p for p in paths if p.is_file() and needle in p.read_bytes()]


def _persisted_files(controller) -> list[Path]:
    db = Path(controller.workspace.db_path)
    settings = Path(app_settings().fileName())
    app_settings().sync()
    return [db, db.with_name(db.name + "-wal"), settings, *controller.workspace.root.rglob("*")]


def test_change_a_provider_and_store_a_key(
    qtbot, qloop, no_leftovers, b_controller, memory_keyring, caplog
):
    caplog.set_level(logging.DEBUG)
    dialog = _open(qtbot, qloop, b_controller)
    assert dialog.keyring_banner.isHidden()
    # only the choices a run cannot serve carry a warning
    _select(dialog, Role.IMAGE, "luma")
    assert dialog.availability_label.isVisible()
    assert dialog.availability_label.text().startswith("luma cannot serve this role")
    _select(dialog, Role.IMAGE, "fal")
    assert dialog.availability_label.isHidden()
    _select(dialog, Role.IMAGE, "builtin")
    _select(dialog, Role.LIPSYNC, "sync")
    assert "lip-sync" in dialog.availability_label.text()
    _select(dialog, Role.VIDEO, "runway")
    assert dialog.availability_label.isHidden()
    dialog.model_edit.setText("gen4_turbo")
    assert dialog.price_hint.text().startswith("List price for gen4_turbo: $")
    assert dialog.price_unit.text() == "USD per second of video"
    dialog.max_concurrent.setValue(3)
    dialog.min_interval.setValue(1.5)
    dialog.price.setValue(0.06)

    box = dialog.key_box
    assert box.key_edit.echoMode() == box.key_edit.EchoMode.Password
    assert box.key_edit.isEnabled()
    box.key_edit.setText(RUNWAY_KEY)
    box.store_key_button.click()
    run_until(qloop, lambda: box.key_state.text() == "Key stored in the system keyring.")
    assert box.key_edit.text() == ""  # cleared once the keyring has it
    assert memory_keyring.passwords == {(SERVICE, "runway"): RUNWAY_KEY}
    assert box.remove_key_button.isEnabled()

    dialog.save_button.click()
    run_until(qloop, lambda: not dialog.isVisible())
    store = b_controller.store
    saved = qloop.run_until_complete(store.run(store.get_provider_configs))[Role.VIDEO]
    assert (saved.name, saved.model, saved.max_concurrent, saved.min_interval) == (
        "runway",
        "gen4_turbo",
        3,
        1.5,
    )
    assert saved.prices == {"per_second": 0.06}

    # the key is in the keyring and nowhere else: not the DB, not QSettings, not a log
    assert _files_containing(RUNWAY_KEY, _persisted_files(b_controller)) == []
    assert RUNWAY_KEY not in caplog.text

    again = _open(qtbot, qloop, b_controller)
    again.roles.setCurrentRow(list(ROLE_PROVIDERS).index(Role.VIDEO))
    assert again.provider_name() == "runway"
    assert again.model_edit.text() == "gen4_turbo" and again.max_concurrent.value() == 3
    run_until(qloop, lambda: again.key_box.key_state.text().startswith("Key stored"))
    again.key_box.remove_key_button.click()
    run_until(qloop, lambda: again.key_box.key_state.text() == "No key stored.")
    assert memory_keyring.passwords == {}
    again.close()


def test_no_secure_storage_disables_keys_and_writes_nothing(
    qtbot, qloop, no_leftovers, b_controller, fail_keyring
):
    dialog = _open(qtbot, qloop, b_controller)
    assert dialog.keyring_banner.isVisible()
    assert dialog.keyring_banner.text().startswith(
        "No secure key storage available — keys cannot be saved."
    )
    _select(dialog, Role.AUDIO, "elevenlabs")
    box = dialog.key_box
    assert not box.key_edit.isEnabled() and not box.store_key_button.isEnabled()
    assert box.key_edit.placeholderText() == "Keys cannot be saved on this system"
    secret = "xi-" + "9" * 40
    box.key_edit.setText(secret)  # even if text gets in, nothing can send it anywhere
    box.key_edit.returnPressed.emit()
    run_until(qloop, lambda: "none can be stored" in box.key_state.text())
    assert b_controller.keystore.get_key("elevenlabs") is None

    dialog.save_button.click()  # the provider choice itself is still saved
    run_until(qloop, lambda: not dialog.isVisible())
    store = b_controller.store
    configs = qloop.run_until_complete(store.run(store.get_provider_configs))
    assert configs[Role.AUDIO].name == "elevenlabs"
    assert _files_containing(secret, _persisted_files(b_controller)) == []


def test_builtin_and_missing_client_results(
    qtbot, qloop, b_controller, memory_keyring, monkeypatch
):
    dialog = _open(qtbot, qloop, b_controller)
    _select(dialog, Role.VIDEO, "builtin")
    box = dialog.key_box
    assert not box.key_edit.isEnabled() and box.key_state.text() == "No key needed."
    box.test_button.click()
    run_until(qloop, lambda: box.test_button.isEnabled() and box.test_result.text() != "Testing…")
    assert box.test_result.text().startswith("Built-in provider")

    monkeypatch.setitem(connection_check.MODULE_NAMES, "openai", ("openai_not_in_this_build",))
    _select(dialog, Role.LLM, "openai")
    box.test_button.click()
    run_until(qloop, lambda: "not part of this build" in box.test_result.text())
    dialog.close()


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (httpx.Response(200, json={"creditBalance": 100}), "the key works"),
        (httpx.Response(401, json={"error": "bad key"}), "The key was rejected (HTTP 401)."),
        (httpx.ConnectTimeout("slow"), "No answer from api.dev.runwayml.com within 0.5 s."),
    ],
)
def test_connection_test_calls_the_provider_off_the_gui_thread(
    qtbot, qloop, no_leftovers, b_controller, memory_keyring, answer, expected
):
    if connection_check.provider_module("runway") is None:
        pytest.skip("the runway client is not in this build")
    memory_keyring.set_password(SERVICE, "runway", RUNWAY_KEY)
    dialog = _open(qtbot, qloop, b_controller)
    _select(dialog, Role.VIDEO, "runway")
    dialog.key_box.test_timeout = 0.5
    with respx.mock(assert_all_called=True) as router:
        route = router.get("https://api.dev.runwayml.com/v1/organization")
        if isinstance(answer, Exception):
            route.side_effect = answer
        else:
            route.return_value = answer
        dialog.key_box.test_button.click()
        run_until(qloop, lambda: dialog.key_box.test_button.isEnabled())
        request = route.calls.last.request
    assert request.headers["Authorization"] == f"Bearer {RUNWAY_KEY}"
    assert request.headers["X-Runway-Version"] == "2024-11-06"
    assert expected in dialog.key_box.test_result.text()
    assert RUNWAY_KEY not in dialog.key_box.test_result.text()
    dialog.close()
