"""The jobs panel's Retry / Cancel and recovery reports, as a mixin of ProjectController.

During a run the run's EngineSession drives provider jobs: Retry and Cancel go to its engine
(`JobEngine.retry` / `cancel`). Between runs nothing drives them: Retry queues the job again
(`mark_for_retry`; the next run's recovery sends it first) and Cancel opens a session without
recovery just to reach the provider's cancel endpoint.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, SignalInstance

from genstudio.engine.engine import RecoveryReport, mark_for_retry
from genstudio.events import EventBus, JobChanged
from genstudio.models import TERMINAL_JOB_STATES, Job, JobState
from genstudio.store import Store
from ui.provider_session import SessionFactory

if TYPE_CHECKING:
    from genstudio.session import EngineSession


# Literal QCoreApplication.translate("ProjectController", …) calls: lupdate extracts only
# those, and the strings keep the controller's translation context.
class JobActions:
    """Needs the controller's store, events, sessions, current session and logLine signal."""

    store: Store
    events: EventBus
    sessions: SessionFactory
    _session: EngineSession | None
    logLine: SignalInstance

    def _report_recovery(self, report: RecoveryReport | None) -> None:
        if report and (report.in_doubt or report.quarantined):
            self.logLine.emit(
                logging.WARNING,
                QCoreApplication.translate(
                    "ProjectController",
                    "%d jobs may have been charged without a result and %d were set aside: "
                    "see the Jobs panel",
                )
                % (len(report.in_doubt), len(report.quarantined)),
            )

    async def retry_job(self, job_id: str) -> None:
        """Send a failed, cancelled or parked job again (a new create: it may be billed).

        During a run the run's engine drives it at once; otherwise it is queued and the next
        run sends it (that run's recovery starts queued jobs before anything else)."""
        engine = self._session.engine if self._session else None
        job = await self.store.run(self.store.get_job, job_id)
        if engine is not None and job.provider in engine.runners:
            await engine.retry(job_id)
            self.logLine.emit(
                logging.INFO,
                QCoreApplication.translate("ProjectController", "Job %s is sent again")
                % job_id[:8],
            )
            return
        job = await self.store.run(mark_for_retry, self.store, job_id)
        self._job_event(job, "retry requested")
        self.logLine.emit(
            logging.INFO,
            QCoreApplication.translate(
                "ProjectController", "Job %s is queued again: the next run (F5) sends it"
            )
            % job_id[:8],
        )

    async def cancel_job(self, job_id: str) -> None:
        """Stop a job here and at the provider (its cancel endpoint is called once)."""
        job = await self.store.run(self.store.get_job, job_id)
        if job.state in TERMINAL_JOB_STATES:
            return
        session, own = self._session, False
        if session is None or session.engine is None or job.provider not in session.engine.runners:
            # Between runs nothing drives the job: a session without recovery can still
            # reach its provider to cancel the remote task.
            session, own = await self.sessions.open_for_provider(job.provider), True
        try:
            if session is not None and session.engine is not None:
                await session.engine.cancel(job_id)
            else:
                await self._cancel_locally(job)
        finally:
            if own and session is not None:
                await session.close()

    async def _cancel_locally(self, job: Job) -> None:
        job.state = JobState.CANCELLED
        if job.remote_task_id:
            job.last_error = (
                f"cancelled here only: {job.provider} is no longer configured with a key, so "
                "its task may still run (and be billed) at the provider"
            )
        saved = await self.store.run(self.store.save_job, job, durable=True)
        self._job_event(saved, "cancelled")

    def _job_event(self, job: Job, detail: str) -> None:
        self.events.emit(
            JobChanged(job.project_id, job.id, job.kind, job.provider, job.state.value, detail, 0.0)
        )
