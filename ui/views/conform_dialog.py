"""Conform a folder: downloaded clips become the film, with no network and no keys.

The user picks the folder, how to use it (matched to the open project's scenes, or with no
project in name order) and the output .mp4. "Check the folder" is a dry run filling the report
(`ConformReport`) and the warnings; "Assemble" is enabled only once a dry run of the current
choices found something to assemble, since a report of other choices says nothing about it.
Cancel sets the `threading.Event` the engine watches: FFmpeg stops, the previous film stays.

The work is `ui.conform_task.conform`, a task of the controller's task manager; every disk
access happens there, off the Qt thread. `progress(fraction)` runs on FFmpeg's reader thread
and only emits a signal of a QObject living in the GUI thread.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from genstudio.export.conform import ConformResult
from genstudio.media.ffmpeg import Cancelled
from ui import conform_task
from ui.conform_task import ConformInputError, ConformRequest
from ui.views.conform_report import ConformReport

PROGRESS_STEPS = 1000
NAME_ORDER = ""  # the "match to" choice meaning: no project, the clips in name order


class _ProgressRelay(QObject):
    fraction = Signal(float)


class ConformDialog(QDialog):
    finishedConform = Signal(str)  # the film's path

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ConformDialog")
        self.setWindowTitle(self.tr("Conform a folder of clips"))
        self._controller = controller
        self._task: asyncio.Task[Any] | None = None
        self._cancel: threading.Event | None = None
        self._checked: ConformRequest | None = None  # the last dry run that found clips
        self._auto_output = ""  # the output we filled in (replaced until the user edits it)
        self._film: Path | None = None
        self.result: ConformResult | None = None
        self._relay = _ProgressRelay(self)
        self._relay.fraction.connect(self._on_progress)

        self.folder_edit = QLineEdit(self)
        self.folder_edit.setPlaceholderText(self.tr("The folder of downloaded clips"))
        self.folder_browse = QPushButton(self.tr("Browse…"), self)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.folder_browse)

        self.mode_combo = QComboBox(self)
        project = controller.project()
        if project is not None:
            self.mode_combo.addItem(
                self.tr("Project “{title}”: match the clips to its scenes").format(
                    title=project.title
                ),
                project.id,
            )
        self.mode_combo.addItem(self.tr("No project: clips in name order"), NAME_ORDER)
        self.transition_combo = QComboBox(self)
        self.transition_combo.addItem(self.tr("Crossfade"), "crossfade")
        self.transition_combo.addItem(self.tr("Cut"), "cut")
        self.transition_combo.setToolTip(
            self.tr("With a project, scenes are joined as the pipeline joins them")
        )

        self.output_edit = QLineEdit(self)
        self.output_browse = QPushButton(self.tr("Choose…"), self)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output_edit, 1)
        output_row.addWidget(self.output_browse)

        form = QFormLayout()
        form.addRow(self.tr("Clips folder:"), folder_row)
        form.addRow(self.tr("Match to:"), self.mode_combo)
        form.addRow(self.tr("Transitions:"), self.transition_combo)
        form.addRow(self.tr("Output file:"), output_row)

        self.summary_label = QLabel(self.tr("Check the folder to see which clip goes where."), self)
        self.summary_label.setWordWrap(True)
        self.report = ConformReport(self)
        self.warnings_label = QLabel(self.tr("Warnings:"), self)
        self.warnings_box = QPlainTextEdit(self)
        self.warnings_box.setReadOnly(True)
        self.warnings_box.setMaximumHeight(72)
        self._show_warnings([])

        self.progress = QProgressBar(self)
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setFormat("%p%")
        self.progress.setVisible(False)  # a dry run has no useful progress: only assembling
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.open_folder_button = QPushButton(self.tr("Open folder"), self)
        self.open_folder_button.setEnabled(False)
        self.check_button = QPushButton(self.tr("Check the folder"), self)
        self.check_button.setDefault(True)
        self.assemble_button = QPushButton(self.tr("Assemble"), self)
        self.close_button = QPushButton(self.tr("Close"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder_button)
        buttons.addStretch(1)
        for button in (self.check_button, self.assemble_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.warnings_box)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.resize(860, 560)

        self.folder_browse.clicked.connect(self._choose_folder)
        self.output_browse.clicked.connect(self._choose_output)
        self.folder_edit.textChanged.connect(self._choices_changed)
        self.mode_combo.currentIndexChanged.connect(self._choices_changed)
        self.transition_combo.currentIndexChanged.connect(self._choices_changed)
        self.check_button.clicked.connect(self.check)
        self.assemble_button.clicked.connect(self.assemble)
        self.close_button.clicked.connect(self._on_close_button)
        self.open_folder_button.clicked.connect(self.open_folder)
        self._choices_changed()

    # -- choices -------------------------------------------------------------------------------

    def project_id(self) -> str | None:
        data = self.mode_combo.currentData()
        return data or None

    def _default_output(self) -> str:
        project = self._controller.project()
        if self.project_id() is not None and project is not None:
            exports = self._controller.workspace.project_dir(project.folder) / "exports"
            return str(exports / f"{project.folder}-conform.mp4")
        folder = self.folder_edit.text().strip()
        if not folder:
            return ""
        folder_path = Path(folder).expanduser()
        return str(folder_path.parent / f"{folder_path.name or 'film'}.mp4")  # beside the folder

    @Slot()
    def _choices_changed(self, *_: object) -> None:
        self.transition_combo.setEnabled(self.project_id() is None)
        if self.output_edit.text() == self._auto_output:  # the user has not chosen one
            self._auto_output = self._default_output()
            self.output_edit.setText(self._auto_output)
        if self._checked is not None and self._checked != self._request(quiet=True):
            self._checked = None  # a report of other choices must not be assembled
        self._update_buttons()

    def _update_buttons(self, running: bool | None = None) -> None:
        running = self.is_running() if running is None else running
        for widget in (self.check_button, self.folder_browse, self.output_browse):
            widget.setEnabled(not running)
        for widget in (self.folder_edit, self.mode_combo, self.output_edit):
            widget.setEnabled(not running)
        self.assemble_button.setEnabled(not running and self._checked is not None)
        self.close_button.setText(self.tr("Cancel") if running else self.tr("Close"))

    def _request(self, *, quiet: bool = False) -> ConformRequest | None:
        """The current choices, or None (with the reason shown unless `quiet`)."""
        folder, output = self.folder_edit.text().strip(), self.output_edit.text().strip()
        problem = ""
        if not folder:
            problem = self.tr("Choose the folder of clips.")
        elif not output:
            problem = self.tr("Choose where to write the film.")
        elif Path(output).suffix.lower() != ".mp4":
            problem = self.tr("The film is written as MP4: end the name with .mp4")
        if problem:
            if not quiet:
                self._show_status(problem, error=True)
            return None
        return ConformRequest(
            folder=Path(folder).expanduser(),
            output=Path(output).expanduser(),
            project_id=self.project_id(),
            transition=self.transition_combo.currentData(),
        )

    # -- file pickers (non-modal: never a nested event loop under qasync) ----------------------

    @Slot()
    def _choose_folder(self) -> None:
        picker = QFileDialog(self, self.tr("The folder of downloaded clips"))
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.setFileMode(QFileDialog.FileMode.Directory)
        picker.setOption(QFileDialog.Option.ShowDirsOnly, True)
        picker.fileSelected.connect(self._folder_picked)
        picker.open()

    @Slot(str)
    def _folder_picked(self, folder: str) -> None:
        self.folder_edit.setText(folder)
        self.check()  # what the folder holds is the first thing the user wants to see

    @Slot()
    def _choose_output(self) -> None:
        picker = QFileDialog(self, self.tr("Save the film as"), "", self.tr("MP4 video (*.mp4)"))
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        picker.setDefaultSuffix("mp4")
        picker.selectFile(self.output_edit.text())
        picker.fileSelected.connect(self.output_edit.setText)
        picker.open()

    # -- run -----------------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self._task is not None and not self._task.done()

    @Slot()
    def check(self) -> None:
        """The dry run: match and report, write nothing."""
        self._start(dry_run=True)

    @Slot()
    def assemble(self) -> None:
        if self._checked is not None:
            self._start(dry_run=False)

    def _start(self, *, dry_run: bool) -> None:
        request = self._request()
        if request is None or self.is_running():
            return
        self._film = None
        self._cancel = threading.Event()
        self.progress.setValue(0)
        self.open_folder_button.setEnabled(False)
        if dry_run:
            self._checked = None
            self.report.clear_rows()
            self._show_warnings([])
        self.progress.setVisible(not dry_run)
        status = self.tr("Checking the clips…") if dry_run else self.tr("Assembling…")
        self._show_status(status)
        self._task = self._controller.tasks.spawn(
            "conform", self._run(request, dry_run, self._cancel)
        )
        self._update_buttons()

    async def _run(self, request: ConformRequest, dry_run: bool, cancel: threading.Event) -> None:
        c = self._controller
        relay = self._relay

        def progress(fraction: float) -> None:  # on FFmpeg's reader thread
            if isValid(relay):
                relay.fraction.emit(fraction)

        try:
            result = await conform_task.conform(
                c.store,
                c.workspace,
                request,
                dry_run=dry_run,
                progress=None if dry_run else progress,
                cancel=cancel,
            )
        except asyncio.CancelledError:  # the window is closing
            if isValid(self):
                self._finish(self._cancelled_message(request, dry_run), error=True)
            raise
        except Exception as exc:  # shown here, naming what failed; the dialog stays usable
            if isValid(self):
                self._finish(self._error_message(exc, request, dry_run), error=True)
            return
        if not isValid(self):
            return
        if cancel.is_set():  # a dry run cannot be stopped midway: drop its report
            self._finish(self._cancelled_message(request, dry_run), error=True)
            return
        self._show_result(request, result, dry_run)

    def _show_result(self, request: ConformRequest, result: ConformResult, dry_run: bool) -> None:
        self.result = result
        project = request.project_id is not None
        self.report.show_result(result, project=project)
        self._show_warnings(result.warnings)
        self.summary_label.setText(self.report.summary(result, project=project))
        if not result.matches:
            self._finish(self._nothing_message(request), error=True)
            return
        if dry_run:
            self._checked = request
            self._finish(self.tr("Nothing written yet: “Assemble” makes the film."))
            return
        film = result.film.path if result.film is not None else request.output
        self._film = film
        self.progress.setValue(PROGRESS_STEPS)
        self.open_folder_button.setEnabled(True)
        self.assemble_button.setText(self.tr("Assemble again"))
        message = self.tr("Film written to {film}").format(film=film)
        if result.timeline_file is not None:
            timeline = self.tr("Timeline (.otio) written to {timeline}")
            message += "\n" + timeline.format(timeline=result.timeline_file)
        self._finish(message)
        self.finishedConform.emit(str(film))

    def _nothing_message(self, request: ConformRequest) -> str:
        project = self._controller.project()
        if request.project_id is not None and project is not None:
            return self.tr("No clip in {folder} matches a scene of “{title}”.").format(
                folder=request.folder, title=project.title
            )
        return self.tr("No playable clip in {folder}.").format(folder=request.folder)

    def _error_message(self, error: Exception, request: ConformRequest, dry_run: bool) -> str:
        if isinstance(error, Cancelled):
            return self._cancelled_message(request, dry_run)
        if not isinstance(error, ConformInputError):
            return self.tr("Conform failed: {error}").format(error=error)
        messages = {
            conform_task.FOLDER_MISSING: self.tr("The folder {path} does not exist."),
            conform_task.NOT_A_FOLDER: self.tr("{path} is not a folder."),
            conform_task.NOT_MP4: self.tr("The film is written as MP4: end the name with .mp4"),
            conform_task.OUTPUT_IS_FOLDER: self.tr("{path} is a folder: name the film’s file."),
        }
        return messages.get(error.kind, str(error)).format(path=error.path)

    def _cancelled_message(self, request: ConformRequest, dry_run: bool) -> str:
        if dry_run:
            return self.tr("Cancelled.")
        return self.tr("Cancelled. {film} was not changed.").format(film=request.output)

    def _finish(self, message: str, *, error: bool = False) -> None:
        self._show_status(message, error=error)
        self._update_buttons(running=False)  # called from the task's last step

    @Slot(float)
    def _on_progress(self, fraction: float) -> None:
        if self.is_running():
            self.progress.setValue(round(max(0.0, min(1.0, fraction)) * PROGRESS_STEPS))

    def _show_warnings(self, warnings: list[str]) -> None:
        self.warnings_box.setPlainText("\n".join(warnings))
        self.warnings_label.setVisible(bool(warnings))
        self.warnings_box.setVisible(bool(warnings))

    def _show_status(self, message: str, *, error: bool = False) -> None:
        self.status_label.setStyleSheet("color: #c62828;" if error else "")
        self.status_label.setText(message)

    # -- cancel, close, open folder ------------------------------------------------------------

    def cancel(self) -> None:
        """Stop the running check or assembly; FFmpeg stops, the previous film stays."""
        if not self.is_running():
            return
        assert self._cancel is not None
        self._cancel.set()
        self._show_status(self.tr("Cancelling…"))

    @Slot()
    def _on_close_button(self) -> None:
        if self.is_running():
            self.cancel()
        else:
            self.reject()

    @Slot()
    def open_folder(self) -> None:
        if self._film is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._film.parent)))

    def reject(self) -> None:
        if self.is_running():  # Escape while working cancels instead of hiding a live task
            self.cancel()
            return
        super().reject()
