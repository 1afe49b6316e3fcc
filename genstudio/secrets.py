"""API keys live only in the OS keyring. There is no plaintext fallback, ever.

`KeyStore.status()` says whether a secure backend exists; on a headless box without one the
app shows "no secure key storage" and refuses to store keys. A logging filter redacts every
known key, auth header and URL query string from log records.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from genstudio.errors import GenStudioError

SERVICE = "io.genstudio.GenStudio"
MAX_KEY_BYTES = 2048  # Windows Credential Manager caps a blob at 2560 bytes; leave room


class KeyStorageUnavailable(GenStudioError):
    """No secure keyring backend on this machine."""


@dataclass(frozen=True)
class KeyringStatus:
    available: bool
    backend: str
    message: str


def _is_insecure(backend: KeyringBackend) -> bool:
    module = type(backend).__module__
    name = type(backend).__name__
    # keyring.backends.fail.Keyring and keyrings.alt's file/plaintext backends are not secure
    if module.startswith("keyring.backends.fail") or module.startswith("keyrings.alt"):
        return True
    if "chainer" in module:
        return not getattr(backend, "backends", None)
    return getattr(backend, "priority", 1) <= 0 and "null" in name.lower()


class KeyStore:
    def __init__(self, service: str = SERVICE) -> None:
        self.service = service

    def status(self) -> KeyringStatus:
        backend = keyring.get_keyring()
        name = f"{type(backend).__module__}.{type(backend).__name__}"
        if _is_insecure(backend):
            return KeyringStatus(False, name, "no secure key storage available on this system")
        return KeyringStatus(True, name, f"keys are stored in {type(backend).__name__}")

    def _require(self) -> None:
        status = self.status()
        if not status.available:
            raise KeyStorageUnavailable(
                "no secure key storage available: install and unlock a keyring (GNOME Keyring, "
                "KWallet, macOS Keychain, Windows Credential Manager); keys are never written "
                "to disk in plain text"
            )

    def set_key(self, provider: str, key: str) -> None:
        key = key.strip()
        if not key:
            raise GenStudioError(f"the {provider} key is empty")
        if len(key.encode()) > MAX_KEY_BYTES:
            raise GenStudioError(f"the {provider} key is longer than {MAX_KEY_BYTES} bytes")
        self._require()
        try:
            keyring.set_password(self.service, provider, key)
        except keyring.errors.KeyringError as exc:
            raise KeyStorageUnavailable(
                f"the keyring refused to store the {provider} key: {type(exc).__name__}"
            ) from exc
        register_secret(key)

    def get_key(self, provider: str) -> str | None:
        try:
            key = keyring.get_password(self.service, provider)
        except keyring.errors.KeyringError:
            return None
        if key:
            register_secret(key)
        return key or None

    def delete_key(self, provider: str) -> None:
        try:
            keyring.delete_password(self.service, provider)
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            raise KeyStorageUnavailable(str(type(exc).__name__)) from exc

    def has_key(self, provider: str) -> bool:
        return self.get_key(provider) is not None


# -- redaction ------------------------------------------------------------------------------

_known: set[str] = set()
_HEADER = re.compile(
    r"(?i)((?:authorization|x-api-key|xi-api-key|api-key|x-goog-api-key)['\"]?\s*[:=]\s*['\"]?)"
    r"(?:bearer\s+|key\s+)?[^\s'\",}]+"
)
_QUERY = re.compile(r"(https?://[^\s?'\"]+)\?[^\s'\"]+")


def register_secret(secret: str) -> None:
    if len(secret) >= 8:
        _known.add(secret)


def redact(text: str) -> str:
    for secret in _known:
        if secret in text:
            text = text.replace(secret, "<redacted>")
    text = _HEADER.sub(r"\1<redacted>", text)
    return _QUERY.sub(r"\1?<redacted>", text)


class RedactingFilter(logging.Filter):
    """Install on handlers: keys, auth headers and signed URL queries never reach a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the record as it is
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_redaction(logger: logging.Logger | None = None) -> None:
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
