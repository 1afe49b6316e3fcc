"""The dialogue lock: a planner may dress an imported screenplay, never rewrite it.

Allowed: camera, visual prompt, beats, timing, emotion/delivery, durations, continuity.
Refused: a different number of scenes, scenes in another order, a line added, dropped,
reworded, moved, or given to another character. Text is compared exactly except for
whitespace at the ends of a line; character names ignore case and surrounding spaces.
"""

from __future__ import annotations

from genstudio.errors import GenStudioError
from genstudio.models import DialogueLine, Scene


def _slug(scene: Scene) -> str:
    return " ".join(scene.heading.slug_line().split()).upper()


def _quote(line: DialogueLine) -> str:
    text = " ".join(line.line.split())
    short = text if len(text) <= 80 else text[:77] + "..."
    return f'{line.character}: "{short}"'


def _where(scene: Scene, number: int) -> str:
    slug = _slug(scene)
    return f"scene {number} ({slug})" if slug else f"scene {number}"


def _check_order(original: list[Scene], proposed: list[Scene]) -> None:
    if len(proposed) != len(original):
        raise GenStudioError(
            f"the planner returned {len(proposed)} scenes but the imported screenplay has "
            f"{len(original)}; an imported screenplay's scenes cannot be added or removed"
        )
    for number, (want, got) in enumerate(zip(original, proposed, strict=True), start=1):
        if _slug(want) == _slug(got):
            continue
        moved_to = next(
            (i for i, s in enumerate(proposed, start=1) if i != number and _slug(s) == _slug(want)),
            None,
        )
        detail = f"; it moved to position {moved_to}" if moved_to else ""
        raise GenStudioError(
            f"{_where(want, number)}: the planner put '{_slug(got)}' in its place "
            f"(scene order of an imported screenplay is locked{detail})"
        )


def check_dialogue_locked(original: list[Scene], proposed: list[Scene]) -> None:
    """Raise `GenStudioError` naming the scene and line if `proposed` changed the screenplay."""
    _check_order(original, proposed)
    for number, (want, got) in enumerate(zip(original, proposed, strict=True), start=1):
        where = _where(want, number)
        for index, (a, b) in enumerate(zip(want.dialogue, got.dialogue, strict=False), start=1):
            if a.character.strip().upper() != b.character.strip().upper():
                raise GenStudioError(
                    f"{where}, line {index}: the screenplay gives {_quote(a)} but the planner "
                    f"gave the line to {b.character} (dialogue is locked)"
                )
            if a.line.strip() != b.line.strip():
                raise GenStudioError(
                    f"{where}, line {index}: the screenplay has {_quote(a)} but the planner "
                    f"wrote {_quote(b)} (dialogue is locked)"
                )
        if len(got.dialogue) < len(want.dialogue):
            missing = want.dialogue[len(got.dialogue)]
            raise GenStudioError(
                f"{where}, line {len(got.dialogue) + 1}: the planner dropped {_quote(missing)} "
                "(dialogue is locked)"
            )
        if len(got.dialogue) > len(want.dialogue):
            extra = got.dialogue[len(want.dialogue)]
            raise GenStudioError(
                f"{where}, line {len(want.dialogue) + 1}: the planner added {_quote(extra)}, "
                "which is not in the screenplay (dialogue is locked)"
            )
