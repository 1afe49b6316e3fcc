"""A finished project made directly in the store, with real media, for the handoff tests.

Each scene gets a take whose clip is rendered by the builtin offline video provider from a
builtin still (so a clip's first frame really is its reference image, as with image-to-video
providers), its real last frame, a provider task id, and optionally a voiced line. Clips are
small (320×192) and short; the project keeps the default landscape aspect (1280×768 film).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from genstudio.media.frames import last_frame
from genstudio.media.images import save_frame
from genstudio.models import (
    AudioCue,
    Camera,
    CameraMove,
    DialogueLine,
    ImageSource,
    Project,
    Provenance,
    Scene,
    SceneHeading,
    SceneStatus,
    Take,
)
from genstudio.providers.base import ImageRequest, VideoRequest
from genstudio.providers.builtin.images import write_still
from genstudio.providers.builtin.video import render_clip
from genstudio.store import Store
from genstudio.workspace import Workspace
from tests.engine.media_factory import make_audio

CLIP_SIZE = (320, 192)  # the same 5:3 shape as the 1280×768 film

PLACES = [
    ("INT", "KITCHEN", "NIGHT", "a kitchen at night, a coffee pot and a wall clock"),
    ("EXT", "PORCH", "NIGHT", "a wooden porch in cold wind"),
    ("EXT", "WHEAT FIELD", "DAY", "a wheat field at noon under a wide sky"),
    ("EXT", "CITY STREET", "NIGHT", "a city street in rain with neon signs"),
    ("EXT", "FOREST LAKE", "DAWN", "a forest lake at dawn with fog"),
    ("EXT", "DESERT ROAD", "NIGHT", "a desert road under stars"),
    ("EXT", "LIGHTHOUSE", "DUSK", "a lighthouse on a cliff in a storm"),
    ("INT", "TRAIN CAR", "DAY", "inside a train car, rows of seats, windows"),
]
MOVES = [CameraMove.PUSH_IN, CameraMove.PAN_LEFT, CameraMove.STATIC, CameraMove.TILT_UP]


@dataclass
class SceneSpec:
    seconds: float = 1.5  # the scene's planned length
    clip_seconds: float | None = None  # the clip's (a provider may give more): default seconds
    continues: bool = False  # starts on the previous scene's last frame
    line: str = ""  # a voiced dialogue line, if any
    rendered: bool = True  # False: the scene has no clip (nothing generated yet)


@dataclass
class MadeProject:
    project: Project
    folder: Path
    scenes: list[Scene]
    takes: list[Take | None]
    task_ids: list[str] = field(default_factory=list)
    references: list[Path | None] = field(default_factory=list)


def make_project(
    store: Store, workspace: Workspace, specs: list[SceneSpec], *, title: str = "Handoff Test"
) -> MadeProject:
    project = Project(title=title, folder=f"handoff-{uuid.uuid4().hex[:8]}")
    folder = workspace.create_project_dir(project.folder)
    store.save_project(project)
    scenes, takes, tasks, references = [], [], [], []
    previous: Scene | None = None
    previous_take: Take | None = None
    for index, spec in enumerate(specs):
        int_ext, place, time, prompt = PLACES[index % len(PLACES)]
        scene = Scene(
            number=index + 1,
            heading=SceneHeading(int_ext=int_ext, location=place, time_of_day=time),
            duration=spec.seconds,
            visual_prompt=prompt,
            camera=Camera(movement=MOVES[index % len(MOVES)]),
            continues_from=previous.id if spec.continues and previous else None,
            dialogue=[DialogueLine(character="MARA", line=spec.line)] if spec.line else [],
        )
        take = Take(scene_id=scene.id)
        if spec.continues and previous_take is not None and previous_take.end_frame:
            take.reference_image = previous_take.end_frame
            take.reference_source = ImageSource.PREVIOUS_FRAME
        else:
            image = f"images/scene-{index + 1:03d}.png"
            write_still(
                ImageRequest(
                    prompt=prompt, width=640, height=384, out_path=folder / image, seed=index
                )
            )
            take.reference_image = image
            take.reference_source = ImageSource.GENERATED
        references.append(folder / take.reference_image)
        task = str(uuid.uuid4())
        tasks.append(task)
        if spec.rendered:
            clip = f"clips/scene-{index + 1:03d}-{take.id[:8]}.mp4"
            width, height = CLIP_SIZE
            seconds = render_clip(
                VideoRequest(
                    image_path=folder / take.reference_image,
                    prompt=prompt,
                    duration=spec.clip_seconds or spec.seconds,
                    width=width,
                    height=height,
                    out_path=folder / clip,
                    camera=scene.camera.movement,
                )
            )
            end = f"frames/scene-{index + 1:03d}-{take.id[:8]}-last.png"
            save_frame(last_frame(folder / clip), folder / end)
            take.clip, take.clip_duration, take.end_frame = clip, seconds, end
            take.clip_provenance = Provenance(
                provider="runway", model="gen4_turbo", prompt=prompt, remote_task_id=task
            )
            if spec.line:
                voice = f"audio/scene-{index + 1:03d}-line-0.wav"
                make_audio(folder / voice, duration=0.6)
                take.audio = [AudioCue(line_index=0, path=voice, start=0.2, duration=0.6)]
            scene.status = SceneStatus.COMPLETED
        store.save_scene(project.id, scene)  # a take belongs to a saved scene
        store.save_take(take)
        scene.selected_take_id = take.id
        store.save_scene(project.id, scene)
        scenes.append(scene)
        takes.append(take if spec.rendered else None)
        previous, previous_take = scene, take
    return MadeProject(project, folder, scenes, takes, tasks, references)
