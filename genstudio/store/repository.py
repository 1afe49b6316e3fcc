"""Repository: map tables to pydantic models. Blocking; async callers use `Database.run`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ParamSpec, TypeVar

import peewee as pw

from genstudio.engine.crashpoints import crash_point
from genstudio.errors import NotFoundError
from genstudio.models import (
    PIPELINE_ORDER,
    Job,
    JobState,
    LocationImage,
    Project,
    ProviderConfig,
    Role,
    Scene,
    StepName,
    StepState,
    Take,
    utcnow,
)
from genstudio.store.db import Database
from genstudio.store.tables import (
    JobRow,
    LocationImageRow,
    ProjectRow,
    ProviderConfigRow,
    ReconcileRow,
    SceneRow,
    StepRow,
    TakeRow,
)

P = ParamSpec("P")
T = TypeVar("T")


class Store:
    """All persistence for one workspace database."""

    def __init__(self, path: Path) -> None:
        self.database = Database(path)

    def close(self) -> None:
        self.database.close()

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a blocking store method on the single DB thread."""
        return await self.database.run(fn, *args, **kwargs)

    # -- projects -------------------------------------------------------------------------

    def save_project(self, project: Project) -> Project:
        project.updated_at = utcnow()
        with self.database.transaction():
            ProjectRow.insert(
                id=project.id,
                title=project.title,
                folder=project.folder,
                status=project.status.value,
                data=project.model_dump_json(),
                created_at=project.created_at,
                updated_at=project.updated_at,
            ).on_conflict(
                conflict_target=[ProjectRow.id],
                update={
                    ProjectRow.title: project.title,
                    ProjectRow.status: project.status.value,
                    ProjectRow.data: project.model_dump_json(),
                    ProjectRow.updated_at: project.updated_at,
                },
            ).execute()
        return project

    def get_project(self, project_id: str) -> Project:
        with self.database.locked():
            row = ProjectRow.get_or_none(ProjectRow.id == project_id)
        if row is None:
            raise NotFoundError(f"no project with id {project_id}")
        return Project.model_validate_json(row.data)

    def list_projects(self) -> list[Project]:
        with self.database.locked():
            rows = list(ProjectRow.select().order_by(ProjectRow.updated_at.desc()))
        return [Project.model_validate_json(r.data) for r in rows]

    def find_project(self, key: str) -> Project:
        """By id, id prefix, folder or exact title (case-insensitive); errors if ambiguous."""
        key = key.strip()
        with self.database.locked():
            rows = list(
                ProjectRow.select().where(
                    (ProjectRow.id == key)
                    | (ProjectRow.folder == key)
                    | (pw.fn.lower(ProjectRow.title) == key.lower())
                    | (ProjectRow.id.startswith(key) if len(key) >= 4 else False)
                )
            )
        if not rows:
            raise NotFoundError(f"no project matches {key!r} (try `genstudio status`)")
        if len(rows) > 1:
            names = ", ".join(f"{r.title} ({r.id[:8]})" for r in rows)
            raise NotFoundError(f"{key!r} matches several projects: {names}; use the id")
        return Project.model_validate_json(rows[0].data)

    def delete_project(self, project_id: str) -> None:
        with self.database.transaction():
            ProjectRow.delete().where(ProjectRow.id == project_id).execute()

    # -- scenes ---------------------------------------------------------------------------

    def list_scenes(self, project_id: str) -> list[Scene]:
        with self.database.locked():
            rows = list(
                SceneRow.select().where(SceneRow.project == project_id).order_by(SceneRow.position)
            )
        return [Scene.model_validate_json(r.data) for r in rows]

    def get_scene(self, scene_id: str) -> Scene:
        with self.database.locked():
            row = SceneRow.get_or_none(SceneRow.id == scene_id)
        if row is None:
            raise NotFoundError(f"no scene with id {scene_id}")
        return Scene.model_validate_json(row.data)

    def save_scene(self, project_id: str, scene: Scene) -> Scene:
        with self.database.transaction():
            self._upsert_scene(project_id, scene)
            crash_point("mid_edit_commit")  # crash tests: inside the transaction, before commit
        return scene

    def save_scenes(self, project_id: str, scenes: Iterable[Scene]) -> None:
        with self.database.transaction():
            for scene in scenes:
                self._upsert_scene(project_id, scene)

    def replace_scenes(self, project_id: str, scenes: list[Scene]) -> None:
        """Make the project's scene list exactly `scenes` (in order), in one transaction."""
        keep = {s.id for s in scenes}
        with self.database.transaction():
            SceneRow.delete().where(
                (SceneRow.project == project_id) & (SceneRow.id.not_in(keep))
            ).execute()
            for scene in scenes:
                self._upsert_scene(project_id, scene)

    def _upsert_scene(self, project_id: str, scene: Scene) -> None:
        values = {
            SceneRow.position: scene.number,
            SceneRow.approval: scene.approval.value,
            SceneRow.locked: scene.locked,
            SceneRow.status: scene.status.value,
            SceneRow.data: scene.model_dump_json(),
        }
        SceneRow.insert(
            id=scene.id,
            project=project_id,
            position=scene.number,
            approval=scene.approval.value,
            locked=scene.locked,
            status=scene.status.value,
            data=scene.model_dump_json(),
        ).on_conflict(conflict_target=[SceneRow.id], update=values).execute()

    # -- takes ----------------------------------------------------------------------------

    def save_take(self, take: Take) -> Take:
        with self.database.transaction():
            TakeRow.insert(
                id=take.id,
                scene=take.scene_id,
                created_at=take.created_at,
                data=take.model_dump_json(),
            ).on_conflict(
                conflict_target=[TakeRow.id], update={TakeRow.data: take.model_dump_json()}
            ).execute()
        return take

    def get_take(self, take_id: str) -> Take:
        with self.database.locked():
            row = TakeRow.get_or_none(TakeRow.id == take_id)
        if row is None:
            raise NotFoundError(f"no take with id {take_id}")
        return Take.model_validate_json(row.data)

    def list_takes(self, scene_id: str) -> list[Take]:
        with self.database.locked():
            rows = list(
                TakeRow.select().where(TakeRow.scene == scene_id).order_by(TakeRow.created_at)
            )
        return [Take.model_validate_json(r.data) for r in rows]

    def selected_take(self, scene: Scene) -> Take | None:
        return self.get_take(scene.selected_take_id) if scene.selected_take_id else None

    # -- pipeline steps -------------------------------------------------------------------

    def get_steps(self, project_id: str) -> dict[StepName, StepState]:
        with self.database.locked():
            rows = list(StepRow.select().where(StepRow.project == project_id))
        found = {StepName(r.step): StepState.model_validate_json(r.data) for r in rows}
        return {step: found.get(step, StepState(step=step)) for step in PIPELINE_ORDER}

    def save_step(self, project_id: str, state: StepState) -> StepState:
        with self.database.transaction():
            StepRow.insert(
                project=project_id,
                step=state.step.value,
                status=state.status.value,
                percent=state.percent,
                data=state.model_dump_json(),
            ).on_conflict(
                conflict_target=[StepRow.project, StepRow.step],
                update={
                    StepRow.status: state.status.value,
                    StepRow.percent: state.percent,
                    StepRow.data: state.model_dump_json(),
                },
            ).execute()
        return state

    # -- location library (workspace-wide) ------------------------------------------------

    def find_location_image(
        self, slug: str, time_of_day: str, weather: str
    ) -> LocationImage | None:
        with self.database.locked():
            row = LocationImageRow.get_or_none(
                (LocationImageRow.slug == slug)
                & (LocationImageRow.time_of_day == time_of_day)
                & (LocationImageRow.weather == weather)
            )
        return _location(row) if row else None

    def add_location_image(self, image: LocationImage) -> LocationImage:
        """Insert, or return the one another run stored first (unique on slug+time+weather)."""
        with self.database.transaction():
            LocationImageRow.insert(
                slug=image.slug,
                time_of_day=image.time_of_day,
                weather=image.weather,
                path=image.path,
                prompt=image.prompt,
                usage_count=image.usage_count,
                created_at=image.created_at,
            ).on_conflict_ignore().execute()
        found = self.find_location_image(image.slug, image.time_of_day, image.weather)
        assert found is not None
        return found

    def use_location_image(self, image: LocationImage) -> LocationImage:
        with self.database.transaction():
            LocationImageRow.update(usage_count=LocationImageRow.usage_count + 1).where(
                (LocationImageRow.slug == image.slug)
                & (LocationImageRow.time_of_day == image.time_of_day)
                & (LocationImageRow.weather == image.weather)
            ).execute()
        found = self.find_location_image(image.slug, image.time_of_day, image.weather)
        assert found is not None
        return found

    def list_location_images(self) -> list[LocationImage]:
        with self.database.locked():
            rows = list(LocationImageRow.select().order_by(LocationImageRow.slug))
        return [_location(r) for r in rows]

    # -- jobs -----------------------------------------------------------------------------

    def save_job(self, job: Job, *, durable: bool = False) -> Job:
        """Upsert a job; `durable` commits with synchronous=FULL (intent and task-id writes)."""
        job.updated_at = utcnow()
        values = {
            JobRow.state: job.state.value,
            JobRow.priority: int(job.priority),
            JobRow.remote_task_id: job.remote_task_id,
            JobRow.data: job.model_dump_json(),
            JobRow.updated_at: job.updated_at,
        }
        transaction = self.database.durable_transaction if durable else self.database.transaction
        with transaction():
            JobRow.insert(
                id=job.id,
                project=job.project_id,
                scene_id=job.scene_id,
                key=job.key,
                kind=job.kind,
                provider=job.provider,
                lane=job.lane,
                priority=int(job.priority),
                state=job.state.value,
                client_request_id=job.client_request_id,
                remote_task_id=job.remote_task_id,
                data=job.model_dump_json(),
                updated_at=job.updated_at,
            ).on_conflict(conflict_target=[JobRow.id], update=values).execute()
        return job

    def get_job(self, job_id: str) -> Job:
        with self.database.locked():
            row = JobRow.get_or_none(JobRow.id == job_id)
        if row is None:
            raise NotFoundError(f"no job with id {job_id}")
        return Job.model_validate_json(row.data)

    def find_job(self, key: str) -> Job | None:
        """The newest job producing `key` (a take's video, a line's speech...)."""
        with self.database.locked():
            row = (
                JobRow.select().where(JobRow.key == key).order_by(JobRow.updated_at.desc()).first()
            )
        return Job.model_validate_json(row.data) if row else None

    def add_reconcile(self, job: Job, error: str) -> None:
        with self.database.durable_transaction():
            ReconcileRow.create(
                job_id=job.id,
                provider=job.provider,
                remote_task_id=job.remote_task_id,
                error=error,
                created_at=utcnow(),
            )

    def list_reconcile(self) -> list[dict[str, str]]:
        with self.database.locked():
            rows = list(ReconcileRow.select().order_by(ReconcileRow.created_at))
        return [
            {
                "job_id": r.job_id,
                "provider": r.provider,
                "remote_task_id": r.remote_task_id,
                "error": r.error,
            }
            for r in rows
        ]

    def list_jobs(
        self, project_id: str | None = None, states: Iterable[JobState] | None = None
    ) -> list[Job]:
        query = JobRow.select().order_by(JobRow.updated_at)
        if project_id is not None:
            query = query.where(JobRow.project == project_id)
        if states is not None:
            query = query.where(JobRow.state.in_([s.value for s in states]))
        with self.database.locked():
            rows = list(query)
        return [Job.model_validate_json(r.data) for r in rows]

    # -- provider configuration -----------------------------------------------------------

    def get_provider_configs(self) -> dict[Role, ProviderConfig]:
        with self.database.locked():
            rows = list(ProviderConfigRow.select())
        return {Role(r.role): ProviderConfig.model_validate_json(r.data) for r in rows}

    def save_provider_config(self, config: ProviderConfig) -> ProviderConfig:
        with self.database.transaction():
            ProviderConfigRow.insert(
                role=config.role.value, name=config.name, data=config.model_dump_json()
            ).on_conflict(
                conflict_target=[ProviderConfigRow.role],
                update={
                    ProviderConfigRow.name: config.name,
                    ProviderConfigRow.data: config.model_dump_json(),
                },
            ).execute()
        return config


def _location(row: LocationImageRow) -> LocationImage:
    return LocationImage(
        slug=row.slug,
        time_of_day=row.time_of_day,
        weather=row.weather,
        path=row.path,
        prompt=row.prompt,
        usage_count=row.usage_count,
        created_at=row.created_at,
    )
