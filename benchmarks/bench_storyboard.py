"""Storyboard benchmark (issue 4: the desktop app). Run: python benchmarks/bench_storyboard.py

Offscreen, on a real workspace database with 1,000 scenes, each with a take whose distinct
start image (640x384 JPEG) exists on disk:

1. Open: from `controller.open_project()` to the storyboard painted (`grab()` forces the
   paint). Budget: < 0.5 s.
2. Memory: every one of the 1,000 thumbnails is requested (the view scrolls from top to
   bottom) and decoded off the GUI thread; the cache never holds more than its byte cap.
3. Responsiveness: a 5 ms QTimer heartbeat runs while 50 fake jobs emit progress and scene
   events (through the real EventBus → bridge → controller → model path) and thumbnails
   stream in as the view scrolls. Budget: p99 gap < 50 ms.

Prints the figures; exits 1 when a budget is missed. `--storyboard-only` builds the window
without the pipeline, jobs, log and preview panels, to tell their cost from the storyboard's.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2
import numpy as np
import qasync
from PySide6.QtCore import QElapsedTimer, QTimer

N_SCENES = 1_000
N_JOBS = 50
JOB_EVENT_HZ = 10  # progress events per job per second (FFmpeg progress is throttled to 2%)
CACHE_CAP = 32 * 1024 * 1024
OPEN_BUDGET = 0.5
STALL_BUDGET_MS = 50.0


def make_workspace(root: Path) -> tuple[str, float]:
    """Project + 1,000 scenes + takes + images, written the way the engine stores them."""
    from genstudio.models import IntExt, Scene, SceneHeading, Take
    from genstudio.projects import new_project_from_idea
    from genstudio.store import Store
    from genstudio.workspace import Workspace

    started = time.perf_counter()
    ws = Workspace.open(root)
    store = Store(ws.db_path)
    project = new_project_from_idea(store, ws, title="Thousand", idea="a long storyboard")
    images = ws.project_dir(project.folder) / "images"
    rng = np.random.default_rng(7)
    base = np.linspace(0, 255, 640, dtype=np.float32)[None, :, None]
    scenes, takes = [], []
    for i in range(1, N_SCENES + 1):
        tint = rng.integers(0, 256, 3).astype(np.float32)
        noise = rng.normal(0, 8, (384, 640, 3))
        frame = np.clip(base * 0.5 + tint * 0.5 + noise, 0, 255).astype(np.uint8)
        cv2.putText(frame, str(i), (40, 200), cv2.FONT_HERSHEY_SIMPLEX, 4, (255, 255, 255), 8)
        cv2.imwrite(str(images / f"s{i:04d}.jpg"), frame)
        scene = Scene(
            number=i,
            heading=SceneHeading(int_ext=IntExt.EXT, location=f"STREET {i}", time_of_day="DAY"),
            duration=4.0,
            visual_prompt=f"shot {i}",
        )
        take = Take(scene_id=scene.id, reference_image=f"images/s{i:04d}.jpg")
        scene.selected_take_id = take.id
        scenes.append(scene)
        takes.append(take)
    store.replace_scenes(project.id, scenes)
    for take in takes:
        store.save_take(take)
    store.close()
    return project.id, time.perf_counter() - started


class Heartbeat:
    """A 5 ms timer; the gaps between its ticks show how long the loop was blocked."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.clock.start()
        self.timer.start()

    def tick(self) -> None:
        self.gaps.append(self.clock.nsecsElapsed() / 1e6)
        self.clock.restart()

    def stop(self) -> None:
        self.timer.stop()


async def fake_jobs(controller, project_id: str, stop: asyncio.Event) -> int:
    """50 jobs emitting progress (JobChanged, 10 Hz each) and their scenes' status
    (SceneChanged, every 5th tick), through the real bus → bridge → controller path."""
    from genstudio.events import JobChanged, SceneChanged
    from genstudio.models import Job, JobState, SceneStatus

    scenes = controller.scenes()
    jobs = [
        Job(project_id=project_id, scene_id=scenes[i * 7].id, kind="video", provider="bench")
        for i in range(N_JOBS)
    ]
    for job in jobs:
        job.state = JobState.POLLING
        await controller.store.run(controller.store.save_job, job)
    emitted = 0

    async def one(job: Job, offset: int) -> None:
        nonlocal emitted
        step = 0
        while not stop.is_set():
            step += 1
            progress = (step % 50) / 50
            job.progress = progress
            if step % 10 == 0:
                await controller.store.run(controller.store.save_job, job)
            controller.events.emit(
                JobChanged(project_id, job.id, "video", "bench", "polling", progress=progress)
            )
            if step % 5 == offset % 5:
                controller.events.emit(SceneChanged(project_id, job.scene_id, SceneStatus.RUNNING))
            emitted += 1
            await asyncio.sleep(1 / JOB_EVENT_HZ)

    await asyncio.gather(*(one(job, i) for i, job in enumerate(jobs)))
    return emitted


