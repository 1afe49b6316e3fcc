"""A delegate that paints a percentage as a native progress bar inside a table cell."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)


class ProgressBarDelegate(QStyledItemDelegate):
    """Reads `progress_role` (0..100 float); other cells of the column paint as usual."""

    def __init__(self, progress_role: int, parent: object = None) -> None:
        super().__init__(parent)
        self._role = progress_role

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        value = index.data(self._role) if index.isValid() else None
        if value is None:
            super().paint(painter, option, index)
            return
        percent = max(0, min(100, round(float(value))))
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum, bar.progress = 0, 100, percent
        bar.text = f"{percent}%"
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.palette = option.palette
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        if option.state & QStyle.StateFlag.State_Selected:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
            )
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)
