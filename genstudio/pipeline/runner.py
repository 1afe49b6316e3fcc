"""The pipeline runner: runs the steps in order, persists each step's state, resumes.

Plan steps (0-4) run once; when completed they are never redone. The plan approval gate
stops the run until the plan is approved (or `auto_approve`). The per-scene steps are entered
on every run and skip whatever is already done, so a re-run after a crash or a failure redoes
only the missing work. Assembly is redone only when its inputs changed (a fingerprint of the
Timeline).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from genstudio.concurrency import run_blocking
from genstudio.errors import GenStudioError
from genstudio.events import EventBus, ProjectChanged
from genstudio.locks import ProjectLock
from genstudio.models import (
    PLAN_STEPS,
    Approval,
    ProjectStatus,
    StepName,
    StepState,
    StepStatus,
)
from genstudio.pipeline import audio, finish, plan_steps, references, videos
from genstudio.pipeline.context import RunContext
from genstudio.providers.registry import ProviderSet, build_providers
from genstudio.store import Store
from genstudio.workspace import Workspace

log = logging.getLogger("genstudio.pipeline")

StepFn = Callable[[RunContext, StepState], Awaitable[None]]

PLAN_FUNCTIONS: dict[StepName, StepFn] = {
    StepName.VALIDATE_PROVIDERS: plan_steps.validate_providers,
    StepName.PLAN_PRODUCTION: plan_steps.plan_production,
    StepName.CREATE_VISUAL_BIBLE: plan_steps.create_visual_bible,
    StepName.GENERATE_SCREENPLAY: plan_steps.generate_screenplay,
    StepName.ASSIGN_CHARACTERS: plan_steps.assign_characters,
}


@dataclass
class RunOutcome:
    status: ProjectStatus
    film: Path | None = None
    poster: Path | None = None
    thumbnail: Path | None = None
    subtitles: Path | None = None
    warnings: list[str] = field(default_factory=list)
    failed_scenes: list[int] = field(default_factory=list)


class StepFailed(GenStudioError):
    def __init__(self, step: StepName, error: str) -> None:
        self.step = step
        super().__init__(f"{step.value}: {error}")


def approve_plan(store: Store, project_id: str) -> int:
    """Approve the plan and every draft scene; returns how many scenes were approved."""
    project = store.get_project(project_id)
    scenes = store.list_scenes(project_id)
    changed = [s for s in scenes if s.approval is Approval.DRAFT]
    for scene in changed:
        scene.approval = Approval.APPROVED
    store.save_scenes(project_id, changed)
    project.plan_approved = True
    store.save_project(project)
    return len(changed)


class Pipeline:
    def __init__(
        self,
        store: Store,
        workspace: Workspace,
        project_id: str,
        *,
        providers: ProviderSet | None = None,
        events: EventBus | None = None,
        auto_approve: bool = False,
    ) -> None:
        self.store = store
        self.workspace = workspace
        self.project_id = project_id
        self._providers = providers
        self.events = events or EventBus()
        self.auto_approve = auto_approve

    async def context(self) -> RunContext:
        project = await self.store.run(self.store.get_project, self.project_id)
        providers = self._providers
        if providers is None:
            configs = await self.store.run(self.store.get_provider_configs)
            providers = build_providers(configs)
        self.workspace.create_project_dir(project.folder)
        return RunContext(
            store=self.store,
            workspace=self.workspace,
            project=project,
            providers=providers,
            events=self.events,
            auto_approve=self.auto_approve,
        )

    async def run_step(self, ctx: RunContext, state: StepState, fn: StepFn) -> None:
        state.warnings = []
        await ctx.step(state, status=StepStatus.RUNNING, percent=0, detail="starting")
        try:
            await fn(ctx, state)
        except asyncio.CancelledError:
            await asyncio.shield(ctx.step(state, status=StepStatus.PENDING, detail="interrupted"))
            raise
        except Exception as exc:
            state.error = str(exc)
            await ctx.step(state, status=StepStatus.FAILED, detail=str(exc)[:300])
            log.exception("step %s failed", state.step.value)
            raise StepFailed(state.step, str(exc)) from exc
        await ctx.step(state, status=StepStatus.COMPLETED, percent=100)

    async def set_status(self, ctx: RunContext, status: ProjectStatus) -> None:
        ctx.project.status = status
        await ctx.save_project()
        self.events.emit(ProjectChanged(ctx.project.id, status.value))

    async def plan(self) -> RunOutcome:
        """Run only the planning steps (stops at the approval gate)."""
        return await self.run(stop_at_gate=True)

    async def run(self, *, stop_at_gate: bool = False) -> RunOutcome:
        ctx = await self.context()
        lock = ProjectLock(ctx.project_dir)
        lock.acquire()
        try:
            return await self._locked_run(ctx, stop_at_gate)
        finally:
            lock.release()

    async def _locked_run(self, ctx: RunContext, stop_at_gate: bool) -> RunOutcome:
        # Holding the project lock, any partial file in the project is a leftover of a dead
        # process (an orphaned ffmpeg may even still be writing one: unlinking it is harmless).
        # The location library is shared by all projects: only old leftovers go there.
        await run_blocking(self.workspace.collect_partial_files, [ctx.project_dir], time.time())
        await run_blocking(
            self.workspace.collect_partial_files, [self.workspace.library_dir], time.time() - 600
        )
        steps = await self.store.run(self.store.get_steps, ctx.project.id)
        await self.set_status(ctx, ProjectStatus.RUNNING)
        try:
            return await self._run(ctx, steps, stop_at_gate)
        except StepFailed:
            await self.set_status(ctx, ProjectStatus.FAILED)
            raise
        except asyncio.CancelledError:
            await asyncio.shield(self.set_status(ctx, ProjectStatus.DRAFT))
            raise

    async def _run(
        self, ctx: RunContext, steps: dict[StepName, StepState], stop_at_gate: bool
    ) -> RunOutcome:
        for name in PLAN_STEPS:
            if steps[name].status is not StepStatus.COMPLETED:
                await self.run_step(ctx, steps[name], PLAN_FUNCTIONS[name])
        if not ctx.project.plan_approved:
            if self.auto_approve and not stop_at_gate:
                await self.store.run(approve_plan, self.store, ctx.project.id)
                ctx.project = await self.store.run(self.store.get_project, ctx.project.id)
            else:
                await self.set_status(ctx, ProjectStatus.AWAITING_APPROVAL)
                return RunOutcome(ProjectStatus.AWAITING_APPROVAL)
        if stop_at_gate:
            await self.set_status(ctx, ProjectStatus.DRAFT)
            return RunOutcome(ProjectStatus.DRAFT)

        await self.run_step(ctx, steps[StepName.REFERENCE_IMAGES], references.reference_images)
        await self.run_step(ctx, steps[StepName.GENERATE_VIDEOS], videos.generate_videos)
        await self.run_step(ctx, steps[StepName.GENERATE_AUDIO], audio.generate_audio)

        cuts = await finish.usable_cuts(ctx)
        if not cuts:
            for name in (StepName.GENERATE_MUSIC, StepName.ASSEMBLE_MOVIE, StepName.GENERATE_COVER):
                await ctx.step(steps[name], status=StepStatus.SKIPPED, detail="no scene has a clip")
        else:
            draft = finish.build_timeline(ctx, cuts, None)
            music: dict[str, str | None] = {}

            async def music_step(c: RunContext, s: StepState) -> None:
                music["path"] = await audio.generate_music(c, s, draft.total_duration)

            await self.run_step(ctx, steps[StepName.GENERATE_MUSIC], music_step)
            timeline = finish.build_timeline(ctx, cuts, music.get("path"))

            async def assemble_step(c: RunContext, s: StepState) -> None:
                await finish.assemble_movie(c, s, timeline)

            await self.run_step(ctx, steps[StepName.ASSEMBLE_MOVIE], assemble_step)
            await self.run_step(ctx, steps[StepName.GENERATE_COVER], finish.generate_cover)

        status_box: dict[str, ProjectStatus] = {}

        async def finalize_step(c: RunContext, s: StepState) -> None:
            status_box["status"] = await finish.finalize(c, s)

        await self.run_step(ctx, steps[StepName.FINALIZE], finalize_step)
        status = status_box["status"]
        await self.set_status(ctx, status)
        return await self.outcome(ctx, steps, status)

    async def outcome(
        self, ctx: RunContext, steps: dict[StepName, StepState], status: ProjectStatus
    ) -> RunOutcome:
        film, poster, thumb = finish.film_path(ctx)
        scenes = await ctx.scenes()
        warnings = [w for state in steps.values() for w in state.warnings]
        return RunOutcome(
            status=status,
            film=film if film.is_file() else None,
            poster=poster if poster.is_file() else None,
            thumbnail=thumb if thumb.is_file() else None,
            subtitles=film.with_suffix(".srt") if film.with_suffix(".srt").is_file() else None,
            warnings=warnings,
            failed_scenes=[s.number for s in scenes if s.status.value == "failed"],
        )
