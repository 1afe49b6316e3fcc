"""What every step works with: the store, the project folder, providers and the event bus."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from genstudio.events import EventBus, LogLine, SceneChanged, StepChanged
from genstudio.models import (
    Project,
    Scene,
    SceneStatus,
    StepName,
    StepState,
    StepStatus,
    Take,
    utcnow,
)
from genstudio.providers.registry import ProviderSet
from genstudio.store import Store
from genstudio.workspace import Workspace

log = logging.getLogger("genstudio.pipeline")


@dataclass
class RunContext:
    store: Store
    workspace: Workspace
    project: Project
    providers: ProviderSet
    events: EventBus = field(default_factory=EventBus)
    auto_approve: bool = False
    failed_this_run: set[str] = field(default_factory=set)  # scene ids; not retried in the same run

    @property
    def project_dir(self) -> Path:
        return self.workspace.project_dir(self.project.folder)

    def abs(self, relative: str | None) -> Path | None:
        """A stored project-relative path as an absolute path."""
        return self.project_dir / relative if relative else None

    def rel(self, path: Path) -> str:
        return path.relative_to(self.project_dir).as_posix()

    # -- persistence (always on the DB thread) ---------------------------------------------

    async def save_project(self) -> None:
        await self.store.run(self.store.save_project, self.project)

    async def scenes(self) -> list[Scene]:
        return await self.store.run(self.store.list_scenes, self.project.id)

    async def save_scene(self, scene: Scene, detail: str = "") -> None:
        await self.store.run(self.store.save_scene, self.project.id, scene)
        self.events.emit(SceneChanged(self.project.id, scene.id, scene.status, detail))

    async def save_take(self, take: Take) -> None:
        await self.store.run(self.store.save_take, take)

    async def take_for(self, scene: Scene) -> Take:
        """The scene's selected take, or a new one selected for it."""
        if scene.selected_take_id:
            return await self.store.run(self.store.get_take, scene.selected_take_id)
        take = Take(scene_id=scene.id)
        await self.save_take(take)
        scene.selected_take_id = take.id
        await self.save_scene(scene)
        return take

    async def step(
        self,
        state: StepState,
        *,
        status: StepStatus | None = None,
        percent: float | None = None,
        detail: str | None = None,
    ) -> StepState:
        if status is not None:
            if status is StepStatus.RUNNING and state.status is not StepStatus.RUNNING:
                state.started_at = utcnow()
                state.error = ""
            if status in (StepStatus.COMPLETED, StepStatus.FAILED, StepStatus.SKIPPED):
                state.finished_at = utcnow()
            state.status = status
        if percent is not None:
            state.percent = max(0.0, min(100.0, percent))
        if detail is not None:
            state.detail = detail
        await self.store.run(self.store.save_step, self.project.id, state)
        self.events.emit(
            StepChanged(self.project.id, state.step, state.status, state.percent, state.detail)
        )
        return state

    def warn(self, state: StepState, message: str) -> None:
        state.warnings.append(message)
        log.warning("%s: %s", state.step.value, message)
        self.events.emit(LogLine(self.project.id, logging.WARNING, message))

    async def fail_scene(self, scene: Scene, error: str) -> None:
        scene.status = SceneStatus.FAILED
        scene.error = error[:2000]
        self.failed_this_run.add(scene.id)
        log.error("scene %d failed: %s", scene.number, error)
        self.events.emit(LogLine(self.project.id, logging.ERROR, f"scene {scene.number}: {error}"))
        await self.save_scene(scene, error)


def step_title(step: StepName) -> str:
    return step.value.replace("_", " ")
