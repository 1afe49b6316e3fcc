"""FAL queue contract (PROVIDERS.md §2): submit, URL rebuild on resume, statuses, results."""

from __future__ import annotations

import httpx
import pytest

from genstudio.engine.remote import RemoteStatus
from genstudio.providers.fal import FalRunner, app_of, decode_task_id
from genstudio.providers.http import ApiCallFailed, InvalidRequest
from tests.engine.provider_mock import MockProvider, json_response

KEY = "0f2c-key-id:5be1c0ffee-secret"
RID = "80e732af-7f0d-4c3a-9a35-1f6b2c8d9e01"
Q = "https://queue.fal.run"


def submitted(app: str = "fal-ai/flux") -> httpx.Response:
    base = f"{Q}/{app}/requests/{RID}"
    return json_response(
        200,
        {
            "request_id": RID,
            "response_url": base,
            "status_url": f"{base}/status",
            "cancel_url": f"{base}/cancel",
        },
    )


def status(value: str, **extra) -> httpx.Response:
    return json_response(200, {"status": value, "request_id": RID, **extra})


@pytest.mark.asyncio
async def test_flux_submit_shape_and_task_id() -> None:
    mock = MockProvider().on("POST", "/fal-ai/flux/dev", submitted())
    runner = FalRunner(api_key=KEY, transport=mock.transport())
    task = await runner.submit(
        {"prompt": "a red door", "width": 1280, "height": 768, "seed": 7, "camera": "static"}, "k"
    )
    assert task == f"fal-ai/flux|{RID}"
    sent = mock.seen[0]
    assert str(sent.url) == f"{Q}/fal-ai/flux/dev"
    assert sent.headers["authorization"] == f"Key {KEY}"
    assert mock.body() == {
        "prompt": "a red door. static camera, locked-off shot.",
        "image_size": {"width": 1280, "height": 768},
        "num_images": 1,
        "output_format": "png",
        "enable_safety_checker": True,
        "seed": 7,
    }
    assert runner.submit_5xx_not_billed and runner.poll_interval <= 2
    await runner.aclose()


@pytest.mark.asyncio
async def test_resume_rebuilds_status_result_and_cancel_urls_without_the_model_path() -> None:
    """A fresh runner (after a restart) polls from the stored task id alone."""
    image = "https://v3.fal.media/files/x/out.png"
    mock = (
        MockProvider()
        .on("GET", f"/fal-ai/flux/requests/{RID}/status", status("IN_QUEUE"), status("COMPLETED"))
        .on("GET", f"/fal-ai/flux/requests/{RID}", json_response(200, {"images": [{"url": image}]}))
        .on("PUT", f"/fal-ai/flux/requests/{RID}/cancel", json_response(202, {"status": "OK"}))
    )
    runner = FalRunner(api_key=KEY, transport=mock.transport())
    assert (await runner.poll(f"fal-ai/flux|{RID}")).status is RemoteStatus.QUEUED
    done = await runner.poll(f"fal-ai/flux|{RID}")
    assert done.status is RemoteStatus.SUCCEEDED and done.output_urls == (image,)
    await runner.cancel(f"fal-ai/flux|{RID}")
    assert mock.calls() == [
        f"GET /fal-ai/flux/requests/{RID}/status",
        f"GET /fal-ai/flux/requests/{RID}/status",
        f"GET /fal-ai/flux/requests/{RID}",
        f"PUT /fal-ai/flux/requests/{RID}/cancel",
    ]
    assert all(r.headers["authorization"] == f"Key {KEY}" for r in mock.seen)
    await runner.aclose()


def test_app_rule_and_hostile_task_ids() -> None:
    assert app_of("fal-ai/flux/dev") == "fal-ai/flux"
    assert app_of("fal-ai/kling-video/v2.1/standard/image-to-video") == "fal-ai/kling-video"
    assert app_of("workflows/me/my-flow/run") == "workflows/me/my-flow"
    assert decode_task_id(f"fal-ai/flux|{RID}") == ("fal-ai/flux", RID)
    for bad in ["fal-ai/flux", f"../x|{RID}", "fal-ai/flux|../../admin", "a/b|id?x=1"]:
        with pytest.raises(InvalidRequest):
            decode_task_id(bad)


