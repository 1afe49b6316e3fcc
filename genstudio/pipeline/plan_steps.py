"""Steps 0-4: validate providers, plan, visual bible, screenplay, characters."""

from __future__ import annotations

from genstudio.errors import GenStudioError
from genstudio.models import SceneStatus, SourceKind, StepState
from genstudio.pipeline.context import RunContext
from genstudio.providers.base import PlanContext
from genstudio.providers.registry import REQUIRED_ROLES


async def validate_providers(ctx: RunContext, state: StepState) -> None:
    missing = [role.value for role in REQUIRED_ROLES if role not in ctx.providers.configs]
    if missing:
        raise GenStudioError(f"no provider configured for: {', '.join(missing)}")
    # Keys are checked by the remote providers themselves; builtin ones need none.
    names = ", ".join(f"{r.value}={c.name}" for r, c in ctx.providers.configs.items())
    await ctx.step(state, percent=100, detail=names)


async def _plan_context(ctx: RunContext) -> PlanContext:
    scenes = tuple(await ctx.scenes())
    return PlanContext(
        project=ctx.project, plan=ctx.project.plan, bible=ctx.project.visual_bible, scenes=scenes
    )


async def plan_production(ctx: RunContext, state: StepState) -> None:
    plan = await ctx.providers.planner.plan_production(await _plan_context(ctx))
    ctx.project.plan = plan
    await ctx.save_project()
    await ctx.step(
        state,
        percent=100,
        detail=f"{len(plan.locations)} locations, {len(plan.characters)} characters, "
        f"{len(plan.continuity)} continuity links",
    )


async def create_visual_bible(ctx: RunContext, state: StepState) -> None:
    bible = await ctx.providers.planner.create_visual_bible(await _plan_context(ctx))
    ctx.project.visual_bible = bible
    await ctx.save_project()
    await ctx.step(state, percent=100, detail=bible.style[:120])


async def generate_screenplay(ctx: RunContext, state: StepState) -> None:
    scenes = await ctx.providers.planner.write_screenplay(await _plan_context(ctx))
    if not scenes:
        raise GenStudioError("the planner returned no scenes")
    if ctx.project.source_kind is SourceKind.FOUNTAIN:
        # An imported screenplay's dialogue and scene order are the writer's, not the model's.
        from genstudio.screenplay.fountain import parse_fountain, to_scenes
        from genstudio.screenplay.lock import check_dialogue_locked

        original = to_scenes(parse_fountain(ctx.project.source_text))
        check_dialogue_locked(original, scenes)
    ids = {s.id for s in scenes}
    for number, scene in enumerate(scenes, start=1):
        scene.number = number
        if scene.continues_from not in ids:
            scene.continues_from = None
        scene.status = SceneStatus.PENDING
    await ctx.store.run(ctx.store.replace_scenes, ctx.project.id, scenes)
    total = sum(s.duration for s in scenes)
    with_dialogue = sum(1 for s in scenes if s.dialogue)
    await ctx.step(
        state,
        percent=100,
        detail=f"{len(scenes)} scenes, {total:.0f} s, {with_dialogue} with dialogue",
    )


async def assign_characters(ctx: RunContext, state: StepState) -> None:
    characters = await ctx.providers.planner.assign_characters(await _plan_context(ctx))
    ctx.project.plan.characters = characters
    ctx.project.plan = ctx.project.plan  # re-validate
    await ctx.save_project()
    voiced = sum(1 for c in characters if c.voice)
    await ctx.step(state, percent=100, detail=f"{len(characters)} characters, {voiced} voiced")
