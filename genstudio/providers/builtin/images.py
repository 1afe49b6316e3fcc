"""Procedural storyboard stills: a readable frame drawn from the words of a prompt.

The picture is built from cues in the prompt (time of day, interior or exterior, weather,
water, city, trees, how many people) and coloured from the visual bible's palette. The same
prompt, seed, size and palette always give the same pixels: every random choice comes from a
numpy generator seeded with a SHA-256 of the inputs (Python's `hash()` is salted per process).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import cv2
import numpy as np

from genstudio.concurrency import run_blocking
from genstudio.errors import ProviderError
from genstudio.fsutil import atomic_path
from genstudio.models import Provenance, utcnow
from genstudio.providers.base import ImageRequest, MediaResult
from genstudio.providers.builtin.still_cues import SceneCues, read_cues
from genstudio.providers.builtin.still_painter import Painter

MODEL = "still-v1"
DEFAULT_PALETTE = ("#2b3a55", "#ce7b5b", "#e8c07d", "#5d7b6f", "#f2e9e4")

# (sky top, sky at the horizon) in RGB 0..1, before the palette tints them
_SKIES = {
    "day": ((0.30, 0.52, 0.80), (0.78, 0.86, 0.93)),
    "dawn": ((0.36, 0.42, 0.66), (0.96, 0.76, 0.62)),
    "dusk": ((0.22, 0.18, 0.42), (0.95, 0.58, 0.34)),
    "night": ((0.02, 0.03, 0.09), (0.10, 0.14, 0.27)),
}
_BRIGHTNESS = {"day": 1.0, "dawn": 0.8, "dusk": 0.7, "night": 0.28}


def parse_palette(palette: tuple[str, ...] | list[str]) -> list[np.ndarray]:
    """ "#rrggbb" / "#rgb" colours as RGB floats; malformed entries are skipped, not fatal,
    because palettes come from a language model and one bad entry must not lose the frame."""
    colours: list[np.ndarray] = []
    for entry in palette:
        text = entry.strip().lstrip("#")
        if len(text) == 3:
            text = "".join(c * 2 for c in text)
        try:
            if len(text) != 6:
                raise ValueError(entry)
            value = int(text, 16)
        except ValueError:
            continue
        colours.append(np.array([(value >> 16) & 255, (value >> 8) & 255, value & 255]) / 255.0)
    if not colours:
        return parse_palette(DEFAULT_PALETTE)
    while len(colours) < 4:  # cycle so every role below has a colour
        colours.append(colours[len(colours) % max(1, len(colours))] * 0.8)
    return colours


def _seed_for(prompt: str, seed: int, palette: tuple[str, ...], style: str) -> int:
    # size is left out on purpose: portrait and landscape of one prompt share a layout
    text = f"{seed}\x1f{prompt}\x1f{'|'.join(palette)}\x1f{style}"
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _mix(
    a: np.ndarray | tuple[float, ...], b: np.ndarray | tuple[float, ...], t: float
) -> np.ndarray:
    return np.asarray(a, dtype=np.float64) * (1 - t) + np.asarray(b, dtype=np.float64) * t


def scene_colours(cues: SceneCues, palette: list[np.ndarray], rng: np.random.Generator) -> dict:
    """The frame's colour script: the time of day sets the light, the palette tints it."""
    tod = cues.time_of_day
    bright = _BRIGHTNESS[tod]
    jitter = rng.uniform(-0.05, 0.05, size=3)
    key, ground, accent, extra = (np.clip(c + jitter, 0, 1) for c in palette[:4])
    top, horizon = _SKIES[tod]
    overcast = cues.rain or cues.fog or cues.snow
    sky_top = _mix(top, key * bright, 0.35)
    sky_bottom = _mix(horizon, accent * bright, 0.25)
    if overcast:  # grey the sky: storms and fog flatten the light
        grey = (0.55 * bright + 0.05,) * 3
        sky_top, sky_bottom = _mix(sky_top, grey, 0.6), _mix(sky_bottom, grey, 0.5)
    ground_far = _mix((0.36, 0.42, 0.30), ground, 0.55) * (0.35 + 0.65 * bright)
    if cues.snow and not cues.interior:
        ground_far = _mix(ground_far, np.array((0.88, 0.9, 0.95)) * (0.4 + 0.6 * bright), 0.75)
    light = {"day": (1.0, 0.97, 0.88), "dawn": (1.0, 0.85, 0.70), "dusk": (1.0, 0.70, 0.40)}
    return {
        "sky_top": sky_top,
        "sky_bottom": sky_bottom,
        "ground_far": ground_far,
        "ground_near": ground_far * 0.62,
        "wall": _mix((0.72, 0.66, 0.58), key, 0.45) * (0.45 + 0.55 * bright),
        "floor": _mix((0.45, 0.32, 0.22), ground, 0.4) * (0.5 + 0.5 * bright),
        "accent": accent,
        "extra": extra,
        "figure": _mix((0.05, 0.05, 0.07), key * 0.25, 0.5),
        "rim": _mix(light.get(tod, (0.75, 0.82, 1.0)), accent, 0.3),
        "light": np.asarray(light.get(tod, (0.92, 0.94, 1.0))),
        "water": _mix(sky_bottom * 0.7, (0.05, 0.20, 0.32), 0.5),
        "night": tod == "night",
    }


