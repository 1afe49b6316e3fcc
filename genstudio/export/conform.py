"""Offline conform: a folder of downloaded clips becomes the film, with no network and no keys.

With a project, each clip is matched to a scene (see `conform_match`: sidecar JSON, task id
in the file name, first-frame similarity to the scene's reference image, duration), the report
says what matched, with its evidence and a confidence, and what did not; then the matched clips
are assembled in scene order exactly as the pipeline would (continuations cut, other scenes
crossfade, the project's voiced dialogue and music placed) with the existing assembler.

Without a project, the clips in natural name order (clip2 before clip10) become the film, with
crossfades or cuts between them. Either way the `.otio` timeline of the film is written beside
it. Only clips that pass `validate_clip` (complete, decodable) are used; the others are listed
with the reason.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from genstudio.concurrency import run_blocking
from genstudio.errors import GenStudioError, InputFileError, MediaError
from genstudio.export.conform_match import (
    ClipMatch,
    FoundClip,
    SceneTarget,
    frame_signature,
    match_clips,
    natural_key,
    read_sidecar,
    squash,
)
from genstudio.export.otio_export import ShotInfo, export_timeline
from genstudio.media.assemble import AssemblyResult, assemble
from genstudio.media.frames import first_frame
from genstudio.media.images import load_image
from genstudio.media.probe import validate_clip
from genstudio.models import Job, Project, Scene, Take
from genstudio.store import Store
from genstudio.timeline import CUT, Timeline, TimelineClip, Transition
from genstudio.workspace import Workspace

VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".ts", ".mts"})
DEFAULT_CROSSFADE = 0.5  # seconds, as between the pipeline's scenes

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Rejected:
    path: Path
    reason: str


@dataclass
class ConformResult:
    """What a conform found and made. Without a project, `matches` lists the clips in the
    order they were used (evidence: their name order)."""

    matches: list[ClipMatch] = field(default_factory=list)
    clips_without_scene: list[Path] = field(default_factory=list)
    scenes_without_clip: list[int] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    film: AssemblyResult | None = None
    timeline_file: Path | None = None  # the .otio beside the film


# ---- the folder ------------------------------------------------------------------------------


def _inspect(path: Path, aspect: float | None, sidecar: dict[str, str]) -> FoundClip | Rejected:
    try:
        info = validate_clip(path)
    except MediaError as exc:
        return Rejected(path, exc.problem)
    size = info.display_size or (info.width or 0, info.height or 0)
    try:
        signature = frame_signature(first_frame(path), aspect)
    except MediaError:
        signature = None  # OpenCV cannot decode what FFmpeg can: match it by other evidence
    return FoundClip(
        path=path,
        seconds=info.decoded_duration or info.duration or 0.0,
        width=size[0],
        height=size[1],
        fps=info.fps or 24.0,
        has_audio=info.has_audio,
        signature=signature,
        sidecar=sidecar,
    )


def scan_folder(
    folder: Path | str, *, aspect: float | None = None, exclude: Path | None = None
) -> tuple[list[FoundClip], list[Rejected], list[str]]:
    """Validate every video file of `folder` (natural name order). Returns the good clips,
    the rejected ones with the reason, and warnings (unreadable sidecars). Blocking."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError(folder, "is not a folder of clips")
    skip = exclude.resolve() if exclude is not None else None
    videos = [
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in VIDEO_EXTENSIONS
        and not p.name.startswith(".")  # hidden files, our own partial renders
        and p.resolve() != skip
    ]
    # a film an earlier conform wrote into this folder is not one of its clips
    made = [p for p in videos if p.with_suffix(".otio").is_file()]
    paths = sorted((p for p in videos if p not in made), key=lambda p: natural_key(p.name))
    sidecars = {p: read_sidecar(p) for p in paths}
    # each validation is an ffmpeg process decoding the whole clip: run a few at once
    with ThreadPoolExecutor(max_workers=max(2, min(8, os.cpu_count() or 2))) as pool:
        results = list(pool.map(lambda p: _inspect(p, aspect, sidecars[p][0]), paths))
    found = [r for r in results if isinstance(r, FoundClip)]
    rejected = [r for r in results if isinstance(r, Rejected)]
    warnings = [
        f"{p.name}: left out, a film made by conform (its .otio is beside it)" for p in made
    ]
    warnings += [warning for _, warning in sidecars.values() if warning]
    return found, rejected, warnings


