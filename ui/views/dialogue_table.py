"""The dialogue of one scene as an editable table (character, line, emotion, parenthetical).

Lines imported from a screenplay are locked: their character and text are the writer's and
the engine refuses to change them, so those cells are read-only (with a tooltip saying why)
and rows cannot be added, removed or reordered. Emotion and parenthetical stay editable.
Fields the table does not show (timing, delivery, dual dialogue) are kept from the original
line of the same row.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from genstudio.models import DialogueLine

COLUMNS = ("character", "line", "emotion", "parenthetical")
LOCKED_COLUMNS = {0, 1}


class DialogueTable(QWidget):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("dialogueTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Character"), self.tr("Line"), self.tr("Emotion"), self.tr("Parenthetical")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(110)
        self.add_button = QPushButton(self.tr("Add line"), self)
        self.remove_button = QPushButton(self.tr("Remove line"), self)
        self.add_button.clicked.connect(self.add_line)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._originals: list[DialogueLine] = []
        self._locked = False
        self._loading = False
        self.table.itemChanged.connect(self._item_changed)

    def set_lines(self, lines: list[DialogueLine], locked: bool) -> None:
        self._loading = True
        try:
            self._originals = [line.model_copy() for line in lines]
            self._locked = locked
            self.table.setRowCount(0)
            for line in lines:
                self._append(line)
            self.add_button.setEnabled(not locked)
            self.remove_button.setEnabled(not locked)
            self.table.resizeRowsToContents()
        finally:
            self._loading = False

    def _append(self, line: DialogueLine) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        values = (line.character, line.line, line.emotion, line.parenthetical)
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if self._locked and column in LOCKED_COLUMNS:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(
                    self.tr(
                        "From the imported screenplay: the words stay as written. "
                        "Edit the screenplay file to change them."
                    )
                )
                item.setForeground(self.palette().placeholderText())
            self.table.setItem(row, column, item)

    def lines(self) -> list[DialogueLine]:
        result = []
        for row in range(self.table.rowCount()):
            cells = [self._text(row, c) for c in range(len(COLUMNS))]
            if not cells[0] and not cells[1]:
                continue  # an empty new row is not a line yet
            base = self._originals[row] if row < len(self._originals) else None
            update = dict(zip(COLUMNS, cells, strict=True))
            line = base.model_copy(update=update) if base else DialogueLine(**update)
            result.append(DialogueLine.model_validate(line.model_dump()))
        return result

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def add_line(self) -> None:
        if self._locked:
            return
        self._loading = True
        try:
            self._append(DialogueLine(character="", line=""))
        finally:
            self._loading = False
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        self.table.editItem(self.table.item(self.table.rowCount() - 1, 0))

    def remove_selected(self) -> None:
        if self._locked:
            return
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
            if row < len(self._originals):
                del self._originals[row]
        if rows:
            self.edited.emit()

    def _item_changed(self, _item: QTableWidgetItem) -> None:
        if not self._loading:
            self.edited.emit()
