"""Creating projects: from an idea, or from a Fountain screenplay (kept verbatim)."""

from __future__ import annotations

import uuid
from pathlib import Path

from genstudio.errors import ScreenplayError
from genstudio.models import Aspect, Project, SourceKind
from genstudio.store import Store
from genstudio.workspace import Workspace, slugify


def _folder(title: str, project_id: str) -> str:
    return f"{slugify(title, 32)}-{project_id[:8]}"


def _save_new(store: Store, workspace: Workspace, project: Project) -> Project:
    project.folder = _folder(project.title, project.id)
    workspace.create_project_dir(project.folder)
    return store.save_project(project)


def new_project_from_idea(
    store: Store,
    workspace: Workspace,
    *,
    title: str,
    idea: str,
    genre: str = "",
    target_duration: float = 60.0,
    aspect: Aspect = Aspect.LANDSCAPE,
    language: str = "en",
) -> Project:
    if not idea.strip():
        raise ValueError("the idea is empty: describe the film in a sentence or more")
    project = Project(
        title=title.strip() or "Untitled",
        idea=idea.strip(),
        genre=genre,
        target_duration=target_duration,
        aspect=aspect,
        language=language,
        source_kind=SourceKind.IDEA,
        seed=uuid.uuid4().int % 2**31,
    )
    return _save_new(store, workspace, project)


def new_project_from_fountain(
    store: Store,
    workspace: Workspace,
    path: Path | str,
    *,
    title: str | None = None,
    genre: str = "",
    aspect: Aspect = Aspect.LANDSCAPE,
    language: str = "en",
) -> Project:
    """Parse now, so a malformed screenplay is reported before anything is saved."""
    from genstudio.screenplay.fountain import load_fountain, to_scenes

    path = Path(path)
    parsed = load_fountain(path)
    scenes = to_scenes(parsed)
    if not scenes:
        raise ScreenplayError(path, "no scenes found")
    text = path.read_bytes().decode(parsed.encoding) if hasattr(parsed, "encoding") else None
    if text is None:
        text = path.read_text(encoding="utf-8", errors="strict")
    project = Project(
        title=(title or parsed.title or path.stem).strip()[:200] or path.stem,
        genre=genre,
        target_duration=sum(s.duration for s in scenes),
        aspect=aspect,
        language=language,
        source_kind=SourceKind.FOUNTAIN,
        source_text=text,
        seed=0,
    )
    return _save_new(store, workspace, project)