@pytest.mark.asyncio
async def test_submit_takes_the_app_from_fals_answer_and_refuses_other_hosts() -> None:
    mock = MockProvider().on(
        "POST", "/fal-ai/kling-video/v2.1/standard/image-to-video", submitted("fal-ai/kling-video")
    )
    kling = FalRunner(
        api_key=KEY,
        model="fal-ai/kling-video/v2.1/standard/image-to-video",
        transport=mock.transport(),
    )
    request = {"prompt": "waves", "image": "https://e.com/a.png", "duration": 10}
    assert await kling.submit(request, "k") == f"fal-ai/kling-video|{RID}"
    assert mock.body() == {
        "prompt": "waves",
        "image_url": "https://e.com/a.png",
        "duration": "10",
    }
    with pytest.raises(InvalidRequest, match="use one of: 5, 10"):
        await kling.submit({**request, "duration": 7}, "k")
    evil = {"request_id": RID, "response_url": f"https://evil.example/fal-ai/x/requests/{RID}"}
    mock.on("POST", "/fal-ai/kling-video/v2.1/standard/image-to-video", json_response(200, evil))
    with pytest.raises(ApiCallFailed) as caught:
        await kling.submit(request, "k")
    assert caught.value.failure.malformed and "another host" in str(caught.value)
    await kling.aclose()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("answer", "expected", "code"),
    [
        (status("IN_QUEUE", queue_position=3), RemoteStatus.QUEUED, ""),
        (status("IN_PROGRESS", logs=None), RemoteStatus.RUNNING, ""),
        (status("COMPLETED", error="CUDA OOM", error_type="runner_server_error"), "error", ""),
        (status("COMPLETED", error_type="client_cancelled"), RemoteStatus.CANCELLED, ""),
        (status("FAILED"), RemoteStatus.FAILED, "provider_malformed"),
        (status("CANCELED"), RemoteStatus.FAILED, "provider_malformed"),
    ],
)
async def test_status_values(answer, expected, code) -> None:
    mock = MockProvider().on("GET", f"/fal-ai/flux/requests/{RID}/status", answer)
    runner = FalRunner(api_key=KEY, transport=mock.transport())
    result = await runner.poll(f"fal-ai/flux|{RID}")
    if expected == "error":
        assert result.status is RemoteStatus.FAILED
        assert result.error_code == "runner_server_error" and "CUDA OOM" in result.error
    else:
        assert result.status is expected
    if code:
        assert result.error_code == code
    assert len(mock.seen) == 1  # no result fetch unless COMPLETED without an error
    await runner.aclose()


@pytest.mark.asyncio
async def test_failed_result_fetch_becomes_a_clear_failure() -> None:
    detail = {
        "detail": [
            {"loc": ["body", "image_url"], "msg": "Image too large", "type": "image_too_large"}
        ]
    }
    mock = (
        MockProvider()
        .on("GET", f"/fal-ai/flux/requests/{RID}/status", status("COMPLETED"))
        .on("GET", f"/fal-ai/flux/requests/{RID}", json_response(422, detail))
    )
    runner = FalRunner(api_key=KEY, transport=mock.transport())
    result = await runner.poll(f"fal-ai/flux|{RID}")
    assert result.status is RemoteStatus.FAILED and result.error_code == "image_too_large"
    assert "image_url: Image too large" in result.error
    # an ingress 502 page is not FAL's verdict: the engine polls again
    page = httpx.Response(502, text="<html><title>502 Bad Gateway</title>nginx</html>")
    mock.on("GET", f"/fal-ai/flux/requests/{RID}", page)
    with pytest.raises(ApiCallFailed) as caught:
        await runner.poll(f"fal-ai/flux|{RID}")
    assert caught.value.failure.status == 502 and "502 Bad Gateway" in str(caught.value)
    # a completed request without any output file is malformed, never "succeeded"
    mock.on("GET", f"/fal-ai/flux/requests/{RID}", json_response(200, {"images": []}))
    empty = await runner.poll(f"fal-ai/flux|{RID}")
    assert empty.status is RemoteStatus.FAILED and empty.error_code == "provider_malformed"
    nsfw = {"images": [{"url": "https://v3.fal.media/x.png"}], "has_nsfw_concepts": [True]}
    mock.on("GET", f"/fal-ai/flux/requests/{RID}", json_response(200, nsfw))
    blanked = await runner.poll(f"fal-ai/flux|{RID}")
    assert blanked.status is RemoteStatus.FAILED and blanked.error_code == "safety"
    await runner.aclose()


@pytest.mark.asyncio
async def test_video_result_and_cancel_of_a_finished_request() -> None:
    model = "fal-ai/luma-dream-machine/ray-2/image-to-video"
    app = "fal-ai/luma-dream-machine"
    clip = "https://v3.fal.media/files/y/out.mp4"
    mock = (
        MockProvider()
        .on("GET", f"/{app}/requests/{RID}/status", status("COMPLETED"))
        .on("GET", f"/{app}/requests/{RID}", json_response(200, {"video": {"url": clip}}))
        .on(
            "PUT",
            f"/{app}/requests/{RID}/cancel",
            json_response(400, {"status": "ALREADY_COMPLETED"}),
        )
    )
    runner = FalRunner(api_key=KEY, model=model, transport=mock.transport())
    result = await runner.poll(f"{app}|{RID}")
    assert result.status is RemoteStatus.SUCCEEDED and result.output_urls == (clip,)
    await runner.cancel(f"{app}|{RID}")  # nothing to cancel is not an error
    body = await runner.build(
        {
            "prompt": "fog",
            "image": "https://e.com/a.png",
            "end_image": "https://e.com/b.png",
            "duration": 9,
            "width": 768,
            "height": 1280,
        }
    )
    assert body == {
        "prompt": "fog",
        "aspect_ratio": "9:16",
        "image_url": "https://e.com/a.png",
        "end_image_url": "https://e.com/b.png",
        "duration": "9s",
    }
    assert runner.output_suffix("video") == ".mp4"
    assert runner.cost({"duration": 5}) == pytest.approx(0.5)
    await runner.aclose()


def test_unknown_model_names_the_catalog() -> None:
    with pytest.raises(InvalidRequest, match="fal-ai/flux/dev"):
        FalRunner(api_key=KEY, model="fal-ai/not-a-model")
