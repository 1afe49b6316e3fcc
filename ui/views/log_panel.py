"""The log panel: engine log lines and Python logging records, redacted, filtered by level,
bounded in memory.

`QtLogHandler` may be called from any thread (the DB thread, the media pool, an FFmpeg
reader): it only formats the record and emits a signal of a QObject that lives in the GUI
thread, so Qt queues the delivery to the panel. The panel owns the handler and removes it
from the logger when it closes or is destroyed.
"""

from __future__ import annotations

import logging
from collections import deque
from functools import partial
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal, Slot
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from genstudio.secrets import RedactingFilter, redact

MAX_LINES = 5000
LEVELS = (
    (logging.DEBUG, QT_TRANSLATE_NOOP("LogPanel", "Debug")),
    (logging.INFO, QT_TRANSLATE_NOOP("LogPanel", "Info")),
    (logging.WARNING, QT_TRANSLATE_NOOP("LogPanel", "Warnings")),
    (logging.ERROR, QT_TRANSLATE_NOOP("LogPanel", "Errors")),
)


class _Relay(QObject):
    record = Signal(int, str)


class QtLogHandler(logging.Handler):
    """A logging handler whose records arrive as a Qt signal on the relay's thread."""

    def __init__(self, level: int = logging.DEBUG) -> None:
        super().__init__(level)
        self.relay = _Relay()
        self.addFilter(RedactingFilter())
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)
            self.relay.record.emit(record.levelno, message)
        except RuntimeError:  # the relay was deleted while a worker was still logging
            pass
        except Exception:
            self.handleError(record)


class LogPanel(QWidget):
    def __init__(
        self,
        controller: Any,
        parent: QWidget | None = None,
        *,
        logger_name: str = "genstudio",
        max_lines: int = MAX_LINES,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("LogPanel")
        self._lines: deque[tuple[int, str]] = deque(maxlen=max_lines)
        self._min_level = logging.INFO

        self.level_combo = QComboBox(self)
        for level, name in LEVELS:
            self.level_combo.addItem(self.tr(name), level)
        self.level_combo.setCurrentIndex(1)
        self.clear_button = QPushButton(self.tr("Clear"), self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Show:"), self))
        bar.addWidget(self.level_combo)
        bar.addStretch(1)
        bar.addWidget(self.clear_button)

        self.view = QPlainTextEdit(self)
        self.view.setReadOnly(True)
        self.view.setMaximumBlockCount(max_lines)  # bounded even if the filter shows all
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        self.handler = QtLogHandler()
        self.handler.relay.setParent(self)  # lives (and dies) with the panel, on the GUI thread
        self.handler.relay.record.connect(self.append)
        self._logger = logging.getLogger(logger_name)
        self._logger.addHandler(self.handler)
        self._ensure_logger_level(self._min_level)
        # Never leave a handler pointing at a deleted widget, however the panel goes away.
        self.destroyed.connect(partial(self._logger.removeHandler, self.handler))

        self.level_combo.currentIndexChanged.connect(self._on_level_changed)
        self.clear_button.clicked.connect(self.clear)
        controller.logLine.connect(self.append)

    @Slot(int, str)
    def append(self, level: int, message: str) -> None:
        line = redact(message)  # engine LogLine events do not pass through a logging filter
        self._lines.append((level, line))
        if level >= self._min_level:
            self.view.appendPlainText(self._format(level, line))

    def _format(self, level: int, message: str) -> str:
        return f"{logging.getLevelName(level):<7} {message}"

    def _ensure_logger_level(self, level: int) -> None:
        # Records below the logger's level never reach any handler: lower it when the user
        # asks for more detail than the app's logging configuration lets through.
        if self._logger.getEffectiveLevel() > level:
            self._logger.setLevel(level)

    @Slot(int)
    def _on_level_changed(self, _index: int) -> None:
        self._min_level = int(self.level_combo.currentData())
        self._ensure_logger_level(self._min_level)
        self._render()

    def _render(self) -> None:
        shown = [self._format(lvl, msg) for lvl, msg in self._lines if lvl >= self._min_level]
        self.view.setPlainText("\n".join(shown))
        self.view.moveCursor(QTextCursor.MoveOperation.End)

    @Slot()
    def clear(self) -> None:
        self._lines.clear()
        self.view.clear()

    def set_min_level(self, level: int) -> None:
        index = self.level_combo.findData(level)
        if index >= 0:
            self.level_combo.setCurrentIndex(index)

    def lines(self) -> list[tuple[int, str]]:
        return list(self._lines)

    def shown_text(self) -> str:
        return self.view.toPlainText()

    def detach(self) -> None:
        self._logger.removeHandler(self.handler)

    def closeEvent(self, event: Any) -> None:
        self.detach()
        super().closeEvent(event)
