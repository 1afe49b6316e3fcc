"""The job engine: persists every provider call and drives it through the state machine.

    queued → submitting → submitted → polling → downloading → validating → done
    side states: failed, cancelled, needs_attention(in_doubt | stuck | quarantined | reconcile)

Intent is committed (synchronous=FULL) before the POST and the remote task id before the
first poll, so after any crash a job resumes from what the database says — and a job whose
POST may have reached the provider without us learning the task id is *in doubt*: it waits
for the user and is never resubmitted automatically.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from genstudio.engine.clock import Clock, RealClock
from genstudio.engine.download import Downloader
from genstudio.engine.job_runner import JobRunner
from genstudio.engine.lanes import Lane, LaneConfig
from genstudio.engine.remote import RemoteRunner
from genstudio.errors import GenStudioError
from genstudio.events import EventBus, JobChanged
from genstudio.models import TERMINAL_JOB_STATES, Job, JobState
from genstudio.store import Store

log = logging.getLogger("genstudio.engine")

IN_FLIGHT = (
    JobState.SUBMITTING,
    JobState.SUBMITTED,
    JobState.POLLING,
    JobState.DOWNLOADING,
    JobState.VALIDATING,
)
QUARANTINE_AFTER = 2  # crashes of the same job without progress in between
PROBATION_SECONDS = 5.0  # how long healthy jobs get to show progress before suspects resume

Validator = Callable[[str, Path], None]  # (kind, file) -> raises on invalid media


def mark_for_retry(store: Store, job_id: str) -> Job:
    """Queue a failed, cancelled or parked job again, as a deliberate new create (new key)."""
    from genstudio.models import new_id

    job = store.get_job(job_id)
    if job.state not in (JobState.FAILED, JobState.NEEDS_ATTENTION, JobState.CANCELLED):
        raise GenStudioError(f"job {job_id[:8]} is {job.state.value}; nothing to retry")
    job.state, job.attention_reason, job.last_error = JobState.QUEUED, "", ""
    job.remote_task_id, job.output_urls, job.attempts, job.crash_count = "", [], 0, 0
    job.running_since, job.active_seconds, job.url_refreshes = None, 0.0, 0
    job.driven, job.client_request_id = False, new_id()
    return store.save_job(job, durable=True)


@dataclass
class RecoveryReport:
    resumed: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)
    in_doubt: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)


class JobEngine:
    """Owns the lanes, the driver tasks and the download client. `await close()` on exit."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock | None = None,
        events: EventBus | None = None,
        downloader: Downloader | None = None,
        validator: Validator | None = None,
        isolated_validation: frozenset[str] = frozenset(),
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.clock = clock or RealClock()
        self.events = events or EventBus()
        self.downloader = downloader or Downloader()
        self.validator = validator
        # job kinds whose validator decodes in a subprocess: nothing they do can crash the app
        self.isolated_validation = isolated_validation
        self.rng = rng or random.Random()
        self.runners: dict[str, RemoteRunner] = {}
        self.lanes: dict[str, Lane] = {}
        self._tasks: dict[str, asyncio.Task[Job]] = {}
        self._progressed: dict[str, asyncio.Event] = {}
        self._waiting_start: dict[str, asyncio.Future[None]] = {}
        self._probation: asyncio.Future[None] | None = None
        # job id → resolved when cancel() has saved the job's final state (see wait())
        self._cancelling: dict[str, asyncio.Future[None]] = {}
        self._closed = False

    # -- configuration ------------------------------------------------------------------------

    def register(self, runner: RemoteRunner, lane: LaneConfig | None = None) -> None:
        self.runners[runner.name] = runner
        config = lane or LaneConfig(runner.lane or runner.name)
        if config.name not in self.lanes:
            self.lanes[config.name] = Lane(config, self.clock)

    def lane_for(self, runner: RemoteRunner) -> Lane:
        name = runner.lane or runner.name
        if name not in self.lanes:
            self.lanes[name] = Lane(LaneConfig(name), self.clock)
        return self.lanes[name]

    def lane_usage(self) -> dict[str, tuple[int, int, int]]:
        """lane → (in flight, limit, waiting), for "video 1/2" displays."""
        return {
            n: (lane.in_flight, lane.config.max_concurrent, lane.waiting)
            for n, lane in self.lanes.items()
        }

    # -- persistence & events -----------------------------------------------------------------

    async def save(self, job: Job, *, durable: bool = False, detail: str = "") -> None:
        await self.store.run(self.store.save_job, job, durable=durable)
        self.events.emit(
            JobChanged(
                job.project_id,
                job.id,
                job.kind,
                job.provider,
                job.state.value,
                detail or job.attention_reason,
                job.progress,
            )
        )

    # -- public API ---------------------------------------------------------------------------

    async def enqueue(self, job: Job) -> Job:
        """Persist a new queued job and start driving it."""
        if self._closed:
            raise GenStudioError("the job engine is shut down")
        if job.provider not in self.runners:
            raise GenStudioError(f"no provider named {job.provider!r} is configured")
        job.state = JobState.QUEUED
        await self.save(job)
        self._start(job)
        return job

    def _start(self, job: Job) -> asyncio.Task[Job]:
        waiting = self._waiting_start.pop(job.id, None)
        task = self._tasks.get(job.id)
        if task is None or task.done():
            runner = self.runners[job.provider]
            driver = JobRunner(
                self, runner, self.lane_for(runner), job, self._progress_event(job.id)
            )
            task = asyncio.ensure_future(driver.drive())
            self._tasks[job.id] = task
        if waiting is not None and not waiting.done():
            waiting.set_result(None)
        return task

    async def wait(self, job_id: str) -> Job:
        """Wait until the job is done, failed, cancelled or needs the user."""
        waiting = self._waiting_start.get(job_id)
        if waiting is not None:
            await asyncio.shield(waiting)  # a suspect on probation: started in its turn
        task = self._tasks.get(job_id)
        if task is not None:
            try:
                return await asyncio.shield(task)
            except asyncio.CancelledError:
                # The job was cancelled (the user's Cancel), not the waiter: report the
                # cancelled job, so one cancelled job fails its scene instead of the run.
                cancelling = self._cancelling.get(job_id)
                waiter = asyncio.current_task()
                if cancelling is None or (waiter is not None and waiter.cancelling()):
                    raise
                await asyncio.shield(cancelling)
        return await self.store.run(self.store.get_job, job_id)

    async def run(self, job: Job) -> Job:
        await self.enqueue(job)
        return await self.wait(job.id)

    async def cancel(self, job_id: str) -> Job:
        """Cancel locally and at the provider (its cancel endpoint is called once)."""
        finished = asyncio.get_running_loop().create_future()
        self._cancelling[job_id] = finished
        try:
            return await self._cancel(job_id)
        finally:
            self._cancelling.pop(job_id, None)
            finished.set_result(None)

    async def _cancel(self, job_id: str) -> Job:
        task = self._tasks.pop(job_id, None)
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        job = await self.store.run(self.store.get_job, job_id)
        if job.state in TERMINAL_JOB_STATES:
            return job
        runner = self.runners.get(job.provider)
        if job.remote_task_id and runner is not None:
            try:
                await runner.cancel(job.remote_task_id)
            except Exception as exc:  # the local cancel stands; say what the provider said
                job.last_error = f"provider cancel failed: {exc}"
        job.state = JobState.CANCELLED
        job.finished_at = self.clock.now()
        await self.save(job, durable=True)
        return job

    async def retry(self, job_id: str) -> Job:
        """User-approved retry of a failed or in-doubt job: a new create may be billed."""
        job = await self.store.run(mark_for_retry, self.store, job_id)
        self.events.emit(
            JobChanged(
                job.project_id,
                job.id,
                job.kind,
                job.provider,
                job.state.value,
                "retry requested",
                0.0,
            )
        )
        self._start(job)
        return job

    # -- startup recovery ---------------------------------------------------------------------

    async def recover(self) -> RecoveryReport:
        """Classify every unfinished job left by a previous process, then resume the safe ones.

        Poison pills (RELIABILITY.md T4): a crash is counted against a job only if a process
        was driving it when it died, and the count resets as soon as the job makes progress.
        Jobs with a crash on record ("suspects") are resumed one at a time, after the others
        have made progress, so a job that kills the app every time is quarantined after two
        crashes without dragging healthy jobs down with it.
        """
        report = RecoveryReport()
        jobs = await self.store.run(
            self.store.list_jobs, None, [JobState.QUEUED, *IN_FLIGHT, JobState.NEEDS_ATTENTION]
        )
        healthy: list[Job] = []
        suspects: list[Job] = []
        for job in jobs:
            if job.provider not in self.runners:
                continue
            if job.state is JobState.NEEDS_ATTENTION and job.attention_reason != "stuck":
                continue  # parked for the user
            if job.state in IN_FLIGHT or job.attention_reason == "stuck":
                if job.driven:
                    job.crash_count += 1
                    job.crash_state = job.state.value
                job.driven = False
                if job.crash_count >= QUARANTINE_AFTER:
                    job.state, job.attention_reason = JobState.NEEDS_ATTENTION, "quarantined"
                    job.last_error = (
                        f"the app stopped {job.crash_count} times while this job "
                        "was running; it is set aside until you retry it"
                    )
                    await self.save(job, durable=True)
                    report.quarantined.append(job.id)
                    continue
                if job.state is JobState.SUBMITTING and not job.remote_task_id:
                    runner = self.runners[job.provider]
                    if runner.idempotent_submit:
                        job.state = JobState.QUEUED  # same idempotency key: the provider dedupes
                        report.requeued.append(job.id)
                    else:
                        job.state, job.attention_reason = JobState.NEEDS_ATTENTION, "in_doubt"
                        job.last_error = (
                            "the app stopped while this request was being sent; "
                            "it may have been charged: check the provider's "
                            "dashboard, then retry or discard it"
                        )
                        await self.save(job, durable=True)
                        report.in_doubt.append(job.id)
                        continue
                else:
                    report.resumed.append(job.id)
                await self.save(job, durable=True)
            else:
                report.requeued.append(job.id)
            (suspects if job.crash_count else healthy).append(job)
        for job in healthy:
            self._start(job)
        if suspects:
            for job in suspects:
                self._waiting_start[job.id] = asyncio.get_running_loop().create_future()
            self._probation = asyncio.ensure_future(self._probation_run(healthy, suspects))
        return report

    async def _probation_run(self, healthy: list[Job], suspects: list[Job]) -> None:
        await self._first_progress([j.id for j in healthy], timeout=PROBATION_SECONDS)
        for job in suspects:
            self._start(job)
            await self._first_progress([job.id], timeout=6 * PROBATION_SECONDS)

    async def _first_progress(self, job_ids: list[str], timeout: float) -> None:
        """Wait, at most `timeout` in all, until each job has made progress or finished."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        for job_id in job_ids:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            progressed = asyncio.ensure_future(self._progress_event(job_id).wait())
            group: set[asyncio.Future[object]] = {progressed}
            task = self._tasks.get(job_id)
            if task is not None:
                group.add(task)
            try:
                await asyncio.wait(group, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
            finally:
                progressed.cancel()

    def _progress_event(self, job_id: str) -> asyncio.Event:
        return self._progressed.setdefault(job_id, asyncio.Event())

    def resume(self, job: Job) -> None:
        """Make sure an unfinished job is being driven (unless it waits out its probation)."""
        if job.id not in self._waiting_start:
            self._start(job)

    async def close(self) -> None:
        """Stop driving jobs; their persisted states let the next start resume them."""
        self._closed = True
        if self._probation is not None:
            self._probation.cancel()
            await asyncio.gather(self._probation, return_exceptions=True)
        for waiting in self._waiting_start.values():
            waiting.cancel()
        tasks = [t for t in self._tasks.values() if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        for lane in self.lanes.values():
            lane.close()
        await self.downloader.aclose()
