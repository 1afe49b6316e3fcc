"""The takes of the selected scene, side by side: pick one, or regenerate image or clip.

Regenerating a scene that later scenes continue from (they start on its last frame) first
shows the chain in a non-modal box (`open()`, never `exec()` inside a coroutine: STYLE.md
§4.1): regenerate them too (cascade) or keep their clips and accept the seam.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from genstudio.models import Take
from genstudio.storyboard import continuation_chain
from ui.controller import ProjectController
from ui.models.storyboard_model import thumbnail_source
from ui.seam import seam_text, seam_tooltip

THUMB = QSize(128, 77)
SEAM_LINE = 16  # room for a third label line: "Seam 87 · ok"
TakeRole = int(Qt.ItemDataRole.UserRole) + 1
_runs = itertools.count(1)


class TakesStrip(QWidget):
    takeShown = Signal(object)  # the Take to preview (None: nothing to show)

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.scene_id: str | None = None
        self.takes: list[Take] = []
        self.cascade_box: QMessageBox | None = None
        self.list = QListWidget(self)
        self.list.setObjectName("takesList")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setIconSize(THUMB)
        self.list.setFixedHeight(THUMB.height() + 52 + SEAM_LINE)
        self.list.setSpacing(4)
        self.list.itemClicked.connect(self._clicked)
        self.list.currentItemChanged.connect(self._current_changed)
        self.title = QLabel(self.tr("Takes"), self)
        self.image_button = QPushButton(self.tr("Regenerate image"), self)
        self.image_button.setToolTip(self.tr("New start image and clip for this scene"))
        self.clip_button = QPushButton(self.tr("Regenerate clip"), self)
        self.clip_button.setToolTip(self.tr("New clip from the same start image (Ctrl+R)"))
        self.image_button.clicked.connect(lambda: self.regenerate("image"))
        self.clip_button.clicked.connect(lambda: self.regenerate("clip"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.title, 1)
        buttons.addWidget(self.image_button)
        buttons.addWidget(self.clip_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.list)
        controller.sceneChanged.connect(self._scene_changed)
        controller.thumbnails.imageReady.connect(self._image_ready)
        self.show_scene(None)

    # -- loading --------------------------------------------------------------------------

    def show_scene(self, scene_id: str | None) -> None:
        self.scene_id = scene_id or None
        self._update_buttons()
        if self.scene_id is None:
            self._fill([])
            return
        self.controller.tasks.spawn("takes", self._load(self.scene_id))

    async def _load(self, scene_id: str) -> None:
        takes = await self.controller.list_takes(scene_id)
        if scene_id == self.scene_id:
            self._fill(takes)

    def _fill(self, takes: list[Take]) -> None:
        self.takes = takes
        scene = self.controller.scene(self.scene_id) if self.scene_id else None
        selected = scene.selected_take_id if scene else None
        self.list.blockSignals(True)
        self.list.clear()
        current = None
        for number, take in enumerate(takes, start=1):
            item = QListWidgetItem(self._label(number, take, take.id == selected))
            item.setData(TakeRole, take.id)
            item.setToolTip(self._tooltip(take))
            item.setIcon(self._icon(take))
            item.setSizeHint(QSize(THUMB.width() + 16, THUMB.height() + 40 + SEAM_LINE))
            self.list.addItem(item)
            if take.id == selected:
                current = item
        self.list.blockSignals(False)
        if current is not None:
            self.list.setCurrentItem(current)
        self.title.setText(self.tr("Takes (%d)") % len(takes) if takes else self.tr("No takes yet"))
        self.takeShown.emit(self.take_by_id(selected) if selected else None)

    def _label(self, number: int, take: Take, selected: bool) -> str:
        state = self.tr("clip") if take.clip else self.tr("no clip yet")
        mark = "✓ " if selected else ""
        seam = seam_text(take)  # continuation scenes: how well the start image matches
        title = self.tr("Take %d") % number  # outside the f-string: lupdate skips those
        return f"{mark}{title}\n{state}" + (f"\n{seam}" if seam else "")

    def _tooltip(self, take: Take) -> str:
        lines = [take.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")]
        for provenance in (take.image_provenance, take.clip_provenance):
            if provenance is not None:
                lines.append(f"{provenance.provider} {provenance.model}".strip())
        if take.cost:
            lines.append(self.tr("cost %.2f") % take.cost)
        seam = seam_tooltip(take)
        if seam:
            lines += ["", seam]
        return "\n".join(lines)

    def _source(self, take: Take) -> Path | None:
        return thumbnail_source(self.controller.project_dir(), take)

    def _icon(self, take: Take) -> QIcon:
        source = self._source(take)
        image = self.controller.thumbnails.request(source, THUMB) if source else None
        if image is None:
            return QIcon()
        return QIcon(QPixmap.fromImage(image))  # GUI thread: the only place a pixmap is made

    def _image_ready(self, path: str) -> None:
        for row in range(self.list.count()):
            take = self.take_by_id(self.list.item(row).data(TakeRole))
            if take is not None and str(self._source(take)) == path:
                self.list.item(row).setIcon(self._icon(take))

    def take_by_id(self, take_id: str | None) -> Take | None:
        return next((t for t in self.takes if t.id == take_id), None)

    def _scene_changed(self, scene_id: str) -> None:
        if scene_id == self.scene_id:
            self.controller.tasks.spawn("takes", self._load(scene_id))

    # -- actions --------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        enabled = self.scene_id is not None
        self.image_button.setEnabled(enabled)
        self.clip_button.setEnabled(enabled)

    def _current_changed(self, item: QListWidgetItem | None, _old: object) -> None:
        self.takeShown.emit(self.take_by_id(item.data(TakeRole)) if item else None)

    def _clicked(self, item: QListWidgetItem) -> None:
        self.select_take(item.data(TakeRole))

    def select_take(self, take_id: str) -> None:
        scene = self.controller.scene(self.scene_id) if self.scene_id else None
        if scene is None or scene.selected_take_id == take_id:
            return
        self.controller.tasks.spawn(
            "save:select-take", self.controller.select_take(scene.id, take_id)
        )

    def regenerate(self, what: str) -> None:
        """Regenerate the image or clip; asks first when continuation scenes depend on it."""
        if self.scene_id is None:
            return
        chain = continuation_chain(self.controller.scenes(), self.scene_id)
        if not chain:
            self._start(what, cascade=False)
            return
        numbers = ", ".join(str(s.number) for s in chain)
        scene = self.controller.scene(self.scene_id)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Regenerate scene %d") % (scene.number if scene else 0))
        box.setText(self.tr("Scenes %s start on this scene's last frame.") % numbers)
        box.setInformativeText(
            self.tr(
                "Regenerate them too, so every seam stays exact? If you keep them, their "
                "first frames will no longer match this scene's new ending."
            )
        )
        cascade = box.addButton(self.tr("Regenerate all"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(self.tr("Keep the others"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cascade)

        def chosen(button: QAbstractButton) -> None:
            if button is cascade:
                self._start(what, cascade=True)
            elif button is keep:
                self._start(what, cascade=False)
            self.cascade_box = None

        box.buttonClicked.connect(chosen)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.cascade_box = box
        box.open()

    def _start(self, what: str, *, cascade: bool) -> None:
        if self.scene_id is not None:
            # A unique name: a second regeneration must not cancel the first one's run.
            self.controller.tasks.spawn(
                f"regenerate:{next(_runs)}",
                self.controller.regenerate(self.scene_id, what, cascade),
            )
