"""New project: from an idea, pasted screenplay text, or a Fountain file; then genre, target
duration, aspect and language.

Finish does not close the wizard at once: the project is created asynchronously
(`controller.create_from_idea` / `create_from_fountain`) and the wizard closes only when
that worked. A screenplay the engine rejects is reported on the last page, so the user can go
back and fix it. Pasted text is written to a temporary .fountain file (atomically) and
imported like any file; the project keeps the text, the temporary folder is removed.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from shiboken6 import isValid

from genstudio.concurrency import run_blocking
from genstudio.errors import GenStudioError, InputFileError
from genstudio.fsutil import atomic_write_text
from genstudio.models import Aspect
from ui.views.wizard_choices import GENRES, LANGUAGES, aspect_title, genre_title

IDEA, PASTE, FILE = "idea", "paste", "file"
FOUNTAIN_SUFFIXES = (".fountain", ".spmd", ".txt")
MIN_IDEA_CHARS = 10
PASTED_NAME = "Untitled screenplay.fountain"  # its stem is the title when none is given


class SourcePage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("What is the film?"))
        self.setSubTitle(
            self.tr("Start from an idea, paste a screenplay, or open a Fountain file.")
        )
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText(self.tr("Optional: taken from the screenplay if empty"))
        self.idea_radio = QRadioButton(self.tr("An idea"), self)
        self.paste_radio = QRadioButton(self.tr("Paste a screenplay (Fountain text)"), self)
        self.file_radio = QRadioButton(self.tr("A Fountain file"), self)
        self.kinds = QButtonGroup(self)
        for index, radio in enumerate((self.idea_radio, self.paste_radio, self.file_radio)):
            self.kinds.addButton(radio, index)
        self.idea_radio.setChecked(True)

        self.idea_edit = QPlainTextEdit(self)
        self.idea_edit.setPlaceholderText(
            self.tr("A lighthouse keeper finds a message in a bottle that predicts tomorrow…")
        )
        self.paste_edit = QPlainTextEdit(self)
        self.paste_edit.setPlaceholderText(
            "INT. KITCHEN - DAY\n\nAna pours coffee.\n\nANA\nMorning."
        )
        file_page = QWidget(self)
        self.file_edit = QLineEdit(file_page)
        self.file_edit.setPlaceholderText(self.tr("Path to a .fountain file"))
        self.browse_button = QPushButton(self.tr("Browse…"), file_page)
        file_row = QHBoxLayout(file_page)
        file_row.setContentsMargins(0, 0, 0, 0)
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        file_row.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.inputs = QStackedWidget(self)
        for widget in (self.idea_edit, self.paste_edit, file_page):
            self.inputs.addWidget(widget)

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        radios = QHBoxLayout()
        for radio in (self.idea_radio, self.paste_radio, self.file_radio):
            radios.addWidget(radio)
        radios.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Title:"), self.title_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(radios)
        layout.addWidget(self.inputs, 1)
        layout.addWidget(self.message)

        self.kinds.idToggled.connect(self._on_kind)
        for edit in (self.idea_edit, self.paste_edit):
            edit.textChanged.connect(self._changed)
        self.file_edit.textChanged.connect(self._changed)
        self.browse_button.clicked.connect(self._browse)

    def kind(self) -> str:
        return (IDEA, PASTE, FILE)[max(0, self.kinds.checkedId())]

    @Slot(int, bool)
    def _on_kind(self, index: int, checked: bool) -> None:
        if checked:
            self.inputs.setCurrentIndex(index)
            self._changed()

    @Slot()
    def _changed(self) -> None:
        self.message.clear()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        kind = self.kind()
        if kind == IDEA:
            return bool(self.idea_edit.toPlainText().strip())
        if kind == PASTE:
            return bool(self.paste_edit.toPlainText().strip())
        return bool(self.file_edit.text().strip())

    def problem(self) -> str:
        """Why the source cannot be used as typed ("" when it can)."""
        kind = self.kind()
        if kind == IDEA and len(self.idea_edit.toPlainText().strip()) < MIN_IDEA_CHARS:
            return self.tr("Describe the film in a sentence or more.")
        if kind == PASTE and not self.paste_edit.toPlainText().strip():
            return self.tr("Paste the screenplay text.")
        if kind == FILE:
            path = Path(self.file_edit.text().strip()).expanduser()
            if not path.is_file():
                return self.tr("File not found: {path}").format(path=path)
            if path.suffix.lower() not in FOUNTAIN_SUFFIXES:
                return self.tr(
                    "{name} is not a Fountain screenplay (.fountain, .spmd or .txt)."
                ).format(name=path.name)
        return ""

    def validatePage(self) -> bool:
        problem = self.problem()
        self.message.setText(problem)
        return not problem

    @Slot()
    def _browse(self) -> None:
        picker = QFileDialog(
            self, self.tr("Open a screenplay"), "", self.tr("Fountain (*.fountain *.spmd *.txt)")
        )
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.setFileMode(QFileDialog.FileMode.ExistingFile)
        picker.fileSelected.connect(self.file_edit.setText)
        picker.open()  # non-modal: no nested event loop under qasync


class DetailsPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("How should it look?"))
        self.setSubTitle(self.tr("You can change everything later in the storyboard."))
        self.genre_combo = QComboBox(self)
        self.genre_combo.setEditable(True)
        for genre in GENRES:
            self.genre_combo.addItem(genre_title(genre), genre)
        self.duration_spin = QSpinBox(self)
        self.duration_spin.setRange(10, 7200)
        self.duration_spin.setSingleStep(10)
        self.duration_spin.setValue(60)
        self.duration_spin.setSuffix(self.tr(" s"))
        self.duration_note = QLabel(self.tr("Taken from the screenplay's scenes."), self)
        self.aspect_combo = QComboBox(self)
        for aspect in Aspect:
            width, height = aspect.size
            self.aspect_combo.addItem(f"{aspect_title(aspect)} ({width} × {height})", aspect.value)
        self.language_combo = QComboBox(self)
        for code, title in LANGUAGES:
            self.language_combo.addItem(title, code)
        spanish = QLocale().language() == QLocale.Language.Spanish
        self.language_combo.setCurrentIndex(self.language_combo.findData("es" if spanish else "en"))
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout(self)
        form.addRow(self.tr("Genre:"), self.genre_combo)
        form.addRow(self.tr("Target duration:"), self.duration_spin)
        form.addRow("", self.duration_note)
        form.addRow(self.tr("Aspect:"), self.aspect_combo)
        form.addRow(self.tr("Dialogue language:"), self.language_combo)
        form.addRow(self.error)

    def initializePage(self) -> None:
        wizard = self.wizard()
        from_idea = isinstance(wizard, NewProjectWizard) and wizard.source.kind() == IDEA
        self.duration_spin.setVisible(from_idea)
        self.duration_note.setVisible(not from_idea)
        self.error.clear()

    def genre(self) -> str:
        text = self.genre_combo.currentText().strip()
        index = self.genre_combo.findText(text)
        return str(self.genre_combo.itemData(index)) if index >= 0 else text


class NewProjectWizard(QWizard):
    projectCreated = Signal(str)

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NewProjectWizard")
        self.setWindowTitle(self.tr("New project"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self._controller = controller
        self._creating = False
        self.source = SourcePage(self)
        self.details = DetailsPage(self)
        self.addPage(self.source)
        self.addPage(self.details)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Create project"))
        self.resize(680, 480)

    def is_creating(self) -> bool:
        return self._creating

    def accept(self) -> None:
        if self._creating:
            return
        problem = self.source.problem()
        if problem:  # the source page was left valid, but a file may have moved since
            self.details.error.setText(problem)
            return
        self._creating = True
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        self.details.error.setStyleSheet("")
        self.details.error.setText(self.tr("Creating the project…"))
        self._controller.tasks.spawn("new-project", self._create())

    async def _create(self) -> None:
        common = {
            "genre": self.details.genre(),
            "aspect": Aspect(self.details.aspect_combo.currentData()),
            "language": self.details.language_combo.currentData(),
        }
        title = self.source.title_edit.text().strip()
        kind = self.source.kind()
        try:
            if kind == IDEA:
                project_id = await self._controller.create_from_idea(
                    title=title or self.tr("Untitled"),
                    idea=self.source.idea_edit.toPlainText().strip(),
                    target_duration=float(self.details.duration_spin.value()),
                    **common,
                )
            elif kind == FILE:
                path = Path(self.source.file_edit.text().strip()).expanduser()
                project_id = await self._controller.create_from_fountain(
                    path, title=title or None, **common
                )
            else:
                project_id = await self._create_from_pasted(title, common)
        except (GenStudioError, ValueError, OSError) as exc:
            if isValid(self):
                self._failed(self._describe(exc, kind))
            return
        if isValid(self):
            self._creating = False
            self.projectCreated.emit(project_id)
            super().accept()

    async def _create_from_pasted(self, title: str, common: dict[str, Any]) -> str:
        folder = Path(await run_blocking(tempfile.mkdtemp, "", "genstudio-paste-"))
        try:
            path = folder / PASTED_NAME
            await run_blocking(atomic_write_text, path, self.source.paste_edit.toPlainText())
            return await self._controller.create_from_fountain(path, title=title or None, **common)
        finally:
            await run_blocking(shutil.rmtree, folder, True)

    def _describe(self, exc: BaseException, kind: str) -> str:
        if kind == PASTE and isinstance(exc, InputFileError):
            # the temporary file's name means nothing to the user: name what they pasted
            return self.tr("The pasted screenplay: {problem}").format(problem=exc.problem)
        return str(exc)

    def _failed(self, message: str) -> None:
        self._creating = False
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        self.details.error.setStyleSheet("color: #c62828;")
        self.details.error.setText(message)
