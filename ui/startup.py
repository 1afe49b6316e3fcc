"""What the window opens with: the last project, else the newest, else (first run) a sample.

On first run the workspace is empty: the bundled demo screenplay is imported and its planning
steps run with the offline providers (a second or two, nothing paid), so a newcomer sees a
full storyboard at once. Generating the film stays the user's choice: one click on Run.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale

from genstudio.resources import resource_path
from ui.controller import ProjectController
from ui.settings import LANGUAGE, LAST_PROJECT, app_settings

log = logging.getLogger("genstudio.ui")


def sample_name(language: str) -> str:
    """The Spanish sample for Spanish-speaking users when it is bundled, else the English one."""
    if language.startswith("es"):
        try:
            resource_path("samples/demo_es.fountain")
            return "samples/demo_es.fountain"
        except FileNotFoundError:
            pass
    return "samples/demo.fountain"


async def create_sample(controller: ProjectController, language: str = "en") -> str:
    name = sample_name(language)
    project_id = await controller.create_from_fountain(
        resource_path(name), language="es" if name.endswith("_es.fountain") else "en"
    )
    await controller.plan_if_never_planned()  # no-op when create_* planned it already
    return project_id


async def open_initial_project(controller: ProjectController) -> str | None:
    projects = await controller.refresh_projects()
    if not projects:
        language = str(app_settings().value(LANGUAGE, "") or QLocale.system().name())
        return await create_sample(controller, language)
    last = app_settings().value(LAST_PROJECT)
    chosen = next((p for p in projects if p.id == last), projects[0])  # newest first
    await controller.open_project(chosen.id)
    return chosen.id
