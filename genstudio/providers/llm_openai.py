"""OpenAI-compatible Chat Completions (PROVIDERS.md §4a-b): OpenAI, Ollama, LM Studio, vLLM,
OpenRouter, by base URL.

Structured output uses the nested Chat Completions shape
`response_format: {"type": "json_schema", "json_schema": {"name", "schema", "strict": true}}`
with the strict-mode schema. Token limit: `max_completion_tokens` (OpenAI's current field);
local servers (localhost / 127.0.0.1 / ollama) read only `max_tokens`, so they get both.
`finish_reason == "length"` means truncated JSON (invalid, repaired once by `structured`);
`message.refusal` or `finish_reason == "content_filter"` raise `LLMRefused`.
"""

from __future__ import annotations

import asyncio
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
    is_local_base_url,
    parse_json_text,
)

OPENAI_BASE_URL = "https://api.openai.com/v1"


def _content_text(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # some servers answer with content parts
        return "".join(
            str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("text")
        )
    return ""


class OpenAICompatLLM:
    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "",
        *,
        name: str = "openai",
        max_tokens: int = 8192,
        temperature: float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.name = name
        self.model = model
        self.base_url = (base_url or OPENAI_BASE_URL).rstrip("/")
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.local = is_local_base_url(self.base_url)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.api = ApiClient(
            name,
            self.base_url,
            headers=headers,
            secret=api_key,
            transport=transport,
            timeout=httpx.Timeout(300.0, connect=10.0),  # a long plan can take minutes
            deadline=600.0,
        )
        self._sleep = sleep
        self._rng = rng

    def __repr__(self) -> str:
        return f"OpenAICompatLLM(name={self.name!r}, model={self.model!r}, {self.base_url})"

    async def aclose(self) -> None:
        await self.api.aclose()

    def body(self, system: str, messages: list[dict[str, str]], spec: SchemaSpec) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, *messages],
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": spec.name,
                    "description": spec.description,
                    "schema": spec.strict,
                    "strict": True,
                },
            },
            "max_completion_tokens": self.max_tokens,
        }
        if self.local:
            body["max_tokens"] = self.max_tokens  # Ollama ignores max_completion_tokens
        if self.temperature is not None:
            body["temperature"] = self.temperature
        return body

    async def generate_json(
        self, system: str, messages: list[dict[str, str]], spec: SchemaSpec
    ) -> LLMReply:
        body = self.body(system, messages, spec)
        data = await call_with_retry(
            lambda: self.api.json(
                "POST", "/chat/completions", json_body=body, action="complete the chat"
            ),
            sleep=self._sleep,
            rng=self._rng,
        )
        choices = data.get("choices") if isinstance(data, dict) else None
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise malformed(f"{self.name}: the answer has no choices")
        choice = choices[0]
        message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
        refusal = (message or {}).get("refusal")
        if refusal:
            raise LLMRefused(f"{self.name} ({self.model}) refused: {str(refusal)[:300]}")
        finish = choice.get("finish_reason")
        if finish == "content_filter":
            raise LLMRefused(f"{self.name} ({self.model}): the answer was blocked by its filter")
        text = _content_text((message or {}).get("content"))
        if finish == "length":
            return LLMReply(
                None,
                text,
                f"the answer was cut off at the token limit ({self.max_tokens} tokens)",
            )
        value, problem = parse_json_text(text)
        return LLMReply(value, text, problem)
