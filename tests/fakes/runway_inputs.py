"""Runway input validation (PROVIDERS.md §1): the per-model tables are data, not code.

Each validator returns (issues, media spec of the output, credits). Issues use the observed
400 shape: {"code", "message", "path"}.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from tests.fakes.media import MediaSpec, served_size

Issues = list[dict[str, Any]]


GEN4_RATIOS = ("1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672")
VEO_RATIOS = ("1280:720", "720:1280", "1080:1920", "1920:1080")
I2V_MODELS: dict[str, dict[str, Any]] = {
    # default_duration for gen4_turbo when omitted is UNVERIFIED (10 s assumed).
    "gen4_turbo": {
        "ratios": GEN4_RATIOS,
        "durations": tuple(range(2, 11)),
        "default": 10,
        "required": ("promptImage", "ratio"),
        "last_frame": False,
        "credits_s": 5,
    },
    "gen4.5": {
        "ratios": GEN4_RATIOS,
        "durations": tuple(range(2, 11)),
        "default": 10,
        "required": ("promptImage", "promptText", "ratio", "duration"),
        "last_frame": False,
        "credits_s": 12,
    },
    "veo3.1": {
        "ratios": VEO_RATIOS,
        "durations": (4, 6, 8),
        "default": 8,
        "required": ("promptImage", "ratio"),
        "last_frame": True,
        "credits_s": 20,
    },
    "veo3.1_fast": {
        "ratios": VEO_RATIOS,
        "durations": (4, 6, 8),
        "default": 8,
        "required": ("promptImage", "ratio"),
        "last_frame": True,
        "credits_s": 10,
    },
    "veo3": {
        "ratios": VEO_RATIOS,
        "durations": (8,),
        "default": 8,
        "required": ("promptImage", "ratio", "duration"),
        "last_frame": False,
        "credits_s": 40,
    },
}
T2I_RATIOS = (
    "1024:1024",
    "1080:1080",
    "1168:880",
    "1360:768",
    "1440:1080",
    "1080:1440",
    "1808:768",
    "1920:1080",
    "1080:1920",
    "2112:912",
    "1280:720",
    "720:1280",
    "720:720",
    "960:720",
    "720:960",
    "1680:720",
)
T2I_MODELS: dict[str, dict[str, Any]] = {
    "gen4_image": {"refs": (0, 3), "credits": (5, 8)},  # 720p / 1080p
    "gen4_image_turbo": {"refs": (1, 3), "credits": (2, 2)},
}
TAG = re.compile(r"^[A-Za-z][A-Za-z0-9_]{2,15}$")


def issue(code: str, message: str, path: list[Any]) -> dict[str, Any]:
    return {"code": code, "message": message, "path": path}


def _ratio_size(ratio: str, scale: str) -> tuple[int, int]:
    w, h = (int(x) for x in ratio.split(":"))
    return served_size(w, h, scale)


def _check_uri(value: Any, path: list[Any], issues: Issues) -> None:
    if not isinstance(value, str):
        issues.append(issue("invalid_type", "Expected string", path))
    elif value.startswith("data:image/"):
        if len(value) > 5 * 1024 * 1024 * 4 // 3 + 100:
            issues.append(issue("too_big", "Data URI images must be at most 5MB", path))
    elif value.startswith("runway://"):
        pass
    elif not value.startswith("https://"):
        issues.append(issue("invalid_string", "Invalid URL: only HTTPS URLs are allowed", path))
    elif len(value) > 2048:
        issues.append(issue("too_big", "URL must be at most 2048 characters", path))
    else:
        host = urlsplit(value).hostname or ""
        try:
            ipaddress.ip_address(host)
            issues.append(issue("invalid_string", "URLs with IP hosts are not allowed", path))
        except ValueError:
            pass


def _check_text(body: dict[str, Any], required: bool, issues: Issues) -> None:
    text = body.get("promptText")
    if text is None:
        if required:
            issues.append(issue("invalid_type", "Required", ["promptText"]))
    elif not isinstance(text, str):
        issues.append(issue("invalid_type", "Expected string", ["promptText"]))
    elif len(text.encode("utf-16-le")) // 2 > 1000:
        issues.append(
            issue("too_big", "String must contain at most 1000 character(s)", ["promptText"])
        )


def _check_seed(body: dict[str, Any], issues: Issues) -> None:
    seed = body.get("seed")
    if seed is not None and (
        not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= 4294967295
    ):
        issues.append(issue("invalid_type", "seed must be an integer 0-4294967295", ["seed"]))


def validate_i2v(body: dict[str, Any], scale: str) -> tuple[Issues, MediaSpec | None, float]:
    issues: Issues = []
    model = I2V_MODELS.get(body.get("model"))  # type: ignore[arg-type]
    if model is None:
        issues.append(
            issue(
                "invalid_union_discriminator",
                f"Invalid model. Expected one of {sorted(I2V_MODELS)}",
                ["model"],
            )
        )
        return issues, None, 0
    for name in model["required"]:
        if body.get(name) is None:
            issues.append(issue("invalid_type", "Required", [name]))
    image = body.get("promptImage")
    if isinstance(image, list):
        positions = ("first", "last") if model["last_frame"] else ("first",)
        if not image:
            issues.append(
                issue("too_small", "Array must contain at least 1 element(s)", ["promptImage"])
            )
        for i, item in enumerate(image):
            if not isinstance(item, dict):
                issues.append(issue("invalid_type", "Expected object", ["promptImage", i]))
                continue
            _check_uri(item.get("uri"), ["promptImage", i, "uri"], issues)
            if item.get("position") not in positions:
                issues.append(
                    issue(
                        "invalid_enum_value",
                        f"position must be one of {positions}",
                        ["promptImage", i, "position"],
                    )
                )
    elif image is not None:
        _check_uri(image, ["promptImage"], issues)
    _check_text(body, "promptText" in model["required"], issues)
    ratio = body.get("ratio")
    if ratio is not None and ratio not in model["ratios"]:
        issues.append(
            issue(
                "invalid_enum_value",
                f"Invalid enum value. Expected {' | '.join(model['ratios'])}",
                ["ratio"],
            )
        )
    duration = body.get("duration", model["default"])
    if isinstance(duration, bool) or duration not in model["durations"]:
        issues.append(
            issue("invalid_type", f"duration must be one of {model['durations']}", ["duration"])
        )
    _check_seed(body, issues)
    moderation = body.get("contentModeration")
    if moderation is not None and (
        not isinstance(moderation, dict)
        or moderation.get("publicFigureThreshold", "auto") not in ("auto", "low")
    ):
        issues.append(
            issue("invalid_enum_value", "Invalid contentModeration", ["contentModeration"])
        )
    if issues:
        return issues, None, 0
    w, h = _ratio_size(ratio, scale)
    return (
        [],
        MediaSpec("video", w, h, "mp4", seconds=float(duration)),
        model["credits_s"] * duration,
    )


def validate_t2i(body: dict[str, Any], scale: str) -> tuple[Issues, MediaSpec | None, float]:
    issues: Issues = []
    model = T2I_MODELS.get(body.get("model"))  # type: ignore[arg-type]
    if model is None:
        issues.append(
            issue(
                "invalid_union_discriminator",
                f"Invalid model. Expected one of {sorted(T2I_MODELS)}",
                ["model"],
            )
        )
        return issues, None, 0
    _check_text(body, True, issues)
    ratio = body.get("ratio")
    if ratio not in T2I_RATIOS:
        issues.append(issue("invalid_enum_value", "Invalid ratio", ["ratio"]))
    refs = body.get("referenceImages", [])
    low, high = model["refs"]
    if not isinstance(refs, list) or not low <= len(refs) <= high:
        issues.append(
            issue(
                "too_small" if isinstance(refs, list) and len(refs) < low else "too_big",
                f"referenceImages must hold {low}-{high} images",
                ["referenceImages"],
            )
        )
    else:
        for i, ref in enumerate(refs):
            if not isinstance(ref, dict):
                issues.append(issue("invalid_type", "Expected object", ["referenceImages", i]))
                continue
            _check_uri(ref.get("uri"), ["referenceImages", i, "uri"], issues)
            tag = ref.get("tag")
            if tag is not None and (not isinstance(tag, str) or not TAG.match(tag)):
                issues.append(issue("invalid_string", "Invalid tag", ["referenceImages", i, "tag"]))
    _check_seed(body, issues)
    if issues:
        return issues, None, 0
    rw, rh = (int(x) for x in ratio.split(":"))
    credits = model["credits"][1 if rw * rh >= 1920 * 1080 * 0.9 else 0]
    w, h = served_size(rw, rh, scale)
    return [], MediaSpec("image", w, h, "png"), credits
