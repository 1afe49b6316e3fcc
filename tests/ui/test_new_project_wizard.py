"""The new-project wizard creates real projects from an idea, pasted text and a Fountain file,
validates with clear messages, and reports an engine rejection without closing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWizard

from genstudio.models import Aspect, SourceKind
from tests.ui.fixtures_b import *  # noqa: F403
from tests.ui.fixtures_b import TINY_FOUNTAIN, wait_until
from ui.views.new_project_wizard import NewProjectWizard


def _wizard(qtbot, controller) -> tuple[NewProjectWizard, list[str]]:
    wizard = NewProjectWizard(controller)
    qtbot.addWidget(wizard)
    created: list[str] = []
    wizard.projectCreated.connect(created.append)
    wizard.open()
    return wizard, created


def _finish(qloop, wizard: NewProjectWizard, created: list[str]) -> None:
    async def scenario() -> None:
        wizard.button(QWizard.WizardButton.FinishButton).click()
        await wait_until(lambda: bool(created) or not wizard.is_creating(), 30)

    qloop.run_until_complete(scenario())


def _project(qloop, controller, project_id: str):
    store = controller.store
    return qloop.run_until_complete(store.run(store.get_project, project_id))


def test_idea_with_every_detail(qtbot, qloop, no_leftovers, b_controller) -> None:
    wizard, created = _wizard(qtbot, b_controller)
    page = wizard.source
    assert not page.isComplete()  # nothing typed: Next stays disabled
    page.title_edit.setText("La botella")
    page.idea_edit.setPlainText("Short")
    assert page.isComplete() and not wizard.validateCurrentPage()
    assert page.message.text() == "Describe the film in a sentence or more."
    page.idea_edit.setPlainText("A lighthouse keeper finds a bottle that predicts tomorrow.")
    wizard.next()
    assert wizard.currentPage() is wizard.details
    assert wizard.details.duration_spin.isVisible()
    wizard.details.genre_combo.setCurrentIndex(wizard.details.genre_combo.findData("mystery"))
    wizard.details.duration_spin.setValue(90)
    wizard.details.aspect_combo.setCurrentIndex(wizard.details.aspect_combo.findData("portrait"))
    wizard.details.language_combo.setCurrentIndex(wizard.details.language_combo.findData("es"))
    _finish(qloop, wizard, created)

    assert len(created) == 1 and not wizard.isVisible()
    project = _project(qloop, b_controller, created[0])
    assert (project.title, project.genre, project.target_duration) == ("La botella", "mystery", 90)
    assert (project.aspect, project.language) == (Aspect.PORTRAIT, "es")
    assert project.idea.startswith("A lighthouse keeper") and b_controller.project_id == project.id


def test_fountain_file_and_pasted_text(qtbot, qloop, no_leftovers, b_controller, tiny_fountain):
    wizard, created = _wizard(qtbot, b_controller)
    wizard.source.file_radio.setChecked(True)
    wizard.source.file_edit.setText(str(tiny_fountain))
    wizard.next()
    assert not wizard.details.duration_spin.isVisible()  # the screenplay decides the length
    _finish(qloop, wizard, created)
    project = _project(qloop, b_controller, created[0])
    assert project.source_kind is SourceKind.FOUNTAIN and project.title == "Tiny Test"
    assert project.source_text == TINY_FOUNTAIN

    pasted = TINY_FOUNTAIN.split("\n", 3)[3]  # without the title page
    wizard, created = _wizard(qtbot, b_controller)
    wizard.source.paste_radio.setChecked(True)
    wizard.source.paste_edit.setPlainText(pasted)
    wizard.next()
    _finish(qloop, wizard, created)
    project = _project(qloop, b_controller, created[0])
    assert project.title == "Untitled screenplay" and project.source_text == pasted
    assert project.source_kind is SourceKind.FOUNTAIN


def test_validation_and_engine_errors_keep_the_wizard_open(
    qtbot, qloop, no_leftovers, b_controller, tmp_path: Path
) -> None:
    wizard, created = _wizard(qtbot, b_controller)
    page = wizard.source
    page.file_radio.setChecked(True)
    page.file_edit.setText(str(tmp_path / "missing.fountain"))
    assert not wizard.validateCurrentPage()
    assert page.message.text() == f"File not found: {tmp_path / 'missing.fountain'}"
    movie = tmp_path / "film.mp4"
    movie.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    page.file_edit.setText(str(movie))
    assert not wizard.validateCurrentPage()
    assert "is not a Fountain screenplay" in page.message.text()

    notes = tmp_path / "notes.fountain"
    notes.write_text("Title: Only a title page\n", encoding="utf-8")
    page.file_edit.setText(str(notes))
    wizard.next()
    _finish(qloop, wizard, created)
    assert created == [] and wizard.isVisible()  # stays open to fix the source
    assert str(notes) in wizard.details.error.text()
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()

    wizard.back()
    page.paste_radio.setChecked(True)
    page.paste_edit.setPlainText("Title: still nothing\n")
    wizard.next()
    _finish(qloop, wizard, created)
    assert wizard.details.error.text().startswith("The pasted screenplay: ")
    assert "genstudio-paste-" not in wizard.details.error.text()
    wizard.close()
