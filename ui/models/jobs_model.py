"""JobsModel: persisted provider jobs as a table, plus a "needs attention" filter.

Rows are keyed by job id. `load()` shows a project's jobs from the store; `upsert()` applies
one job re-read after `controller.jobChanged`. Elapsed and ETA depend on the clock, so the
panel calls `tick()` once a second while jobs are in flight (one dataChanged for two columns).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from genstudio.models import TERMINAL_JOB_STATES, Job, JobState

AnyIndex = QModelIndex | QPersistentModelIndex

IN_FLIGHT = frozenset(
    {
        JobState.SUBMITTING,
        JobState.SUBMITTED,
        JobState.POLLING,
        JobState.DOWNLOADING,
        JobState.VALIDATING,
    }
)
ATTENTION_STATES = frozenset({JobState.NEEDS_ATTENTION, JobState.FAILED})

STATE_TITLES: dict[JobState, str] = {
    JobState.QUEUED: QT_TRANSLATE_NOOP("JobsModel", "Queued"),
    JobState.SUBMITTING: QT_TRANSLATE_NOOP("JobsModel", "Submitting"),
    JobState.SUBMITTED: QT_TRANSLATE_NOOP("JobsModel", "Submitted"),
    JobState.POLLING: QT_TRANSLATE_NOOP("JobsModel", "Running"),
    JobState.DOWNLOADING: QT_TRANSLATE_NOOP("JobsModel", "Downloading"),
    JobState.VALIDATING: QT_TRANSLATE_NOOP("JobsModel", "Validating"),
    JobState.DONE: QT_TRANSLATE_NOOP("JobsModel", "Done"),
    JobState.FAILED: QT_TRANSLATE_NOOP("JobsModel", "Failed"),
    JobState.CANCELLED: QT_TRANSLATE_NOOP("JobsModel", "Cancelled"),
    JobState.NEEDS_ATTENTION: QT_TRANSLATE_NOOP("JobsModel", "Needs attention"),
}

# Why a job waits for the user (Job.attention_reason), in words a user can act on.
REASONS: dict[str, str] = {
    "in_doubt": QT_TRANSLATE_NOOP(
        "JobsModel",
        "The app stopped while this request was being sent: it may have been charged. "
        "Check the provider's dashboard, then retry or cancel.",
    ),
    "stuck": QT_TRANSLATE_NOOP(
        "JobsModel", "Running much longer than expected: wait, or cancel and retry."
    ),
    "quarantined": QT_TRANSLATE_NOOP(
        "JobsModel", "Set aside after the app stopped twice while running it: retry to try again."
    ),
    "reconcile": QT_TRANSLATE_NOOP(
        "JobsModel",
        "The provider accepted the request but its task id was lost: check its dashboard.",
    ),
}


def _t(text: str) -> str:
    return QCoreApplication.translate("JobsModel", text)


def _now() -> datetime:
    return datetime.now(UTC)


def elapsed_seconds(job: Job, now: datetime | None = None) -> float:
    """Wall time from submission (or queueing) to the end, or to now while unfinished."""
    start = job.submitted_at or job.created_at
    end = job.finished_at if job.state in TERMINAL_JOB_STATES and job.finished_at else None
    return max(0.0, ((end or now or _now()) - start).total_seconds())


def eta_seconds(job: Job) -> float | None:
    """Remaining active seconds from the provider's estimate; None when nothing is known."""
    if job.state not in IN_FLIGHT and job.state is not JobState.QUEUED:
        return None
    if job.progress > 0.02 and job.active_seconds > 0:
        return job.active_seconds * (1 - job.progress) / job.progress
    if job.estimate_seconds > 0:
        return max(0.0, job.estimate_seconds - job.active_seconds)
    return None


def reason_text(job: Job) -> str:
    parts = []
    if job.state is JobState.NEEDS_ATTENTION and job.attention_reason in REASONS:
        parts.append(_t(REASONS[job.attention_reason]))
    if job.last_error:
        parts.append(job.last_error)
    return " ".join(parts)


