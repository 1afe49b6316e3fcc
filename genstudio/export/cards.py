"""What a printed or shared storyboard card shows: a scene, its selected take, a small JPEG of
its picture and a hash of the content a reviewer judges. Shared by the PDF and the bundle."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genstudio.errors import GenStudioError
from genstudio.media.frames import first_frame, thumbnail
from genstudio.media.images import encode_image, load_image
from genstudio.models import Project, Scene, Take
from genstudio.store import Store
from genstudio.workspace import Workspace

# 2× the on-screen card width of the contact sheet, and ~190 dpi on the printed card
THUMB_MAX = 640
THUMB_QUALITY = 82


@dataclass(frozen=True)
class SceneCard:
    scene: Scene
    take: Take | None
    jpeg: bytes | None  # the card's picture, or None when the scene has none yet
    size: tuple[int, int] | None  # (width, height) of `jpeg`
    content_hash: str
    image_problem: str = ""  # why a picture that should exist could not be read


def content_hash(scene: Scene, take: Take | None) -> str:
    """A fingerprint of what a reviewer judges: the card's text and the media of its take.

    Number and label are left out (reordering a scene does not change what was reviewed),
    and so are approval, lock and status (a review is what changes those).
    """
    payload = scene.model_dump(
        mode="json",
        include={
            "heading",
            "characters",
            "beats",
            "dialogue",
            "camera",
            "duration",
            "visual_prompt",
            "continues_from",
        },
    )
    # an editor's trims change what is seen as much as a new clip does
    media = {"id", "reference_image", "clip", "trim_in", "trim_out"}
    payload["take"] = take.model_dump(mode="json", include=media) if take is not None else None
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def _picture(project_dir: Path, take: Take | None) -> np.ndarray | None:
    """The take's reference image, else the first frame of its clip, else None."""
    if take is None:
        return None
    if take.reference_image and (project_dir / take.reference_image).is_file():
        return load_image(project_dir / take.reference_image)
    if take.clip and (project_dir / take.clip).is_file():
        return first_frame(project_dir / take.clip)
    return None


def card_for(project_dir: Path, scene: Scene, take: Take | None) -> SceneCard:
    problem = ""
    try:
        picture = _picture(project_dir, take)
    except GenStudioError as exc:  # a damaged file must not stop the whole sheet
        picture, problem = None, str(exc)
    jpeg = size = None
    if picture is not None:
        small = thumbnail(picture, THUMB_MAX, THUMB_MAX)
        jpeg = encode_image(small, ".jpg", jpeg_quality=THUMB_QUALITY)
        size = (small.shape[1], small.shape[0])
    return SceneCard(scene, take, jpeg, size, content_hash(scene, take), problem)


def selected_take(store: Store, scene: Scene) -> Take | None:
    if not scene.selected_take_id:
        return None
    try:
        return store.get_take(scene.selected_take_id)
    except GenStudioError:
        return None


def collect_cards(store: Store, workspace: Workspace, project: Project) -> list[SceneCard]:
    """One card per scene, in storyboard order. Blocking (decodes images)."""
    project_dir = workspace.project_dir(project.folder)
    return [
        card_for(project_dir, scene, selected_take(store, scene))
        for scene in store.list_scenes(project.id)
    ]


# -- text shared by the PDF and the contact sheet ------------------------------------------


def camera_text(scene: Scene) -> str:
    camera = scene.camera
    parts = [camera.shot_size.value.replace("_", " "), camera.angle]
    parts.append(camera.movement.value.replace("_", " "))
    return " · ".join(p for p in parts if p)


def action_text(scene: Scene) -> str:
    return " ".join(beat.strip() for beat in scene.beats if beat.strip())


def dialogue_texts(scene: Scene) -> list[str]:
    lines = []
    for d in scene.dialogue:
        aside = f" ({d.parenthetical.strip('() ')})" if d.parenthetical.strip("() ") else ""
        lines.append(f"{d.character}{aside}: {d.line}")
    return lines


def scene_number(scene: Scene) -> str:
    return scene.label or str(scene.number)


def runtime_text(seconds: float) -> str:
    """1:05 for 65 s, 1:02:03 for an hour and more."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def timecode(seconds: float) -> str:
    """00:12.5 (tenths), 1:02:03.5 past an hour: how timed review notes are written."""
    tenths = round(seconds * 10)
    whole, tenth = divmod(tenths, 10)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}.{tenth}"
    return f"{minutes:02d}:{secs:02d}.{tenth}"
