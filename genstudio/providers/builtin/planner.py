"""The builtin planner: offline and deterministic, from a Fountain screenplay or an idea.

The contract with the pipeline (steps 1-4), in one place:

Source. A FOUNTAIN project is parsed from `project.source_text`; an IDEA project is split
from `project.idea` and `project.target_duration` (`screenplay.idea`). When scenes already
exist (`ctx.scenes` is not empty) they win over the source: they are the screenplay as the
user has it now, and every method works on them, in their order, with their ids.

Scene ids. A scene made fresh from the source gets the id `scene_id(project.id, number)`
(a UUID5 of both), so `plan_production`, which runs before any scene exists, names in
`Plan.continuity` exactly the ids that `write_screenplay` then returns. No state is shared
between the calls; the same project always yields the same ids.

Continuity. Scene B continues from the scene A right before it when B's heading says so
(CONTINUOUS, MOMENTS LATER, SAME, CONTINUO/CONTINUA, MOMENTOS DESPUÉS...; plain LATER is a
jump in time, not a continuation) or when A and B share the location (same slug and
INT/EXT) and the time of day. Inferred links are capped at `MAX_INFERRED_CHAIN` in a row:
every link is one more generation from a generated frame (drift) and one more clip that must
wait for the one before it. `plan_production` returns the links in `Plan.continuity`;
`write_screenplay` sets `Scene.continues_from` from `ctx.plan.continuity` when that plan
names any of its scenes (so an edited or remote plan is honoured), else from the same rule.
A link to a scene that is not earlier in the list is dropped.

write_screenplay returns every scene, in order. For each scene that is not `locked`: timing
(`screenplay.timing`; an IDEA scene lasts its share of the target), camera and visual prompt
(`planner_style`; ≤ 1000 characters, never a spoken line) and `continues_from`. Locked scenes
come back untouched. Headings, beats, dialogue text and order are never changed, so a
FOUNTAIN project passes `screenplay.lock.check_dialogue_locked`.

assign_characters returns every character in the scenes (order of appearance) plus any only
in `ctx.plan.characters`, each with a description and a distinct espeak-ng voice for
`project.language` (`planner_cast`); a voice or description already set is kept.
`plan_production` lists the same characters (same voices), keeping what `ctx.plan` had.

create_visual_bible derives style, palette, camera style, tone, lighting and references from
the genre and the text (`planner_looks`).
"""

from __future__ import annotations

import itertools
import uuid

from genstudio.concurrency import run_blocking
from genstudio.errors import GenStudioError
from genstudio.models import (
    Character,
    ContinuityLink,
    Location,
    Plan,
    Scene,
    SourceKind,
    VisualBible,
)
from genstudio.providers.base import PlanContext
from genstudio.providers.builtin.planner_cast import cast
from genstudio.providers.builtin.planner_looks import effective_times, visual_bible
from genstudio.providers.builtin.planner_style import choose_camera, visual_prompt
from genstudio.screenplay.fountain import parse_fountain, to_scenes
from genstudio.screenplay.heading import is_continuity_marker, plain_time_of_day
from genstudio.screenplay.idea import split_idea
from genstudio.screenplay.timing import MAX_VISUAL_SECONDS, MIN_SCENE_SECONDS, plan_scene_timing
from genstudio.workspace import slugify

MAX_INFERRED_CHAIN = 3
_SCENE_IDS = uuid.UUID("6f1d3c52-2b7e-4d0a-9a51-5c3e8f0b7a21")


def scene_id(project_id: str, number: int) -> str:
    """The id of scene `number` when a project's screenplay is made fresh from its source."""
    return uuid.uuid5(_SCENE_IDS, f"{project_id}:{number}").hex


def _place(scene: Scene) -> str:
    location = scene.heading.location.strip()
    return f"{scene.heading.int_ext.value}:{slugify(location)}" if location else ""


def continuity_links(scenes: list[Scene]) -> list[ContinuityLink]:
    """Which scene starts on the last frame of the one before it, and why."""
    links: list[ContinuityLink] = []
    inferred = 0
    for before, scene in itertools.pairwise(scenes):
        when = scene.heading.time_of_day
        if is_continuity_marker(when):
            reason = f"heading says {' '.join(when.split())}"
        elif (
            _place(scene)
            and _place(scene) == _place(before)
            and plain_time_of_day(when) == plain_time_of_day(before.heading.time_of_day)
            and inferred < MAX_INFERRED_CHAIN
        ):
            reason = "same location and time of day"
            inferred += 1
        else:
            inferred = 0
            continue
        links.append(ContinuityLink(scene_id=scene.id, from_scene_id=before.id, reason=reason))
    return links


