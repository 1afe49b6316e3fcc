"""Re-import an editor's cut: a `.otio` (or FCP 7 `.xml`) exported by GenStudio and edited
elsewhere changes the order of the scenes and each take's in/out points.

Each clip of the first video track is matched back to its take by the `genstudio` metadata
the export put on it (FCP XML: the take id in its logging info), else by its file name (clip
files are named after their take). What the clip shows of its file, dissolve handles included,
becomes the take's `trim_in` / `trim_out` when it differs from what the export handed over by
at least a frame. Scenes the editor moved take the slots of the scenes the timeline holds, so a
scene that was not exported (no clip yet) keeps its place.

A continuation scene starts on the exact last frame of its predecessor's clip; a trim that
ends the predecessor early, or starts the continuation late, makes that cut jump. The import
keeps the editor's decision but warns, naming both scenes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import opentimelineio as otio

from genstudio.concurrency import run_blocking
from genstudio.errors import InputFileError
from genstudio.export.otio_export import shown_frames
from genstudio.export.otio_formats import NAMESPACE
from genstudio.export.project_timeline import project_cut
from genstudio.models import Scene, SceneStatus, Take
from genstudio.pipeline.finish import clip_span
from genstudio.store import Store
from genstudio.storyboard import _mark_film_stale, reorder
from genstudio.workspace import Workspace

ADAPTERS = {".otio": "otio_json", ".xml": "fcp_xml"}


@dataclass(frozen=True)
class EditedClip:
    """One clip of the editor's picture track; times in seconds, dissolve handles included."""

    name: str
    take_id: str  # "" when the clip carries no GenStudio metadata
    scene_id: str
    file_name: str
    source_in: float  # clip time shown first
    source_out: float  # clip time just after the last frame shown


@dataclass(frozen=True)
class EditedCut:
    clips: list[EditedClip]
    fps: float
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TrimChange:
    scene_number: int  # after the import
    take_id: str
    before: tuple[float, float]  # (in, out) in clip seconds
    after: tuple[float, float]


@dataclass
class TimelineImport:
    """What an import changed. `order` lists the old scene numbers in their new order."""

    order: list[int] = field(default_factory=list)
    reordered: bool = False
    trims: list[TrimChange] = field(default_factory=list)
    selected: list[tuple[int, str]] = field(default_factory=list)  # (scene number, take id)
    warnings: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # editor clips not from this project

    @property
    def changed(self) -> bool:
        return self.reordered or bool(self.trims) or bool(self.selected)


# ---- reading ---------------------------------------------------------------------------------


def _facts(clip: otio.schema.Clip) -> tuple[str, str]:
    """(take id, scene id) from the clip's GenStudio metadata or FCP logging info."""
    ours = clip.metadata.get(NAMESPACE) or {}
    if ours.get("take_id") or ours.get("scene_id"):
        return str(ours.get("take_id") or ""), str(ours.get("scene_id") or "")
    logged = (clip.metadata.get("fcp_xml") or {}).get("logginginfo") or {}
    return str(logged.get("shottake") or ""), ""


def _file_name(clip: otio.schema.Clip) -> str:
    ref = clip.media_reference
    if isinstance(ref, otio.schema.ExternalReference) and ref.target_url:
        return Path(otio.url_utils.filepath_from_url(ref.target_url)).name
    return ""


