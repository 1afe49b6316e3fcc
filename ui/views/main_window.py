"""The main window: storyboard in the centre; projects, inspector, preview, pipeline, jobs
and log as dock widgets whose layout (and the window geometry) survive a restart.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from genstudio import __version__
from genstudio.concurrency import run_blocking
from genstudio.models import Approval
from ui import settings as keys
from ui.controller import ProjectController
from ui.undo import SceneEditCommand
from ui.views.main_actions import WindowActions
from ui.views.projects_panel import ProjectsPanel
from ui.views.scene_inspector import SceneInspector
from ui.views.storyboard_view import StoryboardView
from ui.views.takes_strip import TakesStrip

log = logging.getLogger("genstudio.ui")


def optional_class(module: str, name: str) -> type | None:
    """A panel class from a module that may not be installed yet (built in parallel)."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        log.warning("%s.%s unavailable: %s", module, name, exc)
        return None


class MainWindow(QMainWindow):
    closing = Signal()  # after pending edits were flushed and the layout saved

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        controller.auto_plan_new_projects = True  # a new project shows its storyboard at once
        self.setObjectName("GenStudioMainWindow")
        self.setWindowTitle("GenStudio")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self.undo_stack = QUndoStack(self)
        self.storyboard = StoryboardView(controller, self.undo_stack, self)
        self.setCentralWidget(self.storyboard)
        self.inspector = SceneInspector(controller, self.undo_stack, self)
        self.takes = TakesStrip(controller, self)
        self.docks: dict[str, QDockWidget] = {}
        self.dialogs: dict[str, QWidget] = {}
        self._build_docks()
        self.actions_ = WindowActions(self)
        self.actions_.build_menus()
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.actions_.build_toolbar())
        self._build_status_bar()
        self._connect()
        self.resize(1500, 920)
        self.restore_layout()

    # -- construction ---------------------------------------------------------------------

    def _panel(self, module: str, name: str, make: Callable[[type], QWidget]) -> QWidget:
        cls = optional_class(module, name)
        if cls is None:
            label = QLabel(self.tr("This panel is not available in this build."), self)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return label
        return make(cls)

    def _dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{key}")  # saveState/restoreState find docks by name
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[key] = dock
        return dock

    def _build_docks(self) -> None:
        c = self.controller
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.projects = ProjectsPanel(c, self)
        self._dock("projects", self.tr("Projects"), self.projects, left)
        self.pipeline = self._panel(
            "ui.views.pipeline_panel", "PipelinePanel", lambda cls: cls(c, self)
        )
        self._dock("pipeline", self.tr("Pipeline"), self.pipeline, left)
        preview_box = QWidget(self)
        box = QVBoxLayout(preview_box)
        box.setContentsMargins(4, 4, 4, 4)
        self.preview = self._panel("ui.views.clip_preview", "ClipPreview", lambda cls: cls(self))
        self.preview.setMinimumHeight(200)
        box.addWidget(self.preview, 1)
        box.addWidget(self.takes)
        self._dock("preview", self.tr("Preview and takes"), preview_box, right)
        self._dock("inspector", self.tr("Scene"), self.inspector, right)
        self.jobs = self._panel("ui.views.jobs_panel", "JobsPanel", lambda cls: cls(c, self))
        self.log_panel = self._panel("ui.views.log_panel", "LogPanel", lambda cls: cls(c, self))
        self._dock("jobs", self.tr("Jobs"), self.jobs, bottom)
        self._dock("log", self.tr("Log"), self.log_panel, bottom)
        self.tabifyDockWidget(self.docks["jobs"], self.docks["log"])
        self.docks["jobs"].raise_()
        self.setCorner(Qt.Corner.BottomLeftCorner, left)
        self.setCorner(Qt.Corner.BottomRightCorner, right)
        self.resizeDocks(
            [self.docks["projects"], self.docks["preview"]], [320, 440], Qt.Orientation.Horizontal
        )
        self.resizeDocks(
            [self.docks["preview"], self.docks["inspector"]], [330, 560], Qt.Orientation.Vertical
        )
        self.resizeDocks(
            [self.docks["projects"], self.docks["pipeline"]], [200, 620], Qt.Orientation.Vertical
        )
        self.resizeDocks([self.docks["jobs"]], [170], Qt.Orientation.Vertical)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.run_label = QLabel(self.tr("Idle"), self)
        self.keyring_label = QLabel(self.tr("Key storage: checking…"), self)
        self.keyring_label.setObjectName("keyringStatus")
        bar.addPermanentWidget(self.run_label)
        bar.addPermanentWidget(self.keyring_label)
        self.controller.tasks.spawn("keyring-status", self.refresh_keyring_status())

    async def refresh_keyring_status(self) -> None:
        # keyring probes backends (D-Bus on Linux) on first use: keep it off the GUI thread
        status = await run_blocking(self.controller.keystore.status)
        if status.available:
            self.keyring_label.setText(self.tr("Keys: %s") % status.backend.rsplit(".", 2)[-2])
            self.keyring_label.setStyleSheet("")
        else:
            self.keyring_label.setText(self.tr("No secure key storage available"))
            self.keyring_label.setStyleSheet("color: #dc2626;")
        self.keyring_label.setToolTip(status.message)

    def _connect(self) -> None:
        c = self.controller
        self.storyboard.currentSceneChanged.connect(self._scene_selected)
        self.takes.takeShown.connect(self._show_take)
        self.projects.newRequested.connect(self.new_project)
        self.projects.importRequested.connect(self.import_screenplay)
        c.projectOpened.connect(self._project_opened)
        c.runStateChanged.connect(self._run_state)
        c.errorRaised.connect(self.show_error)
        c.projectsChanged.connect(self._update_title)

    # -- reactions ------------------------------------------------------------------------

    def _scene_selected(self, scene_id: str) -> None:
        self.inspector.show_scene(scene_id or None)
        self.takes.show_scene(scene_id or None)

    def _show_take(self, take: Any) -> None:
        show = getattr(self.preview, "show_take", None)
        project_dir = self.controller.project_dir()
        if show is not None and project_dir is not None:
            show(project_dir, take)

    def _project_opened(self, _project_id: str) -> None:
        self._update_title()

    def _update_title(self) -> None:
        project = self.controller.project()
        self.setWindowTitle(f"{project.title} — GenStudio" if project else "GenStudio")

    def _run_state(self, running: bool) -> None:
        self.actions_.cancel.setEnabled(running)
        self.actions_.run.setEnabled(not running)
        self.actions_.plan.setEnabled(not running)
        self.run_label.setText(self.tr("Running…") if running else self.tr("Idle"))

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)
        box = self.dialogs.get("error")
        if isinstance(box, QMessageBox) and box.isVisible():
            box.setText(f"{box.text()}\n\n{message}")
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("GenStudio"), message, parent=self)
        box.setWindowModality(Qt.WindowModality.NonModal)
        self.dialogs["error"] = box
        box.open()

    # -- commands -------------------------------------------------------------------------

    def _open_dialog(self, key: str, module: str, name: str) -> QWidget | None:
        """Show dialog `key` (a new one unless it is open); returns it only when just made."""
        existing = self.dialogs.get(key)
        if existing is not None and isValid(existing) and existing.isVisible():
            existing.raise_()
            return None
        cls = optional_class(module, name)
        if cls is None:
            self.show_error(self.tr("This dialog is not available in this build."))
            return None
        dialog = cls(self.controller, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs[key] = dialog
        dialog.open()  # never exec(): it would nest an event loop under qasync
        return dialog

    def new_project(self) -> None:
        self._open_dialog("new", "ui.views.new_project_wizard", "NewProjectWizard")

    def open_settings(self) -> None:
        dialog = self._open_dialog("settings", "ui.views.settings_dialog", "SettingsDialog")
        refresh = getattr(self.pipeline, "refresh_estimate", None)
        if dialog is not None and refresh is not None:
            # new providers or prices change the cost forecast shown before a run
            dialog.settingsSaved.connect(refresh)  # type: ignore[attr-defined]

    def assemble(self) -> None:
        self._open_dialog("assemble", "ui.views.assemble_dialog", "AssembleDialog")

    def conform(self) -> None:
        # works with no project open too: the dialog then offers clips in name order only
        self._open_dialog("conform", "ui.views.conform_dialog", "ConformDialog")

    def import_screenplay(self) -> None:
        dialog = QFileDialog(self, self.tr("Import a screenplay"))
        dialog.setNameFilters([self.tr("Fountain screenplays (*.fountain *.spmd *.txt)")])
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(
            lambda path: self.controller.tasks.spawn(
                "import", self.controller.create_from_fountain(path)
            )
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs["import"] = dialog
        dialog.open()

    def run_pipeline(self) -> None:
        self.inspector.flush()
        self.controller.tasks.spawn("pipeline", self.controller.run_pipeline())

    def plan_only(self) -> None:
        self.controller.tasks.spawn("pipeline", self.controller.run_pipeline(plan_only=True))

    def approve_plan(self) -> None:
        self.inspector.flush()
        self.controller.tasks.spawn("save:approve-plan", self.controller.approve_plan())

    def _edit_selected(self, text: str, change: Callable[[Any], dict[str, Any] | None]) -> None:
        """Apply `change` to every selected scene as one undoable step."""
        self.inspector.flush()
        ids = self.storyboard.selected_ids() or [self.storyboard.current_id() or ""]
        edits = []
        for scene_id in ids:
            scene = self.controller.scene(scene_id)
            update = change(scene) if scene is not None else None
            if scene is not None and update:
                edits.append((scene, scene.model_copy(update=update)))
        if not edits:
            return
        self.undo_stack.beginMacro(text)
        for before, after in edits:
            self.undo_stack.push(SceneEditCommand(self.controller, before, after))
        self.undo_stack.endMacro()

    def approve_selected(self) -> None:
        self._edit_selected(
            self.tr("Approve scenes"),
            lambda s: (
                None
                if s.approval is Approval.APPROVED
                else {"approval": Approval.APPROVED, "approval_note": ""}
            ),
        )

    def toggle_lock(self) -> None:
        current = self.controller.scene(self.storyboard.current_id() or "")
        locked = not current.locked if current else True
        self._edit_selected(self.tr("Lock scenes"), lambda s: {"locked": locked})

    def request_changes(self) -> None:
        self.docks["inspector"].show()
        self.docks["inspector"].raise_()
        self.inspector.note.setFocus()

    def about(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("About GenStudio"),
            self.tr("GenStudio %s\nA storyboard studio for AI video.") % __version__,
            parent=self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs["about"] = box
        box.open()

    # -- layout persistence and closing ---------------------------------------------------

    def restore_layout(self) -> None:
        store = keys.app_settings()
        geometry = store.value(keys.WINDOW_GEOMETRY)
        state = store.value(keys.WINDOW_STATE)
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, keys.STATE_VERSION)
        zoom = store.value(keys.STORYBOARD_ZOOM)
        if zoom is not None:
            self.storyboard.set_zoom(float(zoom))

    def save_layout(self) -> None:
        store = keys.app_settings()
        store.setValue(keys.WINDOW_GEOMETRY, self.saveGeometry())
        store.setValue(keys.WINDOW_STATE, self.saveState(keys.STATE_VERSION))
        store.setValue(keys.STORYBOARD_ZOOM, self.storyboard.zoom)
        store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.inspector.flush()  # the last edit is saved before the app shuts down
        self.save_layout()
        for dialog in list(self.dialogs.values()):
            with contextlib.suppress(RuntimeError):  # already deleted (WA_DeleteOnClose)
                dialog.close()
        self.closing.emit()
        event.accept()
