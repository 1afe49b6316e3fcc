"""One way to find bundled resources, in a checkout, an installed wheel or a frozen app."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:  # PyInstaller one-folder build: packaging/genstudio.spec copies resources/ here
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(name: str) -> Path:
    path = resources_root() / name
    if not path.exists():
        raise FileNotFoundError(f"bundled resource missing: {path}")
    return path
