"""The main window's actions, menus and toolbar, with their keyboard shortcuts.

Storyboard-structure shortcuts (Delete, Ctrl+D, Ctrl+I) are scoped to the storyboard grid, so
Delete in a text field deletes text, never a scene. Undo/redo come from the window's
QUndoStack; a focused text field keeps its own Ctrl+Z. Cancel is Shift+F5 (the "stop" key of
debuggers), not Esc: Esc closes popups and must never stop a paid run by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QToolBar

if TYPE_CHECKING:
    from ui.views.main_window import MainWindow


class WindowActions:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        w = window
        tr = w.tr
        icon = w.style().standardIcon
        self.new = self._make(tr("&New project…"), w.new_project, QKeySequence.StandardKey.New)
        self.new.setIcon(icon(QStyle.StandardPixmap.SP_FileIcon))
        self.import_ = self._make(
            tr("&Import screenplay…"), w.import_screenplay, QKeySequence.StandardKey.Open
        )
        self.import_.setIcon(icon(QStyle.StandardPixmap.SP_DialogOpenButton))
        self.assemble = self._make(tr("&Assemble and export…"), w.assemble, "Ctrl+E")
        self.conform = self._make(tr("&Conform a folder…"), w.conform)
        self.conform.setStatusTip(tr("Make the film from a folder of downloaded clips, offline"))
        self.settings = self._make(tr("&Settings…"), w.open_settings, "Ctrl+,")
        self.settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.quit = self._make(tr("&Quit"), w.close, QKeySequence.StandardKey.Quit)
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)

        self.undo = w.undo_stack.createUndoAction(w, tr("&Undo"))
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo = w.undo_stack.createRedoAction(w, tr("&Redo"))
        self.redo.setShortcut(QKeySequence.StandardKey.Redo)
        board = w.storyboard
        self.insert = self._make(tr("&Insert scene"), board.insert_scene, "Ctrl+I", board.list)
        self.duplicate = self._make(
            tr("&Duplicate scene"), board.duplicate_selected, "Ctrl+D", board.list
        )
        self.delete = self._make(
            tr("De&lete scene"), board.delete_selected, QKeySequence.StandardKey.Delete, board.list
        )

        self.approve = self._make(tr("&Approve scene"), w.approve_selected, "Ctrl+Return")
        self.approve.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.request_changes = self._make(tr("Request &changes…"), w.request_changes)
        self.lock = self._make(tr("&Lock scene"), w.toggle_lock, "Ctrl+L")
        self.regen_clip = self._make(
            tr("Regenerate &clip"), lambda: w.takes.regenerate("clip"), "Ctrl+R"
        )
        self.regen_image = self._make(
            tr("Regenerate &image"), lambda: w.takes.regenerate("image"), "Ctrl+Shift+R"
        )

        self.run = self._make(tr("&Run"), w.run_pipeline, "F5")
        self.run.setIcon(icon(QStyle.StandardPixmap.SP_MediaPlay))
        self.run.setToolTip(tr("Generate what is missing, up to the finished film (F5)"))
        self.plan = self._make(tr("&Plan only"), w.plan_only, "Ctrl+F5")
        self.approve_plan = self._make(tr("Approve the &plan"), w.approve_plan)
        self.approve_plan.setIcon(icon(QStyle.StandardPixmap.SP_DialogApplyButton))
        self.cancel = self._make(tr("&Stop"), w.controller.cancel_run, "Shift+F5")
        self.cancel.setIcon(icon(QStyle.StandardPixmap.SP_MediaStop))
        self.cancel.setEnabled(False)

        self.zoom_in = self._make(tr("Zoom &in"), board.zoom_in, QKeySequence.StandardKey.ZoomIn)
        self.zoom_in.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self.zoom_out = self._make(
            tr("Zoom &out"), board.zoom_out, QKeySequence.StandardKey.ZoomOut
        )
        self.about = self._make(tr("&About GenStudio"), w.about)

    def _make(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey | None = None,
        scope: object | None = None,
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        if scope is not None:  # only while that widget (or a child) has focus
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            scope.addAction(action)  # type: ignore[attr-defined]
        return action

    def build_menus(self) -> None:
        bar = self.window.menuBar()
        tr = self.window.tr
        file = bar.addMenu(tr("&File"))
        for action in (
            self.new,
            self.import_,
            None,
            self.assemble,
            self.conform,
            None,
            self.settings,
            None,
            self.quit,
        ):
            file.addSeparator() if action is None else file.addAction(action)
        edit = bar.addMenu(tr("&Edit"))
        for action in (self.undo, self.redo, None, self.insert, self.duplicate, self.delete):
            edit.addSeparator() if action is None else edit.addAction(action)
        scene = bar.addMenu(tr("&Scene"))
        for action in (
            self.approve,
            self.request_changes,
            self.lock,
            None,
            self.regen_clip,
            self.regen_image,
        ):
            scene.addSeparator() if action is None else scene.addAction(action)
        run = bar.addMenu(tr("&Run"))
        for action in (self.run, self.plan, self.approve_plan, None, self.cancel):
            run.addSeparator() if action is None else run.addAction(action)
        view = bar.addMenu(tr("&View"))
        view.addAction(self.zoom_in)
        view.addAction(self.zoom_out)
        view.addSeparator()
        for dock in self.window.docks.values():
            view.addAction(dock.toggleViewAction())
        help_menu = bar.addMenu(tr("&Help"))
        help_menu.addAction(self.about)

    def build_toolbar(self) -> QToolBar:
        toolbar = QToolBar(self.window.tr("Main"), self.window)
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (
            self.new,
            self.import_,
            None,
            self.run,
            self.cancel,
            self.approve_plan,
            None,
            self.assemble,
        ):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)
        return toolbar
