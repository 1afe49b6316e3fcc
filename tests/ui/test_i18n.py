"""Spanish through Qt's translation system: each panel shows Spanish text once the translator
is installed, Qt's own buttons too, and no UI string is left untranslated in the catalogue."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QWizard

from tests.ui.fixtures_b import *  # noqa: F403
from tests.ui.fixtures_b import run_until
from ui.i18n import catalogue_path, choose_language, install_translator
from ui.settings import LANGUAGE, app_settings

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "genstudio_es.ts"


def build_translations() -> ModuleType:
    """packaging/build_translations.py (`packaging` is also the PyPI package, so load by path)."""
    path = ROOT / "packaging" / "build_translations.py"
    spec = importlib.util.spec_from_file_location("build_translations", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def spanish(qapp) -> Iterator[None]:
    assert install_translator(qapp, "es") == "es"
    yield
    assert install_translator(qapp, "en") == "en"
    assert QCoreApplication.translate("PipelinePanel", "Start") == "Start"


def test_every_panel_speaks_spanish(qtbot, qloop, spanish, b_controller) -> None:
    from ui.models.steps_model import StepsModel
    from ui.views.assemble_dialog import AssembleDialog
    from ui.views.clip_preview import ClipPreview
    from ui.views.jobs_panel import JobsPanel
    from ui.views.log_panel import LogPanel
    from ui.views.new_project_wizard import NewProjectWizard
    from ui.views.pipeline_panel import PipelinePanel
    from ui.views.settings_dialog import SettingsDialog

    pipeline = PipelinePanel(b_controller)
    jobs = JobsPanel(b_controller)
    log = LogPanel(b_controller)
    preview = ClipPreview(backend="opencv")
    settings = SettingsDialog(b_controller)
    wizard = NewProjectWizard(b_controller)
    assemble = AssembleDialog(b_controller)
    for widget in (pipeline, jobs, log, preview, settings, wizard, assemble):
        qtbot.addWidget(widget)

    assert pipeline.run_button.text() == "Empezar"
    assert pipeline.banner_label.text().startswith("El plan está listo")
    assert pipeline.model.headerData(0, Qt.Orientation.Horizontal) == "Paso"
    assert StepsModel().index(6, StepsModel.STEP).data() == "Clips de vídeo"
    assert jobs.retry_button.text() == "Reintentar"
    assert log.clear_button.text() == "Borrar" and log.level_combo.currentText() == "Información"
    assert preview.poster_label.text() == "Ninguna toma seleccionada"
    assert settings.windowTitle() == "Ajustes: proveedores y claves"
    run_until(qloop, lambda: settings.current_role() is not None)
    assert settings.roles.item(2).text() == "Vídeo · integrado"
    assert wizard.windowTitle() == "Nuevo proyecto"
    assert wizard.source.idea_radio.text() == "Una idea"
    next_text = wizard.button(QWizard.WizardButton.NextButton).text()
    assert "Siguiente" in next_text.replace("&", "")  # Qt's own strings: qtbase_es.qm
    assert assemble.windowTitle() == "Montar la película"
    assert assemble.subtitles_combo.itemText(1) == "Archivo aparte (.srt)"
    settings.close()


def test_the_window_and_controller_strings_are_translated_too(qapp, spanish) -> None:
    # The main window's actions are made with `tr = window.tr` (lupdate files them under an
    # empty context); at run time PySide looks them up under the window's class name.
    translate = QCoreApplication.translate
    assert translate("MainWindow", "&Quit") == "&Salir"
    assert translate("MainWindow", "Main") == "Principal"
    assert translate("GenStudioApp", "Something went wrong:\n%s") == "Algo salió mal:\n%s"
    assert (
        translate("ProjectController", "Plan approved (%d scenes)") == "Plan aprobado (%d escenas)"
    )
    assert translate("StoryboardView", "Delete %n scene(s)", None, 1) == "Eliminar 1 escena"
    assert translate("StoryboardView", "Delete %n scene(s)", None, 4) == "Eliminar 4 escenas"


def test_language_choice(qapp, monkeypatch) -> None:
    assert choose_language("es_ES") == "es" and choose_language("fr") == "en"
    app_settings().setValue(LANGUAGE, "es")
    assert choose_language(None) == "es"
    app_settings().setValue(LANGUAGE, "")
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("es_MX")))
    assert choose_language("") == "es"
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("de_DE")))
    assert choose_language(None) == "en"
    assert Path(catalogue_path("es")).is_file()


def test_catalogue_is_complete_and_compiled(tmp_path: Path) -> None:
    """Every tr() string of ui/ has a Spanish translation, and the shipped .qm matches."""
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    if not lupdate.exists():
        pytest.skip("pyside6-lupdate is not installed here")
    fresh = tmp_path / "check_es.ts"
    shutil.copyfile(TS, fresh)
    sources = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "ui").rglob("*.py"))]
    subprocess.run(
        [str(lupdate), *sources, "-no-obsolete", "-locations", "none", "-ts", str(fresh)],
        cwd=ROOT, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    untranslated = [
        (context.findtext("name"), message.findtext("source"))
        for context in ET.parse(fresh).getroot().iter("context")
        for message in context.iter("message")
        if message.find("translation").get("type") == "unfinished"
    ]
    assert untranslated == [], "run packaging/build_translations.py and translate these"
    # A clone gives both files the checkout's time, so compare what lrelease makes of the .ts
    # with the shipped .qm rather than their mtimes.
    shipped = Path(catalogue_path("es")).read_bytes()
    runtime_ts, compiled = tmp_path / "runtime_es.ts", tmp_path / "check_es.qm"
    build_translations().with_runtime_contexts(TS, runtime_ts)
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    subprocess.run(
        [str(lrelease), str(runtime_ts), "-qm", str(compiled)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert compiled.read_bytes() == shipped, "the .qm does not match the .ts: rebuild it"
