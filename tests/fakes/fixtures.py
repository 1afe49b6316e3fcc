"""pytest fixtures for the fake providers. Register them in a conftest with
`pytest_plugins = ("tests.fakes.fixtures",)`, or import them into a test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.process import ProviderServerProcess
from tests.fakes.provider_server import FakeProviderServer


@pytest.fixture
def fake_providers() -> Iterator[FakeProviderServer]:
    """A fresh in-process fake (own ledger, faults, clock at 0) for one test."""
    with FakeProviderServer() as server:
        yield server
        assert server.errors == [], "the fake server itself failed:\n" + "\n".join(server.errors)


@pytest.fixture
def fake_provider_process(tmp_path: Path) -> Iterator[ProviderServerProcess]:
    """The fake in its own process (state in tmp_path/fake-providers), for kill -9 tests."""
    with ProviderServerProcess(tmp_path / "fake-providers") as server:
        yield server
