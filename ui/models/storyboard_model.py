"""The storyboard as a Qt list model over the controller's scene cache (napari-style adapter).

Rows are scene ids in storyboard order; every role reads the controller's GUI-thread cache, so
`data()` never blocks. Engine changes arrive as controller signals:
- a scene changed → `dataChanged` for that row (all card roles);
- the scene list was reloaded → a *layout change* when it is the same scenes in a new order
  (selection and persistent indexes follow their scenes), a model reset otherwise;
- a thumbnail arrived → `dataChanged(row, [ThumbnailRole])`;
- render progress → `dataChanged(row, [ProgressRole])`.
Dragging carries scene ids (`MIME_TYPE`); the view performs the move through the controller
(`genstudio.storyboard.reorder`), so numbering and continuity follow the engine's rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)

from genstudio.models import Scene, Take
from ui.controller import ProjectController

MIME_TYPE = "application/x-genstudio-scene-ids"
Index = QModelIndex | QPersistentModelIndex

_USER = int(Qt.ItemDataRole.UserRole)
SceneRole = _USER + 1  # the Scene (pydantic, read-only)
SceneIdRole = _USER + 2
NumberRole = _USER + 3  # int
HeadingRole = _USER + 4  # slug line
ThumbnailRole = _USER + 5  # QImage, or None while loading / when there is no image yet
StatusRole = _USER + 6  # SceneStatus value
ProgressRole = _USER + 7  # 0..1 while rendering with known progress, -1 otherwise
ApprovalRole = _USER + 8  # Approval value
LockedRole = _USER + 9  # bool
DurationRole = _USER + 10  # seconds
ContinuesRole = _USER + 11  # bool: starts on the previous scene's last frame
HasImageRole = _USER + 12  # bool: the selected take has something to show
ErrorRole = _USER + 13  # str

CARD_ROLES = [
    SceneRole,
    NumberRole,
    HeadingRole,
    ThumbnailRole,
    StatusRole,
    ProgressRole,
    ApprovalRole,
    LockedRole,
    DurationRole,
    ContinuesRole,
    HasImageRole,
    ErrorRole,
    int(Qt.ItemDataRole.DisplayRole),
    int(Qt.ItemDataRole.ToolTipRole),
]

ROLE_NAMES = {
    SceneRole: b"scene",
    SceneIdRole: b"sceneId",
    NumberRole: b"number",
    HeadingRole: b"heading",
    ThumbnailRole: b"thumbnail",
    StatusRole: b"status",
    ProgressRole: b"progress",
    ApprovalRole: b"approval",
    LockedRole: b"locked",
    DurationRole: b"duration",
    ContinuesRole: b"continues",
    HasImageRole: b"hasImage",
    ErrorRole: b"error",
}


def thumbnail_source(project_dir: Path | None, take: Take | None) -> Path | None:
    """The picture that stands for a take: its start image, else its last frame, else its clip."""
    if project_dir is None or take is None:
        return None
    for relative in (take.reference_image, take.end_frame, take.clip):
        if relative:
            return project_dir / relative
    return None


class StoryboardModel(QAbstractListModel):
    def __init__(self, controller: ProjectController, parent: Any = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._loader = controller.thumbnails
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._rows_by_path: dict[str, list[int]] = {}
        self.thumbnail_size = QSize(256, 154)  # device pixels; the view sets it from its zoom
        controller.scenesReset.connect(self._sync)
        controller.sceneChanged.connect(self._scene_changed)
        controller.sceneProgress.connect(self._progress_changed)
        self._loader.imageReady.connect(self._image_ready)
        self._sync()

    # -- Qt model API ---------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update({role: QByteArray(name) for role, name in ROLE_NAMES.items()})
        return names

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid():
            return base | Qt.ItemFlag.ItemIsDropEnabled
        return base | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data.setData(MIME_TYPE, QByteArray("\n".join(self._ids[r] for r in rows).encode()))
        return data

    def data(self, index: Index, role: int = int(Qt.ItemDataRole.DisplayRole)) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        scene_id = self._ids[index.row()]
        scene = self._controller.scene(scene_id)
        if scene is None:
            return None
        if role == SceneIdRole:
            return scene_id
        if role == int(Qt.ItemDataRole.DisplayRole):
            return f"{scene.number}. {scene.heading.slug_line()}"
        if role == int(Qt.ItemDataRole.ToolTipRole):
            return self._tooltip(scene)
        return self._card_data(scene, role)

    def _card_data(self, scene: Scene, role: int) -> Any:
        if role == SceneRole:
            return scene
        if role == NumberRole:
            return scene.number
        if role == HeadingRole:
            return scene.heading.slug_line()
        if role == StatusRole:
            return scene.status.value
        if role == ApprovalRole:
            return scene.approval.value
        if role == LockedRole:
            return scene.locked
        if role == DurationRole:
            return scene.duration
        if role == ContinuesRole:
            return scene.continues_from is not None
        if role == ErrorRole:
            return scene.error
        if role == ProgressRole:
            progress = self._controller.scene_progress(scene.id)
            return -1.0 if progress is None else float(progress)
        if role in (ThumbnailRole, HasImageRole):
            source = self._source(scene.id)
            if role == HasImageRole:
                return source is not None
            return self._loader.request(source, self.thumbnail_size) if source else None
        return None

    def _tooltip(self, scene: Scene) -> str:
        lines = [f"{scene.number}. {scene.heading.slug_line()}", f"{scene.duration:.1f} s"]
        if scene.visual_prompt:
            lines.append(scene.visual_prompt[:200])
        if scene.error:
            lines.append(scene.error[:300])
        return "\n".join(lines)

    # -- helpers for views ----------------------------------------------------------------

    def scene_ids(self) -> list[str]:
        return list(self._ids)

    def row_of(self, scene_id: str) -> int:
        return self._row.get(scene_id, -1)

    def index_of(self, scene_id: str) -> QModelIndex:
        row = self.row_of(scene_id)
        return self.index(row, 0) if row >= 0 else QModelIndex()

    def set_thumbnail_size(self, size: QSize) -> None:
        if size != self.thumbnail_size:
            self.thumbnail_size = QSize(size)
            if self._ids:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self._ids) - 1, 0), [ThumbnailRole]
                )

    def _source(self, scene_id: str) -> Path | None:
        path = thumbnail_source(
            self._controller.project_dir(), self._controller.selected_take(scene_id)
        )
        if path is not None:
            self._rows_by_path.setdefault(str(path), [])
            rows = self._rows_by_path[str(path)]
            row = self._row.get(scene_id, -1)
            if row >= 0 and row not in rows:
                rows.append(row)
        return path

    # -- controller / loader signals ------------------------------------------------------

    def _sync(self) -> None:
        new_ids = [s.id for s in self._controller.scenes()]
        self._rows_by_path.clear()
        if new_ids == self._ids:
            if new_ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(new_ids) - 1, 0), CARD_ROLES)
            return
        if sorted(new_ids) == sorted(self._ids):
            self._relayout(new_ids)
            return
        self.beginResetModel()
        self._set_ids(new_ids)
        self.endResetModel()

    def _relayout(self, new_ids: list[str]) -> None:
        """Same scenes, new order: move persistent indexes with their scenes."""
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_ids = [self._ids[i.row()] for i in old_persistent]
        self._set_ids(new_ids)
        new_persistent = [self.index(self._row[sid], 0) for sid in old_ids]
        self.changePersistentIndexList(old_persistent, new_persistent)
        self.layoutChanged.emit()
        self.dataChanged.emit(self.index(0, 0), self.index(len(new_ids) - 1, 0), CARD_ROLES)

    def _set_ids(self, ids: list[str]) -> None:
        self._ids = ids
        self._row = {sid: row for row, sid in enumerate(ids)}

    def _scene_changed(self, scene_id: str) -> None:
        row = self._row.get(scene_id, -1)
        if row < 0:
            return
        source = thumbnail_source(
            self._controller.project_dir(), self._controller.selected_take(scene_id)
        )
        if source is not None:
            self._loader.invalidate(source)  # the same file may have been re-rendered
        index = self.index(row, 0)
        self.dataChanged.emit(index, index, CARD_ROLES)

    def _progress_changed(self, scene_id: str, _progress: float) -> None:
        row = self._row.get(scene_id, -1)
        if row >= 0:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [ProgressRole])

    def _image_ready(self, path: str) -> None:
        for row in self._rows_by_path.get(path, []):
            if row < len(self._ids):
                index = self.index(row, 0)
                self.dataChanged.emit(index, index, [ThumbnailRole, HasImageRole])
