"""Conform a folder of downloaded clips from the window (no Qt: the Conform dialog awaits it).

Two ways, as on the command line (`genstudio conform DIR --out FILE`): with the open project,
each clip is matched to a scene (`genstudio.export.conform.conform_project`); with no project,
the folder's clips in name order become the film (`conform_folder`). Either way a dry run only
reports, and an assembly writes the film with its `.otio` timeline beside it. No network and
no keys are used.

The paths are checked here, off the Qt thread (they touch the disk), and a bad one raises
`ConformInputError` with a `kind` the dialog turns into a translated message naming the path.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from genstudio.concurrency import run_blocking
from genstudio.errors import GenStudioError
from genstudio.export.conform import ConformResult, conform_folder, conform_project
from genstudio.store import Store
from genstudio.workspace import Workspace

FolderTransition = Literal["crossfade", "cut"]

FOLDER_MISSING = "folder-missing"
NOT_A_FOLDER = "not-a-folder"
NOT_MP4 = "not-mp4"
OUTPUT_IS_FOLDER = "output-is-folder"


class ConformInputError(GenStudioError):
    """The folder or the output file the user chose cannot be used; `kind` says why."""

    def __init__(self, kind: str, path: Path) -> None:
        self.kind = kind
        self.path = path
        super().__init__(f"{path}: {kind}")


@dataclass(frozen=True)
class ConformRequest:
    folder: Path
    output: Path
    project_id: str | None = None  # None: no project, the clips in name order
    transition: FolderTransition = "crossfade"  # between clips in name order only


def check_paths(request: ConformRequest) -> None:
    """Refuse, before any clip is decoded, a folder or an output the engine would fail on
    later (or, for an output that is a folder, after the whole render). Blocking."""
    if not request.folder.exists():
        raise ConformInputError(FOLDER_MISSING, request.folder)
    if not request.folder.is_dir():
        raise ConformInputError(NOT_A_FOLDER, request.folder)
    if request.output.suffix.lower() != ".mp4":
        raise ConformInputError(NOT_MP4, request.output)
    if request.output.is_dir():
        raise ConformInputError(OUTPUT_IS_FOLDER, request.output)


async def conform(
    store: Store,
    workspace: Workspace,
    request: ConformRequest,
    *,
    dry_run: bool,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> ConformResult:
    """Match (and unless `dry_run`, assemble) the folder's clips. Setting `cancel` stops
    FFmpeg: the engine raises `Cancelled` and the film already at `request.output` stays."""
    await run_blocking(check_paths, request)
    if not dry_run:
        await run_blocking(request.output.parent.mkdir, parents=True, exist_ok=True)
    try:
        if request.project_id is None:
            return await run_blocking(
                conform_folder,
                request.folder,
                request.output,
                transition=request.transition,
                dry_run=dry_run,
                progress=progress,
                cancel=cancel,
            )
        return await conform_project(
            store,
            workspace,
            request.project_id,
            request.folder,
            request.output,
            dry_run=dry_run,
            progress=progress,
            cancel=cancel,
        )
    except asyncio.CancelledError:
        # the task was cancelled (the window closing): FFmpeg must not go on rendering
        if cancel is not None:
            cancel.set()
        raise