def read_edit(path: Path | str) -> EditedCut:
    """The clips of the first enabled video track of an `.otio` or FCP 7 `.xml` timeline."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "timeline file not found")
    adapter = ADAPTERS.get(path.suffix.lower())
    if adapter is None:
        raise InputFileError(
            path,
            "is not an .otio or FCP 7 .xml timeline (an EDL cannot say which take a clip is)",
        )
    try:
        timeline = otio.adapters.read_from_file(str(path), adapter_name=adapter)
    except Exception as exc:  # the adapters raise anything from ValueError to ParseError
        raise InputFileError(path, f"OpenTimelineIO cannot read it ({exc})") from exc
    if isinstance(timeline, otio.schema.SerializableCollection):
        found = list(timeline.find_children(descended_from_type=otio.schema.Timeline))
        timeline = found[0] if found else None
    if not isinstance(timeline, otio.schema.Timeline):
        raise InputFileError(path, "holds no timeline")
    tracks = [t for t in timeline.video_tracks() if t.enabled]
    if not tracks:
        raise InputFileError(path, "has no video track")
    warnings = []
    ignored = [t for t in tracks[1:] if t.find_clips()]
    if ignored:
        warnings.append(
            f"only the first video track is read; {len(ignored)} more video track(s) with "
            "clips were ignored"
        )
    clips: list[EditedClip] = []
    fps = 0.0
    for item in tracks[0]:
        if isinstance(item, otio.schema.Stack):
            start = item.range_in_parent().start_time.to_seconds()
            warnings.append(f"a nested sequence at {start:.2f} s was not read")
        if not isinstance(item, otio.schema.Clip) or not item.enabled:
            continue
        visible = item.visible_range()
        fps = fps or visible.start_time.rate
        take_id, scene_id = _facts(item)
        clips.append(
            EditedClip(
                name=item.name,
                take_id=take_id,
                scene_id=scene_id,
                file_name=_file_name(item),
                source_in=visible.start_time.to_seconds(),
                source_out=visible.end_time_exclusive().to_seconds(),
            )
        )
    if not clips:
        raise InputFileError(path, "its video track has no clips")
    return EditedCut(clips, fps or 24.0, warnings)


# ---- matching and planning -------------------------------------------------------------------


@dataclass
class _Project:
    scenes: list[Scene]  # in storyboard order
    takes: dict[str, Take]  # every take of every scene, by id
    exported: dict[str, tuple[int, int]]  # take id -> shown frames, as the export gave them
    fps: float


def _match(
    clip: EditedClip, project: _Project, by_file: dict[str, str]
) -> tuple[Scene, Take] | None:
    scenes = {s.id: s for s in project.scenes}
    take = project.takes.get(clip.take_id)
    if take is None and clip.take_id:  # FCP logging info may hold a prefix of the id
        take = next((t for i, t in project.takes.items() if i.startswith(clip.take_id)), None)
    if take is None and clip.scene_id in scenes:
        take = project.takes.get(scenes[clip.scene_id].selected_take_id or "")
    if take is None and clip.file_name in by_file:
        take = project.takes[by_file[clip.file_name]]
    if take is None or take.scene_id not in scenes:
        return None
    return scenes[take.scene_id], take


def _frames_of(scene: Scene, take: Take, project: _Project) -> tuple[int, int]:
    if take.id in project.exported:
        return project.exported[take.id]
    start, duration = clip_span(scene, take)
    return round(start * project.fps), round((start + duration) * project.fps)


def _new_order(scenes: list[Scene], edited: list[Scene]) -> list[Scene]:
    """The edited scenes, in the editor's order, in the slots edited scenes held; every other
    scene keeps its slot."""
    moved = iter(edited)
    ids = {s.id for s in edited}
    return [next(moved) if scene.id in ids else scene for scene in scenes]


def _seam_warnings(
    order: list[Scene], takes: dict[str, Take], moved: dict[str, tuple[bool, bool]], fps: float
) -> list[str]:
    """Continuation seams this import's trims break. `moved[scene id]` says whether its in
    and its out point changed; positions in the messages are the new scene numbers."""
    warnings = []
    frame = 1.0 / fps
    for index in range(1, len(order)):
        scene, previous = order[index], order[index - 1]
        if scene.continues_from != previous.id:
            continue  # not a seam (or no longer one: the reorder warns about that)
        before, after = takes.get(previous.id), takes.get(scene.id)
        if (
            before is not None
            and moved.get(previous.id, (False, False))[1]
            and before.clip_duration
        ):
            start, duration = clip_span(previous, before)
            if start + duration < before.clip_duration - frame:
                warnings.append(
                    f"scene {index + 1} continues from the last frame of scene {index}, but the "
                    f"edit ends scene {index} at {start + duration:.2f} s of its "
                    f"{before.clip_duration:.2f} s clip: that cut will jump"
                )
        if after is not None and moved.get(scene.id, (False, False))[0] and after.trim_in > frame:
            warnings.append(
                f"scene {index + 1} starts on the last frame of scene {index}, but the edit "
                f"starts it {after.trim_in:.2f} s into its clip: that cut will jump"
            )
    return warnings


@dataclass
class ImportPlan:
    """The report, the scenes in their new order, the takes whose in/out points change (by
    take id) and the takes to select (by scene id)."""

    report: TimelineImport
    order: list[Scene]
    trimmed: dict[str, Take]
    select: dict[str, str]


def _by_file(project: _Project) -> dict[str, str]:
    return {Path(t.clip).name: t.id for t in project.takes.values() if t.clip}


def _matched(
    edit: EditedCut, project: _Project, report: TimelineImport
) -> list[tuple[EditedClip, Scene, Take]]:
    """Each editor clip with its scene and take; clips of no scene and repeats are reported."""
    by_file = _by_file(project)
    found: list[tuple[EditedClip, Scene, Take]] = []
    seen: set[str] = set()
    for clip in edit.clips:
        match = _match(clip, project, by_file)
        if match is None:
            report.unmatched.append(
                f"{clip.name!r}" + (f" ({clip.file_name})" if clip.file_name else "")
            )
        elif match[0].id in seen:
            report.warnings.append(
                f"scene {match[0].number} is used more than once; only its first use was imported"
            )
        else:
            seen.add(match[0].id)
            found.append((clip, *match))
    if report.unmatched:
        report.warnings.append(
            f"{len(report.unmatched)} clip(s) are not from this project and were ignored: "
            + ", ".join(report.unmatched)
        )
    for scene in project.scenes:
        take = project.takes.get(scene.selected_take_id or "")
        if scene.id not in seen and take is not None and take.clip:
            report.warnings.append(
                f"scene {scene.number} is not in the edited timeline; it stays in the "
                "storyboard (delete it there if the cut drops it)"
            )
    return found


def _trim(
    clip: EditedClip,
    scene: Scene,
    take: Take,
    project: _Project,
    number: int,
    report: TimelineImport,
) -> Take | None:
    """The take with the editor's in/out points, or None when the edit kept them."""
    fps = project.fps
    first, end = max(0, round(clip.source_in * fps)), round(clip.source_out * fps)
    if (first, end) == _frames_of(scene, take, project):
        return None
    if end <= first:
        report.warnings.append(f"scene {number} shows no frame in the edit; its trim was ignored")
        return None
    new_in, new_out = first / fps, end / fps
    if take.clip_duration and new_out > take.clip_duration + 1 / fps:
        report.warnings.append(
            f"the edit uses scene {number}'s clip up to {new_out:.2f} s but it lasts "
            f"{take.clip_duration:.2f} s; its last frame ends the scene"
        )
        new_out = take.clip_duration
    trimmed = Take.model_validate(
        {**take.model_dump(), "trim_in": round(new_in, 3), "trim_out": round(new_out, 3)}
    )
    old_in, old_length = clip_span(scene, take)
    report.trims.append(
        TrimChange(
            number,
            take.id,
            (round(old_in, 3), round(old_in + old_length, 3)),
            (trimmed.trim_in, trimmed.trim_out or new_out),
        )
    )
    return trimmed


