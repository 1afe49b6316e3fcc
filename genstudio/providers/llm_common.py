"""Structured output from any LLM client: a pydantic model in, a validated object out.

`structured(llm, Model, system, user)` asks for JSON matching `Model`'s schema, validates it
with pydantic, and on an invalid, partial or truncated answer makes ONE repair attempt (the
validation errors go back to the model). A second failure is a `ProviderError`; a
half-filled object is never returned. A refusal is reported at once (`LLMRefused`).

OpenAI's strict mode accepts only a subset of JSON Schema, so `strict_schema` rewrites
pydantic's schema: every object gets `additionalProperties: false` and lists all its
properties as required, with the ones that were optional made nullable ("null" then means
"not given": `drop_optional_nulls` removes those keys before validation so pydantic's
defaults apply); `default` and the keywords strict mode rejects are removed.

LLM calls do not go through the job engine; `call_with_retry` gives them their own small
retry (429 / 408 / 409 / 5xx / transport errors, Retry-After honoured, at most 3 attempts).
"""

from __future__ import annotations

import asyncio
import copy
import json
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from genstudio.engine.retry import backoff
from genstudio.errors import ProviderError
from genstudio.providers.http import ApiCallFailed, InvalidRequest, clean_message

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

MAX_ATTEMPTS = 3
MAX_RETRY_WAIT = 60.0  # a longer Retry-After is reported, not slept through
_NO_RETRY_CODES = {"insufficient_quota", "billing_hard_limit_reached"}
_STRICT_UNSUPPORTED = {
    "default",
    "minLength",
    "maxLength",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "unevaluatedProperties",
    "propertyNames",
    "examples",
    "contentEncoding",
    "contentMediaType",
}
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}

Sleep = Callable[[float], Awaitable[None]]


class LLMRefused(ProviderError):
    """The model declined to answer (a refusal or a content filter); not worth repairing."""


@dataclass(frozen=True)
class SchemaSpec:
    name: str  # [A-Za-z0-9_-]{1,64}: the response_format / tool name
    description: str
    schema: dict[str, Any]  # pydantic's schema (Anthropic tool input_schema)
    strict: dict[str, Any]  # the strict-mode rewrite (OpenAI json_schema)


@dataclass(frozen=True)
class LLMReply:
    data: Any  # the parsed JSON value; None when unusable
    text: str  # the raw answer, sent back in the repair turn
    problem: str = ""  # why it is unusable ("cut off at the token limit", "not JSON: …")


class JsonLLM(Protocol):
    name: str
    model: str

    async def generate_json(
        self, system: str, messages: list[dict[str, str]], spec: SchemaSpec
    ) -> LLMReply: ...


def is_local_base_url(base_url: str) -> bool:
    """Ollama / LM Studio / llama.cpp on this machine (they read `max_tokens` only)."""
    host = (urlsplit(base_url).hostname or "").lower()
    return host in _LOCAL_HOSTS or "ollama" in host or host.endswith(".local")


