"""The fake provider server the reliability tests run against (RELIABILITY.md §8): each
provider contract with real media, the CDN (header recording, signed URLs that expire on the
fake clock), and the separate-process mode keeping its state across a kill -9.
Fault kinds and the billing ledger are in test_fake_server_faults.py.
"""

from __future__ import annotations

import wave
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest

from genstudio.media.ffmpeg import run_ffmpeg
from tests.fakes import FakeProviderServer
from tests.fakes.clients import RUNWAY_I2V_EXAMPLE as I2V
from tests.fakes.clients import (
    elevenlabs_client,
    fal_client,
    plain_client,
    poll_runway_until,
    runway_client,
)

PLAIN = plain_client()  # header-less, as the app must download CDN URLs


@pytest.fixture
def fake(fake_providers: FakeProviderServer) -> FakeProviderServer:
    return fake_providers


def download(url: str, target: Path) -> Path:
    resp = PLAIN.get(url, timeout=10)  # header-less client, as the app must use
    assert resp.status_code == 200, resp.text
    target.write_bytes(resp.content)
    return target


def video_facts(path: Path) -> tuple[int, int, int, float]:
    cap = cv2.VideoCapture(str(path))
    assert cap.isOpened()
    frames = 0
    while cap.read()[0]:
        frames += 1
    size = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    fps = cap.get(cv2.CAP_PROP_FPS)
    cap.release()
    return *size, frames, fps


# -- Runway -----------------------------------------------------------------------------------
def test_runway_image_to_video_happy_path_serves_a_real_h264_clip(fake, tmp_path) -> None:
    client = runway_client(fake)
    created = client.post("/v1/image_to_video", json=I2V)
    assert created.status_code == 200 and set(created.json()) == {"id"}
    task_id = created.json()["id"]
    seen = [client.get(f"/v1/tasks/{task_id}").json() for _ in range(4)]
    assert [t["status"] for t in seen] == ["PENDING", "RUNNING", "RUNNING", "SUCCEEDED"]
    assert seen[1]["progress"] < seen[2]["progress"] < 1
    assert seen[0]["createdAt"].endswith("Z")
    clip = download(seen[3]["output"][0], tmp_path / "clip.mp4")
    assert clip.read_bytes()[4:8] == b"ftyp"
    width, height, frames, fps = video_facts(clip)
    assert (width, height, fps) == (320, 180, 24)  # "small" scale keeps 16:9
    assert frames == 2 * 24
    assert fake.ledger.count(provider="runway", endpoint="/v1/image_to_video") == 1


