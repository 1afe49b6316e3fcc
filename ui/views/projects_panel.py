"""The projects of the workspace, newest first; activate one to open it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.controller import ProjectController

ProjectIdRole = int(Qt.ItemDataRole.UserRole) + 1


class ProjectsPanel(QWidget):
    newRequested = Signal()
    importRequested = Signal()

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.list = QListWidget(self)
        self.list.setObjectName("projectsList")
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        new = QPushButton(self.tr("New…"), self)
        new.setToolTip(self.tr("New project from an idea, text or a screenplay (Ctrl+N)"))
        new.clicked.connect(self.newRequested)
        imp = QPushButton(self.tr("Import…"), self)
        imp.setToolTip(self.tr("Import a Fountain screenplay (Ctrl+O)"))
        imp.clicked.connect(self.importRequested)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(imp)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        controller.projectsChanged.connect(self.refresh)
        controller.projectOpened.connect(self._project_opened)
        self.refresh()

    def _project_opened(self, _project_id: str) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        status_names = {
            "draft": self.tr("draft"),
            "awaiting_approval": self.tr("plan to approve"),
            "running": self.tr("running"),
            "completed": self.tr("finished"),
            "completed_with_warnings": self.tr("finished, with warnings"),
            "failed": self.tr("failed"),
        }
        for project in self.controller.projects():
            status = status_names.get(project.status.value, project.status.value)
            item = QListWidgetItem(f"{project.title}\n{status}")
            item.setData(ProjectIdRole, project.id)
            item.setToolTip(f"{project.title} · {project.aspect.value} · {project.language}")
            if project.id == self.controller.project_id:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
            if project.id == self.controller.project_id:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def _activated(self, item: QListWidgetItem) -> None:
        project_id = item.data(ProjectIdRole)
        if project_id and project_id != self.controller.project_id:
            self.controller.tasks.spawn("open-project", self.controller.open_project(project_id))
