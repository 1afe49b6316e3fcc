"""What each provider model accepts, as data (PROVIDERS.md): ratios, durations, field names.

Every table names its source label. [V-SDK]/[V-DOC] values come from the provider's SDK or
docs; [3P] from third-party copies of them; [UNVERIFIED] ones (typical run times, some FAL
video fields) are kept here, in one place, so a correction is a one-line data change.
A request is checked against these tables before anything is sent: a wrong ratio or duration
fails at once with a message naming the allowed values, instead of as a paid 400.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from genstudio.providers.http import InvalidRequest


@dataclass(frozen=True)
class Timing:
    """Typical active seconds for one request: `base + per_output_second × duration`."""

    base: float
    per_output_second: float = 0.0

    def seconds(self, output_seconds: float = 0.0) -> float:
        return self.base + self.per_output_second * max(0.0, output_seconds)


# -- Runway [V-SDK runwayml/sdk-python c604e0e, types/image_to_video_create_params.py] --------

_GEN4_RATIOS = ("1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672")
_VEO_RATIOS = ("1280:720", "720:1280", "1080:1920", "1920:1080")


@dataclass(frozen=True)
class RunwayVideoModel:
    ratios: tuple[str, ...]
    durations: tuple[int, ...]
    prompt_required: bool = False
    last_frame: bool = False  # promptImage may carry a {"position": "last"} frame
    audio_option: bool = False  # veo3.1: `audio` (changes the price)
    negative_prompt: bool = False
    timing: Timing = Timing(30.0, 6.0)  # [UNVERIFIED]
    source: str = "V-SDK"


RUNWAY_VIDEO: dict[str, RunwayVideoModel] = {
    "gen4_turbo": RunwayVideoModel(_GEN4_RATIOS, tuple(range(2, 11))),
    "gen4.5": RunwayVideoModel(_GEN4_RATIOS, tuple(range(2, 11)), prompt_required=True),
    # Removed from the spec on 2026-06-10 (sdk-python d106617); may still work for old keys.
    "gen3a_turbo": RunwayVideoModel(
        ("1280:768", "768:1280"), (5, 10), prompt_required=True, last_frame=True, source="3P"
    ),
    "veo3.1": RunwayVideoModel(
        _VEO_RATIOS, (4, 6, 8), last_frame=True, audio_option=True, negative_prompt=True
    ),
    "veo3.1_fast": RunwayVideoModel(
        _VEO_RATIOS, (4, 6, 8), last_frame=True, audio_option=True, negative_prompt=True
    ),
    "veo3": RunwayVideoModel(_VEO_RATIOS, (8,), negative_prompt=True),
}

RUNWAY_PROMPT_LIMIT = 1000  # UTF-16 code units
RUNWAY_DATA_URI_LIMIT = 5 * 1024 * 1024  # image data URIs [V-DOC /assets/inputs]
RUNWAY_SEED_MAX = 4_294_967_295

_GEN4_IMAGE_RATIOS = (
    "1024:1024", "1080:1080", "1168:880", "1360:768", "1440:1080", "1080:1440", "1808:768",
    "1920:1080", "1080:1920", "2112:912", "1280:720", "720:1280", "720:720", "960:720",
    "720:960", "1680:720",
)  # fmt: skip


@dataclass(frozen=True)
class RunwayImageModel:
    ratios: tuple[str, ...]
    min_references: int = 0
    max_references: int = 3
    timing: Timing = Timing(20.0)  # [UNVERIFIED]


RUNWAY_IMAGE: dict[str, RunwayImageModel] = {
    "gen4_image": RunwayImageModel(_GEN4_IMAGE_RATIOS),
    "gen4_image_turbo": RunwayImageModel(_GEN4_IMAGE_RATIOS, min_references=1),
}

# -- FAL [V-SDK fal-js types/endpoints.ts for FLUX; 3P copies of fal model pages for video] ----


@dataclass(frozen=True)
class FalEndpoint:
    """How a neutral request maps onto one FAL model's input fields."""

    kind: str  # "image" | "video"
    size_field: str = ""  # "image_size" ({"width","height"}) | "aspect_ratio" (from `ratios`)
    ratios: tuple[str, ...] = ()
    image_field: str = ""  # start frame (video models)
    end_image_field: str = ""  # end frame, when the model takes one
    durations: tuple[str, ...] = ()  # wire values, e.g. "5" (Kling) or "5s" (Luma, Veo)
    negative_prompt: bool = False
    fixed: dict[str, object] = field(default_factory=dict)  # sent as is
    timing: Timing = Timing(10.0)  # [UNVERIFIED]
    source: str = "V-SDK"


_FLUX_FIXED: dict[str, object] = {
    "num_images": 1,
    "output_format": "png",
    "enable_safety_checker": True,
}
_KLING = FalEndpoint(
    "video",
    image_field="image_url",
    durations=("5", "10"),  # strings on the wire
    negative_prompt=True,
    timing=Timing(60.0, 12.0),
    source="3P",
)