# ---- the project's scenes --------------------------------------------------------------------


def scene_targets(
    project: Project,
    project_dir: Path,
    scenes: list[Scene],
    takes: dict[str, list[Take]],
    jobs: list[Job],
) -> list[SceneTarget]:
    """What each scene can be recognised by: its takes' ids and task ids, its video jobs' task
    ids, and the signature of its reference image. Blocking (reads images)."""
    width, height = project.size
    targets = []
    for scene in scenes:
        ids: dict[str, str] = {}
        scene_takes = takes.get(scene.id, [])
        for take in scene_takes:
            ids[squash(take.id)] = "take id"
            ids[squash(take.id[:8])] = "take id"  # clip files are named with its first 8
            if take.clip_provenance and take.clip_provenance.remote_task_id:
                ids[squash(take.clip_provenance.remote_task_id)] = "task id"
        for job in jobs:
            if job.scene_id == scene.id and job.kind == "video" and job.remote_task_id:
                ids[squash(job.remote_task_id)] = "task id"
        selected = [t for t in scene_takes if t.id == scene.selected_take_id]
        with_image = [t for t in selected + scene_takes[::-1] if t.reference_image]
        reference = project_dir / with_image[0].reference_image if with_image else None
        signature = None
        if reference is not None:
            try:
                signature = frame_signature(load_image(reference), width / height)
            except MediaError:
                reference = None
        targets.append(
            SceneTarget(
                scene.id,
                scene.number,
                scene.duration,
                {i: k for i, k in ids.items() if i},
                reference,
                signature,
            )
        )
    return targets


async def _project_timeline(
    store: Store, workspace: Workspace, project_id: str, matches: list[ClipMatch]
) -> tuple[Timeline, dict[str, ShotInfo], list[str]]:
    """The film the pipeline would make with the matched clips as the scenes' clips."""
    from genstudio.export.project_timeline import existing_music
    from genstudio.pipeline.finish import Cut, build_timeline
    from genstudio.pipeline.runner import Pipeline
    from genstudio.providers.registry import build_providers

    ctx = await Pipeline(store, workspace, project_id, providers=build_providers()).context()
    by_id = {s.id: s for s in await ctx.scenes()}
    cuts, shots, warnings = [], {}, []
    for match in matches:
        scene = by_id[match.scene_id]
        base = await store.run(store.selected_take, scene) or Take(scene_id=scene.id)
        audio = [cue for cue in base.audio if (ctx.project_dir / cue.path).is_file()]
        if len(audio) < len(base.audio):
            warnings.append(
                f"scene {scene.number}: {len(base.audio) - len(audio)} voiced line(s) missing"
            )
        # an absolute clip path: `project_dir / path` then is that path
        take = base.model_copy(
            update={
                "clip": str(match.clip.path.absolute()),
                "clip_duration": match.clip.seconds,
                "trim_in": 0.0,
                "trim_out": None,
                "audio": audio,
            }
        )
        cuts.append(Cut(scene, take))
        heading = scene.heading.slug_line()
        shots[scene.id] = ShotInfo(
            scene.id,
            scene.number,
            take.id,
            name=f"Scene {scene.label or scene.number}" + (f": {heading}" if heading else ""),
            prompt=scene.visual_prompt,
            remote_task_id=match.clip.sidecar.get("task", ""),
        )
    timeline = build_timeline(ctx, cuts, None)
    music = existing_music(ctx, timeline.total_duration)
    if music is not None:
        timeline = build_timeline(ctx, cuts, music)
    sound = {m.scene_id: m.clip.has_audio for m in matches}  # a downloaded clip's own sound
    clips = [c.model_copy(update={"has_audio": sound[c.scene_id]}) for c in timeline.clips]
    return timeline.model_copy(update={"clips": clips}), shots, warnings


# ---- assembling ------------------------------------------------------------------------------


