"""The API key part of the settings dialog: a password field that hands the key to the OS
keyring and forgets it, the stored/not-stored state, and "Test connection".

The key goes only to `keystore.set_key` (run off the GUI thread: a keyring may talk D-Bus);
the field is cleared as soon as the keyring has it. Without a secure keyring the field and
its buttons are disabled and say why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout
from shiboken6 import isValid

from genstudio.concurrency import run_blocking
from genstudio.errors import GenStudioError
from genstudio.models import ProviderConfig
from ui.connection_check import check_connection

TEST_TIMEOUT = 10.0  # seconds: a connection test never hangs the dialog


class ApiKeyBox(QGroupBox):
    def __init__(
        self, controller: Any, config_getter: Callable[[], ProviderConfig | None], parent: Any
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._config_getter = config_getter
        self._name = "builtin"
        self._keyring_ok = False
        self.test_timeout = TEST_TIMEOUT

        self.key_edit = QLineEdit(self)
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setObjectName("apiKeyEdit")
        self.store_key_button = QPushButton(self.tr("Store key"), self)
        self.remove_key_button = QPushButton(self.tr("Remove key"), self)
        self.key_state = QLabel(self.tr("Checking key storage…"), self)
        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.test_result = QLabel(self)
        self.test_result.setWordWrap(True)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.store_key_button)
        key_row.addWidget(self.remove_key_button)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(key_row)
        layout.addWidget(self.key_state)
        layout.addLayout(test_row)

        self.key_edit.returnPressed.connect(self._on_store_key)
        self.store_key_button.clicked.connect(self._on_store_key)
        self.remove_key_button.clicked.connect(self._on_remove_key)
        self.test_button.clicked.connect(self._on_test)
        self._update_enabled()

    def _spawn(self, what: str, coro: Any) -> None:
        self._controller.tasks.spawn(f"settings:{what}", coro)

    # -- state ---------------------------------------------------------------------------------

    def set_keyring_available(self, available: bool) -> None:
        self._keyring_ok = available
        self._update_enabled()

    def set_provider(self, name: str) -> None:
        self._name = name
        self.test_result.clear()
        builtin = name == "builtin"
        title = self.tr("API key for {name}").format(name=name)
        self.setTitle(self.tr("API key") if builtin else title)
        self._update_enabled()
        if builtin:
            self.key_state.setText(self.tr("No key needed."))
        else:
            self._spawn("key-state", self._refresh_key_state(name))

    def _update_enabled(self) -> None:
        builtin = self._name == "builtin"
        can_store = self._keyring_ok and not builtin
        self.key_edit.setEnabled(can_store)
        self.store_key_button.setEnabled(can_store)
        self.remove_key_button.setEnabled(False)
        if not self._keyring_ok and not builtin:
            self.key_edit.setPlaceholderText(self.tr("Keys cannot be saved on this system"))
        elif builtin:
            self.key_edit.setPlaceholderText(self.tr("The built-in provider needs no key"))
        else:
            self.key_edit.setPlaceholderText(self.tr("Paste the key, then Store key"))

    async def _refresh_key_state(self, name: str) -> None:
        stored = await run_blocking(self._controller.keystore.has_key, name)
        if not isValid(self) or self._name != name:
            return
        if stored:
            self.key_state.setText(self.tr("Key stored in the system keyring."))
        elif self._keyring_ok:
            self.key_state.setText(self.tr("No key stored."))
        else:
            self.key_state.setText(self.tr("No key stored, and none can be stored here."))
        self.remove_key_button.setEnabled(stored and self._keyring_ok)

    # -- keys ----------------------------------------------------------------------------------

    @Slot()
    def _on_store_key(self) -> None:
        key = self.key_edit.text()
        if not self.store_key_button.isEnabled():
            return
        if not key.strip():
            self.key_state.setText(self.tr("Type or paste the key first."))
            return
        self.store_key_button.setEnabled(False)
        self._spawn("store-key", self._store_key(self._name, key))

    async def _store_key(self, name: str, key: str) -> None:
        try:
            await run_blocking(self._controller.keystore.set_key, name, key)
        except GenStudioError as exc:
            if isValid(self):
                self.key_state.setText(self.tr("The key was not stored: {error}").format(error=exc))
                self.store_key_button.setEnabled(self._keyring_ok)
            return
        if isValid(self):
            self.key_edit.clear()  # the key leaves the widget as soon as the keyring has it
            self.store_key_button.setEnabled(True)
            await self._refresh_key_state(name)

    @Slot()
    def _on_remove_key(self) -> None:
        self._spawn("remove-key", self._remove_key(self._name))

    async def _remove_key(self, name: str) -> None:
        await run_blocking(self._controller.keystore.delete_key, name)
        if isValid(self):
            await self._refresh_key_state(name)

    # -- connection test -----------------------------------------------------------------------

    @Slot()
    def _on_test(self) -> None:
        config = self._config_getter()
        if config is None:
            return
        self.test_button.setEnabled(False)
        self.test_result.setStyleSheet("")
        self.test_result.setText(self.tr("Testing…"))
        self._spawn("test", self._test(config))

    async def _test(self, config: ProviderConfig) -> None:
        try:
            key = None
            if config.name != "builtin":
                key = await run_blocking(self._controller.keystore.get_key, config.name)
            result = await check_connection(config, key, timeout=self.test_timeout)
            text, ok = result.message, result.ok
        except Exception as exc:  # a provider's own check failed: show it, never crash
            text, ok = self.tr("The check failed: {error}").format(error=exc), False
        if isValid(self):
            self.test_result.setStyleSheet(f"color: {'#2e7d32' if ok else '#c62828'};")
            self.test_result.setText(text)
            self.test_button.setEnabled(True)
