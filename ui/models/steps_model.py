"""StepsModel: the pipeline's steps as a table (step, state, progress, detail).

One row per `StepName` in pipeline order, always all of them, so a view never jumps while a
run fills them in. Rows change only through `load()` (a project was opened: its persisted
step states) and `update_step()` (connected to `controller.stepChanged`); both are GUI-thread
calls, and `data()` only reads the in-memory states.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QBrush, QColor

from genstudio.models import PIPELINE_ORDER, StepName, StepState, StepStatus

AnyIndex = QModelIndex | QPersistentModelIndex

# Marked for lupdate here, translated when displayed (the locale may change after import).
STEP_TITLES: dict[StepName, str] = {
    StepName.VALIDATE_PROVIDERS: QT_TRANSLATE_NOOP("StepsModel", "Check providers"),
    StepName.PLAN_PRODUCTION: QT_TRANSLATE_NOOP("StepsModel", "Plan the production"),
    StepName.CREATE_VISUAL_BIBLE: QT_TRANSLATE_NOOP("StepsModel", "Visual bible"),
    StepName.GENERATE_SCREENPLAY: QT_TRANSLATE_NOOP("StepsModel", "Screenplay"),
    StepName.ASSIGN_CHARACTERS: QT_TRANSLATE_NOOP("StepsModel", "Characters"),
    StepName.REFERENCE_IMAGES: QT_TRANSLATE_NOOP("StepsModel", "Reference images"),
    StepName.GENERATE_VIDEOS: QT_TRANSLATE_NOOP("StepsModel", "Video clips"),
    StepName.GENERATE_AUDIO: QT_TRANSLATE_NOOP("StepsModel", "Dialogue audio"),
    StepName.GENERATE_MUSIC: QT_TRANSLATE_NOOP("StepsModel", "Music"),
    StepName.ASSEMBLE_MOVIE: QT_TRANSLATE_NOOP("StepsModel", "Assemble the film"),
    StepName.GENERATE_COVER: QT_TRANSLATE_NOOP("StepsModel", "Poster and thumbnail"),
    StepName.FINALIZE: QT_TRANSLATE_NOOP("StepsModel", "Finalize"),
}

STATUS_TITLES: dict[StepStatus, str] = {
    StepStatus.PENDING: QT_TRANSLATE_NOOP("StepsModel", "Pending"),
    StepStatus.RUNNING: QT_TRANSLATE_NOOP("StepsModel", "Running"),
    StepStatus.COMPLETED: QT_TRANSLATE_NOOP("StepsModel", "Done"),
    StepStatus.FAILED: QT_TRANSLATE_NOOP("StepsModel", "Failed"),
    StepStatus.SKIPPED: QT_TRANSLATE_NOOP("StepsModel", "Skipped"),
}

STATUS_COLOURS: dict[StepStatus, str] = {
    StepStatus.RUNNING: "#1f6fd1",
    StepStatus.COMPLETED: "#2e7d32",
    StepStatus.FAILED: "#c62828",
    StepStatus.SKIPPED: "#757575",
}


def _t(text: str) -> str:
    return QCoreApplication.translate("StepsModel", text)


def step_title(step: StepName) -> str:
    return _t(STEP_TITLES[step])


def status_title(status: StepStatus) -> str:
    return _t(STATUS_TITLES[status])


class StepsModel(QAbstractTableModel):
    STEP, STATE, PROGRESS, DETAIL = range(4)
    StepRole = Qt.ItemDataRole.UserRole + 1  # the StepName value (str)
    StatusRole = Qt.ItemDataRole.UserRole + 2  # the StepStatus value (str)
    ProgressRole = Qt.ItemDataRole.UserRole + 3  # percent, 0..100 (float)

    _HEADERS = (
        QT_TRANSLATE_NOOP("StepsModel", "Step"),
        QT_TRANSLATE_NOOP("StepsModel", "State"),
        QT_TRANSLATE_NOOP("StepsModel", "Progress"),
        QT_TRANSLATE_NOOP("StepsModel", "Detail"),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._states: list[StepState] = [StepState(step=step) for step in PIPELINE_ORDER]
        self._row_of = {step: row for row, step in enumerate(PIPELINE_ORDER)}

    # -- updates (GUI thread) ------------------------------------------------------------------

    def load(self, states: Mapping[StepName, StepState]) -> None:
        """Show a project's persisted steps; steps it has no state for are pending."""
        self.beginResetModel()
        self._states = [
            states[step].model_copy() if step in states else StepState(step=step)
            for step in PIPELINE_ORDER
        ]
        self.endResetModel()

    def clear(self) -> None:
        self.load({})

    @Slot(str, str, float, str)
    def update_step(self, step: str, status: str, percent: float, detail: str) -> None:
        try:
            name, new_status = StepName(step), StepStatus(status)
        except ValueError:  # a step this build does not know: nothing to show it in
            return
        row = self._row_of[name]
        state = self._states[row]
        state.status = new_status
        state.percent = max(0.0, min(100.0, float(percent)))
        state.detail = detail
        if new_status is StepStatus.FAILED:
            state.error = detail
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    # -- queries -------------------------------------------------------------------------------

    def state(self, step: StepName) -> StepState:
        return self._states[self._row_of[step]]

    def states(self) -> list[StepState]:
        return list(self._states)

    def overall_percent(self) -> float:
        """Share of the pipeline done (skipped steps count as done)."""
        done = sum(
            100.0 if s.status in (StepStatus.COMPLETED, StepStatus.SKIPPED) else s.percent
            for s in self._states
        )
        return done / len(self._states)

    def running_step(self) -> StepState | None:
        return next((s for s in self._states if s.status is StepStatus.RUNNING), None)

    # -- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's default)
        return 0 if parent.isValid() else len(self._states)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._HEADERS):
            return _t(self._HEADERS[section])
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._states):
            return str(section)  # the step number of PRODUCT.md (0..11)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._states):
            return None
        state = self._states[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.STEP:
                return step_title(state.step)
            if column == self.STATE:
                return status_title(state.status)
            if column == self.PROGRESS:
                return f"{state.percent:.0f}%"
            if column == self.DETAIL:
                failed = state.status is StepStatus.FAILED
                return (state.error or state.detail) if failed else state.detail
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [step_title(state.step), status_title(state.status)]
            lines += [text for text in (state.detail, state.error, *state.warnings) if text]
            return "\n".join(dict.fromkeys(lines))  # de-duplicated, in order
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE:
            colour = STATUS_COLOURS.get(state.status)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.PROGRESS:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == self.StepRole:
            return state.step.value
        if role == self.StatusRole:
            return state.status.value
        if role == self.ProgressRole:
            return float(state.percent)
        return None

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names.update(
            {self.StepRole: b"step", self.StatusRole: b"status", self.ProgressRole: b"progress"}
        )
        return names
