"""Export the film with the Assemble dialog's options (no Qt: the controller calls it).

The pipeline's own assembly step renders `final/film.mp4` with the automatic choices (a cut
into a continuation, a crossfade elsewhere, the generated music). An export renders the
selected takes again to a path the user chose, with their transition kind (cut, crossfade,
dip to black, wipes, slides), look (a preset or a .cube file), music, loudness target and
subtitles (none, a sidecar .srt, or burned into the picture): the options of
`genstudio.media.assemble.assemble`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from genstudio.concurrency import run_blocking
from genstudio.errors import GenStudioError, InputFileError
from genstudio.media.assemble import AssemblyResult, assemble
from genstudio.media.looks import NEUTRAL, resolve_look
from genstudio.pipeline import finish
from genstudio.pipeline.runner import Pipeline
from genstudio.store import Store
from genstudio.timeline import CUT, TRANSITION_KINDS, MusicBed, Timeline, Transition
from genstudio.workspace import Workspace

# auto: cut into continuations, crossfade elsewhere (the pipeline's own choice)
TRANSITIONS: tuple[str, ...] = ("auto", *TRANSITION_KINDS)
SUBTITLES = ("none", "sidecar", "burned")
DEFAULT_LOUDNESS = -14.0  # LUFS: what the big streaming platforms normalise to


@dataclass(frozen=True)
class ExportOptions:
    output: str
    transition: str = "auto"
    transition_duration: float = 0.5
    music: str | None = "project"  # "project" (the generated bed), None (silence), or a file
    loudness: float | None = DEFAULT_LOUDNESS
    subtitles: str = "sidecar"  # "none" | "sidecar" (.srt beside the film) | "burned"
    look: str | None = None  # a preset name (genstudio.media.looks.LOOKS) or a .cube path

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExportOptions:
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:  # a typo must not silently drop an option the user chose
            raise GenStudioError(f"unknown export options: {', '.join(unknown)}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check(options: ExportOptions) -> None:
    """Refuse, naming the option, what the assembler would reject only after a long render."""
    if options.transition not in TRANSITIONS:
        raise GenStudioError(f"unknown transition {options.transition!r}")
    if options.subtitles not in SUBTITLES:
        raise GenStudioError(f"unknown subtitles choice {options.subtitles!r}")
    output = Path(options.output)
    if output.suffix.lower() != ".mp4":
        raise InputFileError(output, "the film is written as MP4: use a .mp4 file name")
    resolve_look(options.look)  # an unknown preset or a missing/bad .cube raises here


def _transitions(timeline: Timeline, kind: str, seconds: float) -> Timeline:
    if kind == "auto":
        return timeline
    clips = []
    for index, clip in enumerate(timeline.clips):
        fade = CUT
        if kind != "cut" and index > 0:
            # never longer than half of either neighbour (the Timeline rejects that)
            fit = min(seconds, clip.duration / 2, timeline.clips[index - 1].duration / 2)
            fade = Transition(kind=kind, duration=round(fit, 3)) if fit > 0 else CUT
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
    await run_blocking(check, options)  # reads the .cube file
    output = Path(options.output)
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
    look = None if options.look in (None, "", NEUTRAL) else options.look
    try:
        return await run_blocking(
            assemble,
            timeline,
            output,
            progress=progress,
            cancel=cancel,
            loudness=options.loudness,
            look=look,
            subtitles=options.subtitles,
        )
    except asyncio.CancelledError:
        cancel.set()  # FFmpeg is terminated; the previous file at `output` stays as it was
        raise
