"""LLM clients: strict schemas, token fields, repair then error, refusals, retries."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from genstudio.errors import ProviderError
from genstudio.models import Camera, DialogueLine
from genstudio.providers.http import ApiCallFailed
from genstudio.providers.llm_anthropic import AnthropicLLM
from genstudio.providers.llm_common import (
    LLMRefused,
    drop_optional_nulls,
    is_local_base_url,
    schema_spec,
    strict_schema,
    structured,
)
from genstudio.providers.llm_openai import OpenAICompatLLM
from tests.engine.provider_mock import MockProvider, json_response

KEY = "sk-test-llm-0123456789abcdef"


class Shot(BaseModel):
    """One shot."""

    title: str
    camera: Camera = Field(default_factory=Camera)
    lines: list[DialogueLine] = Field(default_factory=list)
    note: str | None = None
    seconds: float = Field(default=5.0, gt=0, le=20)
    default: str = ""  # a property named like a keyword must survive


def _objects(node):
    if isinstance(node, dict):
        if "properties" in node:
            yield node
        for key, value in node.items():
            if key == "properties":
                for sub in value.values():
                    yield from _objects(sub)
            else:
                yield from _objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from _objects(item)


def _keywords(node) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for sub in value.values():
                    found |= _keywords(sub)
            else:
                found.add(key)
                found |= _keywords(value)
    elif isinstance(node, list):
        for item in node:
            found |= _keywords(item)
    return found


def test_strict_schema_transform() -> None:
    original = Shot.model_json_schema()
    strict = strict_schema(original)
    objects = list(_objects(strict))
    assert len(objects) == 3  # Shot, Camera, DialogueLine
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert obj["required"] == list(obj["properties"])
    props = strict["properties"]
    assert props["title"] == {"title": "Title", "type": "string"}  # required: untouched
    assert {"type": "null"} in props["note"]["anyOf"]
    assert props["camera"] == {"anyOf": [{"$ref": "#/$defs/Camera"}, {"type": "null"}]}
    assert {"type": "null"} in props["seconds"]["anyOf"] and "default" in props
    assert "default" not in _keywords(strict)  # the keyword is gone, the property is not
    assert original == Shot.model_json_schema()  # the input is not modified
    # null means "not given": dropping it lets pydantic's defaults apply
    answer = {
        "title": "Harbour",
        "camera": None,
        "lines": [{"character": "ANA", "line": "Go.", "emotion": None, "start": None}],
        "note": None,
        "seconds": None,
        "default": None,
    }
    shot = Shot.model_validate(drop_optional_nulls(answer, original))
    assert shot.camera == Camera() and shot.seconds == 5.0 and shot.note is None
    assert shot.lines[0].emotion == "" and shot.lines[0].start is None


def test_local_base_urls() -> None:
    for url in ["http://localhost:11434/v1", "http://127.0.0.1:1234/v1", "http://ollama:11434/v1"]:
        assert is_local_base_url(url)
    for url in ["https://api.openai.com/v1", "https://openrouter.ai/api/v1"]:
        assert not is_local_base_url(url)


def chat(content: str | None, finish: str = "stop", refusal: str | None = None):
    message = {"role": "assistant", "content": content, "refusal": refusal}
    return json_response(
        200, {"id": "c1", "choices": [{"index": 0, "finish_reason": finish, "message": message}]}
    )


def openai(mock: MockProvider, base: str = "https://api.openai.com/v1", **kw) -> OpenAICompatLLM:
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    llm = OpenAICompatLLM(base, "gpt-test", KEY, transport=mock.transport(), sleep=sleep, **kw)
    llm.sleeps = sleeps  # type: ignore[attr-defined]
    return llm


@pytest.mark.asyncio
async def test_openai_request_shape_and_token_fields() -> None:
    mock = MockProvider().on("POST", "/v1/chat/completions", chat('{"title": "A"}'))
    llm = openai(mock, max_tokens=1234)
    shot = await structured(llm, Shot, "system text", "user text")
    assert shot.title == "A"
    sent = mock.seen[0]
    assert str(sent.url) == "https://api.openai.com/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    body = mock.body()
    assert body["messages"] == [
        {"role": "system", "content": "system text"},
        {"role": "user", "content": "user text"},
    ]
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "Shot"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"] == schema_spec(Shot).strict
    assert body["max_completion_tokens"] == 1234 and "max_tokens" not in body

    local = MockProvider().on("POST", "/v1/chat/completions", chat('{"title": "B"}'))
    ollama = OpenAICompatLLM(
        "http://localhost:11434/v1", "llama3", "", transport=local.transport(), max_tokens=99
    )
    await structured(ollama, Shot, "s", "u")
    assert local.body()["max_tokens"] == 99 and local.body()["max_completion_tokens"] == 99
    assert "authorization" not in local.seen[0].headers  # no key: no header
    await llm.aclose()
    await ollama.aclose()


@pytest.mark.asyncio
async def test_truncated_answer_gets_one_repair_attempt() -> None:
    mock = MockProvider().on(
        "POST",
        "/v1/chat/completions",
        chat('{"title": "Harb', finish="length"),
        chat('{"title": "Harbour", "seconds": 4}'),
    )
    llm = openai(mock)
    shot = await structured(llm, Shot, "s", "u")
    assert shot.title == "Harbour" and shot.seconds == 4
    repair = mock.body(1)["messages"]
    assert repair[2] == {"role": "assistant", "content": '{"title": "Harb'}
    assert repair[3]["role"] == "user" and "cut off at the token limit" in repair[3]["content"]
    await llm.aclose()


@pytest.mark.asyncio
async def test_invalid_twice_is_a_clear_error_never_a_partial_object() -> None:
    mock = MockProvider().on(
        "POST",
        "/v1/chat/completions",
        chat('{"title": "A", "seconds": 99}'),
        chat('```json\n{"seconds": 3}\n```'),
    )
    llm = openai(mock)
    with pytest.raises(ProviderError) as caught:
        await structured(llm, Shot, "s", "u")
    message = str(caught.value)
    assert "did not return a valid Shot after one repair attempt" in message
    assert "title: Field required" in message
    assert (
        "seconds: Input should be less than or equal to 20"
        in mock.body(1)["messages"][3]["content"]
    )
    assert len(mock.seen) == 2
    await llm.aclose()


@pytest.mark.asyncio
async def test_refusal_and_content_filter_are_not_repaired() -> None:
    mock = MockProvider().on("POST", "/v1/chat/completions", chat(None, refusal="I can't help"))
    llm = openai(mock)
    with pytest.raises(LLMRefused, match="refused: I can't help"):
        await structured(llm, Shot, "s", "u")
    mock.on("POST", "/v1/chat/completions", chat(None, finish="content_filter"))
    with pytest.raises(LLMRefused, match="filter"):
        await structured(llm, Shot, "s", "u")
    assert len(mock.seen) == 2
    await llm.aclose()


@pytest.mark.asyncio
async def test_llm_retries_429_and_5xx_honouring_retry_after() -> None:
    mock = MockProvider().on(
        "POST",
        "/v1/chat/completions",
        json_response(
            429,
            {"error": {"message": "slow down", "code": "rate_limit_exceeded"}},
            {"Retry-After": "2"},
        ),
        json_response(503, {"error": {"message": "overloaded"}}),
        chat('{"title": "ok"}'),
    )
    llm = openai(mock)
    assert (await structured(llm, Shot, "s", "u")).title == "ok"
    assert (
        llm.sleeps[0] == 2 and len(llm.sleeps) == 2 and 1.5 <= llm.sleeps[1] <= 2.0
    )  # backoff 2 s × [0.75, 1]

    mock.on("POST", "/v1/chat/completions", json_response(500, {"error": {"message": "boom"}}))
    with pytest.raises(ApiCallFailed, match="boom"):
        await structured(llm, Shot, "s", "u")
    assert len(mock.seen) == 6  # 3 + 3 attempts
    quota = {"error": {"message": "You exceeded your quota", "code": "insufficient_quota"}}
    mock.on("POST", "/v1/chat/completions", json_response(429, quota))
    with pytest.raises(ApiCallFailed, match="insufficient_quota"):
        await structured(llm, Shot, "s", "u")
    assert len(mock.seen) == 7  # never retried
    mock.on("POST", "/v1/chat/completions", json_response(401, {"error": {"message": "bad key"}}))
    with pytest.raises(ApiCallFailed, match="check the API key"):
        await structured(llm, Shot, "s", "u")
    assert len(mock.seen) == 8
    await llm.aclose()


def message(blocks, stop="tool_use"):
    return json_response(
        200,
        {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "content": blocks,
            "stop_reason": stop,
            "usage": {"input_tokens": 1, "output_tokens": 1},
        },
    )


@pytest.mark.asyncio
async def test_anthropic_forced_tool_use_overload_retry_and_repair() -> None:
    tool = {"type": "tool_use", "id": "toolu_1", "name": "Shot", "input": {"title": "Dock"}}
    mock = MockProvider().on(
        "POST",
        "/v1/messages",
        json_response(
            529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
        ),
        message([{"type": "text", "text": "Here you go"}], stop="end_turn"),
        message([tool]),
    )
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    llm = AnthropicLLM("claude-test", KEY, transport=mock.transport(), sleep=sleep, max_tokens=900)
    shot = await structured(llm, Shot, "sys", "user")
    assert shot.title == "Dock" and len(sleeps) == 1  # one 529 retried
    sent = mock.seen[0]
    assert str(sent.url) == "https://api.anthropic.com/v1/messages"
    assert sent.headers["x-api-key"] == KEY and sent.headers["anthropic-version"] == "2023-06-01"
    body = mock.body(0)
    assert body["tool_choice"] == {"type": "tool", "name": "Shot"}
    assert body["tools"][0]["input_schema"] == Shot.model_json_schema()
    assert body["system"] == "sys" and body["max_tokens"] == 900
    repair = mock.body(2)["messages"]  # the text-only answer was repaired once
    assert [m["role"] for m in repair] == ["user", "assistant", "user"]
    assert "without calling Shot" in repair[2]["content"]

    mock.on("POST", "/v1/messages", message([tool], stop="max_tokens"))
    with pytest.raises(ProviderError, match="cut off at the token limit"):
        await structured(llm, Shot, "sys", "user")
    mock.on("POST", "/v1/messages", message([], stop="refusal"))
    with pytest.raises(LLMRefused):
        await structured(llm, Shot, "sys", "user")
    await llm.aclose()
