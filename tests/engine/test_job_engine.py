"""The job engine's state machine with a scripted provider (RELIABILITY.md T3, T5, T14, T16,
T17 and the submit rules); the real-HTTP and kill -9 versions live in test_reliability_*.py."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx
import pytest

from genstudio.engine.clock import FakeClock
from genstudio.engine.download import Downloader, DownloadPolicy
from genstudio.engine.engine import JobEngine
from genstudio.engine.lanes import LaneConfig
from genstudio.engine.remote import PollResult, RemoteStatus
from genstudio.events import EventBus, JobChanged
from genstudio.models import Job, JobState, Project
from tests.engine.scripted_runner import (
    ScriptedRunner,
    cdn_transport,
    http_failure,
    running,
    succeeded,
)

MEDIA = b"OK-media-bytes" * 100


def _validator(kind: str, path: Path) -> None:
    if not path.read_bytes().startswith(b"OK"):
        raise ValueError("not media")


@pytest.fixture
def project(store) -> Project:
    return store.save_project(Project(title="Jobs", folder="jobs-1"))


def make_engine(store, runner: ScriptedRunner, routes=None, seen=None, events=None):
    seen = [] if seen is None else seen
    routes = {"/clip.mp4": MEDIA} if routes is None else routes
    downloader = Downloader(DownloadPolicy(), transport=cdn_transport(routes, seen))
    engine = JobEngine(
        store, clock=FakeClock(), downloader=downloader, validator=_validator, events=events
    )
    engine.register(runner, LaneConfig(runner.lane, max_concurrent=2, min_interval=0))
    return engine


def make_job(
    project: Project, tmp_path: Path, runner: ScriptedRunner, key: str = "t1:video"
) -> Job:
    return Job(
        project_id=project.id,
        kind="video",
        provider=runner.name,
        key=key,
        request={"prompt": "x"},
        output_path=str(tmp_path / f"{key.replace(':', '-')}.mp4"),
    )


@pytest.mark.asyncio
async def test_happy_path_goes_through_every_state(store, project, tmp_path) -> None:
    runner = ScriptedRunner()
    runner.poll_script.extend([PollResult(RemoteStatus.QUEUED), running(0.3), running(0.8)])
    events = EventBus()
    states: list[str] = []
    events.subscribe(lambda e: states.append(e.state) if isinstance(e, JobChanged) else None)
    engine = make_engine(store, runner, events=events)
    try:
        job = await engine.run(make_job(project, tmp_path, runner))
    finally:
        await engine.close()
    assert job.state is JobState.DONE, job.last_error
    assert Path(job.output_path).read_bytes() == MEDIA
    assert not Path(job.output_path + ".part").exists()
    assert len(runner.submits) == 1 and job.remote_task_id == "task-0" and job.cost == 0.25
    order = ["queued", "submitting", "submitted", "polling", "downloading", "validating", "done"]
    deduped = [s for i, s in enumerate(states) if i == 0 or states[i - 1] != s]
    assert deduped == order
    saved = store.get_job(job.id)
    assert saved.state is JobState.DONE and saved.endpoint == runner.base_url


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("reset"),
        http_failure(502),
        http_failure(500),
    ],
)
async def test_submit_in_doubt_is_never_resent(store, project, tmp_path, exc) -> None:
    runner = ScriptedRunner()
    runner.submit_script.append(exc)
    engine = make_engine(store, runner)
    try:
        job = await engine.run(make_job(project, tmp_path, runner))
    finally:
        await engine.close()
    assert job.state is JobState.NEEDS_ATTENTION and job.attention_reason == "in_doubt"
    assert len(runner.submits) == 1 and runner.polls == 0


@pytest.mark.asyncio
async def test_connect_error_is_retried_because_nothing_was_sent(store, project, tmp_path) -> None:
    runner = ScriptedRunner()
    runner.submit_script.extend([httpx.ConnectError("refused"), httpx.ConnectError("refused")])
    engine = make_engine(store, runner)
    try:
        job = await engine.run(make_job(project, tmp_path, runner))
    finally:
        await engine.close()
    assert job.state is JobState.DONE and job.attempts == 3 and len(runner.submits) == 1


@pytest.mark.asyncio
async def test_429_on_submit_waits_retry_after_and_pauses_the_lane(
    store, project, tmp_path
) -> None:
    runner = ScriptedRunner()
    runner.submit_script.append(http_failure(429, retry_after=20))
    engine = make_engine(store, runner)
    try:
        job = await engine.run(make_job(project, tmp_path, runner))
        assert 20 in engine.clock.sleeps  # type: ignore[attr-defined]
    finally:
        await engine.close()
    assert job.state is JobState.DONE and len(runner.submits) == 2


@pytest.mark.asyncio
async def test_task_id_that_cannot_be_saved_goes_to_reconcile(
    store, project, tmp_path, monkeypatch
) -> None:
    """T3: the provider accepted, the task-id commit failed: no polling, one create, logged."""
    runner = ScriptedRunner()
    engine = make_engine(store, runner)
    real_save = store.save_job

    def failing_save(job: Job, *, durable: bool = False) -> Job:
        if job.state is JobState.SUBMITTED:
            raise sqlite3.OperationalError("disk I/O error")
        return real_save(job, durable=durable)

    monkeypatch.setattr(store, "save_job", failing_save)
    try:
        job = await engine.run(make_job(project, tmp_path, runner))
    finally:
        await engine.close()
    assert job.state is JobState.NEEDS_ATTENTION and job.attention_reason == "reconcile"
    assert runner.polls == 0 and len(runner.submits) == 1
    assert store.list_reconcile()[0]["remote_task_id"] == "task-0"


@pytest.mark.asyncio
async def test_stuck_task_is_flagged_polled_slower_and_never_resubmitted(
    store, project, tmp_path
) -> None:
    """T5: queued time does not count; 2× the estimate of running time flags it; polling goes
    on at most once a minute; at 6× it stops polling. Never a resubmit."""
    runner = ScriptedRunner(estimate=60, poll_interval=5)
    runner.poll_script.extend([PollResult(RemoteStatus.QUEUED)] * 200)  # 1000 s queued: fine
    runner.default_poll = running(0.1)  # then it runs and never finishes
    engine = make_engine(store, runner)
    flagged: list[Job] = []

    def on_event(event) -> None:
        if isinstance(event, JobChanged) and event.detail == "taking longer than usual":
            flagged.append(store.get_job(event.job_id))

    engine.events.subscribe(on_event)
    try:
        job = await engine.run(make_job(project, tmp_path, runner))
    finally:
        await engine.close()
    assert len(flagged) == 1 and flagged[0].attention_reason == "stuck"
    assert 120 <= flagged[0].active_seconds <= 120 + 5.5  # 2.0× ± one poll interval
    sleeps = engine.clock.sleeps  # type: ignore[attr-defined]
    after_flag = sleeps[-3:]
    assert all(s >= 54 for s in after_flag)  # ≤ 1 poll a minute once stuck
    assert job.state is JobState.FAILED and job.last_error_class == "stuck_timeout"
    assert 360 <= job.active_seconds <= 360 + 66
    assert len(runner.submits) == 1


@pytest.mark.asyncio
async def test_cancelling_a_stuck_job_calls_the_provider_once(store, project, tmp_path) -> None:
    runner = ScriptedRunner(estimate=20, poll_interval=5)
    gate = asyncio.Event()
    polls = {"n": 0}
    real_poll = runner.poll

    async def poll(task_id: str):
        polls["n"] += 1
        if polls["n"] > 10:  # stuck at 40 s running, one slow poll, then hang until cancelled
            await gate.wait()
        return await real_poll(task_id)

    runner.poll = poll  # type: ignore[method-assign]
    runner.default_poll = running(0.2)
    engine = make_engine(store, runner)
    job = await engine.enqueue(make_job(project, tmp_path, runner))
    try:
        for _ in range(300):
            if store.get_job(job.id).attention_reason == "stuck":
                break
            await asyncio.sleep(0.01)
        assert store.get_job(job.id).attention_reason == "stuck"
        cancelled = await engine.cancel(job.id)
    finally:
        await engine.close()
    assert cancelled.state is JobState.CANCELLED
    assert runner.cancels == ["task-0"] and len(runner.submits) == 1


@pytest.mark.asyncio
async def test_expired_url_is_refreshed_by_polling_again(store, project, tmp_path) -> None:
    """T14: CDN 403 → re-poll the task for a fresh URL → download; 0 new creates."""
    runner = ScriptedRunner()
    runner.poll_script.extend([succeeded("old.mp4"), succeeded("fresh.mp4")])
    engine = make_engine(store, runner, routes={"/old.mp4": 403, "/fresh.mp4": MEDIA})
    try:
        job = await engine.run(make_job(project, tmp_path, runner))
    finally:
        await engine.close()
    assert job.state is JobState.DONE and job.url_refreshes == 1 and len(runner.submits) == 1


@pytest.mark.asyncio
async def test_expired_url_of_a_deleted_task_fails_clearly(store, project, tmp_path) -> None:
    runner = ScriptedRunner()
    runner.poll_script.extend([succeeded("old.mp4"), http_failure(404)])
    engine = make_engine(store, runner, routes={"/old.mp4": 403})
    try:
        job = await engine.run(make_job(project, tmp_path, runner))
    finally:
        await engine.close()
    assert job.state is JobState.FAILED and job.last_error_class == "resume_expired"
    assert len(runner.submits) == 1


@pytest.mark.asyncio
async def test_unknown_task_is_never_done(store, project, tmp_path) -> None:
    """T17: a 404 for a saved task id is failed(remote_task_unknown)."""
    runner = ScriptedRunner()
    runner.poll_script.append(http_failure(404))
    engine = make_engine(store, runner)
    try:
        job = await engine.run(make_job(project, tmp_path, runner))
    finally:
        await engine.close()
    assert job.state is JobState.FAILED and job.last_error_class == "remote_task_unknown"
    assert not Path(job.output_path).exists()


@pytest.mark.asyncio
@pytest.mark.parametrize("urls", [(), ("null",), ("",), ("undefined",), ("None",)])
async def test_success_without_a_usable_url_fails(store, project, tmp_path, urls) -> None:
    runner = ScriptedRunner()
    runner.poll_script.append(PollResult(RemoteStatus.SUCCEEDED, output_urls=urls))
    seen: list[httpx.Request] = []
    engine = make_engine(store, runner, seen=seen)
    try:
        job = await engine.run(make_job(project, tmp_path, runner))
    finally:
        await engine.close()
    assert job.state is JobState.FAILED and job.last_error_class == "provider_malformed"
    assert seen == []


@pytest.mark.asyncio
async def test_invalid_media_is_rejected_and_no_file_appears(store, project, tmp_path) -> None:
    runner = ScriptedRunner()
    engine = make_engine(store, runner, routes={"/clip.mp4": b"<html>nope</html>"})
    try:
        job = await engine.run(make_job(project, tmp_path, runner))
    finally:
        await engine.close()
    assert job.state is JobState.FAILED and job.last_error_class == "invalid_media"
    assert list(tmp_path.iterdir()) == [tmp_path / "ws"]


@pytest.mark.asyncio
async def test_resume_on_another_host_fails_instead_of_polling(store, project, tmp_path) -> None:
    """T16: the task id was issued by A; the provider now points at B."""
    runner = ScriptedRunner()
    job = make_job(project, tmp_path, runner)
    job.state, job.remote_task_id = JobState.POLLING, "task-A"
    job.endpoint, job.model = "https://old-host.example", "m1"
    store.save_job(job)
    engine = make_engine(store, runner)
    try:
        await engine.recover()
        result = await engine.wait(job.id)
    finally:
        await engine.close()
    assert (
        result.state is JobState.FAILED and result.last_error_class == "execution_identity_changed"
    )
    assert runner.polls == 0


@pytest.mark.asyncio
async def test_recovery_classifies_every_unfinished_state(store, project, tmp_path) -> None:
    runner = ScriptedRunner()
    jobs = {}
    for state, task in [
        (JobState.QUEUED, ""),
        (JobState.SUBMITTING, ""),
        (JobState.POLLING, "task-p"),
        (JobState.DOWNLOADING, "task-d"),
    ]:
        job = make_job(project, tmp_path, runner, key=f"{state.value}:video")
        job.state, job.remote_task_id = state, task
        job.endpoint, job.model = runner.base_url, runner.model
        if state is JobState.DOWNLOADING:
            job.output_urls = ["https://93.184.216.34/clip.mp4"]
        jobs[state] = store.save_job(job)
    engine = make_engine(store, runner)
    try:
        report = await engine.recover()
        finished = {s: await engine.wait(j.id) for s, j in jobs.items()}
    finally:
        await engine.close()
    assert jobs[JobState.SUBMITTING].id in report.in_doubt
    assert finished[JobState.SUBMITTING].attention_reason == "in_doubt"
    assert finished[JobState.QUEUED].state is JobState.DONE
    assert finished[JobState.POLLING].state is JobState.DONE
    assert finished[JobState.DOWNLOADING].state is JobState.DONE
    assert len(runner.submits) == 1  # only the queued job was submitted


@pytest.mark.asyncio
async def test_idempotent_provider_resubmits_in_doubt_with_the_same_key(
    store, project, tmp_path
) -> None:
    runner = ScriptedRunner(idempotent_submit=True)
    job = make_job(project, tmp_path, runner)
    job.state = JobState.SUBMITTING
    store.save_job(job)
    engine = make_engine(store, runner)
    try:
        await engine.recover()
        result = await engine.wait(job.id)
    finally:
        await engine.close()
    assert result.state is JobState.DONE and runner.submits == [job.client_request_id]


def _polling_job(project, tmp_path, runner, key: str, *, crashes: int, driven: bool) -> Job:
    job = make_job(project, tmp_path, runner, key=key)
    job.state, job.remote_task_id = JobState.POLLING, f"task-{key}"
    job.endpoint, job.model = runner.base_url, runner.model
    job.crash_count, job.driven = crashes, driven
    return job


@pytest.mark.asyncio
async def test_a_job_that_keeps_crashing_is_quarantined(store, project, tmp_path) -> None:
    """T4 bookkeeping: the second crash while it was being driven, with no progress between."""
    runner = ScriptedRunner()
    job = store.save_job(_polling_job(project, tmp_path, runner, "p", crashes=1, driven=True))
    engine = make_engine(store, runner)
    try:
        report = await engine.recover()
    finally:
        await engine.close()
    assert report.quarantined == [job.id]
    assert store.get_job(job.id).attention_reason == "quarantined" and runner.polls == 0


@pytest.mark.asyncio
async def test_a_job_nobody_was_driving_is_not_blamed(store, project, tmp_path) -> None:
    runner = ScriptedRunner()
    job = store.save_job(_polling_job(project, tmp_path, runner, "p", crashes=1, driven=False))
    engine = make_engine(store, runner)
    try:
        report = await engine.recover()
        done = await engine.wait(job.id)
    finally:
        await engine.close()
    assert report.quarantined == [] and done.state is JobState.DONE and done.crash_count == 0


@pytest.mark.asyncio
async def test_suspects_resume_after_healthy_jobs_progress(store, project, tmp_path) -> None:
    """A job with a crash on record waits until the healthy ones have polled once."""
    runner = ScriptedRunner()
    order: list[str] = []
    real_poll = runner.poll

    async def poll(task_id: str):
        order.append(task_id)
        return await real_poll(task_id)

    runner.poll = poll  # type: ignore[method-assign]
    suspect = store.save_job(
        _polling_job(project, tmp_path, runner, "suspect", crashes=0, driven=True)
    )
    healthy = [
        store.save_job(_polling_job(project, tmp_path, runner, f"h{i}", crashes=0, driven=False))
        for i in range(3)
    ]
    engine = make_engine(store, runner)
    try:
        await engine.recover()
        results = [await engine.wait(j.id) for j in [suspect, *healthy]]
    finally:
        await engine.close()
    assert all(r.state is JobState.DONE for r in results)
    assert order.index("task-suspect") >= 3  # after each healthy job's first poll
    assert results[0].crash_count == 0  # progress cleared its record


@pytest.mark.asyncio
async def test_user_retry_of_in_doubt_job_is_a_new_create(store, project, tmp_path) -> None:
    runner = ScriptedRunner()
    runner.submit_script.append(httpx.ReadTimeout("slow"))
    engine = make_engine(store, runner)
    try:
        job = await engine.run(make_job(project, tmp_path, runner))
        first_key = job.client_request_id
        await engine.retry(job.id)
        done = await engine.wait(job.id)
    finally:
        await engine.close()
    assert done.state is JobState.DONE and len(runner.submits) == 2
    assert runner.submits[0] == first_key != runner.submits[1]


@pytest.mark.asyncio
async def test_a_finished_download_forgives_the_crash_and_isolated_validation_is_not_blamed(
    store, project, tmp_path
) -> None:
    """T1 vs T4: random kills must not quarantine a healthy job. A crash counted while it was
    polling is forgiven once its file has fully arrived, and while a subprocess validates it a
    crash of the app is not its doing."""
    runner = ScriptedRunner()
    job = _polling_job(project, tmp_path, runner, "v", crashes=1, driven=False)
    job.crash_state = JobState.POLLING.value
    job.state, job.output_urls = JobState.DOWNLOADING, ["https://93.184.216.34/clip.mp4"]
    store.save_job(job)
    seen_during_validation: list[Job] = []

    def validator(kind: str, path: Path) -> None:
        seen_during_validation.append(store.get_job(job.id))
        _validator(kind, path)

    downloader = Downloader(DownloadPolicy(), transport=cdn_transport({"/clip.mp4": MEDIA}, []))
    engine = JobEngine(
        store,
        clock=FakeClock(),
        downloader=downloader,
        validator=validator,
        isolated_validation=frozenset({"video"}),
    )
    engine.register(runner, LaneConfig(runner.lane, max_concurrent=2, min_interval=0))
    try:
        await engine.recover()
        done = await engine.wait(job.id)
    finally:
        await engine.close()
    assert done.state is JobState.DONE
    (during,) = seen_during_validation
    assert during.state is JobState.VALIDATING
    assert during.crash_count == 0 and not during.driven  # a kill now would cost it nothing


@pytest.mark.asyncio
async def test_a_crash_during_in_process_validation_still_counts(store, project, tmp_path) -> None:
    """Images are decoded in-process: a job whose file crashes the decoder every time must
    still be quarantined, so the re-download before each attempt is no excuse."""
    runner = ScriptedRunner()
    job = _polling_job(project, tmp_path, runner, "i", crashes=1, driven=True)
    job.kind, job.crash_state = "image", JobState.VALIDATING.value
    job.state, job.output_urls = JobState.VALIDATING, ["https://93.184.216.34/clip.mp4"]
    store.save_job(job)
    engine = make_engine(store, runner)
    try:
        report = await engine.recover()
    finally:
        await engine.close()
    assert report.quarantined == [job.id]