FAL_ENDPOINTS: dict[str, FalEndpoint] = {
    "fal-ai/flux/dev": FalEndpoint("image", "image_size", fixed=_FLUX_FIXED),
    "fal-ai/flux/schnell": FalEndpoint("image", "image_size", fixed=_FLUX_FIXED, timing=Timing(4)),
    "fal-ai/flux-pro/v1.1": FalEndpoint(
        "image",
        "image_size",
        fixed={"num_images": 1, "output_format": "png", "safety_tolerance": "2"},
    ),
    "fal-ai/flux-pro/v1.1-ultra": FalEndpoint(
        "image",
        "aspect_ratio",
        ratios=("21:9", "16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16", "9:21"),
        fixed={"num_images": 1, "output_format": "png", "safety_tolerance": "2"},
    ),
    "fal-ai/kling-video/v2.1/standard/image-to-video": _KLING,
    "fal-ai/kling-video/v2.1/master/image-to-video": _KLING,
    "fal-ai/kling-video/v2.1/pro/image-to-video": replace(_KLING, end_image_field="tail_image_url"),
    "fal-ai/veo2/image-to-video": FalEndpoint(
        "video",
        "aspect_ratio",
        ratios=("auto", "16:9", "9:16"),
        image_field="image_url",
        durations=("5s", "6s", "7s", "8s"),
        timing=Timing(90.0, 10.0),
        source="3P",
    ),
    "fal-ai/luma-dream-machine/ray-2/image-to-video": FalEndpoint(
        "video",
        "aspect_ratio",
        ratios=("16:9", "9:16", "4:3", "3:4", "21:9", "9:21"),
        image_field="image_url",
        end_image_field="end_image_url",
        durations=("5s", "9s"),
        timing=Timing(60.0, 8.0),
        source="3P",
    ),
}

FAL_DATA_URI_LIMIT = 10 * 1024 * 1024  # [UNVERIFIED] FAL accepts data URIs for file inputs

# -- Luma Dream Machine [V-SDK lumalabs/lumaai-api openapi.yaml 2520034b] --------------------

LUMA_MODELS = ("ray-2", "ray-flash-2", "ray-1-6")
LUMA_RATIOS = ("1:1", "16:9", "9:16", "4:3", "3:4", "21:9", "9:21")
LUMA_DURATIONS = ("5s", "9s")
LUMA_RESOLUTIONS = ("540p", "720p", "1080p", "4k")
LUMA_TIMING = Timing(60.0, 8.0)  # [UNVERIFIED]

# -- Sync lip-sync [V-SDK synchronicity-labs/sync-python-sdk a2c49225] ------------------------

SYNC_MODELS = ("lipsync-2", "lipsync-2-pro", "lipsync-1.9.0-beta", "react-1")
SYNC_MODES = ("bounce", "loop", "cut_off", "silence", "remap")
SYNC_TIMING = Timing(30.0, 4.0)  # [UNVERIFIED]

# -- ElevenLabs [V-SDK elevenlabs-python 54e58995; limits V-DOC help center] -----------------


@dataclass(frozen=True)
class TtsModel:
    max_characters: int
    language_code: bool  # the model accepts `language_code` (others answer 400) [UNVERIFIED]


ELEVENLABS_MODELS: dict[str, TtsModel] = {
    "eleven_multilingual_v2": TtsModel(10_000, False),
    "eleven_flash_v2_5": TtsModel(40_000, True),
    "eleven_turbo_v2_5": TtsModel(40_000, True),
    "eleven_flash_v2": TtsModel(30_000, False),
    "eleven_turbo_v2": TtsModel(30_000, False),
    "eleven_v3": TtsModel(3_000, True),  # [UNVERIFIED] limit
}
# Only containers a player and FFmpeg open without guessing: MP3 and WAV (not raw PCM/µ-law).
ELEVENLABS_FORMATS: dict[str, str] = {
    **{
        f"mp3_{rate}": ".mp3"
        for rate in ("22050_32", "24000_48", "44100_32", "44100_64", "44100_96", "44100_128")
    },
    "mp3_44100_192": ".mp3",
    **{f"wav_{hz}": ".wav" for hz in (8000, 16000, 22050, 24000, 32000, 44100, 48000)},
}
ELEVENLABS_TIMING = Timing(2.0)  # plus ~1 s per 800 characters [UNVERIFIED]

# -- camera moves, as words a video model follows --------------------------------------------

CAMERA_PHRASES: dict[str, str] = {
    "static": "static camera, locked-off shot",
    "push_in": "the camera slowly pushes in",
    "pull_out": "the camera slowly pulls out",
    "pan_left": "the camera pans left",
    "pan_right": "the camera pans right",
    "tilt_up": "the camera tilts up",
    "tilt_down": "the camera tilts down",
}


# -- helpers ----------------------------------------------------------------------------------


def parse_ratio(ratio: str) -> tuple[float, float]:
    sep = ":" if ":" in ratio else "x"
    w, h = ratio.split(sep, 1)
    return float(w), float(h)


def nearest_ratio(width: float, height: float, allowed: Sequence[str]) -> str:
    """The allowed "W:H" closest in shape to width×height (ties: the first listed)."""
    if width <= 0 or height <= 0:
        raise InvalidRequest(f"width and height must be positive (got {width}×{height})")
    want = math.log(width / height)
    shaped = [r for r in allowed if r != "auto"]
    return min(shaped, key=lambda r: abs(math.log(parse_ratio(r)[0] / parse_ratio(r)[1]) - want))


def check_choice(provider: str, what: str, value: object, allowed: Sequence[object]) -> None:
    if value not in allowed:
        shown = ", ".join(str(a) for a in allowed)
        raise InvalidRequest(f"{provider}: {what} {value!r} is not allowed; use one of: {shown}")


def fit_duration(seconds: float, allowed: Sequence[int]) -> int:
    """For callers planning a clip: the shortest allowed duration that covers `seconds`
    (the longest one when none does). Runners never round silently; they validate."""
    covering = [d for d in sorted(allowed) if d >= seconds - 1e-6]
    return covering[0] if covering else max(allowed)


def camera_phrase(move: object) -> str:
    return CAMERA_PHRASES.get(str(move or ""), "") if move else ""
