"""Each real provider client through the job engine against the fake HTTP server
(tests/fakes): real sockets, real media, the billing ledger, the CDN header log."""

from __future__ import annotations

from pathlib import Path

import pytest

from genstudio.engine.clock import FakeClock
from genstudio.engine.download import Downloader, DownloadPolicy
from genstudio.engine.engine import JobEngine
from genstudio.engine.lanes import LaneConfig
from genstudio.models import Job, JobState, Project
from genstudio.providers.elevenlabs import ElevenLabsTTSRunner
from genstudio.providers.fal import FalRunner
from genstudio.providers.runway import RunwayVideoRunner
from tests.fakes import FakeProviderServer

SENSITIVE = ("authorization", "x-api-key", "xi-api-key")


async def _run(store, runner, request: dict, output: Path, kind: str) -> Job:
    # The fake lives on 127.0.0.1 over plain HTTP: only this test allows that to the downloader.
    policy = DownloadPolicy(allow_http=True, allow_private_hosts=True)
    engine = JobEngine(store, clock=FakeClock(), downloader=Downloader(policy))
    engine.register(runner, LaneConfig(runner.lane, max_concurrent=2, min_interval=0))
    project = store.save_project(Project(title=f"Fake {runner.name}", folder=f"f-{runner.name}"))
    job = Job(
        project_id=project.id,
        kind=kind,
        provider=runner.name,
        key=f"t:{kind}",
        request=request,
        output_path=str(output),
    )
    try:
        return await engine.run(job)
    finally:
        await engine.close()
        await runner.aclose()


def _no_key_reached_the_cdn(fake: FakeProviderServer) -> None:
    assert fake.cdn_requests, "nothing was downloaded from the CDN"
    for entry in fake.cdn_requests:
        headers = {k.lower() for k in entry["headers"]}
        assert not headers & set(SENSITIVE), entry


@pytest.mark.asyncio
async def test_runway_video_job_end_to_end(store, tmp_path, fake_providers) -> None:
    fake = fake_providers
    runner = RunwayVideoRunner(api_key=fake.keys["runway"], base_url=fake.url("runway"))
    request = {
        "prompt": "a lighthouse",
        "image": "https://example.com/a.jpg",
        "duration": 2,
        "width": 1280,
        "height": 768,
        "camera": "push_in",
    }
    job = await _run(store, runner, request, tmp_path / "clip.mp4", "video")
    assert job.state is JobState.DONE, job.last_error
    assert Path(job.output_path).read_bytes()[4:8] == b"ftyp"
    assert fake.ledger.count(provider="runway", endpoint="/v1/image_to_video") == 1
    _no_key_reached_the_cdn(fake)


@pytest.mark.asyncio
async def test_fal_image_job_end_to_end(store, tmp_path, fake_providers) -> None:
    fake = fake_providers
    runner = FalRunner(api_key=fake.keys["fal"], base_url=fake.url("fal"))
    request = {"prompt": "a fox", "width": 512, "height": 384, "seed": 1}
    job = await _run(store, runner, request, tmp_path / "still.png", "image")
    assert job.state is JobState.DONE, job.last_error
    assert job.remote_task_id.startswith("fal-ai/flux|")
    assert Path(job.output_path).stat().st_size > 100
    assert fake.ledger.count(provider="fal") == 1
    _no_key_reached_the_cdn(fake)


@pytest.mark.asyncio
async def test_elevenlabs_speech_job_end_to_end(store, tmp_path, fake_providers) -> None:
    fake = fake_providers
    runner = ElevenLabsTTSRunner(
        api_key=fake.keys["elevenlabs"],
        cache_dir=tmp_path / "cache",
        base_url=fake.url("elevenlabs"),
    )
    voices = await runner.list_voices()
    assert voices
    request = {"text": "The storm rolls in over the harbour.", "voice": voices[0].voice_id}
    job = await _run(store, runner, request, tmp_path / "line.mp3", "speech")
    assert job.state is JobState.DONE, job.last_error
    audio = Path(job.output_path).read_bytes()
    assert audio[:3] == b"ID3" or audio[0] == 0xFF
    assert fake.ledger.count(provider="elevenlabs") == 1
