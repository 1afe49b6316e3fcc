"""Anthropic Messages API (PROVIDERS.md §4c) with JSON through forced tool use.

The schema becomes one tool's `input_schema`, and `tool_choice: {"type": "tool", "name": …}`
makes the model call it, so the answer arrives as an already-parsed `tool_use.input` object.
`stop_reason == "max_tokens"` means the input may be partial (invalid, repaired once);
`stop_reason == "refusal"` raises `LLMRefused`. 529 (overloaded) is retried like a 5xx.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import httpx

from genstudio.providers.http import ApiClient, malformed
from genstudio.providers.llm_common import (
    LLMRefused,
    LLMReply,
    SchemaSpec,
    Sleep,
    call_with_retry,
)

ANTHROPIC_BASE_URL = "https://api.anthropic.com"
ANTHROPIC_VERSION = "2023-06-01"


class AnthropicLLM:
    def __init__(
        self,
        model: str,
        api_key: str,
        *,
        base_url: str = ANTHROPIC_BASE_URL,
        name: str = "anthropic",
        max_tokens: int = 8192,
        temperature: float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.name = name
        self.model = model
        self.base_url = (base_url or ANTHROPIC_BASE_URL).rstrip("/")
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.api = ApiClient(
            name,
            self.base_url,
            headers={"x-api-key": api_key, "anthropic-version": ANTHROPIC_VERSION},
            secret=api_key,
            transport=transport,
            timeout=httpx.Timeout(300.0, connect=10.0),
            deadline=600.0,
        )
        self._sleep = sleep
        self._rng = rng

    def __repr__(self) -> str:
        return f"AnthropicLLM(name={self.name!r}, model={self.model!r}, {self.base_url})"

    async def aclose(self) -> None:
        await self.api.aclose()

    def body(self, system: str, messages: list[dict[str, str]], spec: SchemaSpec) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": system,
            "messages": messages,
            "tools": [
                {
                    "name": spec.name,
                    "description": spec.description,
                    "input_schema": spec.schema,
                }
            ],
            "tool_choice": {"type": "tool", "name": spec.name},
        }
        if self.temperature is not None:
            body["temperature"] = self.temperature
        return body

    async def generate_json(
        self, system: str, messages: list[dict[str, str]], spec: SchemaSpec
    ) -> LLMReply:
        body = self.body(system, messages, spec)
        data = await call_with_retry(
            lambda: self.api.json(
                "POST", "/v1/messages", json_body=body, action="send the message"
            ),
            sleep=self._sleep,
            rng=self._rng,
        )
        if not isinstance(data, dict) or not isinstance(data.get("content"), list):
            raise malformed(f"{self.name}: the answer has no content")
        stop = data.get("stop_reason")
        if stop == "refusal":
            raise LLMRefused(f"{self.name} ({self.model}) refused to answer")
        blocks = [b for b in data["content"] if isinstance(b, dict)]
        call = next(
            (b for b in blocks if b.get("type") == "tool_use" and b.get("name") == spec.name),
            None,
        )
        text = "".join(str(b.get("text", "")) for b in blocks if b.get("type") == "text")
        if call is None:
            return LLMReply(None, text, f"the model answered without calling {spec.name}")
        value = call.get("input")
        raw = json.dumps(value, ensure_ascii=False)
        if stop == "max_tokens":
            return LLMReply(
                None, raw, f"the answer was cut off at the token limit ({self.max_tokens} tokens)"
            )
        return LLMReply(value, raw)