def plan_import(edit: EditedCut, project: _Project) -> ImportPlan:
    """What the import will do, without saving anything."""
    report = TimelineImport(warnings=list(edit.warnings))
    found = _matched(edit, project, report)
    order = _new_order(project.scenes, [scene for _, scene, _ in found])
    report.order = [s.number for s in order]
    report.reordered = [s.id for s in order] != [s.id for s in project.scenes]
    number = {s.id: i + 1 for i, s in enumerate(order)}
    plan = ImportPlan(report, order, {}, {})
    final: dict[str, Take] = {  # scene id -> its take after the import
        s.id: project.takes[s.selected_take_id]
        for s in order
        if s.selected_take_id in project.takes
    }
    for clip, scene, take in found:
        trimmed = _trim(clip, scene, take, project, number[scene.id], report)
        if trimmed is not None:
            plan.trimmed[take.id] = trimmed
        if take.id != scene.selected_take_id:
            plan.select[scene.id] = take.id
            report.selected.append((number[scene.id], take.id))
        final[scene.id] = trimmed or take
    half = 0.5 / project.fps
    moved = {  # scene id -> (in point moved, out point moved)
        plan.trimmed[c.take_id].scene_id: (
            abs(c.after[0] - c.before[0]) > half,
            abs(c.after[1] - c.before[1]) > half,
        )
        for c in report.trims
    }
    report.warnings += _seam_warnings(order, final, moved, project.fps)
    return plan


def _apply(store: Store, project_id: str, plan: ImportPlan) -> None:
    """Save the whole import in one transaction: all of it or none of it."""
    with store.database.transaction():
        for take in plan.trimmed.values():
            store.save_take(take)
        for scene in plan.order:
            if scene.id in plan.select:
                scene.selected_take_id = plan.select[scene.id]
                scene.status = SceneStatus.COMPLETED  # the editor cut it: it has a clip
                store.save_scene(project_id, scene)
        if plan.report.reordered:
            # renumbers, and drops (with a warning) a continuation that no longer follows
            plan.report.warnings += reorder(store, project_id, [s.id for s in plan.order])
        elif plan.trimmed or plan.select:
            _mark_film_stale(store, project_id)


async def import_timeline(
    store: Store, workspace: Workspace, project_id: str, path: Path | str, *, dry_run: bool = False
) -> TimelineImport:
    """Apply an edited timeline to the project (or with `dry_run`, only say what would change)."""
    edit = await run_blocking(read_edit, path)
    cut = await project_cut(store, workspace, project_id)
    fps = cut.timeline.fps
    if abs(edit.fps - fps) > 0.01:
        edit.warnings.append(
            f"the timeline runs at {edit.fps:g} fps and the project at {fps:g} fps; "
            "in/out points were converted"
        )
    scenes = await store.run(store.list_scenes, project_id)
    takes: dict[str, Take] = {}
    for scene in scenes:
        for take in await store.run(store.list_takes, scene.id):
            takes[take.id] = take
    exported = dict(
        zip((c.take_id for c in cut.timeline.clips), shown_frames(cut.timeline), strict=True)
    )
    project = _Project(scenes, takes, exported, fps)
    plan = plan_import(edit, project)
    if not dry_run and plan.report.changed:
        await store.run(_apply, store, project_id, plan)
    return plan.report
