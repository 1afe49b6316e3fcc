"""A project's film as the assembler would render it now, and its editor handoff files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from genstudio.concurrency import run_blocking
from genstudio.errors import GenStudioError
from genstudio.export.otio_export import ALL_FORMATS, HandoffFiles, ShotInfo, export_timeline
from genstudio.models import Project
from genstudio.pipeline import finish
from genstudio.pipeline.context import RunContext
from genstudio.store import Store
from genstudio.timeline import Timeline
from genstudio.workspace import Workspace, slugify


@dataclass(frozen=True)
class ProjectCut:
    project: Project
    project_dir: Path
    timeline: Timeline
    shots: dict[str, ShotInfo]  # by scene id


def existing_music(ctx: RunContext, film_seconds: float) -> str | None:
    """The music bed the pipeline made for a film of this length, if it made one.

    Mirrors `pipeline.audio.generate_music`'s file name: an export must not generate music,
    only hand on what the film was assembled with."""
    relative = f"audio/music-{film_seconds:.2f}s.wav"
    return relative if (ctx.project_dir / relative).is_file() else None


async def project_cut(store: Store, workspace: Workspace, project_id: str) -> ProjectCut:
    """The Timeline `genstudio assemble` would render from the selected takes right now."""
    from genstudio.pipeline.runner import Pipeline
    from genstudio.providers.registry import build_providers

    # builtin providers only: nothing is generated here, and no key is ever needed
    ctx = await Pipeline(store, workspace, project_id, providers=build_providers()).context()
    cuts = await finish.usable_cuts(ctx)
    if not cuts:
        raise GenStudioError(f"{ctx.project.title}: no scene has a finished clip to export")
    timeline = finish.build_timeline(ctx, cuts, None)
    music = existing_music(ctx, timeline.total_duration)
    if music is not None:
        timeline = finish.build_timeline(ctx, cuts, music)
    shots = {cut.scene.id: ShotInfo.of(cut.scene, cut.take) for cut in cuts}
    return ProjectCut(ctx.project, ctx.project_dir, timeline, shots)


async def export_project(
    store: Store,
    workspace: Workspace,
    project_id: str,
    *,
    out_dir: Path | str | None = None,
    formats: Iterable[str] = ALL_FORMATS,
) -> HandoffFiles:
    """Write the project's cut as `.otio` / FCP XML / EDL (+ `.srt`) into `out_dir`
    (default: the project's `exports/` folder), named after the project."""
    cut = await project_cut(store, workspace, project_id)
    target = Path(out_dir) if out_dir is not None else cut.project_dir / "exports"
    return await run_blocking(
        export_timeline,
        cut.timeline,
        target,
        stem=slugify(cut.project.title),
        name=cut.project.title,
        shots=cut.shots,
        formats=list(formats),
        metadata={"project_id": cut.project.id, "title": cut.project.title},
    )
