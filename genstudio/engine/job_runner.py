"""Drives one job through submit → poll → download → validate, persisting every boundary."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import peewee as pw

from genstudio.concurrency import run_blocking
from genstudio.engine.crashpoints import crash_point
from genstudio.engine.download import DownloadFailed, UnsafeURL, check_url_form, redact_url
from genstudio.engine.lanes import Lane
from genstudio.engine.remote import CallFailed, PollResult, RemoteRunner, RemoteStatus
from genstudio.engine.retry import CallClass, Decision, Failure, Verdict, decide
from genstudio.models import Job, JobState

if TYPE_CHECKING:
    from genstudio.engine.engine import JobEngine

log = logging.getLogger("genstudio.engine")

STUCK_FACTOR = 2.0  # active time beyond 2× the estimate → needs attention (keep polling)
GIVE_UP_FACTOR = 6.0  # beyond 6× → stop polling
SLOW_POLL = 60.0  # seconds between polls of a stuck task


class _Stop(Exception):
    """The job reached a state where this driver stops (terminal or parked)."""


class JobRunner:
    def __init__(
        self,
        engine: JobEngine,
        runner: RemoteRunner,
        lane: Lane,
        job: Job,
        progressed: asyncio.Event | None = None,
    ) -> None:
        self.progressed = progressed or asyncio.Event()
        self.engine = engine
        self.runner = runner
        self.lane = lane
        self.job = job
        self.clock = engine.clock
        self.holding = False

    # -- helpers ------------------------------------------------------------------------------

    async def _save(self, *, durable: bool = False, detail: str = "") -> None:
        await self.engine.save(self.job, durable=durable, detail=detail)

    async def _finish(
        self, state: JobState, *, error_class: str = "", error: str = "", reason: str = ""
    ) -> None:
        self.job.state = state
        if error_class:
            self.job.last_error_class = error_class
        if error:
            self.job.last_error = error[:500]
        self.job.attention_reason = reason
        if state in (JobState.DONE, JobState.FAILED, JobState.CANCELLED):
            self.job.finished_at = self.clock.now()
        await self._save(durable=True)
        raise _Stop

    def _release(self) -> None:
        if self.holding:
            self.holding = False
            self.lane.release()

    # -- entry --------------------------------------------------------------------------------

    async def drive(self) -> Job:
        try:
            await self._check_identity()
            if self.job.state is not JobState.QUEUED and not self.job.driven:
                self.job.driven = True  # from now on a crash of this process is on its record
                await self._save()
            while True:
                if self.job.state is JobState.QUEUED:
                    await self._submit()
                if self.job.state in (JobState.SUBMITTED, JobState.POLLING) or (
                    self.job.state is JobState.NEEDS_ATTENTION
                    and self.job.attention_reason == "stuck"
                ):
                    if not self.holding:
                        self.lane.hold()
                        self.holding = True
                    await self._poll_until_done()
                if self.job.state in (JobState.DOWNLOADING, JobState.VALIDATING):
                    self._release()
                    await self._download_and_validate()
                if self.job.state is not JobState.QUEUED:
                    break
        except _Stop:
            pass
        finally:
            self._release()
            self.progressed.set()
        return self.job

    async def _check_identity(self) -> None:
        """A resumed job must poll the host and model it was submitted to (T16)."""
        if self.job.state is JobState.QUEUED or not self.job.remote_task_id:
            return
        if (self.job.endpoint and self.job.endpoint != self.runner.base_url) or (
            self.job.model and self.job.model != self.runner.model
        ):
            await self._finish(
                JobState.FAILED,
                error_class="execution_identity_changed",
                error=f"submitted to {self.job.provider} {self.job.model} at {self.job.endpoint}, "
                f"but that provider is now {self.runner.model} at {self.runner.base_url}; not "
                "polling another host with this task id",
            )

    # -- submit -------------------------------------------------------------------------------

    async def _submit(self) -> None:
        job = self.job
        if job.schedule_after is not None:
            wait = (job.schedule_after - self.clock.now()).total_seconds()
            if wait > 0:
                await self.clock.sleep(wait)
        await self.lane.acquire(int(job.priority))
        self.holding = True
        crash_point("before_intent_commit", self.job.key)
        job.state = JobState.SUBMITTING
        job.attempts += 1
        job.endpoint, job.model = self.runner.base_url, self.runner.model
        job.estimate_seconds = job.estimate_seconds or self.runner.estimate_seconds(job.request)
        job.submitted_at, job.schedule_after = self.clock.now(), None
        job.driven = True
        await self._save(durable=True)
        crash_point("after_intent_commit", self.job.key)
        try:
            task_id = await self.runner.submit(job.request, job.client_request_id)
        except CallFailed as exc:
            await self._submit_failed(exc.failure, str(exc))
            return
        except httpx.TransportError as exc:
            await self._submit_failed(Failure(exception=exc), f"{type(exc).__name__}: {exc}")
            return
        crash_point("after_response_before_taskid_commit", self.job.key)
        job.remote_task_id = task_id
        job.state = JobState.SUBMITTED
        try:
            await self._save(durable=True)
        except (pw.DatabaseError, sqlite3.Error, OSError) as exc:
            await self._lost_task_id(exc)
        crash_point("after_taskid_commit", self.job.key)

    async def _lost_task_id(self, exc: BaseException) -> None:
        """The provider accepted the task but we could not record it (ArcReel ADR 0007)."""
        job = self.job
        log.error(
            "job %s: remote task %s was created at %s but could not be saved: %s",
            job.id,
            job.remote_task_id,
            job.provider,
            exc,
        )
        job.state, job.attention_reason = JobState.NEEDS_ATTENTION, "reconcile"
        job.last_error = f"task {job.remote_task_id} exists at {job.provider} but was not saved"
        with contextlib.suppress(Exception):
            await self.engine.store.run(self.engine.store.add_reconcile, job, str(exc))
        with contextlib.suppress(Exception):
            await self._save(durable=True)
        raise _Stop

    async def _submit_failed(self, failure: Failure, message: str) -> None:
        job = self.job
        decision = decide(
            CallClass.SUBMIT,
            failure,
            job.attempts,
            rng=self.engine.rng,
            idempotent_submit=self.runner.idempotent_submit,
            submit_5xx_not_billed=self.runner.submit_5xx_not_billed,
        )
        job.last_error = message[:500]
        job.last_error_class = decision.error_class
        self.lane.pause(decision.pause_lane)
        self._release()
        if decision.verdict is Verdict.IN_DOUBT:
            await self._finish(
                JobState.NEEDS_ATTENTION,
                reason="in_doubt",
                error=f"the request may have reached {job.provider} ({message}); "
                "not resent automatically so it is not paid twice",
            )
        if decision.verdict is Verdict.FAIL:
            await self._finish(JobState.FAILED, error=message)
        job.state = JobState.QUEUED
        if decision.verdict is Verdict.RESCHEDULE:
            from datetime import timedelta

            job.schedule_after = self.clock.now() + timedelta(seconds=decision.delay)
            await self._save(
                durable=True, detail=f"rate limited; retrying in {decision.delay:.0f} s"
            )
        else:
            await self._save(durable=True, detail=f"retrying in {decision.delay:.1f} s")
            await self.clock.sleep(decision.delay)

    # -- poll ---------------------------------------------------------------------------------

    async def _poll_until_done(self) -> None:
        job = self.job
        if job.state is JobState.SUBMITTED:
            job.state = JobState.POLLING
            await self._save()
        failures = 0
        last = self.clock.monotonic()
        while True:
            try:
                result = await self.runner.poll(job.remote_task_id)
            except (CallFailed, httpx.TransportError) as exc:
                failures += 1
                failure = exc.failure if isinstance(exc, CallFailed) else Failure(exception=exc)
                decision = decide(CallClass.POLL, failure, failures, rng=self.engine.rng)
                await self._poll_failed(decision, str(exc))
                continue
            crash_point("mid_poll", self.job.key)
            now = self.clock.monotonic()
            failures = 0
            if job.crash_count:
                job.crash_count = 0  # progress after a restart: that crash was not this job's fault
                await self._save()
            self.progressed.set()
            if await self._handle_poll(result, now - last):
                return
            last = now
            interval = self.runner.poll_interval
            if job.attention_reason == "stuck":
                interval = max(interval, SLOW_POLL)
            await self.clock.sleep(interval * self.engine.rng.uniform(0.9, 1.1))

    async def _poll_failed(self, decision: Decision, message: str) -> None:
        if decision.verdict is Verdict.TASK_LOST:
            await self._finish(
                JobState.FAILED,
                error_class="remote_task_unknown",
                error=f"{self.job.provider} no longer knows task "
                f"{self.job.remote_task_id}: {message}",
            )
        if decision.verdict is Verdict.FAIL:
            await self._finish(JobState.FAILED, error_class=decision.error_class, error=message)
        self.lane.pause(decision.pause_lane)
        await self.clock.sleep(decision.delay)

    async def _handle_poll(self, result: PollResult, elapsed: float) -> bool:
        """Update the job from one poll; True when polling is over."""
        job = self.job
        changed = result.status.value != job.remote_status
        job.remote_status = result.status.value
        if result.status is RemoteStatus.RUNNING:
            if job.running_since is None:
                job.running_since = self.clock.now()
            else:
                job.active_seconds += elapsed  # only running time counts towards "stuck"
            if result.progress is not None:
                changed |= abs(result.progress - job.progress) >= 0.05
                job.progress = max(0.0, min(1.0, result.progress))
        if result.status is RemoteStatus.SUCCEEDED:
            usable = [u for u in result.output_urls if _usable(u)]
            if not usable and not result.local_path:
                await self._finish(
                    JobState.FAILED,
                    error_class="provider_malformed",
                    error=f"{job.provider} reported success without an output URL",
                )
            job.output_urls, job.progress = usable, 1.0
            job.state = JobState.DOWNLOADING
            await self._save(durable=True)
            return True
        if result.status is RemoteStatus.FAILED:
            await self._finish(
                JobState.FAILED,
                error_class=result.error_code or "remote_failed",
                error=result.error or f"{job.provider} reported the task failed",
            )
        if result.status is RemoteStatus.CANCELLED:
            await self._finish(JobState.CANCELLED, error="cancelled at the provider")
        estimate = max(job.estimate_seconds, 1.0)
        if job.active_seconds > GIVE_UP_FACTOR * estimate:
            await self._finish(
                JobState.FAILED,
                error_class="stuck_timeout",
                error=f"still running after {job.active_seconds:.0f} s "
                f"(expected about {estimate:.0f} s); stopped polling",
            )
        if job.active_seconds > STUCK_FACTOR * estimate and job.attention_reason != "stuck":
            job.state, job.attention_reason = JobState.NEEDS_ATTENTION, "stuck"
            await self._save(detail="taking longer than usual")
            return False
        if changed:
            await self._save()
        return False

    # -- download -----------------------------------------------------------------------------

    async def _download_and_validate(self) -> None:
        job = self.job
        target = Path(job.output_path)
        part = target.with_name(target.name + ".part")
        if not job.output_urls:
            await self._copy_local_result(part)
        attempt = 0
        while job.output_urls:
            attempt += 1
            url = job.output_urls[0]
            try:
                check_url_form(url, self.engine.downloader.policy)
                await self.engine.downloader.download(url, part)
                break
            except UnsafeURL as exc:
                await self._finish(JobState.FAILED, error_class="unsafe_url", error=str(exc))
            except DownloadFailed as exc:
                failure = (
                    Failure(status=exc.status)
                    if exc.status
                    else Failure(exception=httpx.ReadError(str(exc)))
                )
                decision = decide(CallClass.DOWNLOAD, failure, attempt, rng=self.engine.rng)
                if decision.verdict is Verdict.REFRESH_URL:
                    await self._refresh_urls(str(exc))
                    attempt = 0
                    continue
                if decision.verdict is not Verdict.RETRY or (not exc.retryable and not exc.status):
                    await self._finish(
                        JobState.FAILED,
                        error_class=decision.error_class or "download",
                        error=str(exc),
                    )
                await self.clock.sleep(decision.delay)
        crash_point("after_download_before_validate", self.job.key)
        if job.crash_count and job.crash_state != JobState.VALIDATING.value:
            job.crash_count = 0  # the whole file arrived since that crash: progress past it
        self.progressed.set()
        job.state = JobState.VALIDATING
        if job.kind in self.engine.isolated_validation:
            # Decoding runs in a subprocess, so nothing this job does can take the app down
            # meanwhile: a crash then (often during a wait for a busy media pool) is not counted
            # against it, or two unlucky kills would quarantine a healthy job.
            job.driven = False
        await self._save()
        try:
            if self.engine.validator is not None:
                await run_blocking(self.engine.validator, job.kind, part)
        except Exception as exc:
            part.unlink(missing_ok=True)
            await self._finish(
                JobState.FAILED,
                error_class="invalid_media",
                error=f"{redact_url(job.output_urls[0]) if job.output_urls else part.name}: {exc}",
            )
        crash_point("after_validate_before_rename", self.job.key)
        os.replace(part, target)
        crash_point("after_rename_before_db", self.job.key)
        job.cost = self.runner.cost(job.request)
        await self._finish(JobState.DONE)

    async def _copy_local_result(self, part: Path) -> None:
        """The runner holds the result on this machine (`PollResult.local_path`): ask it again
        where (cheap, and right after a restart too) and copy the file to the .part path."""
        job = self.job
        try:
            result = await self.runner.poll(job.remote_task_id)
        except CallFailed as exc:
            await self._finish(JobState.FAILED, error_class="local_result_missing", error=str(exc))
        if result.status is not RemoteStatus.SUCCEEDED or not result.local_path:
            await self._finish(
                JobState.FAILED,
                error_class=result.error_code or "local_result_missing",
                error=result.error or f"{job.provider} no longer has the finished result",
            )
        try:
            await run_blocking(_copy_local, Path(result.local_path), part)
        except OSError as exc:
            part.unlink(missing_ok=True)
            await self._finish(JobState.FAILED, error_class="local_result_missing", error=f"{exc}")

    async def _refresh_urls(self, why: str) -> None:
        """Expired signed URL: fetch the task again for fresh ones (Runway: 24-48 h)."""
        job = self.job
        if job.url_refreshes >= 2:
            await self._finish(
                JobState.FAILED,
                error_class="resume_expired",
                error=f"output URL expired and could not be refreshed: {why}",
            )
        job.url_refreshes += 1
        try:
            result = await self.runner.poll(job.remote_task_id)
        except CallFailed as exc:
            await self._finish(
                JobState.FAILED,
                error_class="resume_expired",
                error=f"the finished task is gone at {job.provider} ({exc}); "
                "its output can no longer be downloaded",
            )
        usable = [u for u in result.output_urls if _usable(u)]
        if result.status is not RemoteStatus.SUCCEEDED or not usable:
            await self._finish(
                JobState.FAILED,
                error_class="resume_expired",
                error="the task no longer offers its output",
            )
        job.output_urls = usable
        await self._save(durable=True, detail="fresh output URL")


def _copy_local(source: Path, part: Path) -> None:
    part.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, part)


def _usable(url: object) -> bool:
    return isinstance(url, str) and url.strip().lower() not in {"", "null", "none", "undefined"}
