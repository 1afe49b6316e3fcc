"""The real window, driven like a user: create from a screenplay, edit, approve, regenerate,
drag to reorder. Every change is checked in a freshly opened Store (as after a restart)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from genstudio.models import Approval
from genstudio.store import Store
from tests.ui.conftest import add_project
from ui.models.storyboard_model import MIME_TYPE, NumberRole, SceneIdRole
from ui.views.main_window import MainWindow

SCREENPLAY = """Title: Two Rooms

INT. KITCHEN - DAY

ANNA pours coffee into a blue cup.

ANNA
Morning already?

INT. KITCHEN - CONTINUOUS

She sits down at the table and opens a letter.
"""


@pytest.fixture
def window(controller, open_window):
    return open_window(MainWindow(controller))


@pytest.fixture
def imported(window, controller, run, tmp_path):
    path = tmp_path / "two_rooms.fountain"
    path.write_text(SCREENPLAY, encoding="utf-8")
    run(controller.create_from_fountain(path))  # the window plans new projects at once
    return controller.project_id


def reopened(controller, run) -> Store:
    """Shut the app side down completely and open the database again."""
    run(controller.shutdown())
    return Store(controller.workspace.db_path)


def test_fountain_project_fills_storyboard_and_inspector_edits_persist(
    window, controller, imported, run, until, qtbot
):
    model = window.storyboard.model
    assert model.rowCount() == 2
    assert [s.heading.location for s in controller.scenes()] == ["KITCHEN", "KITCHEN"]
    second = controller.scenes()[1]
    window.storyboard.select_scene(second.id)
    inspector = window.inspector
    assert inspector.scene_id == second.id
    assert inspector.continuity.currentData() == controller.scenes()[0].id  # CONTINUOUS

    # Imported dialogue is shown locked, read-only, with the reason in a tooltip.
    first_id = controller.scenes()[0].id
    window.storyboard.select_scene(first_id)
    cell = inspector.dialogue.table.item(0, 1)
    assert cell.text() == "Morning already?"
    assert not cell.flags() & Qt.ItemFlag.ItemIsEditable and "screenplay" in cell.toolTip()

    window.storyboard.select_scene(second.id)
    inspector.location.clear()
    qtbot.keyClicks(inspector.location, "PANTRY")
    inspector.prompt.selectAll()
    qtbot.keyClicks(inspector.prompt, "Anna reads the letter by the window")
    edited_at = time.monotonic()
    until(lambda: controller.scene(second.id).heading.location == "PANTRY", what="autosave")
    assert time.monotonic() - edited_at < 1.5  # 500 ms debounce + one DB round trip
    assert controller.store.get_scene(second.id).visual_prompt.startswith("Anna reads")

    # An over-long prompt turns the counter red and is not saved.
    inspector.prompt.setPlainText("x" * 1001)
    assert inspector.prompt_too_long() and "dc2626" in inspector.counter.styleSheet()
    run(__import__("asyncio").sleep(0.8))
    assert len(controller.store.get_scene(second.id).visual_prompt) < 1000

    # A last edit right before closing is flushed by the close, not lost.
    inspector.prompt.setPlainText("Close-up of the letter")
    qtbot.keyClicks(inspector.weather, "rain")
    window.close()
    store = reopened(controller, run)
    try:
        saved = store.get_scene(second.id)
        assert saved.heading.location == "PANTRY" and saved.heading.weather == "rain"
        assert saved.visual_prompt == "Close-up of the letter"
        assert saved.heading.slug_line() == "INT. PANTRY - CONTINUOUS"
    finally:
        store.close()


def test_approve_undo_and_approve_plan(window, controller, imported, run, until):
    first = controller.scenes()[0]
    window.storyboard.select_scene(first.id)
    window.inspector.approve_button.click()
    until(lambda: controller.store.get_scene(first.id).approval is Approval.APPROVED)
    window.undo_stack.undo()
    until(lambda: controller.store.get_scene(first.id).approval is Approval.DRAFT, what="undo")

    window.inspector.note.setText("Warmer light, please")
    window.inspector.changes_button.click()
    until(lambda: controller.store.get_scene(first.id).approval is Approval.CHANGES_REQUESTED)
    assert controller.store.get_scene(first.id).approval_note == "Warmer light, please"

    window.actions_.approve_plan.trigger()
    until(lambda: controller.project().plan_approved, what="plan approval")
    store = reopened(controller, run)
    try:
        assert store.get_project(imported).plan_approved
        # approving the plan approves drafts, never overrides a change request
        approvals = [s.approval for s in store.list_scenes(imported)]
        assert approvals == [Approval.CHANGES_REQUESTED, Approval.APPROVED]
    finally:
        store.close()


@pytest.mark.slow  # two real offline renders (≈10 s on an idle 2-core machine)
def test_regenerate_one_scene_then_pick_between_takes(window, controller, imported, run, until):
    steps_seen = []
    controller.stepChanged.connect(lambda step, status, pct, _d: steps_seen.append((step, pct)))
    run(controller.approve_plan())
    run(controller.run_pipeline())
    assert all(s.status.value == "completed" for s in controller.scenes())
    assert ("generate_videos", 100.0) in steps_seen  # the pipeline panel's feed advanced
    first, second = controller.scenes()
    old_take = first.selected_take_id

    window.storyboard.select_scene(first.id)
    strip = window.takes
    until(lambda: len(strip.takes) == 1, what="takes strip")
    strip.clip_button.click()
    # Scene 2 starts on scene 1's last frame: the chain is shown before anything is spent.
    box = strip.cascade_box
    assert isinstance(box, QMessageBox) and box.isVisible() and "2" in box.text()
    keep = next(b for b in box.buttons() if b.text() == "Keep the others")
    keep.click()
    until(lambda: not controller.is_running() and len(strip.takes) == 2, timeout=90)
    until(lambda: not controller.tasks.running(), what="regeneration")
    new_take = controller.scene(first.id).selected_take_id
    assert new_take != old_take and controller.selected_take(first.id).clip
    assert controller.scene(second.id).selected_take_id == second.selected_take_id  # kept

    strip.list.itemClicked.emit(strip.list.item(0))  # back to the first take...
    until(lambda: controller.scene(first.id).selected_take_id == old_take, what="select old")
    strip.list.itemClicked.emit(strip.list.item(1))  # ...and to the new one
    until(lambda: controller.scene(first.id).selected_take_id == new_take, what="select new")
    store = reopened(controller, run)
    try:
        assert store.get_scene(first.id).selected_take_id == new_take
        assert len(store.list_takes(first.id)) == 2
    finally:
        store.close()


def _drop(view, ids: list[str], target: QPoint) -> None:
    mime = QMimeData()
    mime.setData(MIME_TYPE, "\n".join(ids).encode())
    event = QDropEvent(
        target.toPointF(), Qt.DropAction.MoveAction, mime,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    view.dropEvent(event)
    assert event.isAccepted()


def test_drag_reorder_renumbers_persists_and_undoes(window, controller, run, until):
    project_id = add_project(controller, 5)
    run(controller.open_project(project_id))
    board = window.storyboard
    ids = board.model.scene_ids()
    first_card = board.list.visualRect(board.proxy.index(0, 0))
    _drop(board.list, [ids[3]], first_card.center() - QPoint(first_card.width() // 4, 0))
    until(lambda: board.model.scene_ids()[0] == ids[3], what="reorder")
    numbers = [board.proxy.index(r, 0).data(NumberRole) for r in range(5)]
    assert numbers == [1, 2, 3, 4, 5]
    assert board.proxy.index(0, 0).data(SceneIdRole) == ids[3]
    assert controller.store.list_scenes(project_id)[0].id == ids[3]

    window.undo_stack.undo()
    until(lambda: board.model.scene_ids() == ids, what="undo reorder")
    window.undo_stack.redo()
    until(lambda: board.model.scene_ids()[0] == ids[3], what="redo reorder")
    store = reopened(controller, run)
    try:
        persisted = store.list_scenes(project_id)
        assert [s.id for s in persisted] == [ids[3], ids[0], ids[1], ids[2], ids[4]]
        assert [s.number for s in persisted] == [1, 2, 3, 4, 5]
    finally:
        store.close()


def test_shortcuts_duplicate_delete_and_undo_brings_takes_back(
    window, controller, run, until, qtbot
):
    from genstudio.models import Take

    project_id = add_project(controller, 3)
    run(controller.open_project(project_id))
    board = window.storyboard
    victim = controller.scenes()[1]
    take = controller.store.save_take(Take(scene_id=victim.id, note="the good one"))
    run(controller.select_take(victim.id, take.id))
    board.select_scene(victim.id)
    window.activateWindow()
    board.list.setFocus()
    until(board.list.hasFocus, what="focus")
    qtbot.keyClick(board.list, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    until(lambda: len(controller.scenes()) == 4, what="Ctrl+D duplicate")
    duplicate = controller.scenes()[2]
    assert duplicate.visual_prompt == victim.visual_prompt and duplicate.id != victim.id

    board.select_scene(victim.id)
    qtbot.keyClick(board.list, Qt.Key.Key_Delete)
    until(lambda: controller.scene(victim.id) is None, what="Delete")
    assert controller.store.list_takes(victim.id) == []  # the database cascaded the takes
    window.undo_stack.undo()
    until(lambda: controller.scene(victim.id) is not None, what="undo delete")
    assert [t.id for t in controller.store.list_takes(victim.id)] == [take.id]
    assert controller.scene(victim.id).selected_take_id == take.id
    assert [s.number for s in controller.scenes()] == [1, 2, 3, 4]


def test_layout_zoom_and_last_project_survive_a_restart(window, controller, run, open_window):
    from ui.startup import open_initial_project

    first = add_project(controller, 2, title="First")
    second = add_project(controller, 2, title="Second")
    run(controller.open_project(first))
    window.docks["log"].hide()
    window.storyboard.zoom_in()
    zoom = window.storyboard.zoom
    window.resize(900, 520)
    height = window.height()
    window.close()

    again = open_window(MainWindow(controller))
    assert again.docks["log"].isHidden()
    # (the width is clamped to the 800 px offscreen screen; the height is not)
    assert again.storyboard.zoom == zoom and again.height() == height
    run(open_initial_project(controller))
    assert controller.project_id == first != second  # the last one, not merely the newest
    assert Path(controller.project_dir()).is_dir()
