"""The pipeline end to end with the builtin providers: resume, failures, outcome rules."""

from __future__ import annotations

import asyncio

import pytest

from genstudio.events import EventBus, SceneChanged
from genstudio.models import ProjectStatus, SceneStatus, StepName, StepStatus
from genstudio.pipeline import Pipeline
from genstudio.projects import new_project_from_fountain
from tests.engine.pipeline_helpers import counting, write_tiny
from tests.engine.probe_util import streams_and_duration


@pytest.fixture
def tiny_project(store, workspace, tmp_path):
    return new_project_from_fountain(store, workspace, write_tiny(tmp_path))


@pytest.mark.asyncio
async def test_plan_stops_at_the_approval_gate(store, workspace, tiny_project) -> None:
    wrap = counting()
    pipeline = Pipeline(store, workspace, tiny_project.id, providers=wrap.providers())
    outcome = await pipeline.run()
    assert outcome.status is ProjectStatus.AWAITING_APPROVAL
    assert "video" not in wrap.calls  # nothing paid for before approval
    steps = store.get_steps(tiny_project.id)
    assert steps[StepName.ASSIGN_CHARACTERS].status is StepStatus.COMPLETED
    assert steps[StepName.GENERATE_VIDEOS].status is StepStatus.PENDING
    scenes = store.list_scenes(tiny_project.id)
    assert [s.number for s in scenes] == [1, 2, 3]
    assert scenes[1].continues_from == scenes[0].id  # EXT. PORCH - CONTINUOUS


@pytest.mark.asyncio
async def test_interrupted_run_resumes_without_redoing_work(store, workspace, tiny_project) -> None:
    first = counting()
    events = EventBus()
    pipeline = Pipeline(
        store,
        workspace,
        tiny_project.id,
        providers=first.providers(),
        auto_approve=True,
        events=events,
    )
    task = asyncio.ensure_future(pipeline.run())

    def interrupt(event) -> None:  # "kill" the run as soon as one scene is finished and saved
        if isinstance(event, SceneChanged) and event.status is SceneStatus.COMPLETED:
            task.cancel()

    events.subscribe(interrupt)
    with pytest.raises(asyncio.CancelledError):
        await task
    done_after_first = [
        s for s in store.list_scenes(tiny_project.id) if s.status is SceneStatus.COMPLETED
    ]
    assert len(done_after_first) >= 1
    second = counting()
    outcome = await Pipeline(
        store, workspace, tiny_project.id, providers=second.providers(), auto_approve=True
    ).run()
    assert outcome.status is ProjectStatus.COMPLETED, outcome
    assert {"plan", "bible", "screenplay", "characters"}.isdisjoint(second.calls)
    assert second.calls["video"] == 3 - len(done_after_first)
    assert first.calls["video"] + second.calls["video"] <= 3 + 1  # at most the interrupted one
    info = streams_and_duration(outcome.film)
    assert info["video"] == ["h264"] and info["audio"] == ["aac"]
    # a third run has nothing left to do
    third = counting()
    again = await Pipeline(store, workspace, tiny_project.id, providers=third.providers()).run()
    assert again.status is ProjectStatus.COMPLETED and "video" not in third.calls


@pytest.mark.asyncio
async def test_a_failed_scene_never_aborts_the_run(store, workspace, tiny_project) -> None:
    wrap = counting()

    def fail_third(request) -> bool:
        return "scene-003" in request.out_path.name

    wrap.fail_video_for = fail_third
    outcome = await Pipeline(
        store, workspace, tiny_project.id, providers=wrap.providers(), auto_approve=True
    ).run()
    assert outcome.status is ProjectStatus.COMPLETED_WITH_WARNINGS
    assert outcome.failed_scenes == [3] and outcome.film is not None
    scenes_before = store.list_scenes(tiny_project.id)
    assert scenes_before[2].status is SceneStatus.FAILED
    assert "provider exploded" in scenes_before[2].error
    # a re-run retries only the failed scene
    retry = counting()
    fixed = await Pipeline(store, workspace, tiny_project.id, providers=retry.providers()).run()
    assert fixed.status is ProjectStatus.COMPLETED and retry.calls["video"] == 1


@pytest.mark.asyncio
async def test_every_scene_failing_fails_the_project(store, workspace, tiny_project) -> None:
    wrap = counting()
    wrap.fail_video_for = lambda request: True
    outcome = await Pipeline(
        store, workspace, tiny_project.id, providers=wrap.providers(), auto_approve=True
    ).run()
    assert outcome.status is ProjectStatus.FAILED and outcome.film is None
    assert outcome.failed_scenes == [1, 2, 3]


def _ffmpeg_children() -> list[int]:
    """PIDs of FFmpeg processes this test process started and that still run."""
    import os
    from pathlib import Path

    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmd = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and b"ffmpeg" in cmd:
            found.append(int(proc.name))
    return found


@pytest.mark.asyncio
async def test_cancelling_during_assembly_stops_ffmpeg_and_writes_no_film(
    store, workspace, tiny_project
) -> None:
    from genstudio.events import StepChanged

    events = EventBus()
    pipeline = Pipeline(
        store,
        workspace,
        tiny_project.id,
        providers=counting().providers(),
        auto_approve=True,
        events=events,
    )
    task = asyncio.ensure_future(pipeline.run())

    def interrupt(event) -> None:  # cancel as soon as FFmpeg reports encoding progress
        if (
            isinstance(event, StepChanged)
            and event.step is StepName.ASSEMBLE_MOVIE
            and event.detail.startswith("encoding")
        ):
            task.cancel()

    events.subscribe(interrupt)
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(50):  # the encoder is told to stop; give it up to 5 s to exit
        if not _ffmpeg_children():
            break
        await asyncio.sleep(0.1)
    assert _ffmpeg_children() == []
    final = workspace.project_dir(tiny_project.folder) / "final"
    assert sorted(p.name for p in final.glob("*.mp4")) == []
    step = store.get_steps(tiny_project.id)[StepName.ASSEMBLE_MOVIE]
    assert step.status is not StepStatus.COMPLETED
