"""StoryboardModel: the Qt model contract, and that it follows the engine's scene list."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPersistentModelIndex, QSize
from PySide6.QtGui import QImage

from genstudio.models import Approval, SceneStatus, Take
from tests.ui.conftest import add_project
from ui.models.storyboard_model import (
    CARD_ROLES,
    MIME_TYPE,
    ApprovalRole,
    HeadingRole,
    NumberRole,
    ProgressRole,
    SceneIdRole,
    StatusRole,
    StoryboardModel,
    ThumbnailRole,
)
from ui.views.storyboard_view import reordered


@pytest.fixture
def check_model(request):
    """qtmodeltester.check, re-runnable: each call is a fresh tester that also keeps watching
    the model's signals (resets, layout changes, dataChanged) for the rest of the test."""
    from pytestqt.modeltest import ModelTester

    testers = []

    def check(model):
        tester = ModelTester(request.config)
        testers.append(tester)
        tester.check(model, force_py=True)

    yield check
    for tester in testers:
        tester._cleanup()


@pytest.fixture
def opened(controller, run):
    project_id = add_project(controller, 6)
    run(controller.open_project(project_id))
    return controller


def test_model_contract_through_reset_move_and_edit(opened, run, check_model):
    model = StoryboardModel(opened)
    check_model(model)
    assert model.rowCount() == 6
    assert [model.index(r, 0).data(NumberRole) for r in range(6)] == [1, 2, 3, 4, 5, 6]

    ids = model.scene_ids()
    run(opened.apply_structure("reorder", [ids[3], *ids[:3], *ids[4:]]))
    check_model(model)
    assert model.index(0, 0).data(SceneIdRole) == ids[3]
    assert model.index(0, 0).data(NumberRole) == 1  # numbering follows the new order

    run(opened.apply_structure("delete", [ids[0]]))
    check_model(model)
    assert model.rowCount() == 5

    other = add_project(opened, 3, title="Another")
    run(opened.open_project(other))
    check_model(model)
    assert model.rowCount() == 3


def test_reorder_is_a_layout_change_that_keeps_persistent_indexes(opened, run, qtbot):
    model = StoryboardModel(opened)
    ids = model.scene_ids()
    third = QPersistentModelIndex(model.index(2, 0))
    new_order = [ids[2], ids[0], ids[1], *ids[3:]]
    with qtbot.waitSignal(model.layoutChanged, timeout=5000):
        run(opened.apply_structure("reorder", new_order))
    assert third.isValid() and third.row() == 0  # the persistent index followed its scene
    assert third.data(SceneIdRole) == ids[2]
    assert model.scene_ids() == new_order


def test_scene_edit_emits_data_changed_for_its_row(opened, run, qtbot):
    model = StoryboardModel(opened)
    scene = opened.scenes()[1].model_copy(deep=True)
    scene.approval = Approval.APPROVED
    scene.heading.location = "ENGINE ROOM"
    scene.heading.raw = ""
    with qtbot.waitSignal(model.dataChanged, timeout=5000) as blocker:
        run(opened.save_scene(scene))
    top, bottom, roles = blocker.args
    assert top.row() == bottom.row() == 1
    assert set(roles) == set(CARD_ROLES)
    assert model.index(1, 0).data(ApprovalRole) == "approved"
    assert "ENGINE ROOM" in model.index(1, 0).data(HeadingRole)


def test_engine_events_update_status_and_progress(opened, run, until, qtbot):
    from genstudio.events import SceneChanged
    from genstudio.models import Job, JobState

    model = StoryboardModel(opened)
    scene = opened.scenes()[0]
    # The pipeline saves the scene, then emits; the model hears it through the bridge.
    running = scene.model_copy(update={"status": SceneStatus.RUNNING})
    opened.store.save_scene(opened.project_id, running)
    opened.events.emit(SceneChanged(opened.project_id, scene.id, SceneStatus.RUNNING))
    until(lambda: model.index(0, 0).data(StatusRole) == "running", what="status role")

    job = Job(project_id=opened.project_id, scene_id=scene.id, kind="video", provider="x")
    job.state, job.progress = JobState.POLLING, 0.4
    opened.store.save_job(job)
    from genstudio.events import JobChanged

    opened.events.emit(JobChanged(opened.project_id, job.id, "video", "x", "polling", progress=0.4))
    until(lambda: model.index(0, 0).data(ProgressRole) == pytest.approx(0.4), what="progress")
    assert model.index(1, 0).data(ProgressRole) == -1.0


def test_thumbnail_arrives_off_thread_and_repaints_its_row(opened, run, until, qtbot):
    model = StoryboardModel(opened)
    model.set_thumbnail_size(QSize(160, 96))
    scene = opened.scenes()[2]
    project_dir = opened.project_dir()
    image = np.zeros((384, 640, 3), np.uint8)
    image[:, :320] = (0, 0, 255)  # BGR red on the left half
    cv2.imwrite(str(project_dir / "images" / "s3.png"), image)
    take = Take(scene_id=scene.id, reference_image="images/s3.png")
    opened.store.save_take(take)
    run(opened.select_take(scene.id, take.id))

    assert model.index(2, 0).data(ThumbnailRole) is None  # placeholder while loading
    with qtbot.waitSignal(model.dataChanged, timeout=5000) as blocker:
        until(lambda: opened.thumbnails.pending() == 0, what="thumbnail load")
    assert blocker.args[0].row() == 2 and ThumbnailRole in blocker.args[2]
    thumb = model.index(2, 0).data(ThumbnailRole)
    assert isinstance(thumb, QImage) and (thumb.width(), thumb.height()) == (160, 96)
    left, right = thumb.pixelColor(10, 48), thumb.pixelColor(150, 48)
    assert (left.red(), left.blue()) == (255, 0) and right.red() == 0  # RGB order kept


def test_drag_carries_scene_ids_and_reorder_math(opened):
    model = StoryboardModel(opened)
    ids = model.scene_ids()
    mime = model.mimeData([model.index(4, 0), model.index(1, 0)])
    assert bytes(mime.data(MIME_TYPE).data()).decode().split() == [ids[1], ids[4]]
    order = list("abcdef")
    assert reordered(order, ["e"], 0) == list("eabcdf")
    assert reordered(order, ["b", "e"], 6) == list("acdfbe")
    assert reordered(order, ["a"], 3) == list("bcadef")
    assert reordered(order, ["c"], 3) == order  # dropped right after itself: no change
