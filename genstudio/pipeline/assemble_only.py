"""Re-assemble a project's film from its selected takes, without generating anything."""

from __future__ import annotations

from genstudio.errors import GenStudioError
from genstudio.events import EventBus
from genstudio.locks import ProjectLock
from genstudio.models import StepName, StepStatus
from genstudio.pipeline import finish
from genstudio.pipeline.context import RunContext
from genstudio.pipeline.runner import Pipeline, RunOutcome
from genstudio.store import Store
from genstudio.workspace import Workspace


async def assemble_project(
    store: Store, workspace: Workspace, project_id: str, *, events: EventBus | None = None
) -> RunOutcome:
    pipeline = Pipeline(store, workspace, project_id, events=events)
    ctx = await pipeline.context()
    with ProjectLock(ctx.project_dir):
        return await _assemble(pipeline, ctx, store, project_id)


async def _assemble(
    pipeline: Pipeline, ctx: RunContext, store: Store, project_id: str
) -> RunOutcome:
    cuts = await finish.usable_cuts(ctx)
    if not cuts:
        raise GenStudioError(f"{ctx.project.title}: no scene has a finished clip to assemble")
    steps = await store.run(store.get_steps, project_id)
    music_step = steps[StepName.GENERATE_MUSIC]
    draft = finish.build_timeline(ctx, cuts, None)
    from genstudio.pipeline.audio import generate_music

    music = None
    if ctx.providers.music is not None:
        music = await generate_music(ctx, music_step, draft.total_duration)
    timeline = finish.build_timeline(ctx, cuts, music)
    await pipeline.run_step(
        ctx, steps[StepName.ASSEMBLE_MOVIE], lambda c, s: finish.assemble_movie(c, s, timeline)
    )
    await pipeline.run_step(ctx, steps[StepName.GENERATE_COVER], finish.generate_cover)
    status = await finish.finalize(ctx, steps[StepName.FINALIZE])
    steps[StepName.FINALIZE].status = StepStatus.COMPLETED
    await pipeline.set_status(ctx, status)
    return await pipeline.outcome(ctx, steps, status)
