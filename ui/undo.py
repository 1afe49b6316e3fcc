"""Undo/redo for storyboard edits, on one QUndoStack owned by the main window.

Two kinds of command:
- `SceneEditCommand`: one autosaved edit of one scene (before → after). Its first `redo()`
  is the save itself.
- `StructureCommand`: reorder / insert / duplicate / delete, already applied when pushed;
  undo and redo restore the recorded snapshots (which bring back a deleted scene's takes).

QUndoCommand methods are synchronous, so they start the save as a named controller task.
Saves share the "save" name prefix: the controller lets them finish before it shuts down.
"""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand, QUndoStack

from genstudio.models import Scene
from ui.controller import ProjectController
from ui.snapshots import Snapshot, StructureChange

_counter = itertools.count(1)


def next_save_name(kind: str) -> str:
    """A unique task name under the "save" prefix: saves are never preempted or dropped (the
    DB thread runs them in order), and shutdown waits for them."""
    return f"save:{kind}:{next(_counter)}"


def _tr(text: str) -> str:
    return QCoreApplication.translate("undo", text)


class SceneEditCommand(QUndoCommand):
    def __init__(
        self, controller: ProjectController, before: Scene, after: Scene, text: str = ""
    ) -> None:
        super().__init__(text or _tr("Edit scene %d") % after.number)
        self._controller = controller
        self.before = before.model_copy(deep=True)
        self.after = after.model_copy(deep=True)

    def _save(self, scene: Scene) -> None:
        self._controller.tasks.spawn(
            next_save_name("scene"), self._controller.save_scene(scene.model_copy(deep=True))
        )

    def redo(self) -> None:
        self._save(self.after)

    def undo(self) -> None:
        self._save(self.before)


class StructureCommand(QUndoCommand):
    def __init__(self, controller: ProjectController, change: StructureChange, text: str) -> None:
        super().__init__(text)
        self._controller = controller
        self.change = change
        self._applied = True  # pushed after the change was made: the first redo is a no-op

    def _restore(self, snapshot: Snapshot) -> None:
        self._controller.tasks.spawn(next_save_name("restore"), self._controller.restore(snapshot))

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._restore(self.change.after)

    def undo(self) -> None:
        self._restore(self.change.before)


async def structure_op(
    controller: ProjectController, stack: QUndoStack, text: str, op: str, *args: Any
) -> StructureChange:
    """Apply a structural change now and record it on `stack`."""
    change = await controller.apply_structure(op, *args)
    stack.push(StructureCommand(controller, change, text))
    return change
