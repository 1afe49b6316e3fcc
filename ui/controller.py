"""The window's one door into the engine.

The controller owns the workspace's Store, the EventBus, the KeyStore, the event bridge, the
task manager and the thumbnail loader. It keeps GUI-thread caches of the open project, its
scenes and their selected takes, so views read them synchronously (`data()` never blocks) and
refreshes them from engine events, coalesced into one DB call per burst. Every blocking call
goes through `store.run` (the single DB thread) or `run_blocking`.

Cached models are shared, never edited in place: widgets `model_copy()` before changing one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from genstudio import storyboard
from genstudio.concurrency import shutdown_pools
from genstudio.engine.clock import Clock
from genstudio.errors import GenStudioError
from genstudio.events import EventBus, JobChanged, LogLine, ProjectChanged, StepChanged
from genstudio.models import (
    Job,
    Project,
    Scene,
    StepName,
    StepStatus,
    Take,
)
from genstudio.pipeline import Pipeline
from genstudio.pipeline.runner import approve_plan
from genstudio.projects import new_project_from_fountain, new_project_from_idea
from genstudio.secrets import KeyStore
from genstudio.store import Store
from genstudio.workspace import Workspace
from ui import blocking, snapshots
from ui.bridge import EventBridge
from ui.images import ThumbnailLoader
from ui.job_actions import JobActions
from ui.provider_session import SessionFactory
from ui.settings import LAST_PROJECT, app_settings
from ui.tasks import TaskManager

if TYPE_CHECKING:
    import httpx

    from genstudio.session import EngineSession

log = logging.getLogger("genstudio.ui")
# Engine events are coalesced: at most one scene refresh and one job refresh per 100 ms,
# however fast jobs report progress (the DB thread's parsing competes for the GIL).
COALESCE_S = 0.1


class ProjectController(QObject, JobActions):
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
    # Beyond the contract: per-scene render progress (0..1) from job events, for the cards.
    sceneProgress = Signal(str, float)

    def __init__(
        self,
        workspace: Workspace | None = None,
        *,
        keystore: KeyStore | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace or Workspace.open()
        self.store = Store(self.workspace.db_path)
        self.events = EventBus()
        self.keystore = keystore or KeyStore()
        self.tasks = TaskManager(on_error=self._task_failed)
        # Each run opens an EngineSession with the saved settings and keyring keys; the one
        # of the run in progress also serves the jobs panel's Retry / Cancel.
        self.sessions = SessionFactory(
            self.store, self.workspace, self.events, self.keystore, transport, clock
        )
        self._session: EngineSession | None = None
        self.thumbnails = ThumbnailLoader(
            self.workspace.root / ".cache" / "thumbnails", parent=self
        )
        self.bridge = EventBridge(self.events, self)
        self.bridge.stepChanged.connect(self._on_step)
        self.bridge.sceneChanged.connect(lambda e: self._scene_event(e.project_id, e.scene_id))
        self.bridge.takeAdded.connect(lambda e: self._scene_event(e.project_id, e.scene_id))
        self.bridge.jobChanged.connect(self._on_job)
        self.bridge.projectChanged.connect(self._on_project_event)
        self.bridge.logLine.connect(self._on_log)
        self.project_id: str | None = None
        self._project: Project | None = None
        self._projects: list[Project] = []
        self._scenes: list[Scene] = []
        self._by_id: dict[str, Scene] = {}
        self._takes: dict[str, Take | None] = {}
        self._jobs: dict[str, Job] = {}
        self._progress: dict[str, float] = {}
        self._pending_scenes: set[str] = set()
        self._pending_jobs: set[str] = set()
        self._run_task: asyncio.Task[Any] | None = None
        self.closed = False
        # The window turns this on: a new project is planned at once when that is free.
        self.auto_plan_new_projects = False

    # -- synchronous reads (GUI thread) ---------------------------------------------------

    def project(self) -> Project | None:
        return self._project

    def projects(self) -> list[Project]:
        return list(self._projects)

    def scenes(self) -> list[Scene]:
        return list(self._scenes)

    def scene(self, scene_id: str) -> Scene | None:
        return self._by_id.get(scene_id)

    def selected_take(self, scene_id: str) -> Take | None:
        return self._takes.get(scene_id)

    def scene_progress(self, scene_id: str) -> float | None:
        return self._progress.get(scene_id)

    def job(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def project_dir(self) -> Path | None:
        return self.workspace.project_dir(self._project.folder) if self._project else None

    def is_running(self) -> bool:
        return self._run_task is not None and not self._run_task.done()

    def _require_project(self) -> str:
        if self.project_id is None:
            raise GenStudioError("open or create a project first")
        return self.project_id

    # -- projects -------------------------------------------------------------------------

    async def refresh_projects(self) -> list[Project]:
        self._projects = await self.store.run(self.store.list_projects)
        self.projectsChanged.emit()
        return self.projects()

    async def open_project(self, project_id: str) -> None:
        if self.is_running() and project_id != self.project_id:
            raise GenStudioError("a run is in progress: cancel it before opening another project")
        project = await self.store.run(self.store.get_project, project_id)
        rows = await self.store.run(blocking.load_scene_rows, self.store, project_id)
        self.project_id, self._project = project_id, project
        self._jobs.clear()
        self._progress.clear()
        self._set_scenes(rows)
        app_settings().setValue(LAST_PROJECT, project_id)
        self.projectOpened.emit(project_id)
        self.scenesReset.emit()

    async def create_from_idea(self, **kwargs: Any) -> str:
        project = await self.store.run(new_project_from_idea, self.store, self.workspace, **kwargs)
        return await self._created(project)

    async def create_from_fountain(self, path: Path | str, **kwargs: Any) -> str:
        project = await self.store.run(
            new_project_from_fountain, self.store, self.workspace, Path(path), **kwargs
        )
        return await self._created(project)

    async def _created(self, project: Project) -> str:
        self.logLine.emit(logging.INFO, self.tr("Created project “%s”") % project.title)
        await self.refresh_projects()
        await self.open_project(project.id)
        if self.auto_plan_new_projects:
            await self.plan_if_never_planned()
        return project.id

    async def reload(self) -> None:
        """Re-read the open project and all its scenes (after a run, an undo, a reorder)."""
        if self.project_id is None:
            return
        pid = self.project_id
        project = await self.store.run(self.store.get_project, pid)
        rows = await self.store.run(blocking.load_scene_rows, self.store, pid)
        if pid != self.project_id:
            return
        self._project = project
        self._set_scenes(rows)
        self.scenesReset.emit()

    def _set_scenes(self, rows: blocking.SceneRows) -> None:
        self._scenes = [scene for scene, _ in rows]
        self._by_id = {scene.id: scene for scene in self._scenes}
        self._takes = {scene.id: take for scene, take in rows}

    # -- pipeline -------------------------------------------------------------------------

    async def run_pipeline(self, *, plan_only: bool = False, auto_approve: bool = False) -> None:
        pid = self._require_project()
        await self._as_run(self._run_with_session(pid, plan_only, auto_approve))

    async def _run_with_session(self, pid: str, plan_only: bool, auto_approve: bool) -> Any:
        """The CLI's `_run_pipeline`: providers from the settings, a previous process's jobs
        resumed first, the session closed (drivers stopped, state persisted) at the end."""
        session, providers = await self.sessions.open()
        self._session = session
        try:
            self._report_recovery(await session.start())
            pipeline = Pipeline(
                self.store,
                self.workspace,
                pid,
                providers=providers,
                events=self.events,
                auto_approve=auto_approve,
            )
            return await (pipeline.plan() if plan_only else pipeline.run())
        finally:
            self._session = None
            await asyncio.shield(session.close())

    async def _as_run(self, work: Any, *, reload: bool = True) -> Any:
        """Run `work` as the one pipeline-like run: marks running, reloads, then reports."""
        if self.is_running():
            work.close()
            raise GenStudioError("a run is already in progress")
        self._run_task = asyncio.current_task()
        self.runStateChanged.emit(True)
        try:
            outcome = await work
        except asyncio.CancelledError as exc:
            self._run_ended()
            if not self.closed:  # this task is cancelled: reload in a fresh one
                self.tasks.spawn("reload", self.reload())
            self.runFinished.emit(exc)
            raise
        except Exception as exc:
            outcome = exc
        self._run_ended()
        if reload:
            await self.reload()
            await self.refresh_projects()
        self.runFinished.emit(outcome)  # after the reload: listeners see the new state
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def _run_ended(self) -> None:
        self._run_task = None
        self._progress.clear()
        self.runStateChanged.emit(False)

    def cancel_run(self) -> None:
        if self.is_running():
            assert self._run_task is not None
            self._run_task.cancel()

    async def plan_if_never_planned(self) -> bool:
        """Run the planning steps of a project that has none, when the planner is offline
        (free, a second or two): a new project then shows its storyboard at once."""
        pid = self._require_project()
        if self._scenes or self.is_running():
            return False
        if not await self.store.run(blocking.never_planned_offline, self.store, pid):
            return False
        await self.run_pipeline(plan_only=True)
        return True

    async def approve_plan(self) -> None:
        count = await self.store.run(approve_plan, self.store, self._require_project())
        self.logLine.emit(logging.INFO, self.tr("Plan approved (%d scenes)") % count)
        await self.reload()

    async def assemble(self, options: dict[str, Any], progress: Callable[[float], None]) -> Any:
        """Export the film with the Assemble dialog's options (`ui.export_film`); `progress`
        gets 0..1 from FFmpeg. Counts as a run: no pipeline run can start meanwhile."""
        from ui.export_film import ExportOptions, export_film

        opts = ExportOptions.from_dict(options)
        pid = self._require_project()
        return await self._as_run(
            export_film(self.store, self.workspace, pid, opts, progress), reload=False
        )

    # -- scenes and takes -----------------------------------------------------------------

    async def save_scene(self, scene: Scene) -> None:
        pid = self._require_project()
        saved = await self.store.run(snapshots.save_edit, self.store, pid, scene)
        self._replace_cached(saved, self._takes.get(saved.id))

    async def select_take(self, scene_id: str, take_id: str) -> None:
        pid = self._require_project()
        await self.store.run(storyboard.select_take, self.store, pid, scene_id, take_id)
        await self.refresh_scenes([scene_id])

    async def list_takes(self, scene_id: str) -> list[Take]:
        return await self.store.run(self.store.list_takes, scene_id)

    async def regenerate(self, scene_id: str, what: str, cascade: bool) -> None:
        pid = self._require_project()
        result = await self.store.run(
            storyboard.regenerate, self.store, pid, scene_id, what=what, cascade=cascade
        )
        await self.refresh_scenes([scene_id, *(s.id for s in result.cascaded)])
        for kept in result.kept:
            self.logLine.emit(
                logging.WARNING,
                self.tr("Scene %d keeps its clip: its first frame no longer matches") % kept.number,
            )
        if self.is_running():
            self.logLine.emit(logging.INFO, self.tr("The new take renders on the next run"))
            return
        await self.run_pipeline()

    async def refresh_scenes(self, scene_ids: list[str]) -> None:
        pid = self._require_project()
        rows = await self.store.run(blocking.load_some, self.store, scene_ids)
        if pid != self.project_id:
            return
        if any(scene.id not in self._by_id for scene, _ in rows) or len(rows) < len(scene_ids):
            await self.reload()  # a scene appeared or vanished: the list itself changed
            return
        for scene, take in rows:
            self._replace_cached(scene, take)

    def _replace_cached(self, scene: Scene, take: Take | None) -> None:
        old = self._by_id.get(scene.id)
        if old is None:
            return
        index = next(i for i, cached in enumerate(self._scenes) if cached is old)  # no deep ==
        self._scenes[index] = scene
        self._by_id[scene.id], self._takes[scene.id] = scene, take
        self.sceneChanged.emit(scene.id)

    async def apply_structure(self, op: str, *args: Any) -> snapshots.StructureChange:
        """Reorder / insert / duplicate / delete, returning before+after snapshots for undo."""
        change = await self.store.run(
            snapshots.apply_structure, self.store, self._require_project(), op, *args
        )
        for warning in change.warnings:
            self.logLine.emit(logging.WARNING, warning)
        await self.reload()
        return change

    async def restore(self, snapshot: snapshots.Snapshot) -> None:
        await self.store.run(snapshots.restore, self.store, self._require_project(), snapshot)
        await self.reload()

    # -- engine events (GUI thread, via the bridge) ---------------------------------------

    def _scene_event(self, project_id: str, scene_id: str) -> None:
        if project_id != self.project_id or self.closed:
            return
        self._pending_scenes.add(scene_id)
        self.tasks.spawn("refresh-scenes", self._drain_scenes(), preempt=False)

    async def _drain_scenes(self) -> None:
        while self._pending_scenes and self.project_id is not None:
            ids = sorted(self._pending_scenes)
            self._pending_scenes.clear()
            await self.refresh_scenes(ids)
            await asyncio.sleep(COALESCE_S)  # events of the next 100 ms share one DB call

    def _on_step(self, event: StepChanged) -> None:
        if event.project_id != self.project_id:
            return
        self.stepChanged.emit(event.step.value, event.status.value, event.percent, event.detail)
        if event.step is StepName.GENERATE_SCREENPLAY and event.status is StepStatus.COMPLETED:
            self.tasks.spawn("reload", self.reload())  # the plan replaced the scene list

    def _on_job(self, event: JobChanged) -> None:
        if event.project_id != self.project_id or self.closed:
            return
        self._pending_jobs.add(event.job_id)
        self.tasks.spawn("refresh-jobs", self._drain_jobs(), preempt=False)

    async def _drain_jobs(self) -> None:
        while self._pending_jobs:
            ids = sorted(self._pending_jobs)
            self._pending_jobs.clear()
            jobs = await self.store.run(blocking.load_jobs, self.store, ids)
            for job in jobs:
                self._jobs[job.id] = job
                if job.scene_id in self._by_id:
                    self._scene_job_progress(job)
                self.jobChanged.emit(job.id)
            await asyncio.sleep(COALESCE_S)

    def _scene_job_progress(self, job: Job) -> None:
        assert job.scene_id is not None
        if job.state.value in ("done", "failed", "cancelled"):
            self._progress.pop(job.scene_id, None)
            self.sceneProgress.emit(job.scene_id, -1.0)
        else:
            self._progress[job.scene_id] = job.progress
            self.sceneProgress.emit(job.scene_id, job.progress)

    def _on_project_event(self, event: ProjectChanged) -> None:
        if not self.closed:
            self.tasks.spawn("refresh-projects", self.refresh_projects())

    def _on_log(self, event: LogLine) -> None:
        if event.project_id == self.project_id:
            self.logLine.emit(event.level, event.message)

    def _task_failed(self, name: str, exc: BaseException) -> None:
        self.logLine.emit(logging.ERROR, f"{name}: {exc}")
        self.errorRaised.emit(str(exc) if isinstance(exc, GenStudioError) else f"{name}: {exc!r}")

    # -- shutdown -------------------------------------------------------------------------

    async def shutdown(self) -> None:
        """Let pending saves land, cancel everything else, close the DB and the pools."""
        if self.closed:
            return
        await self.tasks.wait_for_prefix("save", timeout=5.0)
        self.closed = True
        self.cancel_run()
        await self.tasks.cancel_all()
        await self.thumbnails.shutdown()
        self.bridge.close()
        self.store.close()  # waits for the DB thread's current statement, then closes
        shutdown_pools(wait=False)
