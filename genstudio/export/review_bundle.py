"""The portable review bundle: a folder (or a .zip of it) a reviewer opens without GenStudio.

    index.html      contact sheet: one card per scene; approve / request changes with notes and
                    notes at animatic times; "Save review" downloads review.json (offline)
    scenes.json     what was reviewed: scene ids, states and a content hash per scene
    storyboard.pdf  the printable storyboard
    animatic.mp4    the film so far at 480 px wide (H.264, CRF 30), with its .srt
    images/         one JPEG per scene card

The reviewer's review.json comes back through `review_import.apply_review`.

The bundle is built in a hidden folder beside the target and only then moved into place (or
zipped into a temporary file that replaces the target), so a failed or cancelled export never
leaves half a bundle where the reviewer would look.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from genstudio.errors import GenStudioError
from genstudio.export.cards import (
    SceneCard,
    action_text,
    camera_text,
    collect_cards,
    scene_number,
)
from genstudio.export.review_html import render_index_html
from genstudio.export.storyboard_pdf import render_storyboard_pdf
from genstudio.fsutil import atomic_path, atomic_write_bytes, atomic_write_text
from genstudio.media.ffmpeg import Cancelled
from genstudio.models import Approval, Project, SceneStatus
from genstudio.store import Store
from genstudio.timeline import Timeline
from genstudio.workspace import Workspace, slugify

BUNDLE_FORMAT = "genstudio-review-bundle"
BUNDLE_VERSION = 1
ANIMATIC_WIDTH = 480
ANIMATIC_CRF = 30
ANIMATIC_PRESET = "veryfast"
MANIFEST, INDEX, PDF, ANIMATIC = "scenes.json", "index.html", "storyboard.pdf", "animatic.mp4"
# already compressed: deflating them again costs time and saves nothing
_STORED_SUFFIXES = frozenset({".mp4", ".jpg", ".pdf"})
APPROVAL_LABELS = {
    Approval.APPROVED: "Approved",
    Approval.CHANGES_REQUESTED: "Changes requested",
    Approval.DRAFT: "Draft",
}

FractionCallback = Callable[[float], None]


@dataclass(frozen=True)
class BundleResult:
    path: Path  # the bundle folder, or the .zip
    scenes: int
    animatic_seconds: float | None  # None: no scene had a finished clip (or it failed)
    size_bytes: int
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Animatic:
    timeline: Timeline
    spans: dict[str, tuple[float, float]]  # scene id -> (start, end) in animatic time


def default_bundle_path(workspace: Workspace, project: Project) -> Path:
    return workspace.project_dir(project.folder) / "exports" / f"{slugify(project.title)}-review"


def animatic_size(width: int, height: int) -> tuple[int, int]:
    """ANIMATIC_WIDTH wide, the film's aspect, even sides (H.264 4:2:0)."""
    scaled = max(2, round(ANIMATIC_WIDTH * height / width / 2) * 2)
    return ANIMATIC_WIDTH, scaled


def _animatic_plan(
    store: Store, workspace: Workspace, project: Project, cards: list[SceneCard]
) -> _Animatic | None:
    """The film's own timeline (same cuts, transitions and dialogue as the assembler gets),
    scaled down; scenes without a finished clip are left out, as in the film."""
    from genstudio.pipeline.context import RunContext
    from genstudio.pipeline.finish import Cut, build_timeline
    from genstudio.pipeline.videos import clip_is_done

    # build_timeline reads only the project and its paths; describing the film needs no provider
    ctx = RunContext(store=store, workspace=workspace, project=project, providers=None)  # type: ignore[arg-type]
    cuts = [
        Cut(card.scene, card.take)
        for card in cards
        if card.take is not None
        and card.scene.status is SceneStatus.COMPLETED
        and clip_is_done(ctx, card.take)
    ]
    if not cuts:
        return None
    film = build_timeline(ctx, cuts, None)
    width, height = animatic_size(film.width, film.height)
    timeline = Timeline.model_validate({**film.model_dump(), "width": width, "height": height})
    spans = {
        clip.scene_id: (round(timeline.clip_start(i), 3), round(timeline.clip_end(i), 3))
        for i, clip in enumerate(timeline.clips)
    }
    return _Animatic(timeline, spans)


def _scene_entry(card: SceneCard, image: str | None, span: tuple[float, float] | None) -> dict:
    scene = card.scene
    return {
        "id": scene.id,
        "number": scene.number,
        "display_number": scene_number(scene),
        "heading": scene.heading.slug_line(),
        "action": action_text(scene),
        "dialogue": [
            {
                "character": d.character,
                "parenthetical": d.parenthetical.strip("() "),
                "line": d.line,
            }
            for d in scene.dialogue
        ],
        "duration": scene.duration,
        "camera": camera_text(scene),
        "approval": scene.approval.value,
        "approval_label": APPROVAL_LABELS[scene.approval],
        "approval_note": scene.approval_note,
        "locked": scene.locked,
        "status": scene.status.value,
        "take_id": card.take.id if card.take else None,
        "image": image,
        "animatic_start": span[0] if span else None,
        "animatic_end": span[1] if span else None,
        "content_hash": card.content_hash,
    }


