"""Remote providers as pipeline roles: every call becomes a durable job in the JobEngine.

The pipeline asks for "an image / a clip / a line of speech for this take"; these adapters
turn that into a job keyed by what it produces (e.g. `<take id>:video`). A re-run after a
crash finds the same job by that key: a finished job is reused, a running one is awaited, and
one the user must look at (in doubt, quarantined) fails the scene with that reason — never a
second paid create.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from genstudio.concurrency import run_blocking
from genstudio.engine.engine import JobEngine
from genstudio.engine.remote import RemoteRunner
from genstudio.errors import ProviderError
from genstudio.fsutil import atomic_path
from genstudio.models import Job, JobState, Provenance, utcnow
from genstudio.providers.base import (
    ImageRequest,
    MediaResult,
    SpeechRequest,
    VideoRequest,
)

LIVE_STATES = (
    JobState.QUEUED,
    JobState.SUBMITTING,
    JobState.SUBMITTED,
    JobState.POLLING,
    JobState.DOWNLOADING,
    JobState.VALIDATING,
)


def allowed_durations(runner: RemoteRunner) -> list[int]:
    """The clip lengths a video model accepts, from its catalog entry."""
    spec = getattr(runner, "spec", None)
    raw = getattr(spec, "durations", None)
    if raw is None:
        from genstudio.providers import catalog

        raw = catalog.LUMA_DURATIONS if runner.name.startswith("luma") else (5,)
    values = []
    for item in raw:
        match = re.match(r"\d+", str(item))
        if match:
            values.append(int(match.group()))
    return sorted(set(values)) or [5]


def fit_duration(runner: RemoteRunner, seconds: float) -> int:
    """Shortest allowed clip that covers the scene; the timeline trims it to the scene."""
    allowed = allowed_durations(runner)
    covering = [d for d in allowed if d >= seconds - 1e-6]
    return covering[0] if covering else allowed[-1]


class _EngineRole:
    def __init__(self, engine: JobEngine, runner: RemoteRunner, kind: str) -> None:
        self.engine = engine
        self.runner = runner
        self.kind = kind
        self.name = runner.name

    async def _job(
        self, key: str, project_id: str, scene_id: str | None, request: dict[str, Any], out: Path
    ) -> Job:
        store = self.engine.store
        existing = await store.run(store.find_job, key) if key else None
        if existing is not None and existing.provider == self.runner.name:
            if existing.state is JobState.DONE and Path(existing.output_path).is_file():
                return existing
            if existing.state in LIVE_STATES or existing.attention_reason == "stuck":
                self.engine.resume(existing)  # no-op when recover() already drives it
                return self._checked(await self.engine.wait(existing.id))
            if existing.state is JobState.NEEDS_ATTENTION:
                raise ProviderError(
                    f"{self.kind} job needs your attention ({existing.attention_reason}): "
                    f"{existing.last_error}"
                )
        job = Job(
            project_id=project_id,
            scene_id=scene_id,
            key=key,
            kind=self.kind,
            provider=self.runner.name,
            model=self.runner.model,
            request=request,
            output_path=str(out),
        )
        return self._checked(await self.engine.run(job))

    def _checked(self, job: Job) -> Job:
        if job.state is not JobState.DONE:
            reason = job.attention_reason or job.last_error_class or job.state.value
            raise ProviderError(f"{self.runner.name} {self.kind}: {reason}: {job.last_error}")
        return job

    def _provenance(self, job: Job, prompt: str, seed: int | None) -> Provenance:
        return Provenance(
            provider=self.runner.name,
            model=job.model,
            seed=seed,
            prompt=prompt,
            remote_task_id=job.remote_task_id,
            cost=job.cost,
            started_at=job.submitted_at,
            finished_at=job.finished_at or utcnow(),
        )


async def _place(job: Job, target: Path) -> Path:
    """The job's file lives where the first run asked; a new take may want it elsewhere."""
    source = Path(job.output_path)
    if source == target:
        return target

    def copy() -> None:
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)

    await run_blocking(copy)
    return target


class EngineVideoGen(_EngineRole):
    def __init__(self, engine: JobEngine, runner: RemoteRunner) -> None:
        super().__init__(engine, runner, "video")

    async def generate_video(self, request: VideoRequest) -> MediaResult:
        seconds = fit_duration(self.runner, request.duration)
        body = {
            "prompt": request.prompt,
            "image": str(request.image_path),
            "duration": seconds,
            "width": request.width,
            "height": request.height,
            "seed": request.seed,
            "camera": request.camera.value,
        }
        out = request.out_path.with_suffix(self.runner.output_suffix("video") or ".mp4")
        job = await self._job(request.job_key, request.project_id, request.scene_id, body, out)
        path = await _place(job, out)
        return MediaResult(path, self._provenance(job, request.prompt, request.seed), seconds)


class EngineImageGen(_EngineRole):
    def __init__(self, engine: JobEngine, runner: RemoteRunner) -> None:
        super().__init__(engine, runner, "image")

    async def generate_image(self, request: ImageRequest) -> MediaResult:
        body = {
            "prompt": request.prompt,
            "width": request.width,
            "height": request.height,
            "seed": request.seed,
        }
        out = request.out_path.with_suffix(self.runner.output_suffix("image") or ".png")
        job = await self._job(request.job_key, request.project_id, request.scene_id, body, out)
        path = await _place(job, out)
        return MediaResult(path, self._provenance(job, request.prompt, request.seed))


class EngineSpeech(_EngineRole):
    def __init__(
        self, engine: JobEngine, runner: RemoteRunner, voices: list[str] | None = None
    ) -> None:
        super().__init__(engine, runner, "speech")
        self._voices: list[str] | None = voices
        self._mapped: dict[str, str] = {}

    def voices(self, language: str) -> list[str]:
        return list(self._voices or [])

    async def _provider_voice(self, wanted: str) -> str:
        """Characters planned with another provider's voice names get this provider's voices:
        one distinct voice per planned voice, in order of first use."""
        if self._voices is None:
            lister = getattr(self.runner, "list_voices", None)
            self._voices = [v.voice_id for v in await lister()] if lister else []
        if not self._voices or wanted in self._voices:
            return wanted
        if wanted not in self._mapped:
            self._mapped[wanted] = self._voices[len(self._mapped) % len(self._voices)]
        return self._mapped[wanted]

    async def synthesize(self, request: SpeechRequest) -> MediaResult:
        from genstudio.media.probe import validate_audio

        voice = await self._provider_voice(request.voice)
        body = {"text": request.text, "voice": voice, "language": request.language}
        out = request.out_path.with_suffix(self.runner.output_suffix("speech") or ".mp3")
        job = await self._job(request.job_key, request.project_id, request.scene_id, body, out)
        path = await _place(job, out)
        info = await run_blocking(validate_audio, path)
        return MediaResult(path, self._provenance(job, request.text, None), info.duration)
