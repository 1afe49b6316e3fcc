"""ElevenLabs TTS contract (PROVIDERS.md §3) and the engine's local-result path."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from genstudio.engine.clock import FakeClock
from genstudio.engine.download import Downloader, DownloadPolicy
from genstudio.engine.engine import JobEngine
from genstudio.engine.lanes import LaneConfig
from genstudio.engine.remote import RemoteStatus
from genstudio.models import Character, Job, JobState, Project
from genstudio.providers.elevenlabs import ElevenLabsTTSRunner, Voice, assign_voices
from genstudio.providers.http import ApiCallFailed, InvalidRequest
from tests.engine.provider_mock import MP3_FRAME, MockProvider, json_response

KEY = "sk_0123456789abcdef0123456789abcdef"
VOICE = "21m00Tcm4TlvDq8ikWAM"
PATH = f"/v1/text-to-speech/{VOICE}"


def audio() -> httpx.Response:
    return httpx.Response(200, content=MP3_FRAME, headers={"content-type": "audio/mpeg"})


def tts(mock: MockProvider, cache: Path, **kwargs) -> ElevenLabsTTSRunner:
    return ElevenLabsTTSRunner(api_key=KEY, cache_dir=cache, transport=mock.transport(), **kwargs)


@pytest.mark.asyncio
async def test_synthesis_request_cache_and_poll(tmp_path: Path) -> None:
    mock = MockProvider().on("POST", PATH, audio())
    runner = tts(mock, tmp_path / "cache")
    request = {
        "text": "We leave at dawn.",
        "voice": VOICE,
        "language": "en",
        "seed": 3,
        "previous_text": "Where to?",
        "voice_settings": {"stability": 0.4, "similarity_boost": 0.8},
    }
    task = await runner.submit(request, "a1b2c3")
    sent = mock.seen[0]
    assert sent.url.path == PATH and sent.url.params["output_format"] == "mp3_44100_128"
    assert sent.headers["xi-api-key"] == KEY and "authorization" not in sent.headers
    assert mock.body() == {  # multilingual v2 takes no language_code
        "text": "We leave at dawn.",
        "model_id": "eleven_multilingual_v2",
        "seed": 3,
        "previous_text": "Where to?",
        "voice_settings": {"stability": 0.4, "similarity_boost": 0.8},
    }
    result = await runner.poll(task)
    assert result.status is RemoteStatus.SUCCEEDED and not result.output_urls
    assert Path(result.local_path).read_bytes() == MP3_FRAME
    assert await runner.submit(request, "a1b2c3") == task  # cached: nothing sent again
    assert len(mock.seen) == 1
    missing = await runner.poll("never-made")
    assert missing.status is RemoteStatus.FAILED and missing.error_code == "local_result_missing"
    await runner.aclose()


@pytest.mark.asyncio
async def test_language_code_only_for_models_that_take_it(tmp_path: Path) -> None:
    mock = MockProvider().on("POST", PATH, audio())
    runner = tts(mock, tmp_path, model="eleven_flash_v2_5", output_format="wav_44100")
    assert runner.output_suffix("speech") == ".wav"
    wav = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\0" * 40
    mock.on("POST", PATH, httpx.Response(200, content=wav, headers={"content-type": "audio/wav"}))
    await runner.submit({"text": "Hola.", "voice": VOICE, "language": "es"}, "k1")
    assert mock.body()["language_code"] == "es" and mock.body()["model_id"] == "eleven_flash_v2_5"
    await runner.aclose()


@pytest.mark.asyncio
async def test_bad_lines_and_bad_answers(tmp_path: Path) -> None:
    mock = MockProvider()
    runner = tts(mock, tmp_path)
    with pytest.raises(InvalidRequest, match="no voice id"):
        await runner.submit({"text": "Hi."}, "k1")
    with pytest.raises(InvalidRequest, match="10000 per request"):
        await runner.submit({"text": "a" * 10_001, "voice": VOICE}, "k2")
    with pytest.raises(InvalidRequest, match="not an ElevenLabs voice id"):
        await runner.submit({"text": "Hi.", "voice": "../v1/user"}, "k3")
    assert mock.seen == []
    mock.on("POST", PATH, json_response(200, {"status": "ok"}))
    with pytest.raises(ApiCallFailed) as caught:
        await runner.submit({"text": "Hi.", "voice": VOICE}, "k4")
    assert caught.value.failure.malformed and "without MP3 audio" in str(caught.value)
    legacy = {"detail": {"status": "quota_exceeded", "message": "You exceeded your quota."}}
    mock.on("POST", PATH, json_response(401, legacy))
    with pytest.raises(ApiCallFailed) as caught:
        await runner.submit({"text": "Hi.", "voice": VOICE}, "k5")
    assert "You exceeded your quota. [quota_exceeded]" in str(caught.value)
    busy = {"detail": {"code": "concurrent_limit_exceeded", "message": "Too many requests"}}
    mock.on("POST", PATH, json_response(429, busy, {"retry-after-ms": "1500"}))
    with pytest.raises(ApiCallFailed) as caught:
        await runner.submit({"text": "Hi.", "voice": VOICE}, "k6")
    assert (
        caught.value.failure.retry_after == 1.5 and caught.value.code == "concurrent_limit_exceeded"
    )
    assert not list(tmp_path.iterdir())  # no failed call left a file behind
    await runner.aclose()


@pytest.mark.asyncio
async def test_voices_and_assignment(tmp_path: Path) -> None:
    voices = {
        "voices": [
            {"voice_id": "v1", "name": "Rachel", "category": "premade", "labels": {"gender": "f"}},
            {"voice_id": "v2", "name": "Adam", "category": "premade"},
            {"voice_id": "v3", "name": "Clone", "category": "cloned"},
            {"name": "no id"},
        ]
    }
    mock = MockProvider().on("GET", "/v1/voices", json_response(200, voices))
    runner = tts(mock, tmp_path)
    found = await runner.list_voices()
    assert [v.voice_id for v in found] == ["v1", "v2", "v3"]
    assert found[0] == Voice("v1", "Rachel", "premade", {"gender": "f"})
    cast = [Character(name="ANA", voice="v3"), Character(name="BEN"), Character(name="CY")]
    assert assign_voices(cast, found) == {"ANA": "v3", "BEN": "v2", "CY": "v1"}
    crowd = [*cast, Character(name="DEE"), Character(name="EVE")]
    assert len(set(assign_voices(crowd, found).values())) == 3  # shared only when out of voices
    await runner.aclose()


@pytest.mark.asyncio
async def test_engine_copies_the_local_result(store, tmp_path: Path) -> None:
    """No download: the engine takes the cached audio through PollResult.local_path."""
    mock = MockProvider().on("POST", PATH, audio())
    runner = tts(mock, tmp_path / "tts-cache")
    seen: list[httpx.Request] = []
    cdn = httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(500))
    engine = JobEngine(store, clock=FakeClock(), downloader=Downloader(DownloadPolicy(), cdn))
    engine.register(runner, LaneConfig(runner.lane, max_concurrent=2, min_interval=0))
    project = store.save_project(Project(title="Voices", folder="voices-1"))
    job = Job(
        project_id=project.id,
        kind="speech",
        provider="elevenlabs",
        key="line-1",
        request={"text": "We leave at dawn.", "voice": VOICE},
        output_path=str(tmp_path / "audio" / "line-1.mp3"),
    )
    try:
        done = await engine.run(job)
    finally:
        await engine.close()
        await runner.aclose()
    assert done.state is JobState.DONE, done.last_error
    assert Path(done.output_path).read_bytes() == MP3_FRAME
    assert done.output_urls == [] and seen == [] and len(mock.seen) == 1
    assert done.cost == pytest.approx(17 * 0.30 / 1000)