def source_scenes(ctx: PlanContext) -> list[Scene]:
    """The scenes every method works on (see the module docstring)."""
    if ctx.scenes:
        return [scene.model_copy(deep=True) for scene in ctx.scenes]
    project = ctx.project
    if project.source_kind is SourceKind.FOUNTAIN:
        if not project.source_text.strip():
            raise GenStudioError(f"'{project.title}' was imported from a screenplay with no text")
        scenes = to_scenes(parse_fountain(project.source_text))
        if not scenes:
            raise GenStudioError(f"the screenplay of '{project.title}' has no scenes")
    else:
        if not project.idea.strip():
            raise GenStudioError(f"'{project.title}' has no idea to plan from: write one first")
        scenes = split_idea(project.idea, project.target_duration, language=project.language)
    for scene in scenes:
        scene.id = scene_id(project.id, scene.number)
    return scenes


def _links_for(ctx: PlanContext, scenes: list[Scene]) -> dict[str, str]:
    ids = [s.id for s in scenes]
    planned = ctx.plan.continuity
    if not any(link.scene_id in ids or link.from_scene_id in ids for link in planned):
        planned = continuity_links(scenes)
    position = {sid: index for index, sid in enumerate(ids)}
    return {
        link.scene_id: link.from_scene_id
        for link in planned
        if link.scene_id in position
        and link.from_scene_id in position
        and position[link.from_scene_id] < position[link.scene_id]
    }


def _text(ctx: PlanContext) -> str:
    project = ctx.project
    return project.source_text if project.source_kind is SourceKind.FOUNTAIN else project.idea


def _locations(scenes: list[Scene]) -> list[Location]:
    seen: dict[str, list[Scene]] = {}
    for scene in scenes:
        location = " ".join(scene.heading.location.split())
        if location:
            seen.setdefault(slugify(location), []).append(scene)
    locations = []
    for slug, where in seen.items():
        first = where[0]
        name = " ".join(first.heading.location.split())
        kinds = sorted({s.heading.int_ext.value for s in where if s.heading.int_ext.value})
        times = []
        for s in where:
            t = plain_time_of_day(s.heading.time_of_day)
            if t and t not in times:
                times.append(t)
        numbers = ", ".join(str(s.number) for s in where[:12])
        detail = f"{'/'.join(kinds) or 'Place'} {name}; scenes {numbers}"
        if times:
            detail += f"; {', '.join(times[:4]).lower()}"
        if first.beats:
            detail += f". {' '.join(first.beats[0].split())[:160]}"
        locations.append(Location(slug=slug, name=name, description=detail))
    return locations


class BuiltinPlanner:
    """Deterministic offline planner (name "builtin"); see the module docstring."""

    name = "builtin"

    async def plan_production(self, ctx: PlanContext) -> Plan:
        return await run_blocking(self._plan, ctx)

    async def create_visual_bible(self, ctx: PlanContext) -> VisualBible:
        return await run_blocking(self._bible, ctx)

    async def write_screenplay(self, ctx: PlanContext) -> list[Scene]:
        return await run_blocking(self._screenplay, ctx)

    async def assign_characters(self, ctx: PlanContext) -> list[Character]:
        return await run_blocking(self._characters, ctx)

    # -- the work, off the event loop ------------------------------------------------------

    def _plan(self, ctx: PlanContext) -> Plan:
        scenes = source_scenes(ctx)
        return Plan(
            locations=_locations(scenes),
            characters=cast(scenes, ctx.project.language, list(ctx.plan.characters)),
            continuity=continuity_links(scenes),
        )

    def _bible(self, ctx: PlanContext) -> VisualBible:
        project = ctx.project
        return visual_bible(project.genre, _text(ctx), project.title, source_scenes(ctx))

    def _screenplay(self, ctx: PlanContext) -> list[Scene]:
        project = ctx.project
        scenes = source_scenes(ctx)
        links = _links_for(ctx, scenes)
        share = None
        if project.source_kind is SourceKind.IDEA:
            share = project.target_duration / len(scenes)
            share = min(MAX_VISUAL_SECONDS, max(MIN_SCENE_SECONDS, share))
        bible = ctx.bible if ctx.bible.style else self._bible(ctx)
        descriptions = {c.name: c.description for c in ctx.plan.characters}
        times = effective_times(scenes)
        written: list[Scene] = []
        previous: Scene | None = None
        for index, scene in enumerate(scenes):
            if scene.locked:  # the user froze this card: nothing of it is ours to change
                written.append(scene)
                previous = scene
                continue
            scene.continues_from = links.get(scene.id)
            timed = plan_scene_timing(scene, project.language, visual_seconds=share)
            continues = previous is not None and timed.continues_from == previous.id
            new_place = previous is None or _place(previous) != _place(timed)
            timed.camera = choose_camera(timed, previous, continues, new_place)
            timed.visual_prompt = visual_prompt(timed, times[index], bible, descriptions)
            written.append(timed)
            previous = timed
        return written

    def _characters(self, ctx: PlanContext) -> list[Character]:
        return cast(source_scenes(ctx), ctx.project.language, list(ctx.plan.characters))
