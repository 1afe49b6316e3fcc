"""Runway contract (PROVIDERS.md §1): request shape, statuses, errors, cancel, engine run."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from genstudio.engine.clock import FakeClock
from genstudio.engine.download import Downloader, DownloadPolicy
from genstudio.engine.engine import JobEngine
from genstudio.engine.lanes import LaneConfig
from genstudio.engine.remote import RemoteStatus
from genstudio.models import Job, JobState, Project
from genstudio.providers.http import ApiCallFailed, InvalidRequest
from genstudio.providers.runway import RunwayImageRunner, RunwayVideoRunner
from tests.engine.provider_mock import PNG_1PX, MockProvider, json_response
from tests.engine.scripted_runner import CDN, cdn_transport

KEY = "key_" + "ab" * 64
TASK = "17f20503-6c24-4c16-946b-35dbbce2af2f"


def video(mock: MockProvider, **kwargs) -> RunwayVideoRunner:
    return RunwayVideoRunner(api_key=KEY, transport=mock.transport(), **kwargs)


@pytest.mark.asyncio
async def test_image_to_video_request_shape() -> None:
    mock = MockProvider().on("POST", "/v1/image_to_video", json_response(200, {"id": TASK}))
    runner = video(mock)
    request = {
        "prompt": "a lighthouse at dusk",
        "image": "https://example.com/a.jpg",
        "duration": 5,
        "width": 1280,
        "height": 768,
        "seed": 42,
        "camera": "push_in",
    }
    assert await runner.submit(request, "k1") == TASK
    sent = mock.seen[0]
    assert str(sent.url) == "https://api.dev.runwayml.com/v1/image_to_video"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.headers["x-runway-version"] == "2024-11-06"
    assert sent.headers["content-type"] == "application/json"
    assert mock.body() == {
        "model": "gen4_turbo",
        "promptImage": "https://example.com/a.jpg",
        "promptText": "a lighthouse at dusk. The camera slowly pushes in.",
        "ratio": "1280:720",
        "duration": 5,
        "seed": 42,
    }
    assert runner.submit_5xx_not_billed and not runner.idempotent_submit
    assert runner.poll_interval >= 5
    await runner.aclose()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("size", "ratio"),
    [((1280, 768), "1280:720"), ((768, 1280), "720:1280"), ((960, 960), "960:960")],
)
async def test_every_project_aspect_maps_to_an_allowed_ratio(size, ratio) -> None:
    mock = MockProvider().on("POST", "/v1/image_to_video", json_response(200, {"id": TASK}))
    runner = video(mock)
    await runner.submit({"image": "https://e.com/a.png", "width": size[0], "height": size[1]}, "k")
    assert mock.body()["ratio"] == ratio
    await runner.aclose()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"ratio": "1920:1080"}, ["1920:1080", "1280:720", "1584:672"]),
        ({"duration": 11}, ["11", "2, 3, 4", "10"]),
        ({"image": "http://example.com/a.jpg"}, ["https"]),
        ({"image": ""}, ["image is required"]),
        ({"end_image": "https://e.com/b.png"}, ["end frame"]),
        ({"seed": -1}, ["seed"]),
    ],
)
async def test_bad_requests_fail_before_sending(change, names) -> None:
    mock = MockProvider()
    runner = video(mock)
    request = {"image": "https://e.com/a.png", "ratio": "1280:720", "duration": 5, **change}
    with pytest.raises(InvalidRequest) as caught:
        await runner.submit(request, "k")
    for name in names:
        assert name in str(caught.value)
    assert caught.value.failure.status == 400 and mock.seen == []
    await runner.aclose()


@pytest.mark.asyncio
async def test_local_image_becomes_a_data_uri_up_to_5_mb(tmp_path: Path) -> None:
    mock = MockProvider().on("POST", "/v1/image_to_video", json_response(200, {"id": TASK}))
    runner = video(mock)
    frame = tmp_path / "frame.png"
    frame.write_bytes(PNG_1PX)
    await runner.submit({"image": str(frame), "ratio": "1280:720", "duration": 5}, "k")
    uri = mock.body()["promptImage"]
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == PNG_1PX

    big = tmp_path / "big.png"
    big.write_bytes(PNG_1PX + b"\0" * (4 * 1024 * 1024))  # 4 MiB → 5.6 MB as base64
    with pytest.raises(InvalidRequest, match=r"big\.png.*5 MB"):
        await runner.submit({"image": str(big), "ratio": "1280:720"}, "k")
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(InvalidRequest, match=r"notes\.png: not a JPEG, PNG or WebP"):
        await runner.submit({"image": str(text), "ratio": "1280:720"}, "k")
    with pytest.raises(InvalidRequest, match="does not exist"):
        await runner.submit({"image": str(tmp_path / "gone.png"), "ratio": "1280:720"}, "k")
    assert len(mock.seen) == 1
    await runner.aclose()


TASKS = [
    ({"status": "PENDING"}, RemoteStatus.QUEUED),
    ({"status": "THROTTLED"}, RemoteStatus.QUEUED),
    ({"status": "RUNNING", "progress": 0.4}, RemoteStatus.RUNNING),
    ({"status": "SUCCEEDED", "output": [f"{CDN}/clip.mp4"]}, RemoteStatus.SUCCEEDED),
    ({"status": "FAILED", "failure": "x", "failureCode": "SAFETY.INPUT.TEXT"}, RemoteStatus.FAILED),
    ({"status": "CANCELLED"}, RemoteStatus.CANCELLED),
    ({"status": "CANCELED"}, RemoteStatus.CANCELLED),
    ({"status": "EXPLODED"}, RemoteStatus.FAILED),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("task", "status"), TASKS)
async def test_every_task_status_is_mapped(task, status) -> None:
    body = {"id": TASK, "createdAt": "2026-07-01T12:00:00.000Z", **task}
    mock = MockProvider().on("GET", f"/v1/tasks/{TASK}", json_response(200, body))
    runner = video(mock)
    result = await runner.poll(TASK)
    assert result.status is status
    if task["status"] == "RUNNING":
        assert result.progress == pytest.approx(0.4)
    if status is RemoteStatus.SUCCEEDED:
        assert result.output_urls == (f"{CDN}/clip.mp4",)
    if task["status"] == "FAILED":
        assert result.error_code == "SAFETY.INPUT.TEXT"
        assert "do not retry with the same prompt" in result.error
    if task["status"] == "EXPLODED":
        assert result.error_code == "provider_malformed"
    await runner.aclose()


@pytest.mark.asyncio
async def test_validation_error_names_the_fields() -> None:
    body = {
        "error": "Validation of body failed",
        "issues": [
            {"code": "invalid_enum", "message": "Invalid enum value", "path": ["ratio"]},
            {"code": "too_big", "message": "Too large", "path": ["promptImage", 0, "uri"]},
        ],
        "docUrl": "https://docs.dev.runwayml.com/api",
    }
    mock = MockProvider().on("POST", "/v1/image_to_video", json_response(400, body))
    runner = video(mock)
    with pytest.raises(ApiCallFailed) as caught:
        await runner.submit({"image": "https://e.com/a.png", "ratio": "1280:720"}, "k")
    message = str(caught.value)
    assert caught.value.failure.status == 400
    assert "ratio: Invalid enum value" in message and "promptImage.0.uri: Too large" in message
    assert message.startswith("Runway: could not create the video task: HTTP 400")
    assert len(message) <= 500
    await runner.aclose()


@pytest.mark.asyncio
async def test_retry_after_and_status_reach_the_engine() -> None:
    mock = MockProvider().on(
        "POST",
        "/v1/image_to_video",
        json_response(429, {"error": "Too many requests"}, {"Retry-After": "17"}),
    )
    runner = video(mock)
    with pytest.raises(ApiCallFailed) as caught:
        await runner.submit({"image": "https://e.com/a.png", "ratio": "1280:720"}, "k")
    assert caught.value.failure.status == 429 and caught.value.failure.retry_after == 17
    assert "rate limited" in str(caught.value)
    await runner.aclose()


@pytest.mark.asyncio
async def test_cancel_is_delete_and_a_gone_task_is_fine() -> None:
    mock = MockProvider().on("DELETE", f"/v1/tasks/{TASK}", json_response(204, None))
    runner = video(mock)
    await runner.cancel(TASK)
    mock.on("DELETE", f"/v1/tasks/{TASK}", json_response(404, {"error": "Not found"}))
    await runner.cancel(TASK)
    assert mock.calls() == [f"DELETE /v1/tasks/{TASK}"] * 2
    assert mock.seen[0].headers["accept"] == "*/*"
    with pytest.raises(InvalidRequest):
        await runner.poll("../organization")
    await runner.aclose()


@pytest.mark.asyncio
async def test_text_to_image_request_and_references(tmp_path: Path) -> None:
    mock = MockProvider().on("POST", "/v1/text_to_image", json_response(200, {"id": TASK}))
    runner = RunwayImageRunner(api_key=KEY, transport=mock.transport())
    await runner.submit({"prompt": "a harbour", "width": 1920, "height": 1080, "seed": 1}, "k")
    assert mock.body() == {
        "model": "gen4_image",
        "promptText": "a harbour",
        "ratio": "1920:1080",
        "seed": 1,
    }
    assert runner.output_suffix("image") == ".png"
    assert runner.cost({"ratio": "1920:1080"}) == pytest.approx(0.08)
    assert runner.cost({"ratio": "1280:720"}) == pytest.approx(0.05)
    turbo = RunwayImageRunner(api_key=KEY, model="gen4_image_turbo", transport=mock.transport())
    with pytest.raises(InvalidRequest, match="1-3 reference images"):
        await turbo.submit({"prompt": "x", "ratio": "1280:720"}, "k")
    ref = tmp_path / "ref.png"
    ref.write_bytes(PNG_1PX)
    await turbo.submit(
        {
            "prompt": "x",
            "ratio": "1280:720",
            "reference_images": [{"uri": str(ref), "tag": "hero"}],
        },
        "k",
    )
    sent = mock.body()["referenceImages"]
    assert sent[0]["tag"] == "hero" and sent[0]["uri"].startswith("data:image/png;base64,")
    await runner.aclose()
    await turbo.aclose()


@pytest.mark.asyncio
async def test_engine_runs_a_runway_job_and_retries_load_shedding(store, tmp_path) -> None:
    """503 on create is documented as not accepted: the engine retries it, then polls to done."""
    media = b"OK-media" * 64
    mock = (
        MockProvider()
        .on(
            "POST",
            "/v1/image_to_video",
            json_response(503, {"error": "busy"}),
            json_response(200, {"id": TASK}),
        )
        .on(
            "GET",
            f"/v1/tasks/{TASK}",
            json_response(200, {"id": TASK, "status": "THROTTLED"}),
            json_response(200, {"id": TASK, "status": "RUNNING", "progress": 0.5}),
            json_response(200, {"id": TASK, "status": "SUCCEEDED", "output": [f"{CDN}/c.mp4"]}),
        )
    )
    runner = video(mock)
    downloader = Downloader(DownloadPolicy(), transport=cdn_transport({"/c.mp4": media}, []))
    engine = JobEngine(store, clock=FakeClock(), downloader=downloader)
    engine.register(runner, LaneConfig(runner.lane, max_concurrent=1, min_interval=0))
    project = store.save_project(Project(title="Runway", folder="runway-1"))
    job = Job(
        project_id=project.id,
        kind="video",
        provider="runway",
        key="t:video",
        request={"image": "https://e.com/a.png", "ratio": "1280:720", "duration": 5},
        output_path=str(tmp_path / "clip.mp4"),
    )
    try:
        done = await engine.run(job)
    finally:
        await engine.close()
        await runner.aclose()
    assert done.state is JobState.DONE, done.last_error
    assert Path(done.output_path).read_bytes() == media
    assert mock.calls("POST") == ["POST /v1/image_to_video"] * 2
    assert done.remote_task_id == TASK and done.cost == pytest.approx(0.25)