def short_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}:{sec:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{sec:02d}"


class JobsModel(QAbstractTableModel):
    STATE, PROVIDER, KIND, PRIORITY, ATTEMPTS, ELAPSED, ETA, ERROR = range(8)
    JobIdRole = Qt.ItemDataRole.UserRole + 1
    StateRole = Qt.ItemDataRole.UserRole + 2
    AttentionRole = Qt.ItemDataRole.UserRole + 3  # bool: the user must act on it

    _HEADERS = (
        QT_TRANSLATE_NOOP("JobsModel", "State"),
        QT_TRANSLATE_NOOP("JobsModel", "Provider"),
        QT_TRANSLATE_NOOP("JobsModel", "Kind"),
        QT_TRANSLATE_NOOP("JobsModel", "Priority"),
        QT_TRANSLATE_NOOP("JobsModel", "Attempts"),
        QT_TRANSLATE_NOOP("JobsModel", "Elapsed"),
        QT_TRANSLATE_NOOP("JobsModel", "ETA"),
        QT_TRANSLATE_NOOP("JobsModel", "Error"),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._jobs: list[Job] = []
        self._row_of: dict[str, int] = {}

    # -- updates (GUI thread) ------------------------------------------------------------------

    def load(self, jobs: Iterable[Job]) -> None:
        self.beginResetModel()
        self._jobs = list(jobs)
        self._row_of = {job.id: row for row, job in enumerate(self._jobs)}
        self.endResetModel()

    def upsert(self, job: Job) -> None:
        self.upsert_many([job])

    def upsert_many(self, jobs: Iterable[Job]) -> None:
        """Apply a burst of job changes with one insert and one dataChanged: a view re-reads
        (and may re-measure) every changed row per signal, and fifty jobs report together."""
        changed: list[int] = []
        new: list[Job] = []
        for job in jobs:
            row = self._row_of.get(job.id)
            if row is None:
                new.append(job)
            else:
                self._jobs[row] = job
                changed.append(row)
        if changed:
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), last))
        if new:
            first = len(self._jobs)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for offset, job in enumerate(new):
                self._jobs.append(job)
                self._row_of[job.id] = first + offset
            self.endInsertRows()

    def tick(self) -> None:
        """Clock-driven columns changed for unfinished jobs."""
        rows = [r for r, job in enumerate(self._jobs) if job.state not in TERMINAL_JOB_STATES]
        if rows:
            self.dataChanged.emit(
                self.index(min(rows), self.ELAPSED),
                self.index(max(rows), self.ETA),
                [Qt.ItemDataRole.DisplayRole],
            )

    # -- queries -------------------------------------------------------------------------------

    def job(self, row: int) -> Job:
        return self._jobs[row]

    def job_by_id(self, job_id: str) -> Job | None:
        row = self._row_of.get(job_id)
        return self._jobs[row] if row is not None else None

    def jobs(self) -> list[Job]:
        return list(self._jobs)

    def has_unfinished(self) -> bool:
        return any(job.state not in TERMINAL_JOB_STATES for job in self._jobs)

    def attention_count(self) -> int:
        return sum(1 for job in self._jobs if job.state in ATTENTION_STATES)

    # -- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's default)
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._HEADERS)
        ):
            return _t(self._HEADERS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return None
        job = self._jobs[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(job, index.column())
            if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.ERROR:
                return reason_text(job) or None
            return text
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.STATE:
            if job.state in ATTENTION_STATES:
                return QBrush(QColor("#c62828"))
            if job.state is JobState.DONE:
                return QBrush(QColor("#2e7d32"))
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (
            self.PRIORITY,
            self.ATTEMPTS,
            self.ELAPSED,
            self.ETA,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.JobIdRole:
            return job.id
        if role == self.StateRole:
            return job.state.value
        if role == self.AttentionRole:
            return job.state in ATTENTION_STATES
        return None

    def _text(self, job: Job, column: int) -> str | None:
        if column == self.STATE:
            return _t(STATE_TITLES[job.state])
        if column == self.PROVIDER:
            return f"{job.provider} · {job.model}" if job.model else job.provider
        if column == self.KIND:
            return job.kind
        if column == self.PRIORITY:
            return f"P{int(job.priority)}"
        if column == self.ATTEMPTS:
            return str(job.attempts)
        if column == self.ELAPSED:
            return short_duration(elapsed_seconds(job))
        if column == self.ETA:
            return short_duration(eta_seconds(job))
        if column == self.ERROR:
            return reason_text(job)
        return None


class AttentionFilter(QSortFilterProxyModel):
    """Shows only jobs the user must act on, when enabled."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._only_attention = False

    def set_only_attention(self, only: bool) -> None:
        if only != self._only_attention:
            self.beginFilterChange()
            self._only_attention = only
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def only_attention(self) -> bool:
        return self._only_attention

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._only_attention:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        return bool(index.data(JobsModel.AttentionRole))
