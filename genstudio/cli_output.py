"""Terminal output for the CLI: live step progress and the status tables."""

from __future__ import annotations

import sys
from typing import TextIO

from genstudio.events import Event, LogLine, SceneChanged, StepChanged
from genstudio.media.seam import describe_seam
from genstudio.models import Job, JobState, Scene, StepStatus
from genstudio.store import Store


class Printer:
    """Prints a line per step state change and per 10% of progress; never floods a log."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self._last: dict[str, tuple[StepStatus, int]] = {}

    def line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def on_event(self, event: Event) -> None:
        if isinstance(event, StepChanged):
            key = event.step.value
            bucket = int(event.percent // 10)
            if self._last.get(key) == (event.status, bucket):
                return
            self._last[key] = (event.status, bucket)
            if event.status is StepStatus.RUNNING and event.detail == "starting":
                self.line(f"[{event.step.value}] started")
            elif event.status is StepStatus.RUNNING:
                self.line(f"[{event.step.value}] {event.percent:3.0f}% {event.detail}")
            else:
                self.line(f"[{event.step.value}] {event.status.value}: {event.detail}")
        elif isinstance(event, SceneChanged) and event.status.value == "failed":
            self.line(f"  scene failed: {event.detail}")
        elif isinstance(event, LogLine) and event.level >= 30:
            self.line(f"  {event.message}")


def print_status(store: Store, key: str | None, printer: Printer) -> None:
    if key is None:
        projects = store.list_projects()
        if not projects:
            printer.line("No projects yet. Try `genstudio demo`.")
        for p in projects:
            printer.line(f"{p.id[:8]}  {p.status.value:24} {p.title}")
        jobs = store.list_jobs()
        _print_jobs(jobs, printer, store)
        return
    project = store.find_project(key)
    printer.line(f"{project.title} ({project.id[:8]}) — {project.status.value}")
    printer.line(
        f"  folder: {project.folder}   aspect: {project.aspect.value}   "
        f"language: {project.language}   plan approved: {project.plan_approved}"
    )
    for state in store.get_steps(project.id).values():
        line = (
            f"  {state.step.value:20} {state.status.value:10} {state.percent:5.0f}%  {state.detail}"
        )
        printer.line(line.rstrip())
    scenes = store.list_scenes(project.id)
    if scenes:
        printer.line("  scenes:")
    for s in scenes:
        cont = (
            f" ← {next((x.number for x in scenes if x.id == s.continues_from), '?')}"
            if s.continues_from
            else ""
        )
        printer.line(
            f"  {s.number:3}. {s.heading.slug_line()[:44]:44} {s.duration:5.1f}s "
            f"{s.camera.movement.value:9} {s.approval.value:17} {s.status.value}{cont}"
            + (f"  [{s.error[:60]}]" if s.error else "")
        )
    _print_seams(store, scenes, printer)
    _print_jobs(store.list_jobs(project.id), printer, store)


def _print_seams(store: Store, scenes: list[Scene], printer: Printer) -> None:
    """Continuity seams measured warn or bad, or colour-matched to repair them (on the
    continuing scene's selected take)."""
    numbers = {s.id: s.number for s in scenes}
    flagged = []
    for scene in scenes:
        if not (scene.continues_from and scene.selected_take_id):
            continue
        seam = store.get_take(scene.selected_take_id).seam
        if seam is not None and (seam.verdict != "ok" or seam.colour_matched):
            flagged.append(f"  {numbers.get(scene.continues_from, '?')}→{scene.number}: "
                           f"{describe_seam(seam)}")  # fmt: skip
    if flagged:
        printer.line("  seams to look at:")
        for line in flagged:
            printer.line(f"  {line}")


def _print_jobs(jobs: list[Job], printer: Printer, store: Store | None = None) -> None:
    if not jobs:
        return
    counts: dict[str, int] = {}
    for job in jobs:
        counts[job.state.value] = counts.get(job.state.value, 0) + 1
    printer.line("  jobs: " + ", ".join(f"{n} {state}" for state, n in sorted(counts.items())))
    if store is not None:
        configs = {c.name: c for c in store.get_provider_configs().values()}
        live = {JobState.SUBMITTING, JobState.SUBMITTED, JobState.POLLING}
        lanes: dict[str, int] = {}
        for job in jobs:
            if job.state in live:
                lanes[job.provider] = lanes.get(job.provider, 0) + 1
        for name, config in sorted(configs.items()):
            if name != "builtin":
                printer.line(
                    f"  lane {name}: {lanes.get(name, 0)}/{config.max_concurrent} in "
                    f"flight, min {config.min_interval:g} s between starts"
                )
    for job in jobs:
        if job.state is JobState.NEEDS_ATTENTION:
            printer.line(
                f"  needs attention: job {job.id[:8]} {job.kind} at {job.provider} "
                f"({job.attention_reason}): {job.last_error[:120]}"
            )
        elif job.state is JobState.FAILED:
            printer.line(
                f"  failed: job {job.id[:8]} {job.kind} at {job.provider} "
                f"({job.last_error_class}): {job.last_error[:120]}"
            )
