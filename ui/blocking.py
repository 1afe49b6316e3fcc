"""Blocking helpers the controller runs off the GUI thread (`store.run` / `run_blocking`)."""

from __future__ import annotations

from genstudio.errors import NotFoundError
from genstudio.models import Job, Role, Scene, StepStatus, Take
from genstudio.store import Store

SceneRows = list[tuple[Scene, Take | None]]


def selected_take(store: Store, scene: Scene) -> Take | None:
    try:
        return store.selected_take(scene)
    except NotFoundError:  # a dangling selection shows as "no take yet", never as a crash
        return None


def load_scene_rows(store: Store, project_id: str) -> SceneRows:
    return [(scene, selected_take(store, scene)) for scene in store.list_scenes(project_id)]


def load_some(store: Store, scene_ids: list[str]) -> SceneRows:
    rows: SceneRows = []
    for scene_id in scene_ids:
        try:
            scene = store.get_scene(scene_id)
        except NotFoundError:
            continue
        rows.append((scene, selected_take(store, scene)))
    return rows


def load_jobs(store: Store, job_ids: list[str]) -> list[Job]:
    jobs = []
    for job_id in job_ids:
        try:
            jobs.append(store.get_job(job_id))
        except NotFoundError:
            continue
    return jobs


def never_planned_offline(store: Store, project_id: str) -> bool:
    """No step has ever run, and planning would use the free offline planner."""
    steps = store.get_steps(project_id)
    llm = store.get_provider_configs().get(Role.LLM)
    paid = llm is not None and llm.enabled and llm.name != "builtin"
    return not paid and all(s.status is StepStatus.PENDING for s in steps.values())