@functools.lru_cache(maxsize=8)
def _vignette(width: int, height: int) -> np.ndarray:
    y = np.linspace(-1.0, 1.0, height, dtype=np.float32)[:, None]
    x = np.linspace(-1.0, 1.0, width, dtype=np.float32)[None, :]
    r2 = x * x + y * y
    return np.clip(1.0 - 0.28 * r2 * r2 - 0.12 * r2, 0.45, 1.0).astype(np.float32)


def _apply_style(rgb: np.ndarray, style: str) -> np.ndarray:
    words = style.lower()
    if any(w in words for w in ("noir", "black and white", "monochrome", "b&w", "grayscale")):
        grey = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        return np.repeat(((grey - 128) * 1.15 + 128)[..., None], 3, axis=2)
    if "sepia" in words:
        grey = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        return grey[..., None] * np.array([1.07, 0.95, 0.76], dtype=np.float32)
    if "warm" in words:
        return rgb * np.array([1.06, 1.0, 0.9], dtype=np.float32)
    if any(w in words for w in ("cool", "cold", "teal")):
        return rgb * np.array([0.9, 1.0, 1.07], dtype=np.float32)
    return rgb


def render_still(
    prompt: str,
    width: int,
    height: int,
    seed: int = 0,
    palette: tuple[str, ...] | list[str] = (),
    style: str = "",
) -> np.ndarray:
    """Draw the frame for `prompt`; returns a BGR uint8 array (OpenCV's layout)."""
    if width < 16 or height < 16:
        raise ProviderError(f"still size {width}x{height} is too small (minimum 16x16)")
    palette = tuple(palette)
    rng = np.random.default_rng(_seed_for(prompt, seed, palette, style))
    cues = read_cues(prompt)
    colours = scene_colours(cues, parse_palette(palette), rng)
    painter = Painter(width, height, rng, colours)
    if cues.interior:
        painter.room(cues)
    else:
        painter.landscape(cues)
    painter.figures(cues.figures)
    painter.weather(cues)
    rgb = painter.finish()
    rgb *= _vignette(width, height)[..., None]
    # luma grain, the same in every channel, like film rather than sensor colour noise
    rgb += rng.standard_normal((height, width), dtype=np.float32)[..., None] * 4.0
    rgb = _apply_style(rgb, style)
    return np.ascontiguousarray(np.clip(rgb, 0, 255).astype(np.uint8)[..., ::-1])


def write_still(request: ImageRequest) -> Path:
    """Render and write the request's PNG atomically; returns the final path."""
    image = render_still(
        request.prompt, request.width, request.height, request.seed, request.palette, request.style
    )
    with atomic_path(request.out_path) as tmp:
        if not cv2.imwrite(str(tmp), image):
            raise ProviderError(f"{request.out_path}: could not write the PNG")
    return request.out_path


class BuiltinImageGen:
    """ImageGen role, offline."""

    name = "builtin"

    async def generate_image(self, request: ImageRequest) -> MediaResult:
        started = utcnow()
        path = await run_blocking(write_still, request)
        provenance = Provenance(
            provider=self.name,
            model=MODEL,
            seed=request.seed,
            prompt=request.prompt,
            started_at=started,
            finished_at=utcnow(),
        )
        return MediaResult(path=path, provenance=provenance)
