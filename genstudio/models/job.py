"""A job: one persisted unit of provider work (see RELIABILITY.md for the state machine)."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from genstudio.models.scene import new_id
from genstudio.models.take import utcnow


class JobState(StrEnum):
    QUEUED = "queued"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    POLLING = "polling"
    DOWNLOADING = "downloading"
    VALIDATING = "validating"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    NEEDS_ATTENTION = "needs_attention"


TERMINAL_JOB_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})


class Priority(IntEnum):
    P0 = 0  # user is waiting on this one shot
    P1 = 1
    P2 = 2  # normal pipeline work
    P3 = 3  # background / speculative


class Job(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: str = Field(default_factory=new_id)
    project_id: str
    scene_id: str | None = None
    take_id: str | None = None
    key: str = ""  # what the job produces, e.g. "<take id>:video"; finds a job again on resume
    kind: str  # image | video | speech | music | plan
    provider: str
    model: str = ""
    endpoint: str = ""  # base URL frozen at submit: a resume never polls a task on another host
    lane: str = ""
    priority: Priority = Priority.P2
    state: JobState = JobState.QUEUED
    attention_reason: str = ""  # in_doubt | stuck | quarantined | reconcile
    client_request_id: str = Field(default_factory=new_id)
    remote_task_id: str = ""
    attempts: int = 0
    crash_count: int = 0  # process deaths while this job was being driven, without progress since
    driven: bool = False  # a process was driving it (so a crash of that process is on its record)
    crash_state: str = ""  # the state the last counted crash left it in (progress = moving past)
    active_seconds: float = 0.0
    estimate_seconds: float = 0.0
    cost: float = 0.0
    request: dict[str, Any] = Field(default_factory=dict)  # provider request, replayable
    output_urls: list[str] = Field(default_factory=list)
    output_path: str = ""  # where the validated result was stored (absolute)
    url_refreshes: int = 0
    progress: float = Field(default=0.0, ge=0, le=1)
    remote_status: str = ""
    last_error_class: str = ""
    last_error: str = ""
    schedule_after: datetime | None = None
    running_since: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    finished_at: datetime | None = None
