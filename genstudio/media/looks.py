"""Looks: one colour grade over the whole film, as a 3D LUT (`.cube`) applied by FFmpeg's
lut3d. Presets ship as `.cube` files in resources/looks/ (made by packaging/make_looks.py);
a user's own `.cube` file works the same way.

`apply_cube` applies a LUT to RGB values in numpy exactly as lut3d's trilinear mode does, so
a preview (or a test) can say what a look does to a colour without running FFmpeg.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genstudio.errors import InputFileError
from genstudio.resources import resources_root

# In the order a menu shows them; "neutral" is the identity (no colour stage at all).
LOOKS = ("neutral", "warm", "cool", "teal_orange", "bleach_bypass", "noir")
NEUTRAL = "neutral"
MAX_CUBE_SIZE = 65  # points per axis; larger files are not LUTs a grading tool exports


def look_names() -> list[str]:
    return list(LOOKS)


def looks_dir() -> Path:
    return resources_root() / "looks"


def resolve_look(look: str | Path | None) -> Path | None:
    """The .cube file for a preset name or a path; None for no look (None or "neutral").

    Raises InputFileError for an unknown name or a file that is not a readable 3D LUT."""
    if look is None or str(look) == NEUTRAL or str(look) == "":
        return None
    text = str(look)
    if text in LOOKS:
        path = looks_dir() / f"{text}.cube"
    elif text.lower().endswith(".cube") or "/" in text or "\\" in text:
        path = Path(text)
    else:
        raise InputFileError(
            Path(text), f"unknown look {text!r}: use one of {', '.join(LOOKS)} or a .cube file"
        )
    read_cube(path)  # fail now, naming the file, rather than deep inside an FFmpeg run
    return path


@dataclass(frozen=True)
class Cube:
    size: int
    table: np.ndarray  # (size, size, size, 3) indexed [b, g, r]; values in the file's range
    domain_min: np.ndarray
    domain_max: np.ndarray


_NUMBER_ROW = re.compile(r"^\s*[-+0-9.eE]+\s+[-+0-9.eE]+\s+[-+0-9.eE]+\s*$")


def read_cube(path: Path | str) -> Cube:
    """Parse an Adobe/Resolve `.cube` 3D LUT. Raises InputFileError naming what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "the look (.cube file) does not exist")
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputFileError(path, f"cannot read the look ({exc.strerror})") from exc
    size = 0
    low, high = np.zeros(3), np.ones(3)
    rows: list[list[float]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key = line.split()[0].upper()
        if key == "LUT_3D_SIZE":
            size = int(line.split()[1])
        elif key == "LUT_1D_SIZE":
            raise InputFileError(path, "a 1D LUT: a look must be a 3D LUT (LUT_3D_SIZE)")
        elif key == "DOMAIN_MIN":
            low = np.array([float(v) for v in line.split()[1:4]])
        elif key == "DOMAIN_MAX":
            high = np.array([float(v) for v in line.split()[1:4]])
        elif _NUMBER_ROW.match(line):
            rows.append([float(v) for v in line.split()])
    if not 2 <= size <= MAX_CUBE_SIZE:
        raise InputFileError(path, "not a 3D LUT: no LUT_3D_SIZE between 2 and 65")
    if len(rows) != size**3:
        raise InputFileError(
            path, f"a {size}-point LUT needs {size**3} colour rows, the file has {len(rows)}"
        )
    table = np.asarray(rows, dtype=np.float64).reshape(size, size, size, 3)
    return Cube(size, table, low, high)


def apply_cube(cube: Cube, rgb: np.ndarray) -> np.ndarray:
    """Map RGB values in 0..1 (any shape ending in 3) through the LUT, trilinearly."""
    rgb = np.asarray(rgb, dtype=np.float64)
    scaled = (rgb - cube.domain_min) / (cube.domain_max - cube.domain_min) * (cube.size - 1)
    scaled = np.clip(scaled, 0, cube.size - 1)
    lo = np.minimum(np.floor(scaled).astype(int), cube.size - 2)
    frac = scaled - lo
    out = np.zeros_like(rgb)
    for dr in (0, 1):
        for dg in (0, 1):
            for db in (0, 1):
                weight = (
                    (frac[..., 0] if dr else 1 - frac[..., 0])
                    * (frac[..., 1] if dg else 1 - frac[..., 1])
                    * (frac[..., 2] if db else 1 - frac[..., 2])
                )
                corner = cube.table[lo[..., 2] + db, lo[..., 1] + dg, lo[..., 0] + dr]
                out += weight[..., None] * corner
    return out
