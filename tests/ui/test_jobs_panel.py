"""The jobs panel over the real job engine: states, lane usage, the attention filter with its
reason, Retry and Cancel reaching the provider, and the model contract."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from genstudio.engine.lanes import LaneConfig
from genstudio.models import Job, JobState, Project, ProviderConfig, Role, utcnow
from tests.engine.scripted_runner import ScriptedRunner, running
from tests.ui.fake_controller import FakeController
from tests.ui.fixtures_b import *  # noqa: F403
from tests.ui.fixtures_b import run_until
from ui.models.jobs_model import IN_FLIGHT, AttentionFilter, JobsModel, eta_seconds
from ui.views.jobs_panel import JobsPanel, lane_usage


@pytest.fixture
def fake(qloop, workspace):
    controller = FakeController(workspace)
    yield controller
    qloop.run_until_complete(controller.shutdown())


def _job(project: Project, key: str, **fields) -> Job:
    return Job(project_id=project.id, kind="video", provider="scripted", key=key, **fields)


def test_jobs_model_contract_and_columns(qtmodeltester) -> None:
    project = Project(title="P")
    now = utcnow()
    jobs = [
        _job(
            project,
            "a",
            state=JobState.POLLING,
            attempts=2,
            estimate_seconds=60,
            active_seconds=15,
            submitted_at=now - timedelta(seconds=20),
            lane="video",
        ),
        _job(
            project,
            "b",
            state=JobState.NEEDS_ATTENTION,
            attention_reason="in_doubt",
            last_error="timed out",
        ),
        _job(
            project,
            "c",
            state=JobState.DONE,
            submitted_at=now - timedelta(seconds=90),
            finished_at=now - timedelta(seconds=30),
        ),
    ]
    model = JobsModel()
    model.load(jobs)
    qtmodeltester.check(model, force_py=True)
    text = lambda r, c: model.index(r, c).data()  # noqa: E731
    assert text(0, JobsModel.STATE) == "Running" and text(0, JobsModel.ATTEMPTS) == "2"
    assert text(0, JobsModel.ETA) == "45 s"  # estimate 60 s, 15 s already active
    assert text(2, JobsModel.ELAPSED) == "1:00" and text(2, JobsModel.ETA) == "—"
    assert "may have been charged" in text(1, JobsModel.ERROR)
    assert "timed out" in text(1, JobsModel.ERROR)
    assert eta_seconds(jobs[2]) is None

    proxy = AttentionFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)
    assert proxy.rowCount() == 3
    proxy.set_only_attention(True)
    assert proxy.rowCount() == 1
    # a job that becomes failed joins the filtered view at once
    model.upsert(jobs[0].model_copy(update={"state": JobState.FAILED, "last_error": "HTTP 400"}))
    assert proxy.rowCount() == 2


def test_lane_usage_counts_in_flight_against_the_configured_limit() -> None:
    project = Project(title="P")
    jobs = [
        _job(project, "a", state=JobState.POLLING, lane="video"),
        _job(project, "b", state=JobState.QUEUED, lane="video"),
        _job(project, "c", state=JobState.DONE, lane="video"),
    ]
    configs = {Role.VIDEO: ProviderConfig(role=Role.VIDEO, name="scripted", max_concurrent=2)}
    assert lane_usage(jobs, configs) == [("video", 1, 2, 1)]


def test_panel_filters_attention_retries_and_cancels(qtbot, qloop, fake, tmp_path) -> None:
    store = fake.store
    project = store.save_project(Project(title="Jobs", folder="jobs-1"))
    store.save_provider_config(ProviderConfig(role=Role.VIDEO, name="scripted", max_concurrent=2))
    runner = ScriptedRunner()
    runner.submit_script.append(httpx.ReadTimeout("slow"))  # the first request is in doubt
    runner.default_poll = running(0.4)  # then tasks keep running (polled every 5 s)
    fake.job_engine.register(runner, LaneConfig("video", max_concurrent=2))
    qloop.run_until_complete(fake.open_project(project.id))

    panel = JobsPanel(fake)
    qtbot.addWidget(panel)
    panel.show()

    def enqueue(key: str) -> Job:
        job = _job(
            project,
            key,
            lane="video",
            request={"prompt": key},
            output_path=str(tmp_path / f"{key}.mp4"),
        )
        return qloop.run_until_complete(fake.job_engine.enqueue(job))

    doubtful = enqueue("t1:video")
    run_until(
        qloop,
        lambda: (
            (j := panel.model.job_by_id(doubtful.id)) is not None
            and j.state is JobState.NEEDS_ATTENTION
        ),
    )
    polling = enqueue("t2:video")
    run_until(
        qloop,
        lambda: (j := panel.model.job_by_id(polling.id)) is not None and j.state in IN_FLIGHT,
    )

    assert panel.lanes_label.text() == "Lanes: video 1/2"
    assert "(1)" in panel.attention_box.text()
    panel.attention_box.setChecked(True)
    assert panel.proxy.rowCount() == 1
    panel.table.selectRow(0)
    assert panel.selected_job().id == doubtful.id
    assert "may have been charged" in panel.reason_label.text()
    # in doubt: retry (a new, possibly billed create) or cancel (discard) are both offered
    assert panel.retry_button.isEnabled() and panel.cancel_button.isEnabled()

    panel.retry_button.click()  # a deliberate new create, sent with a new idempotency key
    run_until(qloop, lambda: panel.model.job_by_id(doubtful.id).state in IN_FLIGHT)
    assert len(runner.submits) == 3 and runner.submits[0] != runner.submits[2]
    assert panel.proxy.rowCount() == 0  # nothing needs attention any more
    assert panel.lanes_label.text() == "Lanes: video 2/2"

    panel.attention_box.setChecked(False)
    row = next(
        r
        for r in range(panel.proxy.rowCount())
        if panel.proxy.index(r, 0).data(JobsModel.JobIdRole) == polling.id
    )
    panel.table.selectRow(row)
    assert panel.cancel_button.isEnabled()
    panel.cancel_button.click()
    run_until(qloop, lambda: panel.model.job_by_id(polling.id).state is JobState.CANCELLED)
    assert runner.cancels == ["task-1"]
    assert store.get_job(polling.id).state is JobState.CANCELLED
    panel.close()
    assert not panel._tick_timer.isActive()
    qloop.run_until_complete(fake.shutdown())  # the retried job is still polling: stop it


def test_a_burst_of_job_changes_is_one_update(qtmodeltester) -> None:
    """Fifty jobs report together: the view gets one dataChanged and one insert per burst."""
    project = Project(title="P")
    jobs = [_job(project, key, state=JobState.POLLING, progress=0.1) for key in "abc"]
    model = JobsModel()
    model.load(jobs)
    qtmodeltester.check(model, force_py=True)
    changes: list[tuple[int, int]] = []
    inserts: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, *_: changes.append((top.row(), bottom.row())))
    model.rowsInserted.connect(lambda _parent, first, last: inserts.append((first, last)))
    updated = [j.model_copy(update={"state": JobState.DONE}) for j in (jobs[0], jobs[2])]
    model.upsert_many([*updated, _job(project, "d"), _job(project, "e")])
    assert changes == [(0, 2)] and inserts == [(3, 4)]
    assert [model.job(r).state for r in range(5)] == [
        JobState.DONE,
        JobState.POLLING,
        JobState.DONE,
        JobState.QUEUED,
        JobState.QUEUED,
    ]
    assert model.job_by_id(model.job(4).id) is model.job(4)
