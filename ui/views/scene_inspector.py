"""The scene inspector: every field of the selected scene, autosaved within 500 ms.

Edits restart a single-shot 500 ms timer owned by this widget; when it fires, or when another
scene is selected or the window closes (`flush()`), the edited scene is pushed on the undo
stack, whose command saves it. A prompt over 1,000 characters turns the counter red and is
not saved until it fits. The pipeline's own fields (status, takes) are never overwritten by an
edit: the controller merges them from the database.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from genstudio.models import (
    MAX_PROMPT_CHARS,
    Approval,
    Camera,
    CameraMove,
    IntExt,
    Scene,
    SceneHeading,
    ShotSize,
)
from ui.controller import ProjectController
from ui.labels import move_label, shot_size_label
from ui.seam import seam_colour, seam_text, seam_tooltip
from ui.undo import SceneEditCommand
from ui.views.dialogue_table import DialogueTable

AUTOSAVE_MS = 500
TIMES_OF_DAY = ("DAY", "NIGHT", "MORNING", "EVENING", "DAWN", "DUSK", "CONTINUOUS", "LATER")
ANGLES = ("eye level", "low angle", "high angle", "overhead", "dutch angle", "over the shoulder")


def _combo(parent: QWidget, items: list[tuple[str, str]], editable: bool = False) -> QComboBox:
    box = QComboBox(parent)
    box.setEditable(editable)
    for label, value in items:
        box.addItem(label, value)
    return box


class SceneInspector(QScrollArea):
    def __init__(
        self, controller: ProjectController, undo: QUndoStack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.undo = undo
        self.scene_id: str | None = None
        self._base: Scene | None = None  # the scene as last saved / loaded
        self._dirty = False
        self._loading = False
        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.flush)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.body = QWidget(self)
        self.setWidget(self.body)
        self._build()
        controller.sceneChanged.connect(self._scene_changed)
        controller.scenesReset.connect(self._scenes_reset)
        self.show_scene(None)

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self.body)
        self.title = QLabel(self.body)
        self.title.setObjectName("inspectorTitle")
        self.title.setWordWrap(True)
        outer.addWidget(self.title)
        self.seam_label = QLabel(self.body)
        self.seam_label.setObjectName("seamLabel")
        self.seam_label.hide()
        outer.addWidget(self.seam_label)
        outer.addWidget(self._approval_box())

        heading = QGroupBox(self.tr("Heading"), self.body)
        form = QFormLayout(heading)
        self.int_ext = _combo(heading, [(v.value or self.tr("(none)"), v.value) for v in IntExt])
        self.location = QLineEdit(heading)
        self.time_of_day = _combo(heading, [(t, t) for t in TIMES_OF_DAY], editable=True)
        self.weather = QLineEdit(heading)
        self.weather.setPlaceholderText(self.tr("e.g. rain, fog"))
        form.addRow(self.tr("Int./Ext."), self.int_ext)
        form.addRow(self.tr("Location"), self.location)
        form.addRow(self.tr("Time of day"), self.time_of_day)
        form.addRow(self.tr("Weather"), self.weather)
        outer.addWidget(heading)

        story = QGroupBox(self.tr("Story"), self.body)
        form = QFormLayout(story)
        self.characters = QLineEdit(story)
        self.characters.setPlaceholderText(self.tr("Names, separated by commas"))
        self.beats = QPlainTextEdit(story)
        self.beats.setPlaceholderText(self.tr("One beat per line"))
        self.beats.setFixedHeight(80)
        self.dialogue = DialogueTable(story)
        form.addRow(self.tr("Characters"), self.characters)
        form.addRow(self.tr("Beats"), self.beats)
        form.addRow(self.dialogue)
        outer.addWidget(story)

        shot = QGroupBox(self.tr("Shot"), self.body)
        form = QFormLayout(shot)
        self.shot_size = _combo(shot, [(shot_size_label(s), s.value) for s in ShotSize])
        self.angle = _combo(shot, [(a, a) for a in ANGLES], editable=True)
        self.movement = _combo(shot, [(move_label(m), m.value) for m in CameraMove])
        self.duration = QDoubleSpinBox(shot)
        self.duration.setRange(0.5, 120.0)
        self.duration.setSingleStep(0.5)
        self.duration.setDecimals(1)
        self.duration.setSuffix(" s")
        self.continuity = QComboBox(shot)
        self.continuity.setToolTip(
            self.tr("A continuation starts on the exact last frame of the scene just before it.")
        )
        self.prompt = QPlainTextEdit(shot)
        self.prompt.setPlaceholderText(self.tr("What the camera sees"))
        self.prompt.setFixedHeight(110)
        self.counter = QLabel(shot)
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(self.tr("Shot size"), self.shot_size)
        form.addRow(self.tr("Angle"), self.angle)
        form.addRow(self.tr("Movement"), self.movement)
        form.addRow(self.tr("Duration"), self.duration)
        form.addRow(self.tr("Continuity"), self.continuity)
        form.addRow(self.tr("Visual prompt"), self.prompt)
        form.addRow("", self.counter)
        outer.addWidget(shot)
        outer.addStretch(1)

        for line in (self.location, self.weather, self.characters):
            line.textEdited.connect(self._edited)
        for box in (self.int_ext, self.shot_size, self.movement, self.continuity):
            box.currentIndexChanged.connect(self._edited)
        for box in (self.time_of_day, self.angle):
            box.editTextChanged.connect(self._edited)
        self.beats.textChanged.connect(self._edited)
        self.prompt.textChanged.connect(self._edited)
        self.duration.valueChanged.connect(self._edited)
        self.dialogue.edited.connect(self._edited)

    def _approval_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Review"), self.body)
        layout = QVBoxLayout(box)
        self.approval_label = QLabel(box)
        self.approval_label.setWordWrap(True)
        self.note = QLineEdit(box)
        self.note.setPlaceholderText(self.tr("What should change? (for Request changes)"))
        row = QHBoxLayout()
        self.approve_button = QPushButton(self.tr("Approve"), box)
        self.approve_button.setToolTip(self.tr("Approve this scene (Ctrl+Enter)"))
        self.changes_button = QPushButton(self.tr("Request changes"), box)
        self.lock_button = QPushButton(self.tr("Lock"), box)
        self.lock_button.setCheckable(True)
        self.lock_button.setToolTip(self.tr("A locked scene is never regenerated in a batch"))
        self.approve_button.clicked.connect(self.approve)
        self.changes_button.clicked.connect(self.request_changes)
        self.lock_button.toggled.connect(self._lock_toggled)
        for button in (self.approve_button, self.changes_button, self.lock_button):
            row.addWidget(button)
        layout.addWidget(self.approval_label)
        layout.addWidget(self.note)
        layout.addLayout(row)
        return box

    # -- loading --------------------------------------------------------------------------

    def show_scene(self, scene_id: str | None) -> None:
        """Show another scene; a pending edit of the previous one is saved first."""
        if scene_id != self.scene_id:
            self.flush()
        self.scene_id = scene_id or None
        scene = self.controller.scene(scene_id) if scene_id else None
        self.body.setEnabled(scene is not None)
        if scene is None:
            self._base = None
            self.title.setText(self.tr("Select a scene to edit it"))
            return
        self._load(scene)

    def _load(self, scene: Scene) -> None:
        self._loading = True
        try:
            self._base = scene.model_copy(deep=True)
            self._dirty = False
            self._fill(scene)
        finally:
            self._loading = False
        self._update_review(scene)
        self._update_counter()

    def _fill(self, scene: Scene) -> None:
        h = scene.heading
        self.int_ext.setCurrentIndex(max(0, self.int_ext.findData(h.int_ext.value)))
        self.location.setText(h.location)
        self.time_of_day.setEditText(h.time_of_day)
        self.weather.setText(h.weather)
        self.characters.setText(", ".join(scene.characters))
        self.beats.setPlainText("\n".join(scene.beats))
        self.dialogue.set_lines(scene.dialogue, scene.dialogue_locked)
        self.shot_size.setCurrentIndex(
            max(0, self.shot_size.findData(scene.camera.shot_size.value))
        )
        self.angle.setEditText(scene.camera.angle)
        self.movement.setCurrentIndex(max(0, self.movement.findData(scene.camera.movement.value)))
        self.duration.setValue(scene.duration)
        self.prompt.setPlainText(scene.visual_prompt)
        self._fill_continuity(scene)

    def _fill_continuity(self, scene: Scene) -> None:
        self.continuity.clear()
        self.continuity.addItem(self.tr("Starts fresh"), "")
        scenes = self.controller.scenes()
        previous = next((s for s in scenes if s.number == scene.number - 1), None)
        if previous is not None:  # the engine only keeps a link to the scene right before
            label = self.tr("Continues from scene %d") % previous.number
            self.continuity.addItem(f"{label}: {previous.heading.slug_line()}", previous.id)
        index = self.continuity.findData(scene.continues_from or "")
        self.continuity.setCurrentIndex(max(0, index))

    def _update_review(self, scene: Scene) -> None:
        status = {
            Approval.DRAFT: self.tr("Draft: not approved yet"),
            Approval.APPROVED: self.tr("Approved"),
            Approval.CHANGES_REQUESTED: self.tr("Changes requested"),
        }[scene.approval]
        if scene.approval is Approval.CHANGES_REQUESTED and scene.approval_note:
            status += f": {scene.approval_note}"
        take = self.tr("rendered") if scene.status.value == "completed" else scene.status.value
        number = self.tr("Scene %d") % scene.number  # outside the f-string: lupdate skips those
        self.title.setText(f"<b>{number}</b> · {take}<br>{scene.heading.slug_line()}")
        self.approval_label.setText(status)
        self._update_seam(scene)
        self.approve_button.setEnabled(scene.approval is not Approval.APPROVED)
        self.lock_button.blockSignals(True)
        self.lock_button.setChecked(scene.locked)
        self.lock_button.setText(self.tr("Locked") if scene.locked else self.tr("Lock"))
        self.lock_button.blockSignals(False)

    def _update_seam(self, scene: Scene) -> None:
        take = self.controller.selected_take(scene.id)
        text = seam_text(take)
        self.seam_label.setText(text)
        self.seam_label.setToolTip(seam_tooltip(take))
        self.seam_label.setStyleSheet(f"color: {seam_colour(take)}; font-weight: 600;")
        self.seam_label.setVisible(bool(text))

    # -- editing --------------------------------------------------------------------------

    def _edited(self, *_args: object) -> None:
        if self._loading or self._base is None:
            return
        self._dirty = True
        self._update_counter()
        self.autosave.start()

    def _update_counter(self) -> None:
        count = len(self.prompt.toPlainText().strip())
        self.counter.setText(f"{count} / {MAX_PROMPT_CHARS}")
        over = count > MAX_PROMPT_CHARS
        self.counter.setStyleSheet("color: #dc2626; font-weight: bold;" if over else "")
        self.counter.setToolTip(self.tr("Too long: shorten the prompt to save it") if over else "")

    def prompt_too_long(self) -> bool:
        return len(self.prompt.toPlainText().strip()) > MAX_PROMPT_CHARS

    def collect(self) -> Scene | None:
        """The scene as the widgets show it, or None when it cannot be saved as it is."""
        if self._base is None or self.prompt_too_long():
            return None
        base = self._base
        heading = SceneHeading(
            int_ext=IntExt(self.int_ext.currentData() or ""),
            location=self.location.text().strip(),
            time_of_day=self.time_of_day.currentText().strip(),
            weather=self.weather.text().strip(),
            raw=base.heading.raw,
        )
        if heading.model_copy(update={"raw": ""}) != base.heading.model_copy(update={"raw": ""}):
            heading.raw = ""  # the imported slug line no longer describes the edited heading
        data = base.model_dump()
        data.update(
            heading=heading.model_dump(),
            characters=[c.strip() for c in self.characters.text().split(",") if c.strip()],
            beats=[b.strip() for b in self.beats.toPlainText().splitlines() if b.strip()],
            dialogue=[d.model_dump() for d in self.dialogue.lines()],
            camera=Camera(
                shot_size=ShotSize(self.shot_size.currentData()),
                angle=self.angle.currentText().strip() or "eye level",
                movement=CameraMove(self.movement.currentData()),
            ).model_dump(),
            duration=round(self.duration.value(), 1),
            visual_prompt=self.prompt.toPlainText().strip(),
            continues_from=self.continuity.currentData() or None,
        )
        return Scene.model_validate(data)

    def flush(self) -> None:
        """Save a pending edit now (if it is valid and changes something)."""
        self.autosave.stop()
        if not self._dirty or self._base is None:
            return
        scene = self.collect()
        if scene is None:
            return  # stays dirty: saved once the prompt fits
        self._dirty = False
        if scene != self._base:
            self.undo.push(SceneEditCommand(self.controller, self._base, scene))
            self._base = scene

    def _commit_review(self, **changes: object) -> None:
        self.flush()
        if self._base is None:
            return
        scene = self._base.model_copy(update=changes)
        self.undo.push(SceneEditCommand(self.controller, self._base, scene))
        self._base = scene
        self._update_review(scene)

    def approve(self) -> None:
        self._commit_review(approval=Approval.APPROVED, approval_note="")

    def request_changes(self) -> None:
        note = self.note.text().strip()
        if not note:
            self.note.setFocus()
            self.note.setPlaceholderText(self.tr("Write what should change, then press again"))
            return
        self._commit_review(approval=Approval.CHANGES_REQUESTED, approval_note=note)
        self.note.clear()

    def _lock_toggled(self, locked: bool) -> None:
        self._commit_review(locked=locked)

    # -- engine changes -------------------------------------------------------------------

    def _scene_changed(self, scene_id: str) -> None:
        if scene_id == self.scene_id:
            self._refresh_from_cache()

    def _scenes_reset(self) -> None:
        if self.scene_id is not None and self.controller.scene(self.scene_id) is None:
            self.show_scene(None)
        else:
            self._refresh_from_cache()

    def _refresh_from_cache(self) -> None:
        """The cached scene changed (our save, an undo, the pipeline): show it without
        clobbering a pending edit or moving the cursor when the fields already match."""
        scene = self.controller.scene(self.scene_id) if self.scene_id else None
        if scene is None:
            return
        if self._dirty:
            self._update_review(scene)
            return
        mine = self.collect()
        runtime = {"status", "error", "selected_take_id", "number"}
        if mine is not None and mine.model_dump(exclude=runtime) == scene.model_dump(
            exclude=runtime
        ):
            self._base = scene.model_copy(deep=True)
            self._update_review(scene)
            return
        self._load(scene)
