"""Assemble / export: transitions, look, music, loudness, subtitles and where the film goes;
a progress bar driven by FFmpeg's own progress, Cancel, and "Open folder" when done.

The dialog builds the options (`ui.export_film.ExportOptions`) and awaits
`controller.assemble(options, progress)`. `progress(fraction)` is called on FFmpeg's reader
thread: it only emits a signal of a QObject living in the GUI thread, so the bar is updated
there. Transitions, looks and subtitle modes are the assembler's own lists (TRANSITION_KINDS,
look_names()), so a kind it gains shows up here (with its raw name until translated).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QObject,
    Qt,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from genstudio.media.looks import NEUTRAL, look_names
from genstudio.timeline import TRANSITION_KINDS
from ui.export_film import DEFAULT_LOUDNESS, ExportOptions

PROGRESS_STEPS = 1000


class _ProgressRelay(QObject):
    fraction = Signal(float)


def _t(text: str) -> str:
    return QCoreApplication.translate("AssembleDialog", text)


TRANSITION_LABELS = {
    "cut": QT_TRANSLATE_NOOP("AssembleDialog", "Cut"),
    "crossfade": QT_TRANSLATE_NOOP("AssembleDialog", "Crossfade"),
    "dip": QT_TRANSLATE_NOOP("AssembleDialog", "Dip to black"),
    "wipeleft": QT_TRANSLATE_NOOP("AssembleDialog", "Wipe left"),
    "wiperight": QT_TRANSLATE_NOOP("AssembleDialog", "Wipe right"),
    "wipeup": QT_TRANSLATE_NOOP("AssembleDialog", "Wipe up"),
    "wipedown": QT_TRANSLATE_NOOP("AssembleDialog", "Wipe down"),
    "slideleft": QT_TRANSLATE_NOOP("AssembleDialog", "Slide left"),
    "slideright": QT_TRANSLATE_NOOP("AssembleDialog", "Slide right"),
    "slideup": QT_TRANSLATE_NOOP("AssembleDialog", "Slide up"),
    "slidedown": QT_TRANSLATE_NOOP("AssembleDialog", "Slide down"),
}
LOOK_LABELS = {
    "warm": QT_TRANSLATE_NOOP("AssembleDialog", "Warm"),
    "cool": QT_TRANSLATE_NOOP("AssembleDialog", "Cool"),
    "teal_orange": QT_TRANSLATE_NOOP("AssembleDialog", "Teal and orange"),
    "bleach_bypass": QT_TRANSLATE_NOOP("AssembleDialog", "Bleach bypass"),
    "noir": QT_TRANSLATE_NOOP("AssembleDialog", "Noir (black and white)"),
}


class AssembleDialog(QDialog):
    finishedExport = Signal(str)  # the film's path

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AssembleDialog")
        self.setWindowTitle(self.tr("Assemble the film"))
        self._controller = controller
        self._task: asyncio.Task[Any] | None = None
        self._result_path: Path | None = None
        self._relay = _ProgressRelay(self)
        self._relay.fraction.connect(self._on_progress)

        self.transition_combo = QComboBox(self)
        self.transition_combo.addItem(
            self.tr("Automatic: cut into continuations, crossfade elsewhere"), "auto"
        )
        for kind in TRANSITION_KINDS:
            label = TRANSITION_LABELS.get(kind)
            self.transition_combo.addItem(_t(label) if label else kind, kind)
        self.transition_seconds = QDoubleSpinBox(self)
        self.transition_seconds.setRange(0.1, 3.0)
        self.transition_seconds.setSingleStep(0.1)
        self.transition_seconds.setValue(0.5)
        self.transition_seconds.setSuffix(" s")
        transition_row = QHBoxLayout()
        transition_row.addWidget(self.transition_combo, 1)
        transition_row.addWidget(self.transition_seconds)

        self.look_combo = QComboBox(self)
        self.look_combo.addItem(self.tr("None"), None)
        for name in look_names():
            if name != NEUTRAL:  # the identity LUT is the same as no look
                label = LOOK_LABELS.get(name)
                self.look_combo.addItem(_t(label) if label else name, name)
        self.look_combo.setToolTip(self.tr("A colour grade applied to the whole film"))

        self.music_combo = QComboBox(self)
        self.music_combo.addItem(self.tr("Project music"), "project")
        self.music_combo.addItem(self.tr("No music"), "none")
        self.music_combo.addItem(self.tr("Music file…"), "file")
        self.music_edit = QLineEdit(self)
        self.music_edit.setPlaceholderText(self.tr("WAV, MP3, FLAC or M4A file"))
        self.music_browse = QPushButton(self.tr("Browse…"), self)
        music_row = QHBoxLayout()
        music_row.addWidget(self.music_combo)
        music_row.addWidget(self.music_edit, 1)
        music_row.addWidget(self.music_browse)

        self.normalise_box = QCheckBox(self.tr("Normalise to"), self)
        self.normalise_box.setChecked(True)
        self.loudness = QDoubleSpinBox(self)
        self.loudness.setRange(-30.0, -5.0)
        self.loudness.setDecimals(1)
        self.loudness.setValue(DEFAULT_LOUDNESS)
        self.loudness.setSuffix(" LUFS")
        loudness_row = QHBoxLayout()
        loudness_row.addWidget(self.normalise_box)
        loudness_row.addWidget(self.loudness)
        loudness_row.addStretch(1)

        self.subtitles_combo = QComboBox(self)
        self.subtitles_combo.addItem(self.tr("None"), "none")
        self.subtitles_combo.addItem(self.tr("Sidecar file (.srt)"), "sidecar")
        self.subtitles_combo.addItem(self.tr("Burned into the picture"), "burned")
        self.subtitles_combo.setCurrentIndex(1)

        self.output_edit = QLineEdit(self)
        self.output_edit.setText(str(self._default_output()))
        self.output_browse = QPushButton(self.tr("Choose…"), self)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output_edit, 1)
        output_row.addWidget(self.output_browse)

        form = QFormLayout()
        form.addRow(self.tr("Transitions:"), transition_row)
        form.addRow(self.tr("Look:"), self.look_combo)
        form.addRow(self.tr("Music:"), music_row)
        form.addRow(self.tr("Loudness:"), loudness_row)
        form.addRow(self.tr("Subtitles:"), self.subtitles_combo)
        form.addRow(self.tr("Output file:"), output_row)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_button = QPushButton(self.tr("Open folder"), self)
        self.open_folder_button.setEnabled(False)
        self.assemble_button = QPushButton(self.tr("Assemble"), self)
        self.assemble_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Close"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.assemble_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(640, 340)

        self.transition_combo.currentIndexChanged.connect(self._update_enabled)
        self.music_combo.currentIndexChanged.connect(self._update_enabled)
        self.normalise_box.toggled.connect(self._update_enabled)
        self.music_browse.clicked.connect(self._choose_music)
        self.output_browse.clicked.connect(self._choose_output)
        self.assemble_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self._on_cancel)
        self.open_folder_button.clicked.connect(self.open_folder)
        self._update_enabled()

    def _default_output(self) -> Path:
        project = self._controller.project()
        if project is None:
            return Path.home() / "film.mp4"
        return (
            self._controller.workspace.project_dir(project.folder)
            / "exports"
            / (f"{project.folder}.mp4")
        )

    @Slot()
    def _update_enabled(self, *_: object) -> None:
        # cuts have no length; every other kind overlaps the two clips by its duration
        kind = self.transition_combo.currentData()
        self.transition_seconds.setEnabled(kind not in ("auto", "cut"))
        from_file = self.music_combo.currentData() == "file"
        self.music_edit.setEnabled(from_file)
        self.music_browse.setEnabled(from_file)
        self.loudness.setEnabled(self.normalise_box.isChecked())

    # -- file pickers (non-modal: never a nested event loop under qasync) ----------------------

    def _picker(self, title: str, filters: str, save: bool) -> QFileDialog:
        picker = QFileDialog(self, title, "", filters)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if save:
            picker.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            picker.setDefaultSuffix("mp4")
            picker.selectFile(self.output_edit.text())
        else:
            picker.setFileMode(QFileDialog.FileMode.ExistingFile)
        return picker

    @Slot()
    def _choose_music(self) -> None:
        picker = self._picker(
            self.tr("Music file"), self.tr("Audio (*.wav *.mp3 *.flac *.m4a *.ogg)"), False
        )
        picker.fileSelected.connect(self.music_edit.setText)
        picker.open()

    @Slot()
    def _choose_output(self) -> None:
        picker = self._picker(self.tr("Save the film as"), self.tr("MP4 video (*.mp4)"), True)
        picker.fileSelected.connect(self.output_edit.setText)
        picker.open()

    # -- run -----------------------------------------------------------------------------------

    def options(self) -> ExportOptions | None:
        """The chosen options, or None (with the reason shown) when something is missing."""
        output = self.output_edit.text().strip()
        if not output:
            return self._invalid(self.tr("Choose where to write the film."))
        if Path(output).suffix.lower() != ".mp4":
            return self._invalid(self.tr("The film is written as MP4: end the name with .mp4"))
        music: str | None = self.music_combo.currentData()
        if music == "none":
            music = None
        elif music == "file":
            music = self.music_edit.text().strip()
            if not music or not Path(music).is_file():
                return self._invalid(self.tr("Choose an existing music file."))
        return ExportOptions(
            output=str(Path(output).expanduser()),
            transition=self.transition_combo.currentData(),
            transition_duration=round(self.transition_seconds.value(), 2),
            music=music,
            loudness=round(self.loudness.value(), 1) if self.normalise_box.isChecked() else None,
            subtitles=self.subtitles_combo.currentData(),
            look=self.look_combo.currentData(),
        )

    def _invalid(self, message: str) -> None:
        self._show_status(message, error=True)
        return None

    @Slot()
    def start(self) -> None:
        options = self.options()
        if options is None or self.is_running():
            return
        self._result_path = None
        self.progress.setValue(0)
        self.open_folder_button.setEnabled(False)
        self.assemble_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Cancel"))
        self._show_status(self.tr("Assembling…"))
        self._task = self._controller.tasks.spawn("assemble", self._run(options))

    def is_running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _run(self, options: ExportOptions) -> None:
        relay = self._relay
        try:
            result = await self._controller.assemble(options.to_dict(), relay.fraction.emit)
        except asyncio.CancelledError:
            if isValid(self):
                self._finish(self.tr("Cancelled. Nothing was written."), error=True)
            raise
        except Exception as exc:  # shown here; the task manager also logs it
            if isValid(self):
                self._finish(self.tr("Assembly failed: {error}").format(error=exc), error=True)
            return
        path = getattr(result, "path", None) or getattr(result, "film", None)
        if not isValid(self):
            return
        self._result_path = Path(path) if path else Path(options.output)
        self.progress.setValue(PROGRESS_STEPS)
        self.open_folder_button.setEnabled(True)
        self._finish(self.tr("Film written to {path}").format(path=self._result_path))
        self.finishedExport.emit(str(self._result_path))

    def _finish(self, message: str, *, error: bool = False) -> None:
        self.assemble_button.setEnabled(True)
        self.assemble_button.setText(self.tr("Assemble again"))
        self.cancel_button.setText(self.tr("Close"))
        self._show_status(message, error=error)

    @Slot(float)
    def _on_progress(self, fraction: float) -> None:
        if self.is_running():
            self.progress.setValue(round(max(0.0, min(1.0, fraction)) * PROGRESS_STEPS))

    def _show_status(self, message: str, *, error: bool = False) -> None:
        self.status_label.setStyleSheet("color: #c62828;" if error else "")
        self.status_label.setText(message)

    @Slot()
    def _on_cancel(self) -> None:
        if self.is_running():
            assert self._task is not None
            self._task.cancel()
        else:
            self.reject()

    def result_path(self) -> Path | None:
        return self._result_path

    @Slot()
    def open_folder(self) -> None:
        if self._result_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._result_path.parent)))

    def reject(self) -> None:
        if self.is_running():  # Escape while assembling cancels instead of hiding a live job
            self._on_cancel()
            return
        super().reject()
