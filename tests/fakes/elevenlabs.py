"""Fake ElevenLabs text-to-speech (PROVIDERS.md §3): real audio in the requested format.

POST /v1/text-to-speech/{voice_id}?output_format=... returns raw audio bytes (a 220 Hz tone
lasting as long as the text takes to say at ~15 characters/s). `/stream` returns the same bytes
chunked; `/with-timestamps` returns JSON with audio_base64 and an even character alignment.
pcm_* is raw 16-bit little-endian mono; wav_* a RIFF file; mp3_*/opus_* real encodes.
Each call is billed (characters) in the ledger like any create.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

from tests.fakes.media import audio_format
from tests.fakes.state import ProviderCore, Request
from tests.fakes.tasks import Task, TaskPlan
from tests.fakes.wire import Response, json_response

DEFAULT_FORMAT = "mp3_44100_128"  # believed server default (UNVERIFIED)
CHARS_PER_SECOND = 15.0
VOICES: list[dict[str, Any]] = [
    {
        "voice_id": "21m00Tcm4TlvDq8ikWAM",
        "name": "Rachel",
        "category": "premade",
        "labels": {"accent": "american", "gender": "female", "age": "young"},
        "description": "Calm narration",
        "preview_url": None,
    },
    {
        "voice_id": "pNInz6obpgDQGcFmaJgB",
        "name": "Adam",
        "category": "premade",
        "labels": {"accent": "american", "gender": "male", "age": "middle aged"},
        "description": "Deep narration",
        "preview_url": None,
    },
    {
        "voice_id": "EXAVITQu4vr4xnSDxMaL",
        "name": "Sarah",
        "category": "premade",
        "labels": {"accent": "american", "gender": "female", "age": "young"},
        "description": "Soft news",
        "preview_url": None,
    },
]
# Per-request character limits (help center); eleven_v3's is UNVERIFIED.
MODEL_LIMITS = {
    "eleven_multilingual_v2": 10_000,
    "eleven_flash_v2_5": 40_000,
    "eleven_turbo_v2_5": 40_000,
    "eleven_flash_v2": 30_000,
    "eleven_turbo_v2": 30_000,
    "eleven_v3": 5_000,
}
CODES = {
    400: ("invalid_request", "invalid_parameters"),
    401: ("authentication_error", "invalid_api_key"),
    403: ("authorization_error", "forbidden"),
    404: ("not_found", "not_found"),
    408: ("timeout", "request_timeout"),
    409: ("conflict", "conflict"),
    429: ("rate_limit_error", "rate_limit_exceeded"),
}


def error_response(status: int, message: str | None = None, code: str | None = None) -> Response:
    if status == 422:
        return json_response(
            422,
            {
                "detail": [
                    {"loc": ["body"], "msg": message or "Invalid input", "type": "value_error"}
                ]
            },
        )
    kind, default_code = CODES.get(status, ("server_error", "internal_server_error"))
    code = code or default_code
    detail = {
        "type": kind,
        "code": code,
        "status": code,
        "request_id": uuid.uuid4().hex,
        "message": message or code.replace("_", " ").capitalize(),
        "param": None,
    }
    return json_response(status, {"detail": detail})


def owns(path: str) -> bool:
    return path.startswith(("/v1/text-to-speech/", "/v1/voices", "/v2/voices"))


def classify(method: str, path: str) -> str:
    return "submit" if method == "POST" and path.startswith("/v1/text-to-speech/") else "info"


def handle(core: ProviderCore, req: Request) -> Response:
    if req.header("xi-api-key") != core.settings.keys["elevenlabs"]:
        return error_response(401, "Invalid API key")
    if req.path in ("/v1/voices", "/v2/voices") and req.method == "GET":
        extra = {"has_more": False, "total_count": len(VOICES), "next_page_token": None}
        return json_response(200, {"voices": VOICES, **(extra if "v2" in req.path else {})})
    if req.path.startswith("/v1/voices/") and req.method == "GET":
        voice = _voice(req.path.rsplit("/", 1)[1])
        return (
            json_response(200, voice)
            if voice
            else error_response(400, "A voice with this id was not found", "voice_not_found")
        )
    if req.path.startswith("/v1/text-to-speech/"):
        if req.method != "POST":
            return error_response(405, "Method not allowed", "method_not_allowed")
        return _speak(core, req)
    return error_response(404)


def _voice(voice_id: str) -> dict[str, Any] | None:
    return next((v for v in VOICES if v["voice_id"] == voice_id), None)


def _speak(core: ProviderCore, req: Request) -> Response:
    parts = req.path.split("/")  # ['', 'v1', 'text-to-speech', voice, (stream|with-timestamps)?]
    voice_id, variant = parts[3], "/".join(parts[4:])
    if variant not in ("", "stream", "with-timestamps"):
        return error_response(404)
    output_format = req.query.get("output_format", DEFAULT_FORMAT)
    if audio_format(output_format) is None:
        return json_response(
            422,
            {
                "detail": [
                    {
                        "loc": ["query", "output_format"],
                        "msg": "Input should be a valid output format",
                        "type": "enum",
                    }
                ]
            },
        )
    try:
        body = req.json()
    except ValueError:
        return error_response(422, "Request body is not valid JSON")
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text:
        return json_response(
            422, {"detail": [{"loc": ["body", "text"], "msg": "Field required", "type": "missing"}]}
        )
    model = body.get("model_id", "eleven_multilingual_v2")
    if model not in MODEL_LIMITS:
        return error_response(400, f"Model {model!r} does not exist", "model_not_found")
    if len(text) > MODEL_LIMITS[model]:
        return error_response(
            400,
            f"Text is longer than {MODEL_LIMITS[model]} characters",
            "max_character_limit_exceeded",
        )
    if _voice(voice_id) is None:
        return error_response(400, "A voice with this id was not found", "voice_not_found")
    seconds = round(min(60.0, max(0.5, len(text) / CHARS_PER_SECOND)), 1)

    def build(task_id: str, plan: TaskPlan) -> Task:
        plan.pending, plan.throttled, plan.running = 0.0, 0.0, 0.0  # synchronous call
        return Task(
            id=task_id,
            provider="elevenlabs",
            endpoint=req.path,
            model=model,
            created_at=core.clock.now(),
            plan=plan,
            info={"format": output_format, "seconds": seconds, "voice": voice_id},
        )

    accepted = core.accept_create(
        req,
        provider="elevenlabs",
        model=model,
        credits=len(text),
        build=build,
        error=error_response,
    )
    if isinstance(accepted, Response):
        return accepted
    task, _replayed = accepted
    audio, content_type = core.media.audio(output_format, seconds)
    headers = [
        ("request-id", task.id),
        ("history-item-id", task.id),
        ("x-character-count", str(len(text))),
    ]
    if variant == "with-timestamps":
        return json_response(
            200,
            {
                "audio_base64": base64.b64encode(audio).decode(),
                "alignment": _alignment(text, seconds),
                "normalized_alignment": _alignment(text, seconds),
            },
            headers=headers,
            essential=("audio_base64",),
        )
    if variant == "stream":
        chunks = (audio[i : i + 4096] for i in range(0, len(audio), 4096))
        return Response(200, chunks, None, content_type, headers)
    return Response(200, audio, content_type=content_type, headers=headers)


def _alignment(text: str, seconds: float) -> dict[str, Any]:
    step = seconds / len(text)
    return {
        "characters": list(text),
        "character_start_times_seconds": [round(i * step, 3) for i in range(len(text))],
        "character_end_times_seconds": [round((i + 1) * step, 3) for i in range(len(text))],
    }