def _check_target(out: Path) -> None:
    """Refuse to overwrite anything that is not an earlier review bundle."""
    if out.suffix.lower() == ".zip":
        if out.is_dir():
            raise GenStudioError(f"{out}: is a folder; give a .zip file name or a folder")
        return
    if out.is_file():
        raise GenStudioError(f"{out}: is a file; give a folder (or a name ending in .zip)")
    if out.is_dir() and any(out.iterdir()) and not is_bundle(out):
        raise GenStudioError(
            f"{out}: the folder is not empty and is not a review bundle; choose a new folder"
        )


def is_bundle(folder: Path) -> bool:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("format") == BUNDLE_FORMAT


def _render_animatic(
    plan: _Animatic, target: Path, progress: FractionCallback, cancel: threading.Event | None
) -> float:
    from genstudio.media.assemble import assemble

    result = assemble(
        plan.timeline,
        target,
        progress=progress,
        cancel=cancel,
        preset=ANIMATIC_PRESET,
        crf=ANIMATIC_CRF,
    )
    return result.duration


def _build(
    store: Store,
    workspace: Workspace,
    project: Project,
    staging: Path,
    *,
    animatic: bool,
    report: FractionCallback,
    cancel: threading.Event | None,
    now: datetime,
) -> tuple[int, float | None, list[str]]:
    warnings: list[str] = []
    cards = collect_cards(store, workspace, project)
    report(0.05)
    images: dict[str, str] = {}
    for card in cards:
        if card.image_problem:
            warnings.append(f"scene {scene_number(card.scene)}: no picture ({card.image_problem})")
        if card.jpeg is not None:
            name = f"images/scene-{card.scene.number:03d}-{card.scene.id[:8]}.jpg"
            atomic_write_bytes(staging / name, card.jpeg)
            images[card.scene.id] = name
    render_storyboard_pdf(project, cards, staging / PDF, now=now)
    report(0.15)
    plan = _animatic_plan(store, workspace, project, cards) if animatic else None
    seconds: float | None = None
    if plan is not None:
        try:
            seconds = _render_animatic(
                plan, staging / ANIMATIC, lambda f: report(0.15 + 0.8 * f), cancel
            )
        except Cancelled:
            raise
        except GenStudioError as exc:  # the cards and PDF are still worth sending
            warnings.append(f"no animatic: {exc}")
            plan = None
    manifest: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "export_id": uuid.uuid4().hex,
        "exported_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "project": {
            "id": project.id,
            "title": project.title,
            "language": project.language,
            "aspect": project.aspect.value,
        },
        "storyboard_pdf": PDF,
        "animatic": (
            {
                "file": ANIMATIC,
                "duration": seconds,
                "width": plan.timeline.width,
                "height": plan.timeline.height,
            }
            if plan is not None and seconds is not None
            else None
        ),
        "scenes": [
            _scene_entry(
                card, images.get(card.scene.id), plan.spans.get(card.scene.id) if plan else None
            )
            for card in cards
        ],
    }
    atomic_write_text(staging / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    atomic_write_text(staging / INDEX, render_index_html(manifest))
    return len(cards), seconds, warnings


def _zip_folder(folder: Path, out: Path, root: str) -> None:
    with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            method = zipfile.ZIP_STORED if path.suffix in _STORED_SUFFIXES else zipfile.ZIP_DEFLATED
            archive.write(path, f"{root}/{path.relative_to(folder).as_posix()}", method)


def _move_into_place(staging: Path, out: Path) -> None:
    """Replace an earlier bundle at `out` by the finished one (two renames; the old one is
    deleted only once the new one is in place)."""
    if not out.exists():
        os.replace(staging, out)
        return
    old = out.with_name(f".{out.name}.old-{uuid.uuid4().hex[:8]}")
    os.replace(out, old)
    try:
        os.replace(staging, out)
    except OSError:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def export_review_bundle(
    store: Store,
    workspace: Workspace,
    project_id: str,
    out: Path | str | None = None,
    *,
    animatic: bool = True,
    progress: FractionCallback | None = None,
    cancel: threading.Event | None = None,
    now: datetime | None = None,
) -> BundleResult:
    """Write the review bundle of a project to `out` (a folder, or a file ending in .zip;
    default: the project's exports/<title>-review folder). Blocking: call through
    `run_blocking` from async code. `cancel` stops the animatic render (raises Cancelled)."""
    project = store.get_project(project_id)
    out = Path(out).expanduser() if out is not None else default_bundle_path(workspace, project)
    _check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)

    def report(fraction: float) -> None:
        if progress is not None:
            progress(min(1.0, max(0.0, fraction)))

    # beside the target (same disk: the final move is a rename); mkdir honours the umask,
    # unlike mkdtemp's owner-only folder, which a reviewer on a shared drive could not open
    staging = out.parent / f".{out.stem}.{uuid.uuid4().hex[:12]}.part"
    staging.mkdir()
    try:
        count, seconds, warnings = _build(
            store,
            workspace,
            project,
            staging,
            animatic=animatic,
            report=report,
            cancel=cancel,
            now=now or datetime.now(UTC),
        )
        if out.suffix.lower() == ".zip":
            _zip_folder(staging, out, slugify(out.stem, 60))
            size = out.stat().st_size
        else:
            size = sum(p.stat().st_size for p in staging.rglob("*") if p.is_file())
            _move_into_place(staging, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(staging)
    report(1.0)
    return BundleResult(out, count, seconds, size, warnings)
