"""Shared fixtures: an isolated workspace per test, an in-memory keyring, offscreen Qt."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# The fake provider server's fixtures (fake_providers, fake_provider_process) for every test.
pytest_plugins = ("tests.fakes.fixtures",)

# Offscreen Qt for every test process, before anything can import Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The corpus sits beside the project checkout (../shared), in CI as on a developer machine.
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "screenplays"


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"screenplay corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """No test may touch the real user data dir."""
    home = tmp_path_factory.mktemp("gshome")
    monkeypatch.setenv("GENSTUDIO_HOME", str(home / "workspace"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    yield


@pytest.fixture
def workspace(tmp_path: Path):
    from genstudio.workspace import Workspace

    return Workspace.open(tmp_path / "ws")


@pytest.fixture
def store(workspace):
    from genstudio.store import Store

    s = Store(workspace.db_path)
    yield s
    s.close()


@pytest.fixture
def memory_keyring():
    """A secure-looking in-memory keyring (headless boxes have none); restored afterwards."""
    import keyring

    from tests.memory_keyring import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Heavy `ondemand` variants (200 kills, 1,000 mutations...) run only with `-m ondemand`."""
    if "ondemand" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="on-demand variant: run with -m ondemand")
    for item in items:
        if "ondemand" in item.keywords:
            item.add_marker(skip)
