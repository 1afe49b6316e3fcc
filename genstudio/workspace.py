"""Workspace and project folders.

A workspace is one folder: the SQLite database, the shared location library, and one folder
per project (`images/ clips/ audio/ frames/ final/ exports/`). The default lives in the OS
user data dir (platformdirs); `GENSTUDIO_HOME` or an explicit path overrides it.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from genstudio.errors import GenStudioError

PROJECT_SUBDIRS = ("images", "clips", "audio", "frames", "final", "exports")
DB_NAME = "genstudio.db"


def default_workspace_root() -> Path:
    env = os.environ.get("GENSTUDIO_HOME", "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("GenStudio", "GenStudio")) / "workspace"


def slugify(text: str, max_len: int = 40) -> str:
    """ASCII, lower-case, dash-separated; safe as a file or folder name on every OS."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    return slug[:max_len].strip("-") or "untitled"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def open(cls, root: Path | str | None = None) -> Workspace:
        path = Path(root).expanduser() if root else default_workspace_root()
        try:
            path.mkdir(parents=True, exist_ok=True)
            (path / "library" / "locations").mkdir(parents=True, exist_ok=True)
            (path / "projects").mkdir(exist_ok=True)
        except OSError as exc:
            raise GenStudioError(f"{path}: cannot create the workspace folder ({exc})") from exc
        if not os.access(path, os.W_OK):
            raise GenStudioError(f"{path}: the workspace folder is not writable")
        return cls(path.resolve())

    @property
    def db_path(self) -> Path:
        return self.root / DB_NAME

    @property
    def library_dir(self) -> Path:
        return self.root / "library" / "locations"

    def project_dir(self, folder: str) -> Path:
        return self.root / "projects" / folder

    def collect_partial_files(self, folders: list[Path], older_than: float) -> int:
        """Delete leftovers of interrupted writes (`*.part` files, atomic-write temporaries,
        and work folders such as the assembler's `*.part.pieces`) that predate `older_than`
        (a time.time() value): a crash leaves them, nothing reads them. Returns how many
        files and folders went."""
        removed = 0
        for folder in folders:
            if not folder.is_dir():
                continue
            # listed first: removing a work folder while walking it would confuse rglob
            leftovers = [p for p in folder.rglob("*") if _is_partial(p.name)]
            for path in leftovers:
                try:
                    if path.stat().st_mtime >= older_than:
                        continue
                    if path.is_dir() and not path.is_symlink():
                        shutil.rmtree(path)
                    else:
                        path.unlink()
                    removed += 1
                except OSError:  # gone already (inside a removed folder), or busy: next run
                    continue
        return removed

    def create_project_dir(self, folder: str) -> Path:
        base = self.project_dir(folder)
        for sub in PROJECT_SUBDIRS:
            (base / sub).mkdir(parents=True, exist_ok=True)
        return base


def _is_partial(name: str) -> bool:
    return name.endswith(".part") or ".part." in name
