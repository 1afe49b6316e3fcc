"""The pipeline panel: every step's state and progress, Start/Resume and Stop, the plan
approval gate as a call to action, and a cost/time forecast before anything is spent.

Stop is honest: it cancels the run task now. Finished scenes and steps are persisted; a
scene that was rendering is set back to pending and starts over when the run is resumed.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from genstudio.models import (
    PLAN_STEPS,
    Project,
    ProjectStatus,
    StepName,
    StepStatus,
)
from genstudio.providers.prices import default_prices
from genstudio.providers.registry import builtin_configs
from genstudio.store import Store
from ui.delegates.progress_bar import ProgressBarDelegate
from ui.estimate import Estimate, estimate_run, measure_speed
from ui.models.steps_model import StepsModel, step_title

RUN_TASK = "pipeline"  # the controller's cancel_run() stops the task of this name


def _gather_estimate_inputs(store: Store, project_id: str, workspace_root: Path) -> Estimate:
    """Blocking, on the DB thread: everything the forecast needs in one round trip."""
    project = store.get_project(project_id)
    steps = store.get_steps(project_id)
    scenes = store.list_scenes(project_id)
    configs = builtin_configs()
    configs.update({r: c for r, c in store.get_provider_configs().items() if c.enabled})
    others = [p.id for p in store.list_projects() if p.id != project_id]
    speed = measure_speed(store, [project_id, *others])
    plan_done = all(steps[s].status is StepStatus.COMPLETED for s in PLAN_STEPS)
    width, height = project.size
    return estimate_run(
        scenes,
        configs,
        plan_done=plan_done,
        speed=speed,
        table=default_prices(workspace_root),
        megapixels=width * height / 1e6,
    )


DETAIL_MIN_WIDTH = 90  # px: below this the steps table drops its detail column


def format_duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 90:
        return f"{seconds} s"
    minutes, sec = divmod(seconds, 60)
    if minutes < 90:
        return f"{minutes} min {sec:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class PipelinePanel(QWidget):
    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PipelinePanel")
        self._controller = controller
        self._last_result = ""
        self.estimate: Estimate | None = None  # the last forecast shown
        self.model = StepsModel(self)

        self.banner = QFrame(self)
        self.banner.setObjectName("approvalBanner")
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setStyleSheet(
            "#approvalBanner { background: #fff4d6; border: 1px solid #e0b44c;"
            " border-radius: 4px; }"
        )
        self.banner_label = QLabel(
            self.tr("The plan is ready: review the storyboard, then Approve & generate."),
            self.banner,
        )
        self.banner_label.setWordWrap(True)
        self.approve_button = QPushButton(self.tr("Approve && generate"), self.banner)
        self.approve_button.setToolTip(
            self.tr("Approve the plan and every draft scene, then start generating")
        )
        banner_row = QHBoxLayout(self.banner)
        banner_row.addWidget(self.banner_label, 1)
        banner_row.addWidget(self.approve_button)

        self.estimate_label = QLabel(self)
        self.estimate_label.setObjectName("estimateLabel")
        self.estimate_label.setWordWrap(True)
        self.estimate_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.run_button = QPushButton(self.tr("Start"), self)
        self.stop_button = QPushButton(self.tr("Stop"), self)
        self.stop_button.setToolTip(
            self.tr(
                "Stop now. Finished scenes are kept; a scene that was rendering starts over "
                "when you resume."
            )
        )
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.status_label, 1)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(
            StepsModel.PROGRESS, ProgressBarDelegate(StepsModel.ProgressRole, self.table)
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(StepsModel.STEP, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(StepsModel.STATE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(StepsModel.PROGRESS, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(StepsModel.PROGRESS, 72)
        # the detail column takes what is left and may shrink to nothing in a narrow dock
        # (its text is also in the row's tooltip) instead of forcing a scroll bar
        header.setSectionResizeMode(StepsModel.DETAIL, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(24)
        self.table.verticalHeader().hide()  # the steps are named: row numbers add nothing

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.estimate_label)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

        # Scene edits arrive in bursts (autosave, a run): recompute the forecast once after.
        self._estimate_timer = QTimer(self)
        self._estimate_timer.setSingleShot(True)
        self._estimate_timer.setInterval(300)
        self._estimate_timer.timeout.connect(self.refresh_estimate)

        self.run_button.clicked.connect(self._on_run_clicked)
        self.stop_button.clicked.connect(self._on_stop_clicked)
        self.approve_button.clicked.connect(self._on_approve_clicked)
        controller.stepChanged.connect(self.model.update_step)
        controller.stepChanged.connect(self._on_step_changed)
        controller.projectOpened.connect(self._on_project_opened)
        controller.runStateChanged.connect(self._on_run_state_changed)
        controller.runFinished.connect(self._on_run_finished)
        controller.scenesReset.connect(self._schedule_estimate)
        controller.sceneChanged.connect(self._schedule_estimate)
        if controller.project_id:
            self._on_project_opened(controller.project_id)
        else:
            self.refresh_controls()

    # -- actions -------------------------------------------------------------------------------

    @Slot()
    def _on_run_clicked(self) -> None:
        self._last_result = ""
        self._controller.tasks.spawn(RUN_TASK, self._controller.run_pipeline())

    @Slot()
    def _on_stop_clicked(self) -> None:
        self.stop_button.setEnabled(False)
        self._controller.cancel_run()

    @Slot()
    def _on_approve_clicked(self) -> None:
        self._last_result = ""
        self.approve_button.setEnabled(False)
        self._controller.tasks.spawn(RUN_TASK, self._approve_and_run())

    async def _approve_and_run(self) -> None:
        await self._controller.approve_plan()
        if isValid(self):
            self.refresh_controls()
        await self._controller.run_pipeline()

    # -- engine → panel ------------------------------------------------------------------------

    @Slot(str)
    def _on_project_opened(self, project_id: str) -> None:
        self.model.clear()
        self._last_result = ""
        self.refresh_controls()
        self._controller.tasks.spawn("pipeline-panel:steps", self._load_steps(project_id))
        self._schedule_estimate()

    async def _load_steps(self, project_id: str) -> None:
        store = self._controller.store
        steps = await store.run(store.get_steps, project_id)
        if isValid(self) and self._controller.project_id == project_id:
            self.model.load(steps)
            self.refresh_controls()

    @Slot(str, str, float, str)
    def _on_step_changed(self, step: str, status: str, percent: float, detail: str) -> None:
        if status == StepStatus.RUNNING.value:
            try:
                title = step_title(StepName(step))
            except ValueError:
                title = step
            self.status_label.setText(f"{title}: {detail}" if detail else title)
        if status in (StepStatus.COMPLETED.value, StepStatus.SKIPPED.value):
            self._schedule_estimate()

    @Slot(bool)
    def _on_run_state_changed(self, running: bool) -> None:
        if running:
            self.status_label.setText(self.tr("Starting…"))
        self.refresh_controls()
        self._schedule_estimate()

    @Slot(object)
    def _on_run_finished(self, result: object) -> None:
        if isinstance(result, asyncio.CancelledError):
            self._last_result = self.tr("Stopped. Finished work is kept: Resume continues.")
        elif isinstance(result, BaseException):
            self._last_result = self.tr("The run failed: {error}").format(error=result)
        else:
            status = getattr(result, "status", None)
            failed = list(getattr(result, "failed_scenes", []) or [])
            if status is ProjectStatus.AWAITING_APPROVAL:
                self._last_result = self.tr("The plan is ready and waits for your approval.")
            elif status is ProjectStatus.COMPLETED:
                self._last_result = self.tr("Finished: the film is ready.")
            elif status is ProjectStatus.COMPLETED_WITH_WARNINGS:
                self._last_result = self.tr(
                    "Finished with warnings: scenes {numbers} failed."
                ).format(numbers=", ".join(str(n) for n in failed))
            elif status is ProjectStatus.FAILED:
                self._last_result = self.tr("The run failed: no scene could be rendered.")
            else:
                self._last_result = self.tr("Planning finished.")
        self.refresh_controls()

    # -- state ---------------------------------------------------------------------------------

    def _awaiting_approval(self, project: Project | None) -> bool:
        if project is None or project.plan_approved:
            return False
        if project.status is ProjectStatus.AWAITING_APPROVAL:
            return True
        return all(self.model.state(s).status is StepStatus.COMPLETED for s in PLAN_STEPS)

    def refresh_controls(self) -> None:
        project = self._controller.project() if self._controller.project_id else None
        running = bool(self._controller.is_running())
        gate = self._awaiting_approval(project)
        self.banner.setVisible(gate)
        self.approve_button.setEnabled(gate and not running)
        self.stop_button.setEnabled(running)
        self.run_button.setEnabled(project is not None and not running and not gate)
        self.run_button.setVisible(not gate)  # at the gate the banner holds the next step
        states = self.model.states()
        if all(s.status is StepStatus.PENDING and not s.detail for s in states):
            self.run_button.setText(self.tr("Start"))
            self.run_button.setToolTip(
                self.tr("Plan the production. Nothing is generated before you approve the plan.")
            )
        elif self.model.state(StepName.FINALIZE).status is StepStatus.COMPLETED:
            self.run_button.setText(self.tr("Run again"))
            self.run_button.setToolTip(
                self.tr(
                    "Render only scenes without a finished clip, then re-assemble if anything "
                    "changed."
                )
            )
        else:
            self.run_button.setText(self.tr("Resume"))
            self.run_button.setToolTip(
                self.tr("Continue where the last run stopped: finished work is kept.")
            )
        if project is None:
            self.status_label.setText(self.tr("Open or create a project."))
        elif not running:
            self.status_label.setText(self._last_result)

    @Slot()
    def _schedule_estimate(self, *_: object) -> None:
        if self._controller.project_id:
            self._estimate_timer.start()

    @Slot()
    def refresh_estimate(self) -> None:
        project_id = self._controller.project_id
        if project_id:
            self._controller.tasks.spawn("pipeline-panel:estimate", self._estimate(project_id))

    async def _estimate(self, project_id: str) -> None:
        store = self._controller.store
        root = self._controller.workspace.root
        estimate = await store.run(_gather_estimate_inputs, store, project_id, root)
        if isValid(self) and self._controller.project_id == project_id:
            self.show_estimate(estimate)

    def show_estimate(self, estimate: Estimate) -> None:
        self.estimate = estimate
        if not estimate.planned:
            text = self.tr(
                "The forecast is known once the plan is ready: nothing is generated before you "
                "approve it."
            )
            if not estimate.free:
                text += " " + self._cost_text(estimate, self.tr("Planning"))
            self.estimate_label.setText(text)
            return
        if estimate.scenes == 0:
            self.estimate_label.setText(self.tr("Nothing left to render."))
            return
        work = self.tr("Still to render: {scenes} scenes, {seconds} of video.").format(
            scenes=estimate.scenes, seconds=format_duration(estimate.video_seconds)
        )
        if estimate.seconds is None:
            time = self.tr("Time: not measured yet (known after the first clip).")
        else:
            time = self.tr("Time: about {duration} (measured here).").format(
                duration=format_duration(estimate.seconds)
            )
        cost = self._cost_text(estimate, self.tr("Cost"))  # not in the f-string: lupdate
        self.estimate_label.setText(f"{work} {cost} {time}")

    def _cost_text(self, estimate: Estimate, label: str) -> str:
        if estimate.free and not estimate.unpriced:
            return self.tr("{label}: free (offline providers on this computer).").format(
                label=label
            )
        text = self.tr("{label}: about ${amount:.2f}.").format(label=label, amount=estimate.cost)
        if estimate.unpriced:
            text += " " + self.tr("No price known for {names}: add one in Settings.").format(
                names=", ".join(estimate.unpriced)
            )
        return text

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_detail_column()

    def _fit_detail_column(self) -> None:
        """Show the detail column only when it has room for a few words: a sliver of "…"
        in a narrow dock is noise (the detail is in each row's tooltip either way)."""
        header = self.table.horizontalHeader()
        needed = (
            self.table.sizeHintForColumn(StepsModel.STEP)
            + header.sectionSize(StepsModel.STATE)
            + header.sectionSize(StepsModel.PROGRESS)
        )
        hide = self.table.viewport().width() - needed < DETAIL_MIN_WIDTH
        self.table.setColumnHidden(StepsModel.DETAIL, hide)
        # without the detail column the step names take the spare width
        mode = QHeaderView.ResizeMode.Stretch if hide else QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(StepsModel.STEP, mode)

    def closeEvent(self, event: Any) -> None:
        self._estimate_timer.stop()
        super().closeEvent(event)
