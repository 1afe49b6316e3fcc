"""The log panel: engine lines and logging records from worker threads, keys redacted,
level filter, bounded history, handler removed with the panel."""

from __future__ import annotations

import logging
import threading

import shiboken6

from genstudio.secrets import register_secret
from tests.ui.fake_controller import FakeController
from tests.ui.fixtures_b import *  # noqa: F403
from tests.ui.fixtures_b import run_until
from ui.views.log_panel import LogPanel, QtLogHandler


def test_lines_are_redacted_filtered_and_bounded(qtbot, qloop, workspace) -> None:
    controller = FakeController(workspace)
    panel = LogPanel(controller, max_lines=50)
    qtbot.addWidget(panel)
    secret = "sk-test-0123456789abcdef"
    register_secret(secret)

    controller.logLine.emit(logging.INFO, f"calling with key {secret}")
    controller.logLine.emit(logging.DEBUG, "a debug detail")
    controller.logLine.emit(logging.ERROR, "scene 2 failed: Authorization: Bearer abcdef123456")
    text = panel.shown_text()
    assert secret not in text and "<redacted>" in text
    assert "abcdef123456" not in text
    assert "a debug detail" not in text  # Info is the default level

    panel.set_min_level(logging.DEBUG)
    assert "a debug detail" in panel.shown_text()
    panel.set_min_level(logging.ERROR)
    assert panel.shown_text().count("\n") == 0 and "scene 2 failed" in panel.shown_text()

    for i in range(120):
        controller.logLine.emit(logging.ERROR, f"line {i}")
    assert len(panel.lines()) == 50 and panel.lines()[-1][1] == "line 119"
    assert panel.view.blockCount() <= 50
    qloop.run_until_complete(controller.shutdown())


def test_records_from_worker_threads_arrive_on_the_gui_thread(qtbot, qloop, workspace):
    controller = FakeController(workspace)
    panel = LogPanel(controller, logger_name="genstudio.test_log_panel")
    qtbot.addWidget(panel)
    logger = logging.getLogger("genstudio.test_log_panel.worker")
    register_secret("xi-secret-key-987654")
    received_threads: list[int] = []
    # textChanged fires inside append(): it records the thread the panel was updated on
    panel.view.textChanged.connect(lambda: received_threads.append(threading.get_ident()))

    def work() -> None:
        for i in range(20):
            logger.warning("worker %d uses xi-secret-key-987654", i)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run_until(qloop, lambda: len(panel.lines()) == 60)
    assert all("xi-secret-key-987654" not in line for _, line in panel.lines())
    assert set(received_threads) == {threading.get_ident()}  # queued onto the GUI thread

    handler = panel.handler
    assert handler in logging.getLogger("genstudio.test_log_panel").handlers
    panel.close()
    assert handler not in logging.getLogger("genstudio.test_log_panel").handlers
    qloop.run_until_complete(controller.shutdown())


def test_handler_survives_its_relay_being_deleted(qapp) -> None:
    handler = QtLogHandler()
    shiboken6.delete(handler.relay)
    logger = logging.getLogger("genstudio.test_log_panel.orphan")
    logger.addHandler(handler)
    try:
        logger.error("no crash after the relay is gone")
    finally:
        logger.removeHandler(handler)