# -- schemas ----------------------------------------------------------------------------------


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    options = node.get("anyOf")
    if isinstance(options, list):
        if not any(o.get("type") == "null" for o in options if isinstance(o, dict)):
            node = {**node, "anyOf": [*options, {"type": "null"}]}
        return node
    described = {"description": node["description"]} if "description" in node else {}
    inner = {k: v for k, v in node.items() if k != "description"}
    return {"anyOf": [inner, {"type": "null"}], **described}


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:  # strict mode wants a bare $ref (a description may stay)
        return {k: v for k, v in node.items() if k in ("$ref", "description")}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "$defs") and isinstance(value, dict):
            out[key] = {name: _strict(sub) for name, sub in value.items()}  # names, not keywords
        elif key not in _STRICT_UNSUPPORTED:
            out[key] = _strict(value)
    properties = out.get("properties")
    if isinstance(properties, dict):
        required = set(node.get("required", []))
        out["properties"] = {
            key: value if key in required else _nullable(value) for key, value in properties.items()
        }
        out["required"] = list(properties)
        out["additionalProperties"] = False
    return out


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAI strict-mode version of a pydantic JSON schema (`$defs` included)."""
    return _strict(copy.deepcopy(schema))


def schema_spec(model_cls: type[BaseModel], name: str | None = None) -> SchemaSpec:
    schema = model_cls.model_json_schema()
    raw_name = name or model_cls.__name__
    clean = re.sub(r"[^A-Za-z0-9_-]", "_", raw_name)[:64] or "answer"
    description = (model_cls.__doc__ or f"A {model_cls.__name__}").strip().splitlines()[0]
    return SchemaSpec(clean, description, schema, strict_schema(schema))


def _resolve(node: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(node, dict):
        return {}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _resolve(defs.get(ref.removeprefix("#/$defs/"), {}), defs)
    return node


def _branch(node: dict[str, Any], key: str, defs: dict[str, Any]) -> dict[str, Any]:
    """The anyOf option that has `key` ("properties" for objects, "items" for arrays)."""
    if key in node:
        return node
    for option in node.get("anyOf", []):
        resolved = _resolve(option, defs)
        if key in resolved:
            return resolved
    return {}


def drop_optional_nulls(data: Any, schema: dict[str, Any]) -> Any:
    """Remove `null` values of properties the original schema does not require."""
    defs = schema.get("$defs", {})

    def walk(value: Any, node: Any) -> Any:
        node = _resolve(node, defs)
        if isinstance(value, dict):
            obj = _branch(node, "properties", defs)
            props, required = obj.get("properties", {}), set(obj.get("required", []))
            return {
                k: walk(v, props.get(k, {}))
                for k, v in value.items()
                if not (v is None and k not in required)
            }
        if isinstance(value, list):
            items = _branch(node, "items", defs).get("items", {})
            return [walk(v, items) for v in value]
        return value

    return walk(data, schema)


# -- structured output ------------------------------------------------------------------------


def _problems(error: ValidationError, limit: int = 15) -> list[str]:
    out = []
    for item in error.errors()[:limit]:
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        out.append(f"{where}: {item['msg']}")
    return out


def _validate(
    reply: LLMReply,
    model_cls: type[M],
    spec: SchemaSpec,
    check: Callable[[M], list[str]] | None,
) -> tuple[M | None, list[str]]:
    if reply.problem or reply.data is None:
        return None, [reply.problem or "the answer was empty"]
    try:
        value = model_cls.model_validate(drop_optional_nulls(reply.data, spec.schema))
    except ValidationError as exc:
        return None, _problems(exc)
    extra = check(value) if check else []
    return (None, extra) if extra else (value, [])


def _repair_prompt(problems: list[str]) -> str:
    listed = "\n".join(f"- {p}" for p in problems)
    return (
        "Your previous answer cannot be used:\n"
        f"{listed}\n"
        "Answer again with the complete, corrected JSON object that matches the schema. "
        "Keep everything that was right; fix only what is listed; be concise enough to finish."
    )


async def structured(
    llm: JsonLLM,
    model_cls: type[M],
    system: str,
    user: str,
    *,
    check: Callable[[M], list[str]] | None = None,
    name: str | None = None,
) -> M:
    """A validated `model_cls` from the LLM, after at most one repair attempt.

    `check` adds rules the schema cannot say (e.g. "exactly 12 scenes"); what it returns
    counts as validation errors."""
    spec = schema_spec(model_cls, name)
    messages = [{"role": "user", "content": user}]
    reply = await llm.generate_json(system, messages, spec)
    value, problems = _validate(reply, model_cls, spec, check)
    if value is not None:
        return value
    messages += [
        {"role": "assistant", "content": reply.text.strip() or "(no answer)"},
        {"role": "user", "content": _repair_prompt(problems)},
    ]
    reply = await llm.generate_json(system, messages, spec)
    value, problems = _validate(reply, model_cls, spec, check)
    if value is not None:
        return value
    raise ProviderError(
        clean_message(
            f"{llm.name} ({llm.model}) did not return a valid {model_cls.__name__} after one "
            f"repair attempt: {'; '.join(problems)}"
        )
    )


# -- retries for direct LLM calls -------------------------------------------------------------


def retryable(exc: ApiCallFailed) -> bool:
    if isinstance(exc, InvalidRequest) or exc.code in _NO_RETRY_CODES:
        return False
    if exc.should_retry is not None:
        return exc.should_retry
    if exc.failure.exception is not None:
        return True
    status = exc.failure.status or 0
    return status in (408, 409, 429) or status >= 500  # 529 = Anthropic overloaded


async def call_with_retry(
    send: Callable[[], Awaitable[T]],
    *,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
    attempts: int = MAX_ATTEMPTS,
) -> T:
    """`send()` up to `attempts` times; waits Retry-After (≤ 60 s) or backs off with jitter."""
    rng = rng or random.Random()
    for attempt in range(1, attempts + 1):
        try:
            return await send()
        except ApiCallFailed as exc:
            if attempt >= attempts or not retryable(exc):
                raise
            wait = exc.failure.retry_after
            if wait is not None and wait > MAX_RETRY_WAIT:
                raise
            if wait is None or wait <= 0:
                wait = backoff(attempt, base=1.0, cap=20.0, rng=rng)
            await sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def parse_json_text(text: str) -> tuple[Any, str]:
    """(value, problem). Tolerates a ```json fence around the object (local models add one)."""
    stripped = text.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", stripped, re.DOTALL)
    if fenced:
        stripped = fenced.group(1)
    try:
        return json.loads(stripped), ""
    except ValueError as exc:
        return None, f"the answer is not valid JSON ({exc})"
