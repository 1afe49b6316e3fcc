"""Luma Dream Machine (§5b) and Sync lip-sync (§6) contracts."""

from __future__ import annotations

from pathlib import Path

import pytest

from genstudio.engine.remote import RemoteStatus
from genstudio.errors import ProviderError
from genstudio.providers.http import ApiCallFailed, InvalidRequest
from genstudio.providers.luma import LumaVideoRunner
from genstudio.providers.sync_labs import SyncLipsyncRunner
from tests.engine.provider_mock import PNG_1PX, MockProvider, json_response

KEY = "luma-0123456789abcdef0123456789"
GEN = "d2b7c1e0-5a8f-4c52-9c1e-3f0a7b6e2d11"


@pytest.mark.asyncio
async def test_luma_request_shape() -> None:
    mock = MockProvider().on(
        "POST", "/dream-machine/v1/generations/video", json_response(201, {"id": GEN})
    )
    runner = LumaVideoRunner(api_key=KEY, transport=mock.transport())
    request = {
        "prompt": "rain on neon",
        "image": "https://e.com/a.jpg",
        "end_image": "https://e.com/b.jpg",
        "duration": 5,
        "width": 1280,
        "height": 720,
        "loop": False,
    }
    assert await runner.submit(request, "k") == GEN
    sent = mock.seen[0]
    assert str(sent.url) == "https://api.lumalabs.ai/dream-machine/v1/generations/video"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert mock.body() == {
        "model": "ray-2",
        "generation_type": "video",
        "prompt": "rain on neon",
        "keyframes": {
            "frame0": {"type": "image", "url": "https://e.com/a.jpg"},
            "frame1": {"type": "image", "url": "https://e.com/b.jpg"},
        },
        "aspect_ratio": "16:9",
        "duration": "5s",
        "loop": False,
    }
    await runner.aclose()


@pytest.mark.asyncio
async def test_luma_refuses_what_it_cannot_fetch(tmp_path: Path) -> None:
    runner = LumaVideoRunner(api_key=KEY, transport=MockProvider().transport())
    frame = tmp_path / "f.png"
    frame.write_bytes(PNG_1PX)
    with pytest.raises(InvalidRequest, match="must be an https URL"):
        await runner.submit({"image": str(frame)}, "k")
    with pytest.raises(InvalidRequest, match="use 5 or 9"):
        await runner.submit({"image": "https://e.com/a.jpg", "duration": 7}, "k")
    with pytest.raises(InvalidRequest, match="21:9"):
        await runner.submit({"image": "https://e.com/a.jpg", "ratio": "2:1"}, "k")
    await runner.aclose()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"state": "queued"}, RemoteStatus.QUEUED),
        ({"state": "dreaming"}, RemoteStatus.RUNNING),
        ({"state": "completed", "assets": {"video": "https://cdn.lumalabs.ai/x.mp4"}}, "done"),
        ({"state": "failed", "failure_reason": "Prompt not allowed"}, RemoteStatus.FAILED),
        ({"state": "paused"}, RemoteStatus.FAILED),
    ],
)
async def test_luma_states(body, status) -> None:
    mock = MockProvider().on(
        "GET", f"/dream-machine/v1/generations/{GEN}", json_response(200, {"id": GEN, **body})
    )
    runner = LumaVideoRunner(api_key=KEY, transport=mock.transport())
    result = await runner.poll(GEN)
    if status == "done":
        assert result.status is RemoteStatus.SUCCEEDED
        assert result.output_urls == ("https://cdn.lumalabs.ai/x.mp4",)
    else:
        assert result.status is status
    if body["state"] == "failed":
        assert "Prompt not allowed" in result.error
    if body["state"] == "paused":
        assert result.error_code == "provider_malformed"
    await runner.aclose()


