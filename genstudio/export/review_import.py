"""Bringing a reviewer's review.json (saved from a review bundle's index.html) back in.

Scenes are matched by id. A scene whose text or picture changed after the export (its content
hash differs from the one the reviewer saw) still gets the review, with a warning saying so.
Approved scenes are approved and locked (batch regeneration skips locked scenes); scenes with
changes requested are unlocked so they can be redone; notes at animatic times become lines
like "[00:12.5] too dark" under the reviewer's general note.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from genstudio.errors import GenStudioError, InputFileError
from genstudio.export.cards import content_hash, scene_number, selected_take, timecode
from genstudio.models import Approval
from genstudio.store import Store

REVIEW_FORMAT = "genstudio-review"
REVIEW_VERSION = 1


class ReviewError(GenStudioError):
    """A review file that cannot be applied; the message names the field and the problem."""


class TimedNote(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    time: float = Field(ge=0, allow_inf_nan=False)  # seconds into the animatic
    text: str = Field(min_length=1)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a timed note needs some text")
        return value.strip()


class SceneReview(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    id: str = Field(min_length=1)
    number: int | None = None
    content_hash: str | None = None
    decision: Literal["approved", "changes_requested", "none"]
    note: str = ""
    timed_notes: list[TimedNote] = Field(default_factory=list)


class ReviewFile(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    format: Literal["genstudio-review"]
    version: int
    project_id: str = Field(min_length=1)
    project_title: str = ""
    export_id: str = ""
    reviewer: str = ""
    saved_at: str = ""
    scenes: list[SceneReview]

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"{value} is not a review format version")
        return value


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def parse_review(data: Mapping[str, Any] | str | bytes, source: str = "review.json") -> ReviewFile:
    """Validate a review; errors name the field, e.g. `scenes[2].decision`."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ReviewError(
                f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from exc
    if not isinstance(data, Mapping):
        raise ReviewError(f"{source}: a review is a JSON object, not {type(data).__name__}")
    if data.get("format") != REVIEW_FORMAT:
        raise ReviewError(
            f"{source}: format: expected {REVIEW_FORMAT!r} (the file saved by a review "
            f"bundle's “Save review” button), got {data.get('format')!r}"
        )
    version = data.get("version")
    if isinstance(version, int) and version > REVIEW_VERSION:
        # a newer layout may differ anywhere: say what to do instead of listing its fields
        raise ReviewError(
            f"{source}: version: saved by a newer GenStudio (review format {version}); "
            "update GenStudio to import it"
        )
    try:
        review = ReviewFile.model_validate(dict(data))
    except ValidationError as exc:
        problems = []
        for error in exc.errors()[:5]:
            got = (
                f" (got {error['input']!r})"
                if "input" in error and error["type"] != "missing"
                else ""
            )
            msg = error["msg"].removeprefix("Value error, ")
            problems.append(f"{_field_path(error['loc'])}: {msg}{got}")
        more = f" (and {exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
        raise ReviewError(f"{source}: " + "; ".join(problems) + more) from exc
    seen: dict[str, int] = {}
    for index, item in enumerate(review.scenes):
        if item.id in seen:
            raise ReviewError(
                f"{source}: scenes[{index}].id: scene {item.id} is reviewed twice "
                f"(also scenes[{seen[item.id]}])"
            )
        seen[item.id] = index
    return review


def _read_zip(path: Path) -> ReviewFile:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [
                n
                for n in archive.namelist()
                if PurePosixPath(n).name.lower().startswith("review")
                and n.lower().endswith(".json")
            ]
            found = []
            for name in names:
                try:
                    found.append(parse_review(archive.read(name), f"{path}!{name}"))
                except ReviewError:
                    if len(names) == 1:
                        raise
    except zipfile.BadZipFile as exc:
        raise InputFileError(path, f"not a readable .zip file ({exc})") from exc
    if not found:
        raise InputFileError(
            path,
            "holds no review.json (the file the reviewer saves with “Save review” in index.html)",
        )
    return max(found, key=lambda review: review.saved_at)  # "review (2).json": the newest wins


