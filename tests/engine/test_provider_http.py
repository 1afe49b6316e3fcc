"""The shared client: error bodies → clear messages, caps, deadlines, redirects, key canary."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import random
import uuid
from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel

from genstudio.engine.retry import CallClass, Verdict, decide
from genstudio.providers.elevenlabs import ElevenLabsTTSRunner
from genstudio.providers.fal import FalRunner
from genstudio.providers.http import ApiCallFailed, ApiClient, error_detail
from genstudio.providers.llm_anthropic import AnthropicLLM
from genstudio.providers.llm_common import structured
from genstudio.providers.llm_openai import OpenAICompatLLM
from genstudio.providers.luma import LumaVideoRunner
from genstudio.providers.runway import RunwayImageRunner, RunwayVideoRunner
from genstudio.providers.sync_labs import SyncLipsyncRunner


@pytest.mark.parametrize(
    ("body", "message", "code"),
    [
        ({"error": "Bad", "issues": [{"path": ["ratio"], "message": "no"}]}, "Bad: ratio: no", ""),
        ({"error": {"message": "m", "type": "invalid_request_error", "code": None}}, "m",
         "invalid_request_error"),
        ({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
         "Overloaded", "overloaded_error"),
        ({"detail": [{"loc": ["body", "prompt"], "msg": "required", "type": "missing"}]},
         "prompt: required", "missing"),
        ({"detail": "Request timed out", "error_type": "request_timeout"}, "Request timed out",
         "request_timeout"),
        ({"detail": {"code": "voice_not_found", "message": "No voice"}}, "No voice",
         "voice_not_found"),
        ({"detail": {"status": "invalid_api_key", "message": "Bad key"}}, "Bad key",
         "invalid_api_key"),
        ({"statusCode": 429, "message": "Rate limit exceeded.", "error": "Too Many Requests"},
         "Rate limit exceeded.", ""),
        ({"detail": "Invalid API key is provided"}, "Invalid API key is provided", ""),
    ],
)  # fmt: skip
def test_every_documented_error_shape(body, message, code) -> None:
    assert error_detail(json.dumps(body).encode()) == (message, code)


def test_non_json_error_bodies() -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    assert error_detail(page) == ("an HTML page (502 Bad Gateway)", "")
    assert error_detail(b"upstream connect error") == ("upstream connect error", "")


def api(handler, **kwargs) -> ApiClient:
    return ApiClient("Test", "https://api.test", headers={}, transport=httpx.MockTransport(handler),
                     **kwargs)  # fmt: skip


@pytest.mark.asyncio
async def test_messages_are_short_and_drop_data_uris() -> None:
    echo = {"error": "bad image data:image/png;base64," + "A" * 5000 + " " + "x" * 2000}
    client = api(lambda r: httpx.Response(400, json=echo))
    with pytest.raises(ApiCallFailed) as caught:
        await client.json("POST", "/v1/x", action="create")
    text = str(caught.value)
    assert len(text) <= 500 and "AAAAAAAA" not in text and "data:…" in text
    await client.aclose()


@pytest.mark.asyncio
async def test_body_caps_apply_to_decoded_bytes() -> None:
    huge = json.dumps({"x": "a" * (6 * 1024 * 1024)}).encode()
    bomb = gzip.compress(huge)
    assert len(bomb) < 100_000
    client = api(lambda r: httpx.Response(200, content=bomb, headers={"content-encoding": "gzip"}))
    with pytest.raises(ApiCallFailed) as caught:
        await client.json("GET", "/v1/x", action="read")
    assert caught.value.failure.malformed and "larger than" in str(caught.value)
    garbage = api(lambda r: httpx.Response(200, content=b"\x00\xffnot json"))
    with pytest.raises(ApiCallFailed, match="not JSON") as caught:
        await garbage.json("GET", "/v1/x", action="read")
    decision = decide(CallClass.POLL, caught.value.failure, 1, rng=random.Random())
    assert decision.error_class == "provider_malformed"
    await client.aclose()
    await garbage.aclose()


@pytest.mark.asyncio
async def test_deadline_redirects_and_transport_errors() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, json={})

    client = api(slow, deadline=0.05)
    with pytest.raises(ApiCallFailed, match="no complete answer within") as caught:
        await client.json("POST", "/v1/x", action="create")
    assert isinstance(caught.value.failure.exception, httpx.ReadTimeout)
    rng = random.Random()
    assert decide(CallClass.SUBMIT, caught.value.failure, 1, rng=rng).verdict is Verdict.IN_DOUBT

    moved = api(lambda r: httpx.Response(302, headers={"location": "https://evil.example/"}))
    with pytest.raises(ApiCallFailed, match="redirect") as caught:
        await moved.json("GET", "/v1/x", action="read")
    assert caught.value.failure.status == 302

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    down = api(refuse)
    with pytest.raises(ApiCallFailed, match="ConnectError") as caught:
        await down.json("POST", "/v1/x", action="create")
    assert decide(CallClass.SUBMIT, caught.value.failure, 1, rng=rng).verdict is Verdict.RETRY
    for c in (client, moved, down):
        await c.aclose()


# -- the key canary (RELIABILITY.md T10) -----------------------------------------------------


class Tiny(BaseModel):
    title: str


def _answers(key: str) -> list[httpx.Response]:
    return [
        httpx.Response(401, json={"error": {"message": f"Incorrect API key provided: {key}"}}),
        httpx.Response(500, text=f"<html><title>Error</title>Authorization: Bearer {key}</html>"),
        httpx.Response(200, content=f"garbage {key} garbage".encode()),
        httpx.Response(422, json={"detail": [{"loc": ["header"], "msg": f"bad key {key}"}]}),
    ]


async def _exercise(make, key: str) -> list[str]:
    """Every answer through the client; returns what a user or a log could see."""
    seen: list[str] = []
    for answer in _answers(key):
        client = make(httpx.MockTransport(lambda r, a=answer: a))
        seen.append(repr(client))
        try:
            if hasattr(client, "generate_json"):
                await structured(client, Tiny, "s", "u")
            else:
                await client.submit(
                    {"prompt": "p", "text": "t", "voice": "21m00Tcm4TlvDq8ikWAM",
                     "image": "https://e.com/a.png", "ratio": "1280:720", "width": 1024,
                     "height": 768, "video": "https://e.com/v.mp4", "audio": "https://e.com/a.mp3"},
                    "k1",
                )  # fmt: skip
                await client.poll("17f20503-6c24-4c16-946b-35dbbce2af2f")
        except Exception as exc:
            seen += [str(exc), repr(exc), str(getattr(exc, "failure", ""))]
        await client.aclose()
    return seen


@pytest.mark.asyncio
async def test_the_key_never_appears(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    key = f"sk-test-CANARY-{uuid.uuid4()}"
    makers = {
        "runway": lambda t: RunwayVideoRunner(api_key=key, transport=t),
        "runway-image": lambda t: RunwayImageRunner(api_key=key, transport=t),
        "fal": lambda t: FalRunner(api_key=key, transport=t),
        "elevenlabs": lambda t: ElevenLabsTTSRunner(api_key=key, cache_dir=tmp_path, transport=t),
        "luma": lambda t: LumaVideoRunner(api_key=key, transport=t),
        "sync": lambda t: SyncLipsyncRunner(api_key=key, transport=t),
        "openai": lambda t: OpenAICompatLLM("https://api.openai.com/v1", "m", key, transport=t,
                                            sleep=_no_wait),
        "anthropic": lambda t: AnthropicLLM("m", key, transport=t, sleep=_no_wait),
    }  # fmt: skip
    for name, make in makers.items():
        texts = await _exercise(make, key)
        assert len(texts) >= 8, name
        leaked = [t for t in texts if key in t]
        assert leaked == [], name
    assert key not in caplog.text
    assert "CANARY" not in caplog.text


async def _no_wait(seconds: float) -> None:
    return None