@pytest.mark.asyncio
async def test_luma_cancel_and_errors() -> None:
    mock = (
        MockProvider()
        .on("DELETE", f"/dream-machine/v1/generations/{GEN}", json_response(204, None))
        .on(
            "GET",
            f"/dream-machine/v1/generations/{GEN}",
            json_response(401, {"detail": "Invalid API key is provided"}),
        )
    )
    runner = LumaVideoRunner(api_key=KEY, transport=mock.transport())
    await runner.cancel(GEN)
    with pytest.raises(ApiCallFailed, match="Invalid API key is provided") as caught:
        await runner.poll(GEN)
    assert caught.value.failure.status == 401
    await runner.aclose()


SYNC_KEY = "sk-sync-0123456789abcdef0123"
SYNC_ID = "6c1f0a52-8f3e-4d4b-b7a1-2e9c0d5f3a77"


@pytest.mark.asyncio
async def test_sync_request_shape_and_statuses() -> None:
    made = {"id": SYNC_ID, "status": "PENDING", "model": "lipsync-2"}
    mock = (
        MockProvider()
        .on("POST", "/v2/generate", json_response(201, made))
        .on(
            "GET",
            f"/v2/generate/{SYNC_ID}",
            json_response(200, {"id": SYNC_ID, "status": "PENDING"}),
            json_response(200, {"id": SYNC_ID, "status": "PROCESSING"}),
            json_response(
                200, {"id": SYNC_ID, "status": "COMPLETED", "outputUrl": "https://s/o.mp4"}
            ),
            json_response(
                200,
                {"id": SYNC_ID, "status": "REJECTED", "error": "No face", "error_code": "no_face"},
            ),
            json_response(200, {"id": SYNC_ID, "status": "FAILED", "error": None}),
        )
    )
    runner = SyncLipsyncRunner(api_key=SYNC_KEY, transport=mock.transport())
    request = {
        "video": "https://e.com/clip.mp4",
        "audio": "https://e.com/line.mp3",
        "duration": 6,
        "output_name": "scene-003",
    }
    assert await runner.submit(request, "k") == SYNC_ID
    assert str(mock.seen[0].url) == "https://api.sync.so/v2/generate"
    assert mock.seen[0].headers["x-api-key"] == SYNC_KEY
    assert mock.body() == {
        "model": "lipsync-2",
        "input": [
            {"type": "video", "url": "https://e.com/clip.mp4"},
            {"type": "audio", "url": "https://e.com/line.mp3"},
        ],
        "options": {"sync_mode": "cut_off"},
        "outputFileName": "scene-003",
    }
    statuses = [await runner.poll(SYNC_ID) for _ in range(5)]
    assert [r.status for r in statuses] == [
        RemoteStatus.QUEUED,
        RemoteStatus.RUNNING,
        RemoteStatus.SUCCEEDED,
        RemoteStatus.FAILED,
        RemoteStatus.FAILED,
    ]
    assert statuses[2].output_urls == ("https://s/o.mp4",)
    assert statuses[3].error_code == "no_face" and "rejected" in statuses[3].error
    assert statuses[4].error_code == "failed"
    assert runner.cost(request) == pytest.approx(6 * 0.05)
    await runner.aclose()


@pytest.mark.asyncio
async def test_sync_inputs_limits_and_cancel() -> None:
    limited = {"statusCode": 429, "message": "Rate limit exceeded.", "error": "Too Many Requests"}
    mock = MockProvider().on("POST", "/v2/generate", json_response(429, limited))
    runner = SyncLipsyncRunner(api_key=SYNC_KEY, transport=mock.transport())
    with pytest.raises(InvalidRequest, match="video must be an https URL"):
        await runner.submit({"video": "/tmp/clip.mp4", "audio": "https://e.com/a.mp3"}, "k")
    with pytest.raises(InvalidRequest, match="cut_off"):
        await runner.submit(
            {"video": "https://e/v.mp4", "audio": "https://e/a.mp3", "sync_mode": "x"}, "k"
        )
    assert mock.seen == []
    with pytest.raises(ApiCallFailed, match="Rate limit exceeded") as caught:
        await runner.submit({"video": "https://e/v.mp4", "audio": "https://e/a.mp3"}, "k")
    assert caught.value.failure.status == 429
    with pytest.raises(ProviderError, match="no cancel endpoint"):
        await runner.cancel(SYNC_ID)
    await runner.aclose()
