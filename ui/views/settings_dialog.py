"""Settings: the provider for each role (name, model, base URL, limits, price) and API keys.

Configurations are saved with `store.save_provider_config`. A key typed here goes only to the
OS keyring (`controller.keystore.set_key`), never to the database, QSettings or a log; the
field is cleared once the key is stored. Without a secure keyring the dialog says so and the
key field is disabled. Every keyring call and the connection test run off the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from genstudio.concurrency import run_blocking
from genstudio.models import ProviderConfig, Role
from genstudio.providers import registry
from genstudio.providers.prices import PriceTable, default_prices
from ui.connection_check import DEFAULT_BASE_URLS, is_local
from ui.estimate import PRICE_KEYS, PRICE_KINDS
from ui.provider_session import UNUSED_ROLES, runnable
from ui.settings import app_settings
from ui.views.api_key_box import ApiKeyBox
from ui.views.provider_catalog import (
    OPTIONAL_ROLES,
    PRICE_UNITS,
    ROLE_PROVIDERS,
    ROLE_TITLES,
    default_configs,
    provider_title,
)


def _t(text: str) -> str:
    return QCoreApplication.translate("SettingsDialog", text)


PRICE_PHRASES = {
    "per_second": QT_TRANSLATE_NOOP("SettingsDialog", "${price} per second"),
    "per_image": QT_TRANSLATE_NOOP("SettingsDialog", "${price} per image"),
    "per_megapixel": QT_TRANSLATE_NOOP("SettingsDialog", "${price} per megapixel"),
    "per_1k_characters": QT_TRANSLATE_NOOP("SettingsDialog", "${price} per 1,000 characters"),
}


def listed_price(entry: dict[str, object]) -> str:
    """A price-table entry in words: "$0.05 per second"."""
    parts = [
        _t(phrase).format(price=f"{entry[unit]:g}")
        for unit, phrase in PRICE_PHRASES.items()
        if unit in entry
    ]
    return ", ".join(parts)


class SettingsDialog(QDialog):
    settingsSaved = Signal()

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SettingsDialog")
        self.setWindowTitle(self.tr("Settings — providers and keys"))
        self._controller = controller
        self._drafts: dict[Role, ProviderConfig] = {}
        self._prices: PriceTable | None = None
        self._role: Role | None = None
        self._loading = True

        self.keyring_banner = QLabel(self)
        self.keyring_banner.setObjectName("keyringBanner")
        self.keyring_banner.setWordWrap(True)
        self.keyring_banner.setStyleSheet(
            "#keyringBanner { background: #fdecea; border: 1px solid #e57373; padding: 6px; }"
        )
        self.keyring_banner.hide()

        self.roles = QListWidget(self)
        self.roles.setFixedWidth(190)
        for role in ROLE_PROVIDERS:
            self.roles.addItem(_t(ROLE_TITLES[role]))

        self.name_combo = QComboBox(self)
        self.availability_label = QLabel(self)
        self.availability_label.setWordWrap(True)
        self.availability_label.setStyleSheet("color: #b26a00;")
        self.model_edit = QLineEdit(self)
        self.base_url_edit = QLineEdit(self)
        self.url_error = QLabel(self)
        self.url_error.setStyleSheet("color: #c62828;")
        self.url_error.hide()
        self.max_concurrent = QSpinBox(self)
        self.max_concurrent.setRange(1, 64)
        self.min_interval = QDoubleSpinBox(self)
        self.min_interval.setRange(0.0, 3600.0)
        self.min_interval.setDecimals(1)
        self.min_interval.setSuffix(" s")
        self.price = QDoubleSpinBox(self)
        self.price.setRange(0.0, 1000.0)
        self.price.setDecimals(4)
        self.price.setPrefix("$ ")
        # 0 means "not typed": the forecast then uses the engine's list price for the model
        self.price.setSpecialValueText(self.tr("list price"))
        self.price_unit = QLabel(self)
        self.enabled_box = QCheckBox(self.tr("Use this role"), self)
        self.price_hint = QLabel(self)
        self.price_hint.setWordWrap(True)
        self.price_hint.setStyleSheet("color: #616161;")
        price_row = QHBoxLayout()
        price_row.addWidget(self.price)
        price_row.addWidget(self.price_unit, 1)

        provider_box = QGroupBox(self.tr("Provider"), self)
        form = QFormLayout(provider_box)
        form.addRow(self.tr("Name:"), self.name_combo)
        form.addRow("", self.availability_label)
        form.addRow("", self.enabled_box)
        form.addRow(self.tr("Model:"), self.model_edit)
        form.addRow(self.tr("Base URL:"), self.base_url_edit)
        form.addRow("", self.url_error)
        form.addRow(self.tr("Max concurrent jobs:"), self.max_concurrent)
        form.addRow(self.tr("Min interval between starts:"), self.min_interval)
        form.addRow(self.tr("Price:"), price_row)
        form.addRow("", self.price_hint)

        self.key_box = ApiKeyBox(controller, self._current_draft, self)

        right = QVBoxLayout()
        right.addWidget(provider_box)
        right.addWidget(self.key_box)
        right.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.roles)
        middle.addLayout(right, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.status_label = QLabel(self)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keyring_banner)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)
        self.resize(760, 520)

        self.roles.currentRowChanged.connect(self._on_role_changed)
        self.name_combo.currentIndexChanged.connect(self._on_name_changed)
        self.base_url_edit.textChanged.connect(self._validate)
        self.model_edit.textChanged.connect(self._update_price_hint)
        self.enabled_box.toggled.connect(self._refresh_role_labels)
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)
        self.save_button.setEnabled(False)
        self._spawn("load", self._load())

    # -- tasks ---------------------------------------------------------------------------------

    def _spawn(self, what: str, coro: Any) -> None:
        self._controller.tasks.spawn(f"settings:{what}", coro)

    async def _load(self) -> None:
        store = self._controller.store
        stored = await store.run(store.get_provider_configs)
        status = await run_blocking(self._controller.keystore.status)
        self._prices = await run_blocking(default_prices, self._controller.workspace.root)
        if not isValid(self):
            return
        self._drafts = default_configs(stored)
        self.key_box.set_keyring_available(status.available)
        if not status.available:
            self.keyring_banner.setText(
                self.tr("No secure key storage available — keys cannot be saved.")
                + " "
                + self.tr(
                    "Install and unlock a keyring (GNOME Keyring, KWallet, macOS Keychain or "
                    "Windows Credential Manager). Keys are never written to disk in plain text."
                )
            )
            self.keyring_banner.show()
        self._loading = False
        self.save_button.setEnabled(True)
        self._refresh_role_labels()
        last = app_settings().value("settings/lastRole", 0)
        self.roles.setCurrentRow(min(int(last or 0), self.roles.count() - 1))
        self._on_role_changed(self.roles.currentRow())

    # -- form <-> drafts -----------------------------------------------------------------------

    def current_role(self) -> Role | None:
        return self._role

    def provider_name(self) -> str:
        """The provider chosen for the current role ("builtin", "runway", ...)."""
        return str(self.name_combo.currentData() or "")

    def select_provider(self, name: str) -> None:
        index = self.name_combo.findData(name)
        if index < 0:
            raise ValueError(f"{name} is not offered for this role")
        self.name_combo.setCurrentIndex(index)

    @Slot(int)
    def _on_role_changed(self, row: int) -> None:
        if self._loading or row < 0:
            return
        self._commit_form()
        role = list(ROLE_PROVIDERS)[row]
        self._role = role
        config = self._drafts[role]
        self.name_combo.blockSignals(True)
        self.name_combo.clear()
        for name in ROLE_PROVIDERS[role]:
            self.name_combo.addItem(provider_title(name), name)
        self.name_combo.setCurrentIndex(max(0, self.name_combo.findData(config.name)))
        self.name_combo.blockSignals(False)
        self.model_edit.setText(config.model)
        self.base_url_edit.setText(config.base_url)
        self.max_concurrent.setValue(config.max_concurrent)
        self.min_interval.setValue(config.min_interval)
        self.price.setValue(config.prices.get(PRICE_KEYS[role], 0.0))
        self.price_unit.setText(_t(PRICE_UNITS[role]))
        self.enabled_box.setVisible(role in OPTIONAL_ROLES)
        self.enabled_box.setChecked(config.enabled)
        self._refresh_name_state()

    def _commit_form(self) -> None:
        role = self._role
        if role is None:
            return
        name = self.provider_name()
        prices = dict(self._drafts[role].prices)
        typed = round(self.price.value(), 4)
        if name == "builtin" or typed <= 0:
            prices.pop(PRICE_KEYS[role], None)
        else:
            prices[PRICE_KEYS[role]] = typed
        self._drafts[role] = ProviderConfig(
            role=role,
            name=name,
            model=self.model_edit.text().strip(),
            base_url=self.base_url_edit.text().strip().rstrip("/"),
            max_concurrent=self.max_concurrent.value(),
            min_interval=round(self.min_interval.value(), 1),
            prices=prices,
            enabled=self.enabled_box.isChecked() if role in OPTIONAL_ROLES else True,
        )

    def _current_draft(self) -> ProviderConfig | None:
        return self.draft(self._role) if self._role is not None else None

    def draft(self, role: Role) -> ProviderConfig:
        if role is self._role:
            self._commit_form()
        return self._drafts[role]

    def _refresh_role_labels(self) -> None:
        """Each role shows the provider chosen for it, so the whole setup reads at a glance."""
        for row, role in enumerate(ROLE_PROVIDERS):
            config = self._drafts.get(role)
            if role is self._role:
                name = self.provider_name()
                used = role not in OPTIONAL_ROLES or self.enabled_box.isChecked()
            else:
                name = config.name if config else ""
                used = config is not None and config.enabled
            label = _t(ROLE_TITLES[role])
            shown = f"{label} · {provider_title(name, short=True)}" if used and name else label
            self.roles.item(row).setText(shown)

    @Slot(int)
    def _on_name_changed(self, _index: int) -> None:
        name = self.provider_name()
        if self._role is None or not name:
            return
        if name != self._drafts[self._role].name:
            # another provider: its own model and URL (placeholders show the defaults)
            self.model_edit.clear()
            self.base_url_edit.clear()
            self.price.setValue(0.0)
        self._refresh_name_state()

    def _refresh_name_state(self) -> None:
        name = self.provider_name()
        builtin = name == "builtin"
        self.base_url_edit.setPlaceholderText(DEFAULT_BASE_URLS.get(name, ""))
        default_model = registry.builtin_configs().get(self._role) if self._role else None
        self.model_edit.setPlaceholderText(default_model.model if builtin and default_model else "")
        for widget in (self.model_edit, self.base_url_edit, self.price):
            widget.setEnabled(not builtin)
        self._update_price_hint()
        warning = self._availability_warning(name)
        self.availability_label.setText(warning)
        self.availability_label.setVisible(bool(warning))
        self.key_box.set_provider(name)
        self._validate()
        self._refresh_role_labels()

    def _availability_warning(self, name: str) -> str:
        """Why the chosen provider cannot run for this role (empty when it can)."""
        role = self._role
        if role is None or not name or runnable(role, name):
            return ""
        if role in UNUSED_ROLES:
            return self.tr(
                "No pipeline step uses lip-sync yet: this choice is kept for a later version."
            )
        return self.tr(
            "{name} cannot serve this role in this version: a run with it selected stops "
            "before anything is sent."
        ).format(name=name)

    @Slot()
    def _update_price_hint(self, *_: object) -> None:
        role, name = self._role, self.provider_name()
        if role is None:
            return
        hint = ""
        if name == "builtin":
            self.price_unit.setText(self.tr("free: runs on this computer"))
        else:
            self.price_unit.setText(_t(PRICE_UNITS[role]))
            model = self.model_edit.text().strip()
            kind = PRICE_KINDS.get(role)
            if self._prices is not None and kind is not None and model:
                if self._prices.known(name, model, kind):
                    entry = self._prices.entry(name, model, kind)
                    hint = self.tr("List price for {model}: {price}.").format(
                        model=model, price=listed_price(entry)
                    )
                else:
                    hint = self.tr(
                        "No list price for {model}: type one, or the forecast shows it as unpriced."
                    ).format(model=model)
        self.price_hint.setText(hint)
        self.price_hint.setVisible(bool(hint))

    @Slot()
    def _validate(self, *_: object) -> bool:
        url = self.base_url_edit.text().strip()
        valid = not url or url.startswith(("https://", "http://"))
        if valid and url.startswith("http://") and not is_local(url):
            self.url_error.setText(self.tr("Plain http sends the key unencrypted: use https."))
            valid = False
        elif not valid:
            self.url_error.setText(self.tr("The base URL must start with https://"))
        else:
            self.url_error.clear()
        self.url_error.setVisible(not valid)
        self.save_button.setEnabled(valid and not self._loading)
        return valid

    @Slot()
    def _on_save(self) -> None:
        if not self._validate():
            return
        self._commit_form()
        self.save_button.setEnabled(False)
        self._spawn("save", self._save(list(self._drafts.values())))

    async def _save(self, configs: list[ProviderConfig]) -> None:
        store = self._controller.store
        for config in configs:
            await store.run(store.save_provider_config, config)
        if isValid(self):
            app_settings().setValue("settings/lastRole", self.roles.currentRow())
            self.status_label.setText(self.tr("Saved."))
            self.save_button.setEnabled(True)
            self.settingsSaved.emit()
            self.accept()