def _assemble_with_timeline(
    timeline: Timeline,
    out: Path,
    shots: dict[str, ShotInfo] | None,
    name: str,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> tuple[AssemblyResult, Path]:
    film = assemble(timeline, out, progress=progress, cancel=cancel)
    written = export_timeline(
        timeline, out.parent, stem=out.stem, name=name, shots=shots, formats=["otio"]
    )
    return film, written.files["otio"]


async def conform_project(
    store: Store,
    workspace: Workspace,
    project_id: str,
    folder: Path | str,
    out: Path | str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ConformResult:
    """Match the folder's clips to the project's scenes, report, and (unless `dry_run`)
    assemble the matched scenes into `out` with the `.otio` beside it."""
    out = Path(out)
    project = await store.run(store.get_project, project_id)
    scenes = await store.run(store.list_scenes, project_id)
    takes = {s.id: await store.run(store.list_takes, s.id) for s in scenes}
    jobs = await store.run(store.list_jobs, project_id)
    project_dir = workspace.project_dir(project.folder)
    targets = await run_blocking(scene_targets, project, project_dir, scenes, takes, jobs)
    width, height = project.size
    found, rejected, warnings = await run_blocking(
        scan_folder, folder, aspect=width / height, exclude=out
    )
    report = match_clips(targets, found)
    result = ConformResult(
        report.matches,
        report.clips_without_scene,
        report.scenes_without_clip,
        rejected,
        warnings + report.warnings,
    )
    if dry_run:
        return result
    if not report.matches:
        raise GenStudioError(f"{folder}: no clip matches a scene of {project.title!r}")
    timeline, shots, more = await _project_timeline(store, workspace, project_id, report.matches)
    result.warnings += more
    result.film, result.timeline_file = await run_blocking(
        _assemble_with_timeline, timeline, out, shots, project.title, progress, cancel
    )
    return result


def folder_timeline(
    clips: list[FoundClip],
    *,
    transition: Literal["crossfade", "cut"] = "crossfade",
    crossfade: float = DEFAULT_CROSSFADE,
) -> Timeline:
    """Clips in the given order, at the first clip's size and rate (the assembler fits the
    others to it); a crossfade is shortened where a clip is too short for it."""
    if not clips:
        raise GenStudioError("there is no clip to assemble")
    first = clips[0]
    width, height = max(2, first.width - first.width % 2), max(2, first.height - first.height % 2)
    items = []
    for index, clip in enumerate(clips):
        fade = CUT
        if index > 0 and transition == "crossfade" and crossfade > 0:
            fits = min(crossfade, clips[index - 1].seconds / 2, clip.seconds / 2)
            fade = Transition(kind="crossfade", duration=round(fits, 3)) if fits >= 0.04 else CUT
        items.append(
            TimelineClip(
                scene_id=f"clip-{index + 1}",
                scene_number=index + 1,
                take_id=clip.path.name,
                path=clip.path.absolute(),
                duration=clip.seconds,
                transition_in=fade,
                has_audio=clip.has_audio,
            )
        )
    return Timeline(width=width, height=height, fps=min(120.0, first.fps), clips=items)


def conform_folder(
    folder: Path | str,
    out: Path | str,
    *,
    transition: Literal["crossfade", "cut"] = "crossfade",
    crossfade: float = DEFAULT_CROSSFADE,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ConformResult:
    """No project: the folder's valid clips in name order become `out`, with its `.otio`
    beside it. Blocking: call through `run_blocking` from async code."""
    out = Path(out)
    found, rejected, warnings = scan_folder(folder, exclude=out)
    order = [
        ClipMatch(f"clip-{i + 1}", i + 1, clip, 1.0, ["name order"]) for i, clip in enumerate(found)
    ]
    result = ConformResult(order, rejected=rejected, warnings=warnings)
    if dry_run:
        return result
    if not found:
        raise GenStudioError(f"{folder}: no playable clip to assemble")
    timeline = folder_timeline(found, transition=transition, crossfade=crossfade)
    shots = {
        c.scene_id: ShotInfo(c.scene_id, c.scene_number, c.take_id, name=c.path.name)
        for c in timeline.clips
    }
    result.film, result.timeline_file = _assemble_with_timeline(
        timeline, out, shots, Path(folder).name or "film", progress, cancel
    )
    return result
