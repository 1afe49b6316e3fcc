"""The pipeline panel on a real offline run: steps advance, the approval gate asks for action,
Stop keeps finished scenes and Resume renders only the rest; the forecast before spending."""

from __future__ import annotations

from genstudio.models import (
    PIPELINE_ORDER,
    Approval,
    DialogueLine,
    ProviderConfig,
    Role,
    Scene,
    SceneStatus,
    StepName,
    StepState,
    StepStatus,
)
from genstudio.providers.prices import PriceTable
from genstudio.providers.registry import builtin_configs
from tests.ui.fixtures_b import *  # noqa: F403
from tests.ui.fixtures_b import wait_until
from ui.estimate import Speed, estimate_run
from ui.models.steps_model import StepsModel
from ui.views.pipeline_panel import PipelinePanel


def test_steps_model_contract_and_updates(qtmodeltester) -> None:
    model = StepsModel()
    model.load(
        {
            StepName.PLAN_PRODUCTION: StepState(
                step=StepName.PLAN_PRODUCTION, percent=100, status=StepStatus.COMPLETED
            )
        }
    )
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(PIPELINE_ORDER) and model.columnCount() == 4
    model.update_step("generate_videos", "running", 33.3, "1/3 clips (2 rendering)")
    row = PIPELINE_ORDER.index(StepName.GENERATE_VIDEOS)
    assert model.index(row, StepsModel.STEP).data() == "Video clips"
    assert model.index(row, StepsModel.STATE).data() == "Running"
    assert model.index(row, StepsModel.PROGRESS).data() == "33%"
    assert model.index(row, StepsModel.PROGRESS).data(StepsModel.ProgressRole) == 33.3
    assert model.index(row, StepsModel.DETAIL).data() == "1/3 clips (2 rendering)"
    model.update_step("no_such_step", "running", 5, "")  # ignored, not a crash
    model.update_step("generate_videos", "failed", 40, "provider down")
    assert "provider down" in model.index(row, StepsModel.DETAIL).data(0)
    qtmodeltester.check(model, force_py=True)


def _scene(number: int, duration: float, **fields) -> Scene:
    return Scene(number=number, duration=duration, **{"approval": Approval.APPROVED, **fields})


def test_estimate_prices_only_the_remaining_work() -> None:
    scenes = [
        _scene(1, 5, status=SceneStatus.COMPLETED),  # already rendered: costs nothing more
        _scene(2, 4, dialogue=[DialogueLine(character="ANA", line="x" * 500)]),
        _scene(3, 6, continues_from="s2"),  # starts on the previous clip's frame: no image
        _scene(4, 8, approval=Approval.CHANGES_REQUESTED),  # skipped by the pipeline
    ]
    offline = estimate_run(scenes, builtin_configs(), plan_done=True)
    assert (offline.scenes, offline.video_seconds, offline.images) == (2, 10, 1)
    assert offline.free and offline.cost == 0 and offline.unpriced == ()
    assert offline.seconds is None  # nothing measured yet: no made-up figure

    table = PriceTable.load()
    configs = builtin_configs()
    configs[Role.VIDEO] = ProviderConfig(role=Role.VIDEO, name="runway", model="gen4_turbo")
    listed = estimate_run(scenes, configs, plan_done=True, table=table)
    assert listed.cost == round(10 * table.entry("runway", "gen4_turbo", "video")["per_second"], 2)
    assert not listed.free
    configs[Role.VIDEO] = configs[Role.VIDEO].model_copy(update={"prices": {"per_second": 0.5}})
    configs[Role.AUDIO] = ProviderConfig(role=Role.AUDIO, name="elevenlabs", model="no-such")
    typed = estimate_run(scenes, configs, plan_done=True, table=table)
    assert typed.cost == 5.0 and typed.unpriced == ("elevenlabs",)

    speed = Speed(video_factor={"builtin": 0.5}, image_seconds={"builtin": 0.2})
    timed = estimate_run(scenes, builtin_configs(), plan_done=True, speed=speed)
    assert timed.seconds == 10 * 0.5 / 2 + 1 * 0.2 / 2  # two lanes each (builtin limits)


