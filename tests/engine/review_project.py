"""A small project built through the real store, with real pictures and clips, for the
storyboard PDF and review bundle tests (no pipeline run: scenes and takes are made directly)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from genstudio.media.images import save_frame
from genstudio.models import (
    Approval,
    Camera,
    CameraMove,
    DialogueLine,
    ImageSource,
    IntExt,
    Project,
    Scene,
    SceneHeading,
    SceneStatus,
    ShotSize,
    Take,
)
from genstudio.store import Store
from genstudio.workspace import Workspace
from tests.engine.media_factory import make_clip

LOCATIONS = ["COCINA", "AZOTEA", "MERCADO", "ESTACIÓN", "PLAYA", "TÚNEL", "FARO", "BOSQUE"]
SPANISH_LINE = "¿Quién anda ahí? ¡Qué miedo, señor Muñoz!"


def picture(number: int, width: int = 320, height: int = 192) -> np.ndarray:
    """A distinct picture per scene: a hue, a bar and the scene number."""
    hue = (number * 37) % 180
    hsv = np.full((height, width, 3), (hue, 160, 200), np.uint8)
    image = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)
    cv2.rectangle(image, (width // 8, height // 3), (width // 2, height - 20), (30, 30, 30), -1)
    cv2.putText(
        image, str(number), (width - 90, 80), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (255, 255, 255), 5
    )
    return image


def scene_for(number: int) -> Scene:
    location = LOCATIONS[(number - 1) % len(LOCATIONS)]
    dialogue = [
        DialogueLine(character="MAYA", line=SPANISH_LINE if number == 1 else f"Línea {number}.")
    ]
    if number % 2 == 0:
        dialogue.append(
            DialogueLine(character="TOMÁS", line="Nada. Sólo el viento.", parenthetical="(bajo)")
        )
    return Scene(
        number=number,
        heading=SceneHeading(int_ext=IntExt.INT, location=location, time_of_day="NOCHE"),
        characters=["MAYA", "TOMÁS"],
        beats=[f"Maya cruza la {location.lower()} a oscuras.", "Se detiene: algo cruje."],
        dialogue=dialogue,
        camera=Camera(shot_size=ShotSize.CLOSE_UP, angle="low", movement=CameraMove.PUSH_IN),
        duration=1.0,
    )


def make_project(
    store: Store,
    workspace: Workspace,
    *,
    scenes: int = 3,
    clips: bool = True,
    clip_seconds: float = 1.0,
    title: str = "La Noche del Faro",
) -> Project:
    project = Project(title=title, folder="noche-faro", language="es", genre="thriller")
    project_dir = workspace.create_project_dir(project.folder)
    store.save_project(project)
    for number in range(1, scenes + 1):
        scene = scene_for(number)
        scene.duration = clip_seconds
        store.save_scene(project.id, scene)  # a take needs its scene row first
        take = Take(scene_id=scene.id)
        image = f"images/scene-{number:03d}.png"
        save_frame(picture(number), project_dir / image)
        take.reference_image, take.reference_source = image, ImageSource.GENERATED
        if clips:
            clip = Path("clips") / f"scene-{number:03d}.mp4"
            make_clip(project_dir / clip, duration=clip_seconds, pattern="testsrc2")
            end = f"frames/scene-{number:03d}-end.png"
            save_frame(picture(number), project_dir / end)
            take.clip, take.clip_duration, take.end_frame = clip.as_posix(), clip_seconds, end
            scene.status = SceneStatus.COMPLETED
        store.save_take(take)
        scene.selected_take_id = take.id
        store.save_scene(project.id, scene)
    return project


def set_approval(store: Store, project: Project, number: int, approval: Approval) -> Scene:
    scene = next(s for s in store.list_scenes(project.id) if s.number == number)
    scene.approval = approval
    return store.save_scene(project.id, scene)