async def scenario(app, root: Path, project_id: str, panels: bool) -> dict[str, float]:
    from genstudio.workspace import Workspace
    from ui.controller import ProjectController
    from ui.views import main_window
    from ui.views.main_window import MainWindow

    if not panels:  # the window falls back to a placeholder label for a missing panel
        main_window.optional_class = lambda module, name: None

    controller = ProjectController(Workspace.open(root))
    controller.thumbnails.max_bytes = CACHE_CAP
    window = MainWindow(controller)
    window.resize(1600, 1000)
    window.show()
    await asyncio.sleep(0.3)  # the panels' first loads
    view = window.storyboard.list
    figures: dict[str, float] = {}

    started = time.perf_counter()
    await controller.open_project(project_id)
    view.grab()  # forces layout and paint of the visible cards
    figures["open_and_paint_s"] = time.perf_counter() - started
    figures["scenes"] = window.storyboard.model.rowCount()

    heartbeat = Heartbeat()
    stop = asyncio.Event()
    heartbeat.start()
    jobs = asyncio.ensure_future(fake_jobs(controller, project_id, stop))
    peak = 0
    scroll = view.verticalScrollBar()
    scroll_started = time.perf_counter()
    while scroll.value() < scroll.maximum() or controller.thumbnails.pending():
        scroll.setValue(min(scroll.maximum(), scroll.value() + view.viewport().height() // 2))
        await asyncio.sleep(0.05)
        peak = max(peak, controller.thumbnails.cached_bytes())
    await controller.thumbnails.wait_idle(timeout=60)
    figures["scroll_all_s"] = time.perf_counter() - scroll_started
    stop.set()
    figures["events_emitted"] = await jobs
    heartbeat.stop()

    gaps = sorted(heartbeat.gaps)
    figures["heartbeats"] = len(gaps)
    figures["gap_p50_ms"] = statistics.median(gaps)
    figures["gap_p99_ms"] = gaps[int(len(gaps) * 0.99) - 1]
    figures["gap_max_ms"] = gaps[-1]
    figures["thumbnails_decoded"] = controller.thumbnails.decoded
    figures["cache_peak_mb"] = peak / 2**20
    figures["cache_cap_mb"] = CACHE_CAP / 2**20
    figures["cache_entries"] = controller.thumbnails.cached_count()
    window.close()
    await controller.shutdown()
    window.deleteLater()
    return figures


def main() -> int:
    from ui.app import GenStudioApp

    panels = "--storyboard-only" not in sys.argv[1:]
    print("window:", "all panels" if panels else "storyboard, inspector, takes (no B panels)")
    app = GenStudioApp([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        root = Path(tmp) / "workspace"
        project_id, built = make_workspace(root)
        print(f"workspace: {N_SCENES} scenes, takes and images written in {built:.1f} s")
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        try:
            figures = loop.run_until_complete(scenario(app, root, project_id, panels))
        finally:
            loop.close()
    print(f"open + paint {int(figures['scenes'])} scenes: {figures['open_and_paint_s']:.3f} s")
    print(
        f"thumbnails: {int(figures['thumbnails_decoded'])} decoded while scrolling all cards in "
        f"{figures['scroll_all_s']:.1f} s; cache peak {figures['cache_peak_mb']:.1f} MB of "
        f"{figures['cache_cap_mb']:.0f} MB cap ({int(figures['cache_entries'])} entries kept)"
    )
    print(
        f"loop heartbeat (5 ms timer, {int(figures['heartbeats'])} ticks, "
        f"{int(figures['events_emitted'])} job events from {N_JOBS} jobs at {JOB_EVENT_HZ} Hz): "
        f"p50 {figures['gap_p50_ms']:.1f} ms, p99 {figures['gap_p99_ms']:.1f} ms, "
        f"max {figures['gap_max_ms']:.1f} ms"
    )
    ok = (
        figures["open_and_paint_s"] < OPEN_BUDGET
        and figures["cache_peak_mb"] <= figures["cache_cap_mb"]
        and figures["thumbnails_decoded"] >= N_SCENES
        and figures["gap_p99_ms"] < STALL_BUDGET_MS
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
