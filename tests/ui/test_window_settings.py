"""Saving Settings from the window updates the pipeline panel's cost forecast at once."""

from __future__ import annotations

from shiboken6 import isValid

from genstudio.models import Role
from tests.engine.pipeline_helpers import write_tiny
from ui.views.main_window import MainWindow
from ui.views.provider_catalog import ROLE_PROVIDERS


def test_saving_a_paid_video_provider_updates_the_forecast(
    controller, open_window, run, until, tmp_path
):
    window = open_window(MainWindow(controller))
    run(controller.create_from_fountain(write_tiny(tmp_path)))  # planned at once, offline
    panel = window.pipeline
    until(lambda: "Still to render: 3 scenes" in panel.estimate_label.text(), what="forecast")
    assert "Cost: free" in panel.estimate_label.text()

    window.open_settings()
    dialog = window.dialogs["settings"]
    until(lambda: dialog.current_role() is not None, what="settings loaded")
    dialog.roles.setCurrentRow(list(ROLE_PROVIDERS).index(Role.VIDEO))
    dialog.select_provider("runway")
    dialog.model_edit.setText("gen4_turbo")
    dialog.price.setValue(0.25)  # USD per second of video
    dialog.save_button.click()

    seconds = panel.estimate.video_seconds
    expected = f"Cost: about ${seconds * 0.25:.2f}."
    until(lambda: expected in panel.estimate_label.text(), what="forecast after saving")
    assert not isValid(dialog)  # closed and deleted after saving
