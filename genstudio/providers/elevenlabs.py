"""ElevenLabs text-to-speech (PROVIDERS.md §3) as an engine runner.

TTS is synchronous: the POST answers with the audio itself. So `submit` does the synthesis and
writes the audio to `<cache_dir>/<idempotency key><suffix>` (atomically), and returns that key
as the task id; `poll` answers succeeded with `PollResult.local_path`, which the engine copies
to the job's output instead of downloading (its downloader fetches only public http(s) URLs,
and a `file://` URL must never become something it accepts). A second submit with the same
key finds the cached file and sends nothing. `idempotent_submit` stays False: a crash between
the POST and the file write may still have been billed, so that case waits for the user.

Request:

    {"text": str,                    # ≤ the model's character limit
     "voice": str,                   # the character's ElevenLabs voice id (else default_voice)
     "language": "en",               # ISO 639-1; sent only to models that accept it
     "seed": int,                    # 0..4294967295
     "previous_text": str, "next_text": str,   # context for natural joins between lines
     "voice_settings": {"stability": 0.5, "similarity_boost": 0.75, "style": 0.0,
                        "use_speaker_boost": true, "speed": 1.0}}
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from genstudio.concurrency import run_blocking
from genstudio.engine.remote import PollResult, RemoteStatus
from genstudio.fsutil import atomic_write_bytes
from genstudio.models import Character
from genstudio.providers import catalog
from genstudio.providers.http import (
    ApiClient,
    InvalidRequest,
    RunnerBase,
    is_safe_id,
    malformed,
    safe_id,
)
from genstudio.providers.prices import PriceTable, UnknownPrice, default_prices

log = logging.getLogger("genstudio.providers")

BASE_URL = "https://api.elevenlabs.io"
AUDIO_CAP = 64 * 1024 * 1024  # 40,000 characters of 192 kb/s MP3 is far below this
_VOICE_ID = re.compile(r"[A-Za-z0-9]{8,64}")
_VOICE_SETTINGS = ("stability", "similarity_boost", "style", "use_speaker_boost", "speed")


@dataclass(frozen=True)
class Voice:
    voice_id: str
    name: str = ""
    category: str = ""  # premade | cloned | generated | professional
    labels: dict[str, str] = field(default_factory=dict)
    description: str = ""
    preview_url: str = ""


def _looks_like_audio(data: bytes, suffix: str) -> bool:
    if suffix == ".wav":
        return data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


class ElevenLabsTTSRunner(RunnerBase):
    label = "ElevenLabs"
    poll_interval = 1.0  # never waited on: the first poll is already final

    def __init__(
        self,
        *,
        api_key: str,
        cache_dir: Path,
        model: str = "eleven_multilingual_v2",
        output_format: str = "mp3_44100_128",
        default_voice: str = "",
        base_url: str | None = None,
        name: str = "elevenlabs",
        lane: str = "elevenlabs",
        transport: httpx.AsyncBaseTransport | None = None,
        prices: PriceTable | None = None,
    ) -> None:
        if model not in catalog.ELEVENLABS_MODELS:
            raise InvalidRequest(
                f"ElevenLabs model {model!r} is not known; use one of: "
                f"{', '.join(catalog.ELEVENLABS_MODELS)}"
            )
        catalog.check_choice(
            "ElevenLabs", "output format", output_format, catalog.ELEVENLABS_FORMATS
        )
        api = ApiClient(
            "ElevenLabs",
            base_url or BASE_URL,
            headers={"xi-api-key": api_key},
            secret=api_key,
            transport=transport,
            timeout=httpx.Timeout(120.0, connect=10.0),
        )
        super().__init__(api, name=name, model=model, lane=lane)
        self.cache_dir = Path(cache_dir)
        self.output_format = output_format
        self.suffix = catalog.ELEVENLABS_FORMATS[output_format]
        self.default_voice = default_voice
        self.spec = catalog.ELEVENLABS_MODELS[model]
        self.prices = prices or default_prices()

    def cache_path(self, task_id: str) -> Path:
        return self.cache_dir / f"{safe_id(task_id)}{self.suffix}"

    # -- request ------------------------------------------------------------------------------

    def build(self, request: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """(voice id, JSON body); `InvalidRequest` when something cannot be sent."""
        text = str(request.get("text") or "").strip()
        if not text:
            raise InvalidRequest("ElevenLabs: there is no text to speak")
        if len(text) > self.spec.max_characters:
            raise InvalidRequest(
                f"ElevenLabs {self.model}: the text is {len(text)} characters; at most "
                f"{self.spec.max_characters} per request"
            )
        voice = str(request.get("voice") or self.default_voice).strip()
        if not voice:
            raise InvalidRequest(
                "ElevenLabs: no voice id for this line; pick a voice for the character"
            )
        if not _VOICE_ID.fullmatch(voice):
            raise InvalidRequest(f"ElevenLabs: {voice[:40]!r} is not an ElevenLabs voice id")
        body: dict[str, Any] = {"text": text, "model_id": self.model}
        language = str(request.get("language") or "").strip().lower()
        if language and self.spec.language_code:
            if not re.fullmatch(r"[a-z]{2}", language):
                raise InvalidRequest(f"ElevenLabs: language must be ISO 639-1 (got {language!r})")
            body["language_code"] = language
        seed = request.get("seed")
        if seed is not None:
            if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
                raise InvalidRequest("ElevenLabs: seed must be an integer 0..4294967295")
            body["seed"] = seed
        for key in ("previous_text", "next_text"):
            if request.get(key):
                body[key] = str(request[key])
        settings = request.get("voice_settings")
        if settings:
            if not isinstance(settings, dict) or set(settings) - set(_VOICE_SETTINGS):
                raise InvalidRequest(
                    f"ElevenLabs: voice_settings takes only {', '.join(_VOICE_SETTINGS)}"
                )
            body["voice_settings"] = dict(settings)
        return voice, body

    # -- engine calls -------------------------------------------------------------------------

    async def submit(self, request: dict[str, Any], idempotency_key: str) -> str:
        if not is_safe_id(idempotency_key):
            raise InvalidRequest(f"ElevenLabs: unusable job key {idempotency_key[:40]!r}")
        target = self.cache_path(idempotency_key)
        if await run_blocking(_nonempty, target):
            return idempotency_key  # synthesized before (a resumed job): nothing to pay again
        voice, body = self.build(request)
        response = await self.api.request(
            "POST",
            f"/v1/text-to-speech/{voice}",
            params={"output_format": self.output_format},
            json_body=body,
            headers={"Accept": "audio/*"},
            action="synthesize speech",
            body_cap=AUDIO_CAP,
        )
        audio = response.content
        content_type = response.headers.get("content-type", "")
        if "json" in content_type or not _looks_like_audio(audio, self.suffix):
            raise malformed(
                f"ElevenLabs answered 200 without {self.suffix[1:].upper()} audio "
                f"({len(audio)} bytes, {content_type or 'no content type'})"
            )
        await run_blocking(atomic_write_bytes, target, audio)
        return idempotency_key

    async def poll(self, task_id: str) -> PollResult:
        path = self.cache_path(task_id)
        if await run_blocking(_nonempty, path):
            return PollResult(RemoteStatus.SUCCEEDED, progress=1.0, local_path=str(path))
        return PollResult(
            RemoteStatus.FAILED,
            error=f"the synthesized audio is no longer in the cache ({path}); retry the line",
            error_code="local_result_missing",
        )

    async def cancel(self, task_id: str) -> None:
        """Nothing runs remotely after `submit` returns: there is nothing to cancel."""

    def estimate_seconds(self, request: dict[str, Any]) -> float:
        return catalog.ELEVENLABS_TIMING.seconds() + len(str(request.get("text") or "")) / 800

    def cost(self, request: dict[str, Any]) -> float:
        try:
            return self.prices.estimate(
                "elevenlabs", self.model, "speech", characters=len(str(request.get("text") or ""))
            )
        except UnknownPrice as exc:
            log.warning("%s", exc)
            return 0.0

    def output_suffix(self, kind: str) -> str:
        return self.suffix

    # -- voices -------------------------------------------------------------------------------

    async def list_voices(self) -> list[Voice]:
        """GET /v1/voices (the SDK warns it stops working past 500 voices in a workspace)."""
        data = await self.api.json("GET", "/v1/voices", action="list the voices")
        items = data.get("voices") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise malformed("ElevenLabs: the voices answer has no `voices` list")
        voices = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("voice_id"), str):
                continue
            labels = item.get("labels") if isinstance(item.get("labels"), dict) else {}
            voices.append(
                Voice(
                    voice_id=item["voice_id"],
                    name=str(item.get("name") or ""),
                    category=str(item.get("category") or ""),
                    labels={str(k): str(v) for k, v in (labels or {}).items()},
                    description=str(item.get("description") or ""),
                    preview_url=str(item.get("preview_url") or ""),
                )
            )
        return voices


def _nonempty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def assign_voices(characters: Sequence[Character], voices: Sequence[Voice]) -> dict[str, str]:
    """Character name → voice id. A character keeps a voice it already has when that voice
    exists; the others get unused voices in list order (premade first), so two characters
    share a voice only when there are more characters than voices."""
    known = {v.voice_id for v in voices}
    ordered = sorted(voices, key=lambda v: (v.category != "premade", v.name))
    used = {c.voice for c in characters if c.voice in known}
    free = [v.voice_id for v in ordered if v.voice_id not in used]
    result: dict[str, str] = {}
    cycle = 0
    for character in characters:
        if character.voice in known:
            result[character.name] = character.voice
        elif free:
            result[character.name] = free.pop(0)
        elif ordered:
            result[character.name] = ordered[cycle % len(ordered)].voice_id
            cycle += 1
    return result
