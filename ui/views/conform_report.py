"""The Conform dialog's report: one table row per matched scene, scene without a clip, clip
without a scene and file not used, so what went wrong sits beside what went right.

Rows come in scene order (a scene without a clip at its place among the matches), then the
clips no scene took, then the rejected files with the reason. Each row's kind is stored under
`KindRole` in its first cell; problem rows are coloured. The engine's evidence and reasons are
its own English text (as the command line prints them): only our labels are translated.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from genstudio.export.conform import ConformResult

KindRole = Qt.ItemDataRole.UserRole + 1
MATCH = "match"
SCENE_WITHOUT_CLIP = "scene-without-clip"
CLIP_WITHOUT_SCENE = "clip-without-scene"
REJECTED = "rejected"

SCENE, CLIP, CONFIDENCE, EVIDENCE = range(4)
_MISSING = QColor("#b45309")  # amber: something to look at
_REJECTED = QColor("#c62828")  # red, as the dialogs' error text
_NONE = "—"


class ConformReport(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.setObjectName("conformReport")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        for column in (SCENE, CLIP, CONFIDENCE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(EVIDENCE, QHeaderView.ResizeMode.Stretch)
        self.set_headers(project=True)

    def set_headers(self, *, project: bool) -> None:
        first = self.tr("Scene") if project else self.tr("Order")
        labels = [first, self.tr("Clip"), self.tr("Confidence"), self.tr("Evidence")]
        self.setHorizontalHeaderLabels(labels)

    def clear_rows(self) -> None:
        self.setRowCount(0)

    def show_result(self, result: ConformResult, *, project: bool) -> None:
        """Fill the table from a conform's report (`project`: clips matched to scenes)."""
        self.set_headers(project=project)
        self.setRowCount(0)
        scene_rows: list[tuple[int, list[str], str]] = []
        for match in result.matches:
            confidence = f"{round(match.confidence * 100)} %" if project else ""
            cells = [str(match.scene_number), match.clip.path.name, confidence]
            scene_rows.append((match.scene_number, [*cells, "; ".join(match.evidence)], MATCH))
        for number in result.scenes_without_clip:
            cells = [str(number), _NONE, "", self.tr("No clip in the folder matches this scene")]
            scene_rows.append((number, cells, SCENE_WITHOUT_CLIP))
        for _number, cells, kind in sorted(scene_rows, key=lambda row: row[0]):
            self._add(cells, kind)
        for path in result.clips_without_scene:
            self._add([_NONE, path.name, "", self.tr("Matches no scene")], CLIP_WITHOUT_SCENE)
        for bad in result.rejected:
            # the engine's reasons follow the file's name ("is truncated: …"), as in the CLI
            reason = self.tr("Not used: {name}: {reason}").format(
                name=bad.path.name, reason=bad.reason
            )
            self._add([_NONE, bad.path.name, "", reason], REJECTED)

    def summary(self, result: ConformResult, *, project: bool) -> str:
        """One line: how much matched, how much did not."""
        if project:
            total = len(result.matches) + len(result.scenes_without_clip)
            return self.tr(
                "Scenes matched: {matched} of {total}. Clips without a scene: {unmatched}. "
                "Files not used: {rejected}."
            ).format(
                matched=len(result.matches),
                total=total,
                unmatched=len(result.clips_without_scene),
                rejected=len(result.rejected),
            )
        return self.tr("Clips in name order: {count}. Files not used: {rejected}.").format(
            count=len(result.matches), rejected=len(result.rejected)
        )

    def _add(self, cells: list[str], kind: str) -> None:
        row = self.rowCount()
        self.insertRow(row)
        colour = {SCENE_WITHOUT_CLIP: _MISSING, CLIP_WITHOUT_SCENE: _MISSING, REJECTED: _REJECTED}
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)  # long evidence and file names are cut at the column's edge
            if column == SCENE:
                item.setData(KindRole, kind)
            if column in (SCENE, CONFIDENCE):
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if kind in colour:
                item.setForeground(QBrush(colour[kind]))
            self.setItem(row, column, item)

    def rows(self) -> list[tuple[str, list[str]]]:
        """(kind, cell texts) of every row, top to bottom."""
        return [
            (
                str(self.item(row, SCENE).data(KindRole)),
                [self.item(row, column).text() for column in range(self.columnCount())],
            )
            for row in range(self.rowCount())
        ]
