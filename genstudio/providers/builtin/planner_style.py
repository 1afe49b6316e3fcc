"""Camera and prompts for the builtin planner: shot choice and visual prompts per scene.

Everything here is a pure function of its inputs (no randomness; where a coin is needed, a
hash of the text decides), so the same project always plans the same film.
"""

from __future__ import annotations

import hashlib
import re

from genstudio.models import (
    MAX_PROMPT_CHARS,
    Camera,
    CameraMove,
    DialogueLine,
    IntExt,
    Scene,
    ShotSize,
    VisualBible,
)
from genstudio.screenplay.heading import fold
from genstudio.screenplay.idea import repeat_shot

_TILT_UP = (
    "looks up",
    "climb",
    "climbs",
    "rises",
    "tower",
    "towers",
    "sube",
    "trepa",
    "mira arriba",
)
_TILT_DOWN = ("falls", "looks down", "kneels", "sinks", "cae", "baja", "mira abajo", "se arrodilla")
_TRAVEL = ("walks", "runs", "drives", "crosses", "speeds", "camina", "corre", "conduce", "cruza")
_LOW = ("towering", "looms", "giant", "hero", "gigante", "imponente")
_HIGH = ("alone", "lost", "stranded", "a solas", "solitario", "solitaria", "perdido", "perdida")
_OFF_SCREEN = re.compile(r"\b(V\.?\s?[O0]\b|O\.?\s?[SC]\b|VOICE[- ]OVER|OFF)", re.IGNORECASE)
_FAMILIES = {
    CameraMove.PUSH_IN: "dolly",
    CameraMove.PULL_OUT: "dolly",
    CameraMove.PAN_LEFT: "pan",
    CameraMove.PAN_RIGHT: "pan",
    CameraMove.TILT_UP: "tilt",
    CameraMove.TILT_DOWN: "tilt",
    CameraMove.STATIC: "static",
}
_CLOSER = {
    ShotSize.ESTABLISHING: ShotSize.WIDE,
    ShotSize.WIDE: ShotSize.MEDIUM,
    ShotSize.MEDIUM: ShotSize.CLOSE_UP,
    ShotSize.CLOSE_UP: ShotSize.CLOSE_UP,
    ShotSize.EXTREME_CLOSE_UP: ShotSize.EXTREME_CLOSE_UP,
}


def heard_not_seen(line: DialogueLine) -> bool:
    """A voice-over or off-screen line: the speaker is not in the picture."""
    return bool(_OFF_SCREEN.search(line.extension))


def on_screen(scene: Scene) -> list[str]:
    """The scene's characters minus those who are only heard (V.O., O.S.) in it."""
    heard_only = {line.character for line in scene.dialogue if heard_not_seen(line)}
    heard_only -= {line.character for line in scene.dialogue if not heard_not_seen(line)}
    return [name for name in scene.characters if name not in heard_only]


def _coin(text: str) -> bool:
    return hashlib.sha256(text.encode()).digest()[0] % 2 == 0


def _pan(key: str) -> CameraMove:
    return CameraMove.PAN_LEFT if _coin(key) else CameraMove.PAN_RIGHT


