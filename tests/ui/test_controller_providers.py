"""The window runs the pipeline with the providers configured in Settings and the keys in the
keyring (through `genstudio.session.EngineSession`), and the jobs panel's Retry / Cancel reach
the engine. Remote runs go to the fake provider server, as the engine's own tests do."""

from __future__ import annotations

import asyncio

import pytest

from genstudio.engine.clock import FakeClock
from genstudio.errors import GenStudioError
from genstudio.models import JobState, ProjectStatus, ProviderConfig, Role
from genstudio.providers.builtin.planner import BuiltinPlanner
from genstudio.providers.llm_planner import LLMPlanner
from genstudio.providers.remote_roles import EngineImageGen, EngineSpeech, EngineVideoGen
from genstudio.secrets import KeyStore
from tests.engine.pipeline_helpers import write_tiny
from tests.engine.remote_setup import configure_remote
from tests.ui.fixtures_b import run_until
from ui.controller import ProjectController
from ui.provider_session import RUNNABLE, UNUSED_ROLES
from ui.views.jobs_panel import JobsPanel

ENGINE_ROLES = {
    Role.IMAGE: ("image", EngineImageGen),
    Role.VIDEO: ("video", EngineVideoGen),
    Role.AUDIO: ("speech", EngineSpeech),
    Role.LLM: ("planner", LLMPlanner),
}


def _remote(role: Role, name: str) -> ProviderConfig:
    return ProviderConfig(role=role, name=name, base_url=f"https://{name}.example.test")


def test_every_runnable_choice_builds_a_remote_role_from_settings_and_keyring(
    controller, run, memory_keyring
):
    """The table the settings dialog warns from matches what the engine session builds."""
    keys = KeyStore()
    checked = 0
    for role, names in RUNNABLE.items():
        for name in sorted(names - {"builtin"}):
            keys.set_key(name, f"key-for-{name}-0123456789")
            session, providers = run(controller.sessions.open({role: _remote(role, name)}))
            try:
                attribute, expected = ENGINE_ROLES[role]
                assert isinstance(getattr(providers, attribute), expected), (role, name)
                if role is not Role.LLM:  # media roles are durable jobs in the engine
                    assert session.engine is not None and session.engine.runners
            finally:
                run(session.close())
            checked += 1
    assert checked == 8  # openai, anthropic, runway×2, fal×2, luma, elevenlabs
    # builtin everywhere: no engine at all, the offline planner
    session, providers = run(controller.sessions.open({}))
    assert session.engine is None and isinstance(providers.planner, BuiltinPlanner)
    run(session.close())


def test_unservable_choice_or_missing_key_stops_the_run_before_any_request(controller, run):
    with pytest.raises(GenStudioError, match="luma cannot serve the image role"):
        run(controller.sessions.open({Role.IMAGE: _remote(Role.IMAGE, "luma")}))
    with pytest.raises(GenStudioError, match="no API key for runway"):
        run(controller.sessions.open({Role.VIDEO: _remote(Role.VIDEO, "runway")}))
    # a role no step uses (lip-sync) never blocks a run
    session, _ = run(controller.sessions.open({Role.LIPSYNC: _remote(Role.LIPSYNC, "sync")}))
    assert Role.LIPSYNC in UNUSED_ROLES and session.engine is None
    run(session.close())


@pytest.fixture
def remote_controller(qloop, ws_root, fake_providers):
    """A window controller on a workspace whose Settings point at the fake provider server."""
    from genstudio.workspace import Workspace

    made = ProjectController(Workspace.open(ws_root), clock=FakeClock())
    configure_remote(made.store, fake_providers)  # configs in the DB, keys in the keyring
    yield made
    qloop.run_until_complete(made.shutdown())
    made.deleteLater()


