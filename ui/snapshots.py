"""Blocking storyboard operations with before/after snapshots, so every edit can be undone.

All functions here run on the DB thread (`await store.run(fn, store, ...)`). A structural
change (reorder, insert, duplicate, delete) records the ordered scene list before and after,
plus the takes of any scene that exists on only one side: deleting a scene cascades to its
takes in the database, so undoing the delete must put them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from genstudio import storyboard
from genstudio.errors import GenStudioError
from genstudio.models import Scene, Take
from genstudio.store import Store

# Fields the pipeline owns: an undo or an edit made from an older copy never rolls them back.
RUNTIME_FIELDS = ("status", "error", "selected_take_id")


@dataclass(frozen=True)
class Snapshot:
    scenes: tuple[Scene, ...]
    takes: tuple[Take, ...] = ()


@dataclass
class StructureChange:
    before: Snapshot
    after: Snapshot
    warnings: list[str] = field(default_factory=list)
    focus: str | None = None  # the scene to select afterwards (inserted / duplicated)


def save_edit(store: Store, project_id: str, edited: Scene) -> Scene:
    """Save the user's fields of `edited`; status, error, selected take and number stay as the
    database has them (the pipeline may have moved on since the widget copied the scene)."""
    current = store.get_scene(edited.id)
    keep: dict[str, Any] = {name: getattr(current, name) for name in RUNTIME_FIELDS}
    keep["number"] = current.number
    merged = edited.model_copy(update=keep)
    return storyboard.update_scene(store, project_id, merged)


def _takes_of(store: Store, scene_ids: set[str]) -> tuple[Take, ...]:
    return tuple(take for sid in sorted(scene_ids) for take in store.list_takes(sid))


def apply_structure(store: Store, project_id: str, op: str, *args: Any) -> StructureChange:
    """`op`: "reorder" (ids), "insert" (scene, after_id), "duplicate" (scene_id),
    "delete" (scene_ids)."""
    before = store.list_scenes(project_id)
    before_ids = {s.id for s in before}
    warnings: list[str] = []
    focus: str | None = None
    removed_takes: tuple[Take, ...] = ()
    if op == "reorder":
        warnings = storyboard.reorder(store, project_id, list(args[0]))
    elif op == "insert":
        focus = storyboard.insert_scene(store, project_id, args[0], args[1]).id
    elif op == "duplicate":
        focus = storyboard.duplicate_scene(store, project_id, args[0]).id
    elif op == "delete":
        doomed = set(args[0]) & before_ids
        if not doomed:
            raise GenStudioError("nothing to delete: the scenes are already gone")
        if doomed == before_ids:
            raise GenStudioError("a storyboard needs at least one scene")
        removed_takes = _takes_of(store, doomed)
        for scene_id in args[0]:
            if scene_id in doomed:
                warnings += storyboard.delete_scene(store, project_id, scene_id)
    else:
        raise GenStudioError(f"unknown storyboard operation {op!r}")
    after = store.list_scenes(project_id)
    added = {s.id for s in after} - before_ids
    return StructureChange(
        before=Snapshot(tuple(before), removed_takes),
        after=Snapshot(tuple(after), _takes_of(store, added)),
        warnings=warnings,
        focus=focus,
    )


def restore(store: Store, project_id: str, snapshot: Snapshot) -> None:
    """Make the storyboard's list what `snapshot` recorded, in one transaction."""
    current = {s.id: s for s in store.list_scenes(project_id)}
    scenes = []
    for recorded in snapshot.scenes:
        scene = recorded.model_copy(deep=True)
        live = current.get(scene.id)
        if live is not None:
            for name in RUNTIME_FIELDS:
                setattr(scene, name, getattr(live, name))
        scenes.append(scene)
    with store.database.transaction():
        store.replace_scenes(project_id, scenes)
        for take in snapshot.takes:  # after their scenes exist again (foreign key)
            store.save_take(take)
        storyboard._mark_film_stale(store, project_id)
