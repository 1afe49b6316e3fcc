"""Every fault kind of the fake provider server as a client sees it on the wire, and the
billing ledger (creates dropped before the response, idempotency keys, rate limits)."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import httpx
import pytest

from tests.fakes import FakeProviderServer
from tests.fakes.clients import RUNWAY_I2V_EXAMPLE as I2V
from tests.fakes.clients import fal_client, plain_client, poll_runway_until, runway_client
from tests.fakes.faults import FaultBook

RETRY_AFTER_VARIANTS = [
    "20",
    "0",
    "-10",
    "121",
    "inf",
    "nan",
    "99999999999999999999",
    "Fri, 29 Sep 2023 10:00:00 GMT",
    "Zun, 99 Foo 2023 99:99:99 GMT",
    "",
]


PLAIN = plain_client()  # header-less, as the app must download CDN URLs


@pytest.fixture
def fake(fake_providers: FakeProviderServer) -> FakeProviderServer:
    return fake_providers


def raw_exchange(fake: Any, path: str, read_for: float = 5.0) -> tuple[bytes, str]:
    """Send a bare GET and read until EOF, RST or `read_for` seconds in total; returns
    (bytes received, "eof" | "reset" | "timeout")."""
    deadline = time.monotonic() + read_for
    with socket.create_connection(("127.0.0.1", fake.port), timeout=read_for) as sock:
        keys = {"Authorization": f"Bearer {fake.keys['runway']}", "X-Runway-Version": "2024-11-06"}
        headers = "".join(f"{k}: {v}\r\n" for k, v in keys.items())
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode())
        data = b""
        try:
            while (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                chunk = sock.recv(65536)
                if not chunk:
                    return data, "eof"
                data += chunk
        except ConnectionResetError:
            return data, "reset"
        except TimeoutError:
            pass
        return data, "timeout"


# -- faults ------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", RETRY_AFTER_VARIANTS)
def test_status_fault_echoes_retry_after_verbatim_and_bills_nothing(fake, value) -> None:
    fake.faults.add(
        "status",
        status=429,
        retry_after=value,
        provider="runway",
        endpoint="submit",
        body_extra={"retry_after": 7},
    )
    resp = runway_client(fake).post("/v1/image_to_video", json=I2V)
    assert resp.status_code == 429 and resp.headers["retry-after"] == value
    assert resp.json()["retry_after"] == 7 and "error" in resp.json()
    assert fake.ledger.count() == 0
    assert runway_client(fake).post("/v1/image_to_video", json=I2V).status_code == 200  # times=1


def test_faults_are_scoped_by_provider_endpoint_and_count(fake) -> None:
    fake.faults.add("status", status=503, provider="fal", endpoint="submit", times=2)
    assert runway_client(fake).post("/v1/image_to_video", json=I2V).status_code == 200
    codes = [
        fal_client(fake).post("/fal-ai/flux/dev", json={"prompt": "a"}).status_code
        for _ in range(3)
    ]
    assert codes == [503, 503, 200]
    body = fal_client(fake).post("/fal-ai/flux/dev", json={"prompt": "a"})
    assert body.status_code == 200 and fake.ledger.count(provider="fal") == 2
    fake.faults.add("status", status=500, accept=True, endpoint="submit")  # 5xx after accept
    assert runway_client(fake).post("/v1/image_to_video", json=I2V).status_code == 500
    assert fake.ledger.count(provider="runway") == 2


def test_probability_faults_are_reproducible_from_the_seed() -> None:
    def pattern(seed: int) -> list[bool]:
        book = FaultBook()
        book.add("status", status=500, times=None, probability=0.5, seed=seed)
        return [book.take("runway", "poll", "GET", "/x", "pre") is not None for _ in range(40)]

    assert pattern(3) == pattern(3) != pattern(4)
    assert 8 < sum(pattern(3)) < 32
    with pytest.raises(ValueError):
        FaultBook().add("explode")
    with pytest.raises(ValueError):
        FaultBook().add("status", status=429, retry_after="1\r\nX-Evil: 1")


def test_drop_after_accept_bills_the_create_but_the_client_sees_a_reset(fake) -> None:
    fake.faults.add("drop_after_accept", provider="runway", endpoint="submit")
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        runway_client(fake).post(
            "/v1/image_to_video", json=I2V, headers={"Idempotency-Key": "job-1"}
        )
    [entry] = fake.ledger.entries()
    assert entry["idempotency_key"] == "job-1"
    assert fake.ledger.creates_per_key() == {"job-1": 1}
    task = runway_client(fake).get(f"/v1/tasks/{entry['task_id']}")  # the task really exists
    assert task.status_code == 200


def test_accept_decides_whether_a_failed_submit_was_billed(fake) -> None:
    client = runway_client(fake)
    fake.faults.add("reset", accept=False, endpoint="submit")  # before the provider saw it
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        client.post("/v1/image_to_video", json=I2V)
    assert fake.ledger.count() == 0
    fake.faults.add("timeout", accept=True, endpoint="submit")  # accepted, answer never comes
    with pytest.raises(httpx.ReadTimeout):
        client.post("/v1/image_to_video", json=I2V, timeout=0.3)
    assert fake.ledger.count() == 1


def test_download_faults_follow_the_provider_of_the_asset(fake) -> None:
    fake.plans.push("runway", pending=0, running=0)
    fake.plans.push("fal", pending=0, running=0)
    task_id = runway_client(fake).post("/v1/image_to_video", json=I2V).json()["id"]
    video_url = runway_client(fake).get(f"/v1/tasks/{task_id}").json()["output"][0]
    sub = fal_client(fake).post("/fal-ai/flux/dev", json={"prompt": "a"}).json()
    image_url = fal_client(fake).get(sub["response_url"]).json()["images"][0]["url"]
    fake.faults.add("status", status=503, provider="runway", endpoint="download", times=None)
    assert PLAIN.get(image_url).status_code == 200
    failed = PLAIN.get(video_url)
    assert failed.status_code == 503 and failed.headers["content-type"] == "application/xml"
    fake.faults.clear()
    fake.faults.add("reset", after_bytes=5000, provider="runway", endpoint="download")
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        PLAIN.get(video_url)
    assert PLAIN.get(video_url).status_code == 200


def test_reset_after_n_bytes_cuts_the_response_with_a_tcp_reset(fake) -> None:
    task_id = runway_client(fake).post("/v1/image_to_video", json=I2V).json()["id"]
    fake.faults.add("reset", after_bytes=40, endpoint="poll")
    data, ending = raw_exchange(fake, f"/runway/v1/tasks/{task_id}")
    assert (len(data), ending) == (40, "reset") and data.startswith(b"HTTP/1.1 200")
    fake.faults.add("reset", after_bytes=200, endpoint="poll")  # mid-body
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        runway_client(fake).get(f"/v1/tasks/{task_id}")


def test_timeout_holds_the_connection_without_blocking_other_requests(fake) -> None:
    task_id = runway_client(fake).post("/v1/image_to_video", json=I2V).json()["id"]
    fake.faults.add("timeout", endpoint="poll")
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        runway_client(fake).get(f"/v1/tasks/{task_id}", timeout=0.3)
    assert 0.3 <= time.monotonic() - started < 3.0  # the client gave up, not the server
    assert runway_client(fake).get(f"/v1/tasks/{task_id}").status_code == 200


def test_latency_and_one_byte_per_second_drip(fake) -> None:
    task_id = runway_client(fake).post("/v1/image_to_video", json=I2V).json()["id"]
    fake.faults.add("latency", delay=0.3, endpoint="poll")
    started = time.monotonic()
    assert runway_client(fake).get(f"/v1/tasks/{task_id}").status_code == 200
    assert time.monotonic() - started >= 0.3
    fake.faults.add("drip", bytes_per_second=1, endpoint="poll")
    data, ending = raw_exchange(fake, f"/runway/v1/tasks/{task_id}", read_for=1.5)
    head, _, body = data.partition(b"\r\n\r\n")
    assert ending == "timeout" and b"Content-Length" in head
    assert 1 <= len(body) <= 3  # ~1 byte per second while the headers came at once


def test_content_length_lies(fake) -> None:
    task_id = runway_client(fake).post("/v1/image_to_video", json=I2V).json()["id"]
    fake.faults.add("content_length_long", endpoint="poll")
    with pytest.raises(httpx.RemoteProtocolError):
        runway_client(fake).get(f"/v1/tasks/{task_id}")
    fake.faults.add("content_length_short", endpoint="poll")
    short = runway_client(fake).get(f"/v1/tasks/{task_id}")
    with pytest.raises(json.JSONDecodeError):
        json.loads(short.content)


@pytest.mark.parametrize(
    ("kind", "params", "check"),
    [
        (
            "truncated_json",
            {},
            lambda r: r.content.startswith(b'{"id"') and not r.content.endswith(b"}"),
        ),
        ("missing_fields", {}, lambda r: "output" not in r.json() and r.json()["status"]),
        (
            "missing_fields",
            {"drop": ["status", "id"]},
            lambda r: set(r.json()) == {"createdAt", "output"},
        ),
        ("bad_url", {"url": "null"}, lambda r: r.json()["output"] == ["null"]),
        ("bad_url", {"url": None}, lambda r: r.json()["output"] == [None]),
        ("bad_url", {"url": ""}, lambda r: r.json()["output"] == [""]),
        ("bad_url", {"url": "undefined"}, lambda r: r.json()["output"] == ["undefined"]),
        ("bad_url", {"url": None, "whole": True}, lambda r: r.json()["output"] is None),
        ("html", {}, lambda r: r.status_code == 200 and r.text.startswith("<html>")),
    ],
)
def test_malformed_bodies(fake, kind, params, check) -> None:
    fake.plans.push("runway", pending=0, running=0)
    task_id = runway_client(fake).post("/v1/image_to_video", json=I2V).json()["id"]
    fake.faults.add(kind, endpoint="poll", **params)
    assert check(runway_client(fake).get(f"/v1/tasks/{task_id}"))


def test_bad_url_waits_for_a_response_that_has_urls(fake) -> None:
    task_id = runway_client(fake).post("/v1/image_to_video", json=I2V).json()["id"]
    fake.faults.add("bad_url", endpoint="poll", url="undefined")
    # the PENDING and RUNNING polls have no URL to spoil: the fault waits for SUCCEEDED
    task = poll_runway_until(runway_client(fake), task_id, "SUCCEEDED")
    assert task["output"] == ["undefined"]
    assert fake.faults.active() == []


def test_huge_json_gzip_bomb_and_endless_bodies_stream_without_end(fake) -> None:
    task_id = runway_client(fake).post("/v1/image_to_video", json=I2V).json()["id"]
    url = f"/v1/tasks/{task_id}"
    fake.faults.add("huge_json", endpoint="poll")
    with runway_client(fake).stream("GET", url) as resp:
        assert int(resp.headers["content-length"]) == 50 * 2**20
        assert sum(len(c) for c in resp.iter_raw()) == 50 * 2**20
    fake.faults.add("gzip_bomb", endpoint="poll")  # default: inflates to 2 GiB
    with runway_client(fake).stream("GET", url) as resp:
        assert resp.headers["content-encoding"] == "gzip"
        wire = sum(len(c) for c in resp.iter_raw())
        assert wire == int(resp.headers["content-length"]) < 3 * 2**20
    fake.faults.add("gzip_bomb", endpoint="poll", inflated_size=16 * 2**20)
    with runway_client(fake).stream("GET", url) as resp:
        raw = resp.read()  # httpx inflates it
    assert len(raw) == 16 * 2**20 + 15 and json.loads(raw)["padding"].strip() == ""
    assert resp.num_bytes_downloaded * 500 < len(raw)
    fake.faults.add("endless", endpoint="poll")
    with runway_client(fake).stream("GET", url) as resp:
        seen = 0
        for chunk in resp.iter_raw():
            seen += len(chunk)
            if seen > 8 * 2**20:
                break
    assert seen > 8 * 2**20


# -- ledger ------------------------------------------------------------------------------------
@pytest.mark.parametrize("honour", [False, True])
def test_idempotency_keys_bill_once_only_when_honoured(fake, honour) -> None:
    fake.configure(honour_idempotency=honour)
    client = runway_client(fake)
    ids = [
        client.post("/v1/image_to_video", json=I2V, headers={"Idempotency-Key": "k-1"}).json()["id"]
        for _ in range(2)
    ]
    if honour:
        assert ids[0] == ids[1] and fake.ledger.creates_per_key() == {"k-1": 1}
        assert len(fake.ledger.replays()) == 1
        other = client.post(
            "/v1/image_to_video", json={**I2V, "seed": 1}, headers={"Idempotency-Key": "k-1"}
        )
        assert other.status_code == 409 and fake.ledger.count() == 1
    else:
        assert ids[0] != ids[1] and fake.ledger.creates_per_key() == {"k-1": 2}


def test_rate_limits_refuse_creates_with_429(fake) -> None:
    fake.configure(limits={"runway": {"max_active": 1, "retry_after": 3}})
    client = runway_client(fake)
    first = client.post("/v1/image_to_video", json=I2V).json()["id"]
    refused = client.post("/v1/image_to_video", json=I2V)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "3"
    poll_runway_until(client, first, "SUCCEEDED")
    assert client.post("/v1/image_to_video", json=I2V).status_code == 200
    assert fake.ledger.count() == 2 and len(fake.ledger.rejections()) == 1
    assert fake.ledger.peak_active() == {"runway": 1}
    fake.configure(limits={"fal": {"min_interval": 5.0}})
    codes = [
        fal_client(fake).post("/fal-ai/flux/dev", json={"prompt": "a"}).status_code
        for _ in range(2)
    ]
    assert codes == [200, 429]
