"""An in-memory keyring backend for tests: the OS keyring stand-in on headless machines."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class FileKeyringForTests(KeyringBackend):
    """A keyring that survives a kill -9, for crash tests that restart the app in a new process
    (`PYTHON_KEYRING_BACKEND=tests.memory_keyring.FileKeyringForTests`, file in
    `GENSTUDIO_TEST_KEYRING`). Plain JSON: test machines only."""

    priority = 1  # type: ignore[assignment]

    def _path(self):
        import os
        from pathlib import Path

        return Path(os.environ["GENSTUDIO_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        import json

        path = self._path()
        return json.loads(path.read_text()) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        import json

        data = self._load()
        data[f"{service}/{username}"] = password
        self._path().write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        import json

        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self._path().write_text(json.dumps(data))