def choose_camera(scene: Scene, previous: Scene | None, continues: bool, new_place: bool) -> Camera:
    """Shot size, angle and move from what happens in the scene.

    Establishing an exterior → wide and a pan (or a push in); talk → medium two-shot held
    still, or a close-up pushing in on one speaker; a continuation keeps the previous
    scene's move family (a pan goes on panning the same way) so the cut reads as one shot.
    """
    text = " " + " ".join(fold(" ".join(scene.beats)).lower().split()) + " "
    seen_talking = [line for line in scene.dialogue if not heard_not_seen(line)]
    speakers = {line.character for line in seen_talking}
    spoken = sum(line.duration or 0.0 for line in seen_talking)
    talky = len(seen_talking) >= 3 or spoken >= 0.5 * scene.duration
    angle = "eye level"
    if any(f" {w}" in text for w in _LOW):
        angle = "low angle"
    elif any(f" {w}" in text for w in _HIGH):
        angle = "high angle"
    repeat = repeat_shot(scene.beats[0]) if scene.beats else None
    if continues and previous is not None:
        before = previous.camera
        shot = _CLOSER[before.shot_size] if talky else before.shot_size
        family = _FAMILIES[before.movement]
        move = before.movement if family != "static" else CameraMove.STATIC
        return Camera(shot_size=shot, angle=angle, movement=move)
    if repeat is not None:
        move = CameraMove.PUSH_IN if repeat is not ShotSize.WIDE else CameraMove.PULL_OUT
        return Camera(shot_size=repeat, angle=angle, movement=move)
    exterior = scene.heading.int_ext in (IntExt.EXT, IntExt.INT_EXT)
    if new_place and exterior and len(seen_talking) <= 2:
        key = scene.heading.location or text
        if not seen_talking:  # nobody talks in frame: show the place
            move = _pan(key) if _coin(key + "move") else CameraMove.PUSH_IN
            return Camera(shot_size=ShotSize.ESTABLISHING, angle=angle, movement=move)
        return Camera(shot_size=ShotSize.WIDE, angle=angle, movement=CameraMove.PUSH_IN)
    if talky:
        if len(speakers) >= 2:
            return Camera(shot_size=ShotSize.MEDIUM, angle=angle, movement=CameraMove.STATIC)
        return Camera(shot_size=ShotSize.CLOSE_UP, angle=angle, movement=CameraMove.PUSH_IN)
    if any(line.emotion for line in seen_talking):
        return Camera(shot_size=ShotSize.CLOSE_UP, angle=angle, movement=CameraMove.PUSH_IN)
    if any(f" {w}" in text for w in _TILT_UP):
        move = CameraMove.TILT_UP
    elif any(f" {w}" in text for w in _TILT_DOWN):
        move = CameraMove.TILT_DOWN
    elif any(f" {w}" in text for w in _TRAVEL):
        move = _pan(scene.heading.location or text)
    else:
        move = CameraMove.PUSH_IN
    shot = ShotSize.WIDE if new_place else ShotSize.MEDIUM
    return Camera(shot_size=shot, angle=angle, movement=move)


_PLACE_WORDS = {
    IntExt.INT: "Interior",
    IntExt.EXT: "Exterior",
    IntExt.INT_EXT: "Interior and exterior",
    IntExt.NONE: "",
}
_SHOT_WORDS = {
    ShotSize.ESTABLISHING: "establishing wide shot",
    ShotSize.WIDE: "wide shot",
    ShotSize.MEDIUM: "medium shot",
    ShotSize.CLOSE_UP: "close-up",
    ShotSize.EXTREME_CLOSE_UP: "extreme close-up",
}


def _without_dialogue(text: str, scene: Scene) -> str:
    for line in scene.dialogue:
        spoken = " ".join(line.line.split())
        if len(spoken) >= 4:
            text = text.replace(spoken, "")
    return " ".join(text.split())


def visual_prompt(scene: Scene, when: str, bible: VisualBible, descriptions: dict[str, str]) -> str:
    """What the picture shows, ≤ MAX_PROMPT_CHARS, never the words anyone says."""
    heading = scene.heading
    where = " ".join(f"{_PLACE_WORDS[heading.int_ext]} {heading.location.lower()}".split())
    setting = ", ".join(p for p in (where, when.lower(), heading.weather.lower()) if p)
    people = []
    visible = on_screen(scene)
    room = 300 // max(1, len(visible)) - 10  # a big cast gets names, not portraits
    for name in visible:
        about = descriptions.get(name, "")[: max(0, room)]
        people.append(f"{name} ({about})" if about and room > 25 else name)
    cast = f"Characters: {'; '.join(people)}."[:400] if people else ""
    camera = scene.camera
    move = camera.movement.value.replace("_", " ")
    shot = f"{_SHOT_WORDS[camera.shot_size].capitalize()}, {camera.angle}, {move}."
    style = ", ".join(p for p in (bible.style, bible.lighting, bible.emotional_tone) if p)[:250]
    fixed = [f"{setting}." if setting else "", cast, shot, f"Style: {style}." if style else ""]
    budget = MAX_PROMPT_CHARS - sum(len(p) + 1 for p in fixed if p)
    action = _without_dialogue(" ".join(scene.beats), scene)
    if len(action) > budget:
        action = action[: max(0, budget - 1)].rsplit(" ", 1)[0] + "…" if budget > 20 else ""
    parts = [fixed[0], action, fixed[1], fixed[2], fixed[3]]
    prompt = " ".join(p for p in parts if p)
    return prompt[:MAX_PROMPT_CHARS]
