"""A small controller with the ProjectController contract's signals and attributes, on the
real engine (store, workspace, pipeline, event bus, key store, job engine).

UI helper B's widgets are tested against it so they stand on their own; the same tests also
run against the real `ui.controller.ProjectController` once it exists (see fixtures_b).
It is deliberately thin: each method calls the engine the way the contract says.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from genstudio.engine.engine import JobEngine
from genstudio.events import EventBus, JobChanged, LogLine, SceneChanged, StepChanged
from genstudio.models import Project, Scene
from genstudio.secrets import KeyStore
from genstudio.store import Store
from genstudio.workspace import Workspace
from ui.bridge import EventBridge
from ui.tasks import TaskManager


class FakeController(QObject):
    projectsChanged = Signal()
    projectOpened = Signal(str)
    scenesReset = Signal()
    sceneChanged = Signal(str)
    stepChanged = Signal(str, str, float, str)
    jobChanged = Signal(str)
    logLine = Signal(int, str)
    runStateChanged = Signal(bool)
    runFinished = Signal(object)
    errorRaised = Signal(str)

    def __init__(self, workspace: Workspace, *, keystore: KeyStore | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.store = Store(workspace.db_path)  # owned, like the real controller's
        self.keystore = keystore or KeyStore()
        self.events = EventBus()
        self.tasks = TaskManager(on_error=lambda name, exc: self.errorRaised.emit(str(exc)))
        self.job_engine = JobEngine(self.store, events=self.events)
        self.project_id: str | None = None
        self._project: Project | None = None
        self._scenes: list[Scene] = []
        self._running = False
        self._run_task: asyncio.Task[Any] | None = None
        self.errors: list[str] = []
        self.closed = False
        self.errorRaised.connect(self.errors.append)
        self.bridge = EventBridge(self.events, self)
        self.bridge.stepChanged.connect(self._on_step)
        self.bridge.sceneChanged.connect(self._on_scene)
        self.bridge.jobChanged.connect(self._on_job)
        self.bridge.logLine.connect(self._on_log)

    # -- bridge --------------------------------------------------------------------------------

    def _on_step(self, e: StepChanged) -> None:
        if e.project_id == self.project_id:
            self.stepChanged.emit(e.step.value, e.status.value, float(e.percent), e.detail)

    def _on_scene(self, e: SceneChanged) -> None:
        if e.project_id == self.project_id:
            self.sceneChanged.emit(e.scene_id)

    def _on_job(self, e: JobChanged) -> None:
        self.jobChanged.emit(e.job_id)

    def _on_log(self, e: LogLine) -> None:
        self.logLine.emit(e.level, e.message)

    # -- queries -------------------------------------------------------------------------------

    def project(self) -> Project | None:
        return self._project.model_copy(deep=True) if self._project else None

    def scenes(self) -> list[Scene]:
        return [s.model_copy(deep=True) for s in self._scenes]

    def is_running(self) -> bool:
        return self._running

    # -- async API -----------------------------------------------------------------------------

    async def _reload(self) -> None:
        assert self.project_id
        self._project = await self.store.run(self.store.get_project, self.project_id)
        self._scenes = await self.store.run(self.store.list_scenes, self.project_id)

    async def open_project(self, project_id: str) -> None:
        self.project_id = project_id
        await self._reload()
        self.projectOpened.emit(project_id)
        self.scenesReset.emit()

    async def create_from_idea(self, **kwargs: Any) -> str:
        from genstudio.projects import new_project_from_idea

        project = await self.store.run(new_project_from_idea, self.store, self.workspace, **kwargs)
        self.projectsChanged.emit()
        await self.open_project(project.id)
        return project.id

    async def create_from_fountain(self, path: Path | str, **kwargs: Any) -> str:
        from genstudio.projects import new_project_from_fountain

        project = await self.store.run(
            new_project_from_fountain, self.store, self.workspace, path, **kwargs
        )
        self.projectsChanged.emit()
        await self.open_project(project.id)
        return project.id

    async def run_pipeline(self, *, plan_only: bool = False, auto_approve: bool = False) -> None:
        from genstudio.pipeline import Pipeline

        assert self.project_id
        self._run_task = asyncio.current_task()
        self._running = True
        self.runStateChanged.emit(True)
        result: object
        try:
            pipeline = Pipeline(
                self.store,
                self.workspace,
                self.project_id,
                events=self.events,
                auto_approve=auto_approve,
            )
            result = await (pipeline.plan() if plan_only else pipeline.run())
        except asyncio.CancelledError as exc:
            self._ended()
            self.tasks.spawn("reload", self._reload_and_announce())  # this task is cancelled
            self.runFinished.emit(exc)
            raise
        except Exception as exc:
            result = exc
        self._ended()
        await self._reload_and_announce()
        self.runFinished.emit(result)

    def _ended(self) -> None:
        self._running = False
        self._run_task = None
        self.runStateChanged.emit(False)

    async def _reload_and_announce(self) -> None:
        await self._reload()
        self.scenesReset.emit()

    def cancel_run(self) -> None:
        if self._run_task is not None:
            self._run_task.cancel()

    async def approve_plan(self) -> None:
        from genstudio.pipeline.runner import approve_plan

        assert self.project_id
        await self.store.run(approve_plan, self.store, self.project_id)
        await self._reload()
        self.scenesReset.emit()

    async def retry_job(self, job_id: str) -> None:
        await self.job_engine.retry(job_id)

    async def cancel_job(self, job_id: str) -> None:
        await self.job_engine.cancel(job_id)

    async def assemble(self, options: dict[str, Any], progress: Callable[[float], None]) -> Any:
        """The export the Assemble dialog asks for, with its options (ui.export_film)."""
        from ui.export_film import ExportOptions, export_film

        assert self.project_id
        opts = ExportOptions.from_dict(options)
        return await export_film(self.store, self.workspace, self.project_id, opts, progress)

    async def shutdown(self) -> None:
        if self.closed:
            return
        self.closed = True
        await self.tasks.cancel_all()
        await self.job_engine.close()
        self.bridge.close()
        self.store.close()
        logging.getLogger(__name__).debug("fake controller shut down")