def test_offline_run_advances_gates_stops_and_resumes(
    qtbot, qloop, no_leftovers, window_controller, tiny_fountain
) -> None:
    qloop.run_until_complete(_stop_and_resume_scenario(qtbot, window_controller, tiny_fountain))


async def _stop_and_resume_scenario(qtbot, controller, tiny_fountain) -> None:
    await controller.create_from_fountain(tiny_fountain)
    panel = PipelinePanel(controller)
    qtbot.addWidget(panel)
    panel.show()
    await wait_until(lambda: "once the plan is ready" in panel.estimate_label.text())
    assert panel.run_button.text() == "Start" and panel.run_button.isEnabled()
    assert panel.banner.isHidden() and not panel.stop_button.isEnabled()

    overall: list[float] = []
    events: list[tuple[str, str, float]] = []
    finished: list[object] = []
    controller.runFinished.connect(finished.append)
    controller.stepChanged.connect(lambda s, st, p, d: events.append((s, st, p)))
    controller.stepChanged.connect(lambda *_: overall.append(panel.model.overall_percent()))

    panel.run_button.click()  # plans, then waits at the approval gate
    await wait_until(lambda: len(finished) == 1, 30)
    assert panel.banner.isVisible() and not controller.is_running()
    assert "review the storyboard, then Approve & generate" in panel.banner_label.text()
    assert panel.approve_button.isEnabled() and not panel.run_button.isVisible()
    assert all(panel.model.state(s).status is StepStatus.COMPLETED for s in PIPELINE_ORDER[:5])
    await wait_until(
        lambda: "Still to render: 3 scenes, 9 s of video." in panel.estimate_label.text()
    )
    assert "Cost: free (offline providers on this computer)." in panel.estimate_label.text()

    panel.approve_button.click()
    videos = StepName.GENERATE_VIDEOS
    await wait_until(lambda: panel.model.state(videos).percent > 0, 60)
    assert panel.banner.isHidden() and panel.stop_button.isEnabled()
    panel.stop_button.click()  # stops now; finished clips are kept
    await wait_until(lambda: len(finished) == 2, 30)
    assert not controller.is_running() and panel.run_button.isEnabled()
    assert panel.run_button.text() == "Resume"
    await wait_until(lambda: panel.status_label.text().startswith("Stopped."))
    assert panel.status_label.text() == "Stopped. Finished work is kept: Resume continues."
    store = controller.store
    scenes = await store.run(store.list_scenes, controller.project_id)
    kept = {s.id: s.selected_take_id for s in scenes if s.status is SceneStatus.COMPLETED}
    assert 1 <= len(kept) < 3
    await wait_until(lambda: "(measured here)" in panel.estimate_label.text())
    assert f"Still to render: {3 - len(kept)} scenes" in panel.estimate_label.text()

    first_run = list(overall)
    panel.run_button.click()  # resume: only the missing scenes render
    await wait_until(lambda: len(finished) == 3, 90)
    assert not controller.is_running() and panel.run_button.isEnabled()
    scenes = await store.run(store.list_scenes, controller.project_id)
    assert all(s.status is SceneStatus.COMPLETED for s in scenes), (
        panel.status_label.text(),
        [(s.status, s.error) for s in scenes],
    )
    assert {s.id: s.selected_take_id for s in scenes if s.id in kept} == kept
    finalize = panel.model.state(StepName.FINALIZE)
    assert finalize.status is StepStatus.COMPLETED, panel.status_label.text()
    await wait_until(lambda: panel.status_label.text() == "Finished: the film is ready.")
    assert panel.run_button.text() == "Run again"
    await wait_until(lambda: panel.estimate_label.text() == "Nothing left to render.")

    video_progress = [p for s, st, p in events if s == videos.value and st == "running"]
    assert any(0 < p < 100 for p in video_progress)  # it advanced in steps, not at the end
    assert first_run == sorted(first_run)  # the panel only ever moved forward
    assert panel.model.overall_percent() == 100
    panel.close()
