"""The jobs panel: every provider job with state, timing and error; Retry and Cancel; lane
usage ("video 1/2"); a filter for the jobs that need the user, with the reason spelled out.

Job changes arrive in bursts (a run starts fifty jobs), so changed ids are collected and
re-read from the store in one DB call per 100 ms instead of one call per event.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from genstudio.errors import NotFoundError
from genstudio.models import TERMINAL_JOB_STATES, Job, JobState, ProviderConfig, Role
from genstudio.store import Store
from ui.models.jobs_model import IN_FLIGHT, AttentionFilter, JobsModel, reason_text

KIND_ROLES: dict[str, Role] = {
    "plan": Role.LLM,
    "image": Role.IMAGE,
    "video": Role.VIDEO,
    "speech": Role.AUDIO,
    "lipsync": Role.LIPSYNC,
    "music": Role.MUSIC,
}
RETRYABLE = frozenset({JobState.FAILED, JobState.NEEDS_ATTENTION, JobState.CANCELLED})


def lane_usage(
    jobs: list[Job], configs: dict[Role, ProviderConfig]
) -> list[tuple[str, int, int | None, int]]:
    """(lane, in flight, limit or None, waiting) for lanes with unfinished jobs."""
    in_flight: Counter[str] = Counter()
    waiting: Counter[str] = Counter()
    limits: dict[str, int | None] = {}
    for job in jobs:
        if job.state in TERMINAL_JOB_STATES:
            continue
        lane = job.lane or job.kind
        role = KIND_ROLES.get(job.kind)
        config = configs.get(role) if role else None
        limits.setdefault(
            lane, config.max_concurrent if config and config.name == job.provider else None
        )
        if job.state in IN_FLIGHT:
            in_flight[lane] += 1
        elif job.state is JobState.QUEUED:
            waiting[lane] += 1
    return [(lane, in_flight[lane], limits[lane], waiting[lane]) for lane in sorted(limits)]


def _read_jobs(store: Store, ids: list[str]) -> list[Job]:
    jobs = []
    for job_id in ids:
        try:
            jobs.append(store.get_job(job_id))
        except NotFoundError:  # deleted with its project meanwhile
            continue
    return jobs


class JobsPanel(QWidget):
    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("JobsPanel")
        self._controller = controller
        self._configs: dict[Role, ProviderConfig] = {}
        self._changed: set[str] = set()
        self._refreshes = 0
        self.model = JobsModel(self)
        self.proxy = AttentionFilter(self)
        self.proxy.setSourceModel(self.model)

        self.lanes_label = QLabel(self)
        self.lanes_label.setObjectName("lanesLabel")
        self.attention_box = QCheckBox(self.tr("Only jobs that need attention"), self)
        top = QHBoxLayout()
        top.addWidget(self.lanes_label, 1)
        top.addWidget(self.attention_box)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Interactive, sized to the contents when rows arrive: ResizeToContents would
        # re-measure every row on each progress update (fifty jobs, ten times a second).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

        self.reason_label = QLabel(self)
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton(self.tr("Retry"), self)
        self.retry_button.setToolTip(
            self.tr("Send the request again. A new request may be billed by the provider.")
        )
        self.cancel_button = QPushButton(self.tr("Cancel job"), self)
        self.cancel_button.setToolTip(self.tr("Stop this job here and at the provider"))
        actions = QHBoxLayout()
        actions.addWidget(self.reason_label, 1)
        actions.addWidget(self.retry_button)
        actions.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(100)
        self._flush_timer.timeout.connect(self._flush_changes)
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(1000)
        self._tick_timer.timeout.connect(self._on_tick)

        self.attention_box.toggled.connect(self.proxy.set_only_attention)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.model.modelReset.connect(self._after_rows_change)
        self.model.rowsInserted.connect(self._after_rows_change)
        self.model.dataChanged.connect(self._after_data_change)
        self.retry_button.clicked.connect(self._on_retry)
        self.cancel_button.clicked.connect(self._on_cancel)
        controller.projectOpened.connect(self._on_project_opened)
        controller.jobChanged.connect(self._on_job_changed)
        self._update_actions()
        self._update_lanes()
        if controller.project_id:
            self._on_project_opened(controller.project_id)

    # -- loading -------------------------------------------------------------------------------

    @Slot(str)
    def _on_project_opened(self, project_id: str) -> None:
        self.model.load([])
        self._controller.tasks.spawn("jobs-panel:load", self._load(project_id))

    async def _load(self, project_id: str) -> None:
        store = self._controller.store
        jobs = await store.run(store.list_jobs, project_id)
        configs = await store.run(store.get_provider_configs)
        if isValid(self) and self._controller.project_id == project_id:
            self._configs = configs
            self.model.load(jobs)

    @Slot(str)
    def _on_job_changed(self, job_id: str) -> None:
        self._changed.add(job_id)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    @Slot()
    def _flush_changes(self) -> None:
        ids, self._changed = sorted(self._changed), set()
        if ids:
            self._refreshes += 1
            self._controller.tasks.spawn(
                f"jobs-panel:refresh:{self._refreshes}", self._refresh(ids)
            )

    async def _refresh(self, ids: list[str]) -> None:
        store = self._controller.store
        jobs = await store.run(_read_jobs, store, ids)
        if not isValid(self):
            return
        pid = self._controller.project_id
        self.model.upsert_many(job for job in jobs if job.project_id == pid)

    # -- display -------------------------------------------------------------------------------

    @Slot()
    def _after_rows_change(self, *_: object) -> None:
        self.table.resizeColumnsToContents()
        self._after_model_change()

    @Slot()
    def _after_model_change(self, *_: object) -> None:
        self._update_lanes()
        self._update_actions()
        running = self.model.has_unfinished()
        if running and not self._tick_timer.isActive():
            self._tick_timer.start()
        elif not running:
            self._tick_timer.stop()

    @Slot()
    def _after_data_change(self, top_left: Any, _bottom_right: Any, roles: Any = ()) -> None:
        if roles and list(roles) == [Qt.ItemDataRole.DisplayRole]:
            return  # a clock tick: states did not change
        self._after_model_change()

    @Slot()
    def _on_tick(self) -> None:
        self.model.tick()

    def _update_lanes(self) -> None:
        usage = lane_usage(self.model.jobs(), self._configs)
        parts = []
        for lane, active, limit, waiting in usage:
            text = f"{lane} {active}/{limit if limit is not None else '?'}"
            if waiting:
                text += " " + self.tr("({count} waiting)").format(count=waiting)
            parts.append(text)
        lanes = " · ".join(parts) if parts else self.tr("idle")
        attention = self.model.attention_count()
        self.lanes_label.setText(self.tr("Lanes: {lanes}").format(lanes=lanes))
        self.attention_box.setText(
            self.tr("Only jobs that need attention ({count})").format(count=attention)
        )

    def selected_job(self) -> Job | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        source = self.proxy.mapToSource(rows[0])
        return self.model.job(source.row()) if source.isValid() else None

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, *_: object) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        job = self.selected_job()
        has_api = hasattr(self._controller, "retry_job") and hasattr(self._controller, "cancel_job")
        self.retry_button.setEnabled(has_api and job is not None and job.state in RETRYABLE)
        self.cancel_button.setEnabled(
            has_api and job is not None and job.state not in TERMINAL_JOB_STATES
        )
        if not has_api:
            missing = self.tr("Retry and cancel are not available in this build.")
            self.retry_button.setToolTip(missing)
            self.cancel_button.setToolTip(missing)
        if job is not None:
            self.reason_label.setText(reason_text(job))
        elif self.model.rowCount() == 0:
            self.reason_label.setText(
                self.tr("No provider jobs yet: the built-in providers render on this computer.")
            )
        else:
            self.reason_label.clear()

    # -- actions -------------------------------------------------------------------------------

    @Slot()
    def _on_retry(self) -> None:
        job = self.selected_job()
        if job is not None:
            self.retry_button.setEnabled(False)
            self._controller.tasks.spawn(f"jobs:retry:{job.id}", self._controller.retry_job(job.id))

    @Slot()
    def _on_cancel(self) -> None:
        job = self.selected_job()
        if job is not None:
            self.cancel_button.setEnabled(False)
            self._controller.tasks.spawn(
                f"jobs:cancel:{job.id}", self._controller.cancel_job(job.id)
            )

    def closeEvent(self, event: Any) -> None:
        self._tick_timer.stop()
        self._flush_timer.stop()
        super().closeEvent(event)
