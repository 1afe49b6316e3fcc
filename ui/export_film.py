"""Export the film with the Assemble dialog's options (no Qt: the controller calls it).

The pipeline's own assembly step renders `final/film.mp4` with the automatic choices (a cut
into a continuation, a crossfade elsewhere, the generated music). An export renders the
selected takes again to a path the user chose, with their transitions, music and loudness.
Only what the engine's assembler can do is offered; `unsupported()` names the rest so the
dialog can disable it instead of silently ignoring it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from genstudio.concurrency import run_blocking
from genstudio.errors import GenStudioError, InputFileError
from genstudio.media.assemble import AssemblyResult, assemble
from genstudio.pipeline import finish
from genstudio.pipeline.runner import Pipeline
from genstudio.store import Store
from genstudio.timeline import CUT, MusicBed, Timeline, Transition
from genstudio.workspace import Workspace

TRANSITIONS = ("auto", "cut", "crossfade")  # auto: cut into continuations, crossfade elsewhere
SUBTITLES = ("none", "sidecar", "burned")
SUPPORTED_SUBTITLES = ("none", "sidecar")  # the assembler writes an .srt; it cannot burn in
DEFAULT_LOUDNESS = -14.0  # LUFS: what the big streaming platforms normalise to


@dataclass(frozen=True)
class ExportOptions:
    output: str
    transition: str = "auto"
    transition_duration: float = 0.5
    music: str | None = "project"  # "project" (the generated bed), None (silence), or a file
    loudness: float | None = DEFAULT_LOUDNESS
    subtitles: str = "sidecar"
    look: str | None = None  # a .cube LUT; the assembler has no colour stage yet

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExportOptions:
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:  # a typo must not silently drop an option the user chose
            raise GenStudioError(f"unknown export options: {', '.join(unknown)}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def unsupported(options: ExportOptions) -> list[str]:
    """Options the engine cannot honour today (the dialog disables these)."""
    problems = []
    if options.subtitles not in SUPPORTED_SUBTITLES:
        problems.append(f"subtitles '{options.subtitles}' (only a sidecar .srt can be written)")
    if options.look:
        problems.append("a look (the assembler has no colour grading stage yet)")
    return problems


def _transitions(timeline: Timeline, kind: str, seconds: float) -> Timeline:
    if kind == "auto":
        return timeline
    clips = []
    for index, clip in enumerate(timeline.clips):
        fade = CUT
        if kind == "crossfade" and index > 0:
            # never longer than half of either neighbour (the Timeline rejects that)
            fit = min(seconds, clip.duration / 2, timeline.clips[index - 1].duration / 2)
            fade = Transition(kind="crossfade", duration=round(fit, 3)) if fit > 0 else CUT
        clips.append(clip.model_copy(update={"transition_in": fade}))
    return timeline.model_copy(update={"clips": clips})


def _project_music(project_dir: Path) -> Path | None:
    """The newest generated bed: a bed is looped or cut to the film, so any length works."""
    beds = sorted((project_dir / "audio").glob("music-*.wav"), key=lambda p: p.stat().st_mtime)
    return beds[-1] if beds else None


async def export_film(
    store: Store,
    workspace: Workspace,
    project_id: str,
    options: ExportOptions,
    progress: Callable[[float], None] | None = None,
) -> AssemblyResult:
    problems = unsupported(options)
    if problems:
        raise GenStudioError("cannot export with " + "; ".join(problems))
    if options.transition not in TRANSITIONS:
        raise GenStudioError(f"unknown transition {options.transition!r}")
    output = Path(options.output)
    if output.suffix.lower() != ".mp4":
        raise InputFileError(output, "the film is written as MP4: use a .mp4 file name")
    ctx = await Pipeline(store, workspace, project_id).context()
    cuts = await finish.usable_cuts(ctx)
    if not cuts:
        raise GenStudioError(f"{ctx.project.title}: no scene has a finished clip to assemble")
    timeline = _transitions(
        finish.build_timeline(ctx, cuts, None), options.transition, options.transition_duration
    )
    if options.music == "project":
        music = await run_blocking(_project_music, ctx.project_dir)
    else:
        music = Path(options.music) if options.music else None
        if music is not None and not music.is_file():
            raise InputFileError(music, "the music file does not exist")
    if music is not None:
        timeline = timeline.model_copy(update={"music": MusicBed(path=music)})
    output.parent.mkdir(parents=True, exist_ok=True)
    cancel = threading.Event()
    try:
        result = await run_blocking(
            assemble, timeline, output, progress=progress, cancel=cancel, loudness=options.loudness
        )
    except asyncio.CancelledError:
        cancel.set()  # FFmpeg is terminated; the previous file at `output` stays as it was
        raise
    if options.subtitles == "none" and result.srt_path is not None:
        with contextlib.suppress(FileNotFoundError):
            result.srt_path.unlink()
        result = AssemblyResult(result.path, result.duration, None)
    return result