def load_review_file(path: Path | str) -> ReviewFile:
    """A review from a review.json, or from a .zip holding one (e.g. a bundle sent back)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise InputFileError(path, "is a folder, not a file" if path.exists() else "does not exist")
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        return _read_zip(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, "is not a UTF-8 text file (expected review.json)") from exc
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
    return parse_review(text, str(path))


def compose_note(item: SceneReview) -> str:
    """The reviewer's note, then one line per timed note in time order: "[00:12.5] too dark"."""
    lines = [item.note.strip()] if item.note.strip() else []
    for note in sorted(item.timed_notes, key=lambda n: n.time):
        lines.append(f"[{timecode(note.time)}] {note.text}")
    return "\n".join(lines)


@dataclass
class ReviewImportReport:
    reviewer: str
    saved_at: str
    approved: list[int] = field(default_factory=list)
    changes_requested: list[int] = field(default_factory=list)
    commented: list[int] = field(default_factory=list)  # notes without a decision
    undecided: int = 0
    unlocked: list[int] = field(default_factory=list)  # locked before, changes requested now
    changed_since_export: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        def nums(values: list[int]) -> str:
            return ", ".join(map(str, values)) or "none"

        by = f" by {self.reviewer}" if self.reviewer else ""
        lines = [f"Review{by}" + (f" (saved {self.saved_at})" if self.saved_at else "")]
        lines.append(f"  approved and locked: {nums(self.approved)}")
        lines.append(f"  changes requested:   {nums(self.changes_requested)}")
        if self.commented:
            lines.append(f"  notes only:          {nums(self.commented)}")
        if self.undecided:
            lines.append(f"  left undecided:      {self.undecided}")
        lines += [f"warning: {w}" for w in self.warnings]
        return lines


def apply_review(
    store: Store,
    project_id: str,
    review: ReviewFile | Mapping[str, Any] | str | bytes,
    *,
    source: str = "review.json",
) -> ReviewImportReport:
    """Apply a reviewer's decisions and notes to the project's scenes (one transaction).
    Blocking: call through `store.run` from async code."""
    if not isinstance(review, ReviewFile):
        review = parse_review(review, source)
    project = store.get_project(project_id)
    if review.project_id != project.id:
        other = review.project_title or review.project_id[:8]
        raise ReviewError(
            f"{source}: project_id: this review is for {other!r}, not for {project.title!r}"
        )
    scenes = {scene.id: scene for scene in store.list_scenes(project_id)}
    report = ReviewImportReport(review.reviewer.strip(), review.saved_at)
    updated = []
    for index, item in enumerate(review.scenes):
        scene = scenes.get(item.id)
        if scene is None:
            label = f"scene {item.number}" if item.number is not None else f"scenes[{index}]"
            report.warnings.append(
                f"{label} ({item.id[:8]}) is no longer in the project; its review was not applied"
            )
            continue
        number, note = scene_number(scene), compose_note(item)
        if item.decision == "none" and not note:
            report.undecided += 1
            continue
        if item.content_hash is None:
            report.warnings.append(
                f"scene {number}: the review does not say which version was reviewed "
                "(no content_hash); applied as if it were the current one"
            )
        elif item.content_hash != content_hash(scene, selected_take(store, scene)):
            report.changed_since_export.append(scene.number)
            report.warnings.append(
                f"scene {number} changed after it was exported for review (its text or "
                "picture is not what the reviewer saw); the review was applied anyway"
            )
        scene.approval_note = note
        if item.decision == "approved":
            scene.approval, scene.locked = Approval.APPROVED, True
            report.approved.append(scene.number)
        elif item.decision == "changes_requested":
            if scene.locked:
                report.unlocked.append(scene.number)
            scene.approval, scene.locked = Approval.CHANGES_REQUESTED, False
            report.changes_requested.append(scene.number)
            if not note:
                report.warnings.append(f"scene {number}: changes requested without a note")
        else:
            report.commented.append(scene.number)
        updated.append(scene)
    if report.unlocked:
        report.warnings.append(
            "unlocked for changes: scene " + ", ".join(map(str, report.unlocked))
        )
    store.save_scenes(project_id, updated)
    return report


def import_review_file(store: Store, project_id: str, path: Path | str) -> ReviewImportReport:
    return apply_review(store, project_id, load_review_file(path), source=str(path))
