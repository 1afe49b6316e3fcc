"""The storyboard grid: a configured QListView over StoryboardModel (through a status filter),
painted by SceneCardDelegate, with zoom, multi-select, drag-to-reorder and insert / duplicate
/ delete recorded on the undo stack.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QDropEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from genstudio.models import Scene
from ui.controller import ProjectController
from ui.delegates.scene_card import ZOOM_LEVELS, SceneCardDelegate
from ui.models.storyboard_model import (
    MIME_TYPE,
    ApprovalRole,
    SceneIdRole,
    StatusRole,
    StoryboardModel,
)
from ui.undo import next_save_name, structure_op

FILTERS = ("all", "pending", "running", "completed", "failed", "unapproved", "changes_requested")


def reordered(order: list[str], moving: list[str], dest: int) -> list[str]:
    """`order` with the `moving` ids (kept in their relative order) placed before position
    `dest` of the original list (`dest == len(order)`: at the end)."""
    moving_set = set(moving) & set(order)
    rest = [i for i in order if i not in moving_set]
    insert_at = sum(1 for i in order[:dest] if i not in moving_set)
    block = [i for i in order if i in moving_set]
    return rest[:insert_at] + block + rest[insert_at:]


class StatusFilter(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.mode = "all"

    def set_mode(self, mode: str) -> None:
        self.beginFilterChange()
        self.mode = mode
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if self.mode == "all":
            return True
        index = self.sourceModel().index(row, 0, parent)
        if self.mode == "unapproved":
            return index.data(ApprovalRole) != "approved"
        if self.mode == "changes_requested":
            return index.data(ApprovalRole) == "changes_requested"
        return index.data(StatusRole) == self.mode


class StoryboardList(QListView):
    """The grid itself. Drops are handled here so a move always goes through the engine."""

    reorderRequested = Signal(list)  # the complete new order of scene ids

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setMouseTracking(True)
        self.reorder_enabled = True

    def drop_row(self, pos: QPoint) -> int:
        """Source-model row a drop at `pos` lands before (left half of a card: before it)."""
        proxy = self.model()
        index = self.indexAt(pos)
        source = proxy.sourceModel() if isinstance(proxy, QSortFilterProxyModel) else proxy
        if not index.isValid():
            return source.rowCount()
        rect = self.visualRect(index)
        row = (
            proxy.mapToSource(index).row()
            if isinstance(proxy, QSortFilterProxyModel)
            else index.row()
        )
        return row if pos.x() < rect.center().x() else row + 1

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        if not (self.reorder_enabled and mime.hasFormat(MIME_TYPE)):
            event.ignore()
            return
        moving = bytes(mime.data(MIME_TYPE).data()).decode().split()
        proxy = self.model()
        source = proxy.sourceModel() if isinstance(proxy, QSortFilterProxyModel) else proxy
        order = source.scene_ids()
        new_order = reordered(order, moving, self.drop_row(event.position().toPoint()))
        # The model has no removeRows: when the drag finishes as a "move", the view cannot
        # drop the source rows itself; rows follow the engine's order when it reloads.
        event.acceptProposedAction()
        if new_order != order:
            self.reorderRequested.emit(new_order)


class StoryboardView(QWidget):
    currentSceneChanged = Signal(str)  # "" when nothing is current
    selectionCountChanged = Signal(int)

    def __init__(
        self, controller: ProjectController, undo: QUndoStack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.undo = undo
        self.model = StoryboardModel(controller, self)
        self.proxy = StatusFilter(self)
        self.proxy.setSourceModel(self.model)
        self.delegate = SceneCardDelegate(self)
        self.list = StoryboardList(self)
        self.list.setObjectName("storyboardList")
        self.list.setModel(self.proxy)
        self.list.setItemDelegate(self.delegate)
        self._zoom_index = ZOOM_LEVELS.index(1.0)
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(250)
        self._summary_timer.timeout.connect(self._update_summary)
        self._build_bar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(self.list, 1)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.list.selectionModel().selectionChanged.connect(
            lambda *_: self.selectionCountChanged.emit(len(self.selected_ids()))
        )
        self.list.reorderRequested.connect(self.move_scenes)
        controller.projectOpened.connect(self._project_opened)
        controller.scenesReset.connect(self._scenes_reset)
        controller.sceneChanged.connect(self._scene_changed)
        self.apply_zoom()

    def _build_bar(self) -> None:
        self.bar = QWidget(self)
        self.bar.setObjectName("storyboardBar")
        row = QHBoxLayout(self.bar)
        row.setContentsMargins(8, 4, 8, 4)
        self.filter_box = QComboBox(self.bar)
        labels = {
            "all": self.tr("All scenes"),
            "pending": self.tr("Pending"),
            "running": self.tr("Rendering"),
            "completed": self.tr("Done"),
            "failed": self.tr("Failed"),
            "unapproved": self.tr("Not approved"),
            "changes_requested": self.tr("Changes requested"),
        }
        for key in FILTERS:
            self.filter_box.addItem(labels[key], key)
        self.filter_box.currentIndexChanged.connect(
            lambda _i: self.set_filter(self.filter_box.currentData())
        )
        self.summary = QLabel(self.bar)
        self.zoom_out_button = QToolButton(self.bar)
        self.zoom_out_button.setText("−")
        self.zoom_out_button.setToolTip(self.tr("Smaller cards (Ctrl+-)"))
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.zoom_in_button = QToolButton(self.bar)
        self.zoom_in_button.setText("+")
        self.zoom_in_button.setToolTip(self.tr("Bigger cards (Ctrl+=)"))
        self.zoom_in_button.clicked.connect(self.zoom_in)
        row.addWidget(QLabel(self.tr("Show:"), self.bar))
        row.addWidget(self.filter_box)
        row.addSpacing(12)
        row.addWidget(self.summary, 1)
        row.addWidget(self.zoom_out_button)
        row.addWidget(self.zoom_in_button)

    # -- zoom and filter ------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return ZOOM_LEVELS[self._zoom_index]

    def set_zoom(self, zoom: float) -> None:
        nearest = min(range(len(ZOOM_LEVELS)), key=lambda i: abs(ZOOM_LEVELS[i] - zoom))
        self._zoom_index = nearest
        self.apply_zoom()

    def zoom_in(self) -> None:
        self.set_zoom(ZOOM_LEVELS[min(self._zoom_index + 1, len(ZOOM_LEVELS) - 1)])

    def zoom_out(self) -> None:
        self.set_zoom(ZOOM_LEVELS[max(self._zoom_index - 1, 0)])

    def apply_zoom(self) -> None:
        self.delegate.zoom = self.zoom
        ratio = self.devicePixelRatioF()
        thumb = self.delegate.thumb_size()
        self.model.set_thumbnail_size(
            QSize(round(thumb.width() * ratio), round(thumb.height() * ratio))
        )
        self.zoom_in_button.setEnabled(self._zoom_index < len(ZOOM_LEVELS) - 1)
        self.zoom_out_button.setEnabled(self._zoom_index > 0)
        self.list.doItemsLayout()
        self.list.viewport().update()

    def set_filter(self, mode: str) -> None:
        self.proxy.set_mode(mode)
        # Reordering a filtered view would move scenes relative to hidden ones: only when all show.
        self.list.reorder_enabled = mode == "all"
        self.list.setDragEnabled(mode == "all")
        self._update_summary()

    # -- selection ------------------------------------------------------------------------

    def current_id(self) -> str | None:
        index = self.list.currentIndex()
        return index.data(SceneIdRole) if index.isValid() else None

    def selected_ids(self) -> list[str]:
        rows = sorted(self.proxy.mapToSource(i).row() for i in self.list.selectedIndexes())
        ids = self.model.scene_ids()
        return [ids[r] for r in rows if 0 <= r < len(ids)]

    def select_scene(self, scene_id: str) -> None:
        index = self.proxy.mapFromSource(self.model.index_of(scene_id))
        if index.isValid():
            self.list.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.list.scrollTo(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.currentSceneChanged.emit(current.data(SceneIdRole) if current.isValid() else "")

    def _project_opened(self, _project_id: str) -> None:
        project = self.controller.project()
        if project is not None:
            width, height = project.aspect.size
            self.delegate.aspect = height / width
        self.undo.clear()  # undo history belongs to one project
        self.apply_zoom()

    def _scene_changed(self, _scene_id: str) -> None:
        # A run changes scenes many times a second: recount at most every 250 ms.
        if not self._summary_timer.isActive():
            self._summary_timer.start()

    def _scenes_reset(self) -> None:
        self._update_summary()
        if not self.list.currentIndex().isValid() and self.proxy.rowCount() > 0:
            first = self.proxy.index(0, 0)
            self.list.selectionModel().setCurrentIndex(
                first, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    def _update_summary(self) -> None:
        scenes = self.controller.scenes()
        total = sum(s.duration for s in scenes)
        minutes, seconds = divmod(round(total), 60)
        shown = self.proxy.rowCount()
        text = self.tr("%d scenes · %d:%02d") % (len(scenes), minutes, seconds)
        if shown != len(scenes):
            text = self.tr("%d of %s") % (shown, text)
        self.summary.setText(text)

    # -- structural edits (undoable) ------------------------------------------------------

    def _spawn_structure(self, text: str, op: str, *args: Any) -> None:
        async def run() -> None:
            change = await structure_op(self.controller, self.undo, text, op, *args)
            if change.focus:
                self.select_scene(change.focus)

        self.controller.tasks.spawn(next_save_name("structure"), run())

    def move_scenes(self, order: list[str]) -> None:
        self._spawn_structure(self.tr("Move scenes"), "reorder", order)

    def insert_scene(self) -> None:
        after = self.current_id()
        scene = Scene(number=1, duration=5.0)
        self._spawn_structure(self.tr("Insert scene"), "insert", scene, after)

    def duplicate_selected(self) -> None:
        current = self.current_id()
        if current:
            self._spawn_structure(self.tr("Duplicate scene"), "duplicate", current)

    def delete_selected(self) -> None:
        ids = self.selected_ids() or ([self.current_id()] if self.current_id() else [])
        if ids:
            self._spawn_structure(self.tr("Delete %n scene(s)", "", len(ids)), "delete", ids)
