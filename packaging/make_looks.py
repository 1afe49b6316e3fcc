"""Write the bundled looks as 17-point `.cube` 3D LUTs into resources/looks/.

    python packaging/make_looks.py

Each look is a small, documented colour function of (r, g, b) in 0..1, sampled on a 17³ grid
(the size most grading tools export; lut3d interpolates between the points). The files are
text (< 100 KB each) and committed, so a build needs no generation step; run this again only
after changing a look here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

SIZE = 17
ROOT = Path(__file__).resolve().parents[1] / "resources" / "looks"
Rgb = np.ndarray  # (..., 3) floats in 0..1


def _luma(rgb: Rgb) -> np.ndarray:
    return rgb @ np.array([0.2126, 0.7152, 0.0722])


def _saturate(rgb: Rgb, amount: float) -> Rgb:
    y = _luma(rgb)[..., None]
    return y + (rgb - y) * amount


def neutral(rgb: Rgb) -> Rgb:
    return rgb


def warm(rgb: Rgb) -> Rgb:
    """Golden hour: reds and a little green up, blues down."""
    return rgb * np.array([1.08, 1.02, 0.86]) + np.array([0.02, 0.01, 0.0])


def cool(rgb: Rgb) -> Rgb:
    """Overcast morning: blues up, reds down."""
    return rgb * np.array([0.88, 0.98, 1.08]) + np.array([0.0, 0.01, 0.03])


def teal_orange(rgb: Rgb) -> Rgb:
    """The blockbuster split: shadows toward teal, highlights (skin) toward orange."""
    y = _luma(rgb)[..., None]
    shadows = np.clip(1 - 2 * y, 0, 1)
    highlights = np.clip(2 * y - 1, 0, 1)
    out = rgb + shadows * np.array([-0.06, 0.03, 0.06]) + highlights * np.array([0.07, 0.02, -0.07])
    return _saturate(out, 1.15)


def bleach_bypass(rgb: Rgb) -> Rgb:
    """Silver retained: half the colour gone, harder contrast."""
    out = _saturate(rgb, 0.5)
    return out + 0.6 * (out - 0.5) * out * (1 - out) * 2


def noir(rgb: Rgb) -> Rgb:
    """Black and white with a firm contrast curve."""
    y = _luma(rgb)
    y = y + 0.8 * (y - 0.5) * y * (1 - y) * 2
    return np.repeat(y[..., None], 3, axis=-1)


LOOKS: dict[str, Callable[[Rgb], Rgb]] = {
    "neutral": neutral,
    "warm": warm,
    "cool": cool,
    "teal_orange": teal_orange,
    "bleach_bypass": bleach_bypass,
    "noir": noir,
}


def _short(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def cube_text(name: str, look: Callable[[Rgb], Rgb], size: int = SIZE) -> str:
    steps = np.linspace(0.0, 1.0, size)
    # .cube order: red changes fastest, then green, then blue
    b, g, r = np.meshgrid(steps, steps, steps, indexing="ij")
    grid = np.stack([r, g, b], axis=-1).reshape(-1, 3)
    out = np.clip(look(grid), 0.0, 1.0)
    lines = [f'TITLE "GenStudio {name}"', f"LUT_3D_SIZE {size}", "DOMAIN_MIN 0 0 0",
             "DOMAIN_MAX 1 1 1"]  # fmt: skip
    # 3 decimals: a 20th of an 8-bit level, and every file stays under 100 KB
    lines += [" ".join(_short(v) for v in row) for row in out]
    return "\n".join(lines) + "\n"


def main() -> None:
    ROOT.mkdir(parents=True, exist_ok=True)
    for name, look in LOOKS.items():
        path = ROOT / f"{name}.cube"
        path.write_text(cube_text(name, look), encoding="ascii")
        print(f"{path} ({path.stat().st_size // 1024} KB)", file=sys.stderr)


if __name__ == "__main__":
    main()