def test_runway_exact_media_scale_renders_the_requested_size(fake, tmp_path) -> None:
    fake.configure(media_scale="exact")
    client = runway_client(fake)
    task_id = client.post("/v1/image_to_video", json=I2V).json()["id"]
    width, height, frames, _ = video_facts(
        download(poll_runway_until(client, task_id, "SUCCEEDED")["output"][0], tmp_path / "v.mp4")
    )
    assert (width, height, frames) == (1280, 720, 48)
    image_id = client.post(
        "/v1/text_to_image",
        json={"model": "gen4_image", "promptText": "a lighthouse", "ratio": "1920:1080"},
    ).json()["id"]
    png = download(
        poll_runway_until(client, image_id, "SUCCEEDED")["output"][0], tmp_path / "i.png"
    )
    image = cv2.imdecode(np.fromfile(png, dtype=np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (1080, 1920, 3)
    assert client.get("/v1/organization").json()["creditBalance"] == 100_000 - 5 * 2 - 8


@pytest.mark.parametrize(
    ("change", "bad_path"),
    [
        ({"ratio": "1280:768"}, ["ratio"]),
        ({"duration": 11}, ["duration"]),
        ({"duration": True}, ["duration"]),
        ({"promptImage": "http://example.com/a.jpg"}, ["promptImage"]),
        ({"promptImage": "https://10.0.0.5/a.jpg"}, ["promptImage"]),
        ({"promptText": "x" * 1001}, ["promptText"]),
        ({"model": "gen3a_turbo"}, ["model"]),
        (
            {"promptImage": [{"uri": "https://e.com/a.jpg", "position": "last"}]},
            ["promptImage", 0, "position"],
        ),
        ({"seed": -1}, ["seed"]),
    ],
)
def test_runway_rejects_bad_input_with_issues_and_bills_nothing(fake, change, bad_path) -> None:
    resp = runway_client(fake).post("/v1/image_to_video", json={**I2V, **change})
    assert resp.status_code == 400
    body = resp.json()
    assert body["error"] and bad_path in [issue["path"] for issue in body["issues"]]
    assert fake.ledger.count() == 0


def test_runway_auth_and_version_header_are_required(fake) -> None:
    no_key = PLAIN.post(
        f"{fake.url('runway')}/v1/image_to_video",
        json=I2V,
        headers={"X-Runway-Version": "2024-11-06"},
    )
    assert no_key.status_code == 401 and "error" in no_key.json()
    wrong = PLAIN.get(
        f"{fake.url('runway')}/v1/organization",
        headers={"Authorization": "Bearer key_nope", "X-Runway-Version": "2024-11-06"},
    )
    assert wrong.status_code == 401
    no_version = PLAIN.get(
        f"{fake.url('runway')}/v1/organization",
        headers={"Authorization": f"Bearer {fake.keys['runway']}"},
    )
    assert no_version.status_code == 400 and "X-Runway-Version" in no_version.json()["error"]


def test_runway_failed_throttled_cancelled_and_deleted_tasks(fake) -> None:
    client = runway_client(fake)
    fake.plans.push("runway", outcome="failed", failure_code="SAFETY.INPUT.TEXT", running=0)
    fake.plans.push("runway", pending=0, throttled=2, running=1)
    fake.plans.push("runway", outcome="cancelled", pending=0, running=0)
    failed, throttled, cancelled = (
        client.post("/v1/image_to_video", json=I2V).json()["id"] for _ in range(3)
    )
    assert poll_runway_until(client, failed, "FAILED")["failureCode"] == "SAFETY.INPUT.TEXT"
    states = [client.get(f"/v1/tasks/{throttled}").json()["status"] for _ in range(4)]
    assert states == ["THROTTLED", "THROTTLED", "RUNNING", "SUCCEEDED"]
    assert client.get(f"/v1/tasks/{cancelled}").json()["status"] == "CANCELLED"
    running = client.post("/v1/image_to_video", json=I2V).json()["id"]
    assert client.delete(f"/v1/tasks/{running}").status_code == 204
    assert client.get(f"/v1/tasks/{running}").status_code == 404
    assert client.delete(f"/v1/tasks/{running}").status_code == 404
    assert [c["task_id"] for c in fake.ledger.cancels()] == [running]


def test_clock_driven_progress_and_stuck_tasks(fake) -> None:
    client = runway_client(fake)
    fake.plans.push("runway", by="clock", pending=10, running=20)
    fake.plans.push("runway", pending=0, running=None)  # stuck in RUNNING
    timed, stuck = (client.post("/v1/image_to_video", json=I2V).json()["id"] for _ in range(2))
    assert {client.get(f"/v1/tasks/{timed}").json()["status"] for _ in range(5)} == {"PENDING"}
    fake.clock.advance(15)
    task = client.get(f"/v1/tasks/{timed}").json()
    assert (task["status"], task["progress"]) == ("RUNNING", 0.25)
    fake.clock.advance(15)
    assert client.get(f"/v1/tasks/{timed}").json()["status"] == "SUCCEEDED"
    fake.clock.advance(3 * 24 * 3600)
    assert {client.get(f"/v1/tasks/{stuck}").json()["status"] for _ in range(20)} == {"RUNNING"}
    fake.plans.push("runway", forget_after=3600)  # the provider purges its old tasks
    forgotten = client.post("/v1/image_to_video", json=I2V).json()["id"]
    assert client.get(f"/v1/tasks/{forgotten}").status_code == 200
    fake.clock.advance(3601)
    assert client.get(f"/v1/tasks/{forgotten}").status_code == 404


# -- FAL ----------------------------------------------------------------------------------------
def test_fal_queue_urls_drop_the_model_path_and_serve_real_images(fake, tmp_path) -> None:
    client = fal_client(fake)
    fake.plans.push("fal", pending=2, running=1)
    sub = client.post(
        "/fal-ai/flux/dev",
        json={"prompt": "a fox", "num_images": 2, "image_size": "landscape_16_9"},
    ).json()
    base = f"{fake.url('fal')}/fal-ai/flux/requests/{sub['request_id']}"
    assert (sub["response_url"], sub["status_url"], sub["cancel_url"]) == (
        base,
        f"{base}/status",
        f"{base}/cancel",
    )
    wrong = sub["status_url"].replace("/fal-ai/flux/", "/fal-ai/flux/dev/")
    assert client.get(wrong).status_code == 404  # the documented gotcha
    assert client.get(sub["response_url"]).status_code == 400  # not finished yet
    statuses = [client.get(sub["status_url"]).json() for _ in range(4)]
    assert [s["status"] for s in statuses] == ["IN_QUEUE", "IN_QUEUE", "IN_PROGRESS", "COMPLETED"]
    assert [s["queue_position"] for s in statuses[:2]] == [1, 0]
    assert "error" not in statuses[3]
    result = client.get(sub["response_url"]).json()
    assert len(result["images"]) == 2 and result["prompt"] == "a fox"
    first = result["images"][0]
    assert first["content_type"] == "image/jpeg"
    jpg = download(first["url"], tmp_path / "a.jpg")
    image = cv2.imdecode(np.fromfile(jpg, dtype=np.uint8), cv2.IMREAD_COLOR)
    assert image.shape[:2] == (first["height"], first["width"])


def test_fal_video_errors_cancel_validation_and_sync_host(fake, tmp_path) -> None:
    client = fal_client(fake)
    kling = "/fal-ai/kling-video/v2/master/image-to-video"
    sub = client.post(
        kling, json={"prompt": "waves", "image_url": "https://e.com/a.png", "duration": "5"}
    ).json()
    assert "/fal-ai/kling-video/requests/" in sub["status_url"]
    while client.get(sub["status_url"]).json()["status"] != "COMPLETED":
        pass
    video = client.get(sub["response_url"]).json()["video"]
    assert video_facts(download(video["url"], tmp_path / "k.mp4"))[2] == 5 * 24
    fake.plans.push("fal", outcome="failed", failure="GPU fell over", pending=0, running=0)
    failed = client.post("/fal-ai/flux/schnell", json={"prompt": "x"}).json()
    status = client.get(failed["status_url"]).json()
    assert (status["status"], status["error_type"]) == ("COMPLETED", "runner_server_error")
    result = client.get(failed["response_url"])
    assert result.status_code == 500 and result.headers["x-fal-error-type"] == "runner_server_error"
    queued = client.post("/fal-ai/flux/dev", json={"prompt": "y"}).json()
    assert client.put(queued["cancel_url"]).json() == {"status": "CANCELLATION_REQUESTED"}
    assert client.get(queued["status_url"]).json()["error_type"] == "client_cancelled"
    assert client.put(queued["cancel_url"]).status_code == 400
    invalid = client.post("/fal-ai/flux/dev", json={"num_images": 9})
    assert invalid.status_code == 422
    assert {tuple(d["loc"]) for d in invalid.json()["detail"]} == {
        ("body", "prompt"),
        ("body", "num_images"),
    }
    assert PLAIN.post(f"{fake.url('fal')}/fal-ai/flux/dev", json={"prompt": "z"}).status_code == 401
    sync = fal_client(fake, sync_host=True).post("/fal-ai/flux/dev", json={"prompt": "now"})
    assert sync.status_code == 200 and sync.json()["images"][0]["url"].startswith(fake.base_url)
    assert fake.ledger.count(provider="fal") == 4 and len(fake.ledger.cancels("fal")) == 1


# -- ElevenLabs ----------------------------------------------------------------------------------
def test_elevenlabs_returns_real_audio_in_the_requested_format(fake, tmp_path) -> None:
    client = elevenlabs_client(fake)
    voice = client.get("/v1/voices").json()["voices"][0]["voice_id"]
    text = "The storm rolls in over the harbour."  # 36 chars -> 2.4 s at 15 chars/s
    wav = client.post(
        f"/v1/text-to-speech/{voice}",
        params={"output_format": "wav_22050"},
        json={"text": text, "model_id": "eleven_multilingual_v2"},
    )
    assert wav.status_code == 200 and wav.headers["content-type"] == "audio/wav"
    (tmp_path / "a.wav").write_bytes(wav.content)
    with wave.open(str(tmp_path / "a.wav")) as w:
        assert w.getframerate() == 22050 and abs(w.getnframes() / 22050 - 2.4) < 0.05
    pcm = client.post(
        f"/v1/text-to-speech/{voice}", params={"output_format": "pcm_16000"}, json={"text": text}
    ).content
    assert abs(len(pcm) - 2.4 * 16000 * 2) <= 64  # raw s16le mono
    mp3 = client.post(f"/v1/text-to-speech/{voice}", json={"text": text})  # default mp3
    assert mp3.headers["content-type"] == "audio/mpeg"
    (tmp_path / "a.mp3").write_bytes(mp3.content)
    run_ffmpeg(
        [
            "-v",
            "error",
            "-i",
            str(tmp_path / "a.mp3"),
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            "8000",
            str(tmp_path / "dec.raw"),
        ]
    )
    assert abs((tmp_path / "dec.raw").stat().st_size / 16000 - 2.4) < 0.1
    streamed = client.post(f"/v1/text-to-speech/{voice}/stream", json={"text": text})
    assert streamed.headers["transfer-encoding"] == "chunked" and streamed.content == mp3.content
    timed = client.post(f"/v1/text-to-speech/{voice}/with-timestamps", json={"text": "Hi"})
    alignment = timed.json()["alignment"]
    assert alignment["characters"] == ["H", "i"] and len(timed.json()["audio_base64"]) > 100
    assert fake.ledger.count(provider="elevenlabs") == 5
    assert (
        client.post(
            f"/v1/text-to-speech/{voice}", params={"output_format": "flac"}, json={"text": text}
        ).status_code
        == 422
    )
    unknown = client.post("/v1/text-to-speech/nope", json={"text": text}).json()
    assert unknown["detail"]["code"] == "voice_not_found"
    no_key = PLAIN.post(f"{fake.url('elevenlabs')}/v1/text-to-speech/{voice}", json={"text": "a"})
    assert no_key.status_code == 401 and no_key.json()["detail"]["status"] == "invalid_api_key"


# -- CDN ---------------------------------------------------------------------------------------
def test_cdn_records_headers_so_key_leaks_are_visible(fake) -> None:
    client = runway_client(fake)
    task_id = client.post("/v1/image_to_video", json=I2V).json()["id"]
    url = poll_runway_until(client, task_id, "SUCCEEDED")["output"][0]
    assert PLAIN.get(url).status_code == 200
    assert fake.auth_leaks() == [] and len(fake.cdn_requests) == 1
    client.get(url)  # the mistake the app must never make: the API client on a CDN URL
    leaks = fake.auth_leaks()
    assert len(leaks) == 1 and leaks[0]["headers"]["authorization"].startswith("Bearer key_")


def test_cdn_urls_expire_on_the_fake_clock_and_a_fresh_poll_re_signs(fake) -> None:
    client = runway_client(fake)
    fake.plans.push("runway", pending=0, running=0, url_ttl=60)
    task_id = client.post("/v1/image_to_video", json=I2V).json()["id"]
    old = client.get(f"/v1/tasks/{task_id}").json()["output"][0]
    head = PLAIN.head(old)
    assert head.status_code == 200 and int(head.headers["content-length"]) > 1000
    part = PLAIN.get(old, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100
    assert part.headers["content-range"].endswith(f"/{head.headers['content-length']}")
    fake.clock.advance(61)
    expired = PLAIN.get(old)
    assert expired.status_code == 403 and b"expired" in expired.content
    fresh = client.get(f"/v1/tasks/{task_id}").json()["output"][0]
    assert fresh != old and PLAIN.get(fresh).status_code == 200
    assert PLAIN.get(fresh.replace("sig=", "sig=0")).status_code == 403


# -- process mode ------------------------------------------------------------------------------
def test_process_mode_keeps_ledger_tasks_and_clock_across_kill_9(
    fake_provider_process,
) -> None:
    server = fake_provider_process  # python -m tests.fakes.provider_server, driven via /__admin
    server.faults.add("drop_after_accept", provider="runway", endpoint="submit")
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        runway_client(server).post(
            "/v1/image_to_video", json=I2V, headers={"Idempotency-Key": "job-7"}
        )
    server.clock.advance(30)
    port, pid = server.port, server.pid
    server.restart(kill=True)  # kill -9, then start again on the same port
    assert (server.port, server.pid != pid) == (port, True)
    assert server.ledger.creates_per_key() == {"job-7": 1}
    assert server.clock.now() >= 30
    [entry] = server.ledger.entries()
    task = poll_runway_until(runway_client(server), entry["task_id"], "SUCCEEDED")
    assert PLAIN.get(task["output"][0]).status_code == 200
    assert len(server.cdn_requests) == 1 and server.auth_leaks() == []
    server.restart()  # a graceful stop also flushes the poll counters
    again = runway_client(server).get(f"/v1/tasks/{entry['task_id']}").json()
    assert again["status"] == "SUCCEEDED" and server.ledger.count() == 1
    assert server.errors == []
