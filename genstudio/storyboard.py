"""Storyboard edits and single-scene regeneration: the operations the window and CLI share.

Every function is blocking (call it through `store.run` from async code) and saves in one
transaction, so an edit is either wholly saved or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from genstudio.errors import GenStudioError, NotFoundError
from genstudio.models import (
    Approval,
    ImageSource,
    Scene,
    SceneStatus,
    StepName,
    StepStatus,
    Take,
)
from genstudio.store import Store

STALE_ON_NEW_TAKE = (StepName.ASSEMBLE_MOVIE, StepName.GENERATE_COVER, StepName.FINALIZE)


def continuation_chain(scenes: list[Scene], scene_id: str) -> list[Scene]:
    """Scenes that start, directly or through others, on `scene_id`'s last frame (in order)."""
    chain: list[Scene] = []
    current = {scene_id}
    for scene in scenes:
        if scene.continues_from in current:
            chain.append(scene)
            current.add(scene.id)
    return chain


def _renumber(scenes: list[Scene]) -> list[str]:
    """Number 1..N in list order; a continuation link survives only when the scene still
    directly follows its predecessor. Returns warnings for links that were dropped."""
    warnings = []
    for index, scene in enumerate(scenes):
        scene.number = index + 1
        if scene.continues_from:
            previous = scenes[index - 1] if index > 0 else None
            if previous is None or previous.id != scene.continues_from:
                warnings.append(
                    f"scene {scene.number} no longer follows the scene it continued from; "
                    "it will start from its own reference image"
                )
                scene.continues_from = None
    return warnings


def _mark_film_stale(store: Store, project_id: str) -> None:
    steps = store.get_steps(project_id)
    for name in STALE_ON_NEW_TAKE:
        state = steps[name]
        if state.status is StepStatus.COMPLETED:
            state.status, state.detail = StepStatus.PENDING, "storyboard changed"
            store.save_step(project_id, state)


def reorder(store: Store, project_id: str, order: list[str]) -> list[str]:
    scenes = {s.id: s for s in store.list_scenes(project_id)}
    if sorted(order) != sorted(scenes):
        raise GenStudioError("the new order must list every scene exactly once")
    ordered = [scenes[i] for i in order]
    warnings = _renumber(ordered)
    store.replace_scenes(project_id, ordered)
    _mark_film_stale(store, project_id)
    return warnings


def insert_scene(store: Store, project_id: str, scene: Scene, after: str | None) -> Scene:
    scenes = store.list_scenes(project_id)
    index = (
        0
        if after is None
        else next((i + 1 for i, s in enumerate(scenes) if s.id == after), len(scenes))
    )
    scene.selected_take_id, scene.status = None, SceneStatus.PENDING
    scenes.insert(index, scene)
    _renumber(scenes)
    store.replace_scenes(project_id, scenes)
    _mark_film_stale(store, project_id)
    return scene


def duplicate_scene(store: Store, project_id: str, scene_id: str) -> Scene:
    original = store.get_scene(scene_id)
    copy = original.model_copy(deep=True, update={"id": Scene(number=1).id})
    copy.continues_from, copy.approval, copy.locked = None, Approval.DRAFT, False
    return insert_scene(store, project_id, copy, after=scene_id)


def delete_scene(store: Store, project_id: str, scene_id: str) -> list[str]:
    scenes = [s for s in store.list_scenes(project_id) if s.id != scene_id]
    warnings = _renumber(scenes)
    store.replace_scenes(project_id, scenes)
    _mark_film_stale(store, project_id)
    return warnings


def update_scene(store: Store, project_id: str, scene: Scene) -> Scene:
    """Save an edited scene (validated by the model). Imported dialogue stays verbatim."""
    current = store.get_scene(scene.id)
    if current.dialogue_locked and [(d.character, d.line) for d in current.dialogue] != [
        (d.character, d.line) for d in scene.dialogue
    ]:
        raise GenStudioError(
            f"scene {current.number}: dialogue comes from the imported screenplay and is locked; "
            "edit the screenplay file instead"
        )
    validated = Scene.model_validate(scene.model_dump())
    return store.save_scene(project_id, validated)


def select_take(store: Store, project_id: str, scene_id: str, take_id: str) -> Scene:
    scene = store.get_scene(scene_id)
    take = store.get_take(take_id)
    if take.scene_id != scene_id:
        raise NotFoundError(f"take {take_id[:8]} belongs to another scene")
    scene.selected_take_id = take.id
    scene.status = SceneStatus.COMPLETED if take.clip else SceneStatus.PENDING
    store.save_scene(project_id, scene)
    _mark_film_stale(store, project_id)
    return scene


@dataclass
class Regeneration:
    scene: Scene
    new_take: Take
    cascaded: list[Scene] = field(default_factory=list)
    kept: list[Scene] = field(default_factory=list)  # downstream scenes whose seam now breaks


def regenerate(
    store: Store,
    project_id: str,
    scene_id: str,
    *,
    what: str = "clip",
    cascade: bool = True,
    batch: bool = False,
) -> Regeneration:
    """Give the scene a new take to be rendered on the next pipeline run; old takes stay.

    `what="clip"` keeps the current start image (only the clip is redone, and paid for);
    `what="image"` redoes both. With `cascade`, every scene continuing from this one gets a new
    take too (their start frame changes); otherwise they keep theirs and the seam is reported.
    Locked scenes refuse batch regeneration.
    """
    if what not in ("clip", "image"):
        raise GenStudioError(f"cannot regenerate {what!r}: choose clip or image")
    scenes = store.list_scenes(project_id)
    scene = next((s for s in scenes if s.id == scene_id), None)
    if scene is None:
        raise NotFoundError(f"no scene {scene_id}")
    if scene.locked and batch:
        raise GenStudioError(f"scene {scene.number} is locked; unlock it to regenerate it")
    old = store.get_take(scene.selected_take_id) if scene.selected_take_id else None
    take = Take(scene_id=scene.id)
    if what == "clip" and old is not None and old.reference_image:
        take.reference_image, take.reference_source = old.reference_image, old.reference_source
        take.image_provenance = old.image_provenance
        if old.reference_source is ImageSource.PREVIOUS_FRAME:
            take.reference_image = None  # re-read the predecessor's current last frame
    if old is not None:
        take.audio = list(old.audio)  # speech depends on the lines, not the picture: not re-paid
    store.save_take(take)
    scene.selected_take_id, scene.status, scene.error = take.id, SceneStatus.PENDING, ""
    store.save_scene(project_id, scene)
    result = Regeneration(scene=scene, new_take=take)
    for downstream in continuation_chain(scenes, scene.id):
        if cascade and not (downstream.locked and batch):
            fresh = store.save_take(Take(scene_id=downstream.id))
            downstream.selected_take_id = fresh.id
            downstream.status, downstream.error = SceneStatus.PENDING, ""
            store.save_scene(project_id, downstream)
            result.cascaded.append(downstream)
        else:
            result.kept.append(downstream)
    _mark_film_stale(store, project_id)
    return result
