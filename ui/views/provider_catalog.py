"""Which providers each role can use, their price units, and the default configuration."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from genstudio.models import ProviderConfig, Role
from genstudio.providers import registry

ROLE_PROVIDERS: dict[Role, tuple[str, ...]] = {
    Role.LLM: ("builtin", "openai", "anthropic"),
    Role.IMAGE: ("builtin", "fal", "runway", "luma"),
    Role.VIDEO: ("builtin", "runway", "fal", "luma"),
    Role.AUDIO: ("builtin", "elevenlabs"),
    Role.LIPSYNC: ("sync", "fal"),
    Role.MUSIC: ("builtin", "elevenlabs"),
}
OPTIONAL_ROLES = (Role.LIPSYNC, Role.MUSIC)
ROLE_TITLES: dict[Role, str] = {
    Role.LLM: QT_TRANSLATE_NOOP("SettingsDialog", "Planning (LLM)"),
    Role.IMAGE: QT_TRANSLATE_NOOP("SettingsDialog", "Images"),
    Role.VIDEO: QT_TRANSLATE_NOOP("SettingsDialog", "Video"),
    Role.AUDIO: QT_TRANSLATE_NOOP("SettingsDialog", "Speech"),
    Role.LIPSYNC: QT_TRANSLATE_NOOP("SettingsDialog", "Lip-sync"),
    Role.MUSIC: QT_TRANSLATE_NOOP("SettingsDialog", "Music"),
}
PRICE_UNITS: dict[Role, str] = {
    Role.LLM: QT_TRANSLATE_NOOP("SettingsDialog", "USD per planning call"),
    Role.IMAGE: QT_TRANSLATE_NOOP("SettingsDialog", "USD per image"),
    Role.VIDEO: QT_TRANSLATE_NOOP("SettingsDialog", "USD per second of video"),
    Role.AUDIO: QT_TRANSLATE_NOOP("SettingsDialog", "USD per 1,000 characters"),
    Role.LIPSYNC: QT_TRANSLATE_NOOP("SettingsDialog", "USD per second of lip-sync"),
    Role.MUSIC: QT_TRANSLATE_NOOP("SettingsDialog", "USD per second of music"),
}


def default_configs(stored: dict[Role, ProviderConfig]) -> dict[Role, ProviderConfig]:
    configs = registry.builtin_configs()
    configs[Role.LIPSYNC] = ProviderConfig(role=Role.LIPSYNC, name="sync", enabled=False)
    configs.update(stored)
    return configs


BUILTIN_TITLE = QT_TRANSLATE_NOOP("SettingsDialog", "built-in (offline)")
BUILTIN_SHORT = QT_TRANSLATE_NOOP("SettingsDialog", "built-in")


def provider_title(name: str, *, short: bool = False) -> str:
    """How a provider is shown: its own name, or "built-in (offline)" for ours."""
    if name != "builtin":
        return name
    return QCoreApplication.translate("SettingsDialog", BUILTIN_SHORT if short else BUILTIN_TITLE)