def test_run_from_the_window_uses_remote_providers_and_retry_reaches_the_engine(
    remote_controller, run, qloop, qtbot, tmp_path, fake_providers
):
    fake, controller = fake_providers, remote_controller
    # the second scene's Runway create is accepted (and billed), then the connection drops:
    # the job is in doubt and waits for the user, never resent on its own
    fake.faults.add("drop_after_accept", provider="runway", endpoint="submit")
    pid = run(controller.create_from_fountain(write_tiny(tmp_path)))
    run(controller.run_pipeline(auto_approve=True))

    jobs = controller.store.list_jobs(pid)
    assert {j.provider for j in jobs} >= {"fal", "runway", "elevenlabs"}
    doubtful = [j for j in jobs if j.state is JobState.NEEDS_ATTENTION]
    assert len(doubtful) == 1 and doubtful[0].attention_reason == "in_doubt"
    assert controller.project().status is not ProjectStatus.COMPLETED
    runway_creates = fake.ledger.count(provider="runway")

    panel = JobsPanel(controller)
    qtbot.addWidget(panel)
    run_until(qloop, lambda: panel.model.job_by_id(doubtful[0].id) is not None)
    panel.attention_box.setChecked(True)
    panel.table.selectRow(0)
    assert panel.retry_button.isEnabled() and panel.cancel_button.isEnabled()
    panel.retry_button.click()  # between runs: queued now, sent by the next run
    run_until(qloop, lambda: panel.model.job_by_id(doubtful[0].id).state is JobState.QUEUED)
    assert fake.ledger.count(provider="runway") == runway_creates

    run(controller.run_pipeline())
    retried = controller.store.get_job(doubtful[0].id)
    assert retried.state is JobState.DONE
    assert fake.ledger.count(provider="runway") == runway_creates + 1
    assert controller.project().status is ProjectStatus.COMPLETED
    assert all(j.state is JobState.DONE for j in controller.store.list_jobs(pid))
    assert fake.auth_leaks() == []
    panel.close()


def test_cancel_between_runs_discards_a_parked_job(
    remote_controller, run, qloop, tmp_path, fake_providers
):
    fake, controller = fake_providers, remote_controller
    fake.faults.add("drop_after_accept", provider="runway", endpoint="submit")
    pid = run(controller.create_from_fountain(write_tiny(tmp_path)))
    run(controller.run_pipeline(auto_approve=True))
    (doubtful,) = [
        j for j in controller.store.list_jobs(pid) if j.state is JobState.NEEDS_ATTENTION
    ]
    changed: list[str] = []
    controller.jobChanged.connect(changed.append)
    run(controller.cancel_job(doubtful.id))
    assert controller.store.get_job(doubtful.id).state is JobState.CANCELLED
    run_until(qloop, lambda: doubtful.id in changed)  # the jobs panel hears about it
    with pytest.raises(GenStudioError, match="nothing to retry"):
        done = next(j for j in controller.store.list_jobs(pid) if j.state is JobState.DONE)
        run(controller.retry_job(done.id))


def test_cancel_during_a_run_stops_that_job_at_the_provider_and_the_run_goes_on(
    remote_controller, run, tmp_path, fake_providers
):
    fake, controller = fake_providers, remote_controller
    # Runway polls answer slowly (real time), so its jobs are still in flight when we cancel
    fake.faults.add("latency", provider="runway", endpoint="poll", delay=0.3, times=None)
    pid = run(controller.create_from_fountain(write_tiny(tmp_path)))
    finished: list[object] = []
    controller.runFinished.connect(finished.append)

    async def scenario() -> str:
        task = controller.tasks.spawn("pipeline", controller.run_pipeline(auto_approve=True))
        while True:
            jobs = await controller.store.run(controller.store.list_jobs, pid)
            remote = [j for j in jobs if j.provider == "runway" and j.remote_task_id]
            if remote:
                break
            await asyncio.sleep(0.02)
        await controller.cancel_job(remote[0].id)
        await asyncio.wait([task], timeout=120)
        assert task.done() and not task.cancelled()  # the run itself was not stopped
        return remote[0].id

    cancelled_id = run(scenario())
    cancelled = controller.store.get_job(cancelled_id)
    assert cancelled.state is JobState.CANCELLED
    assert [c["task_id"] for c in fake.ledger.cancels("runway")] == [cancelled.remote_task_id]
    assert len(finished) == 1 and not isinstance(finished[0], BaseException)
    scene = next(s for s in controller.scenes() if s.id == cancelled.scene_id)
    assert scene.status.value == "failed" and "cancelled" in scene.error
    others = [j for j in controller.store.list_jobs(pid) if j.id != cancelled_id]
    assert others and all(j.state is JobState.DONE for j in others)  # nothing left orphaned
