"""`LLMPlanner`: the `Planner` role on any `JsonLLM` (OpenAI-compatible or Anthropic).

Each method asks `llm_common.structured` for a small draft model (only the fields a model
should write: no ids, approvals or statuses) and turns it into domain models, following the
builtin planner's contract (see `builtin/planner.py`): fresh scenes get the deterministic id
`scene_id(project.id, number)`, so `Plan.continuity` written before the screenplay names the
very ids `write_screenplay` returns.

An imported screenplay (FOUNTAIN) starts from the parsed screenplay; the model only fills
camera, visual prompt and beats, per scene, in batches of `BATCH` scenes (a feature-length
script does not fit one answer). It never sees a field to change dialogue in, and the result
still goes through `screenplay.lock.check_dialogue_locked`. Locked cards of the current
storyboard are kept as they are.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from genstudio.errors import GenStudioError
from genstudio.models import (
    Character,
    ContinuityLink,
    DialogueLine,
    Location,
    Plan,
    Scene,
    SceneHeading,
    SourceKind,
    VisualBible,
)
from genstudio.providers.base import PlanContext
from genstudio.providers.llm_common import JsonLLM, structured
from genstudio.providers.llm_drafts import (
    BibleDraft,
    CastDraft,
    DirectionsDraft,
    PlanDraft,
    ScreenplayDraft,
)
from genstudio.workspace import slugify

BATCH = 12  # scenes per call when dressing an imported screenplay
SCENE_SECONDS = 6.0  # a typical generated shot; sets the scene count of an idea
MAX_IDEA_SCENES = 40
_HEX = re.compile(r"#[0-9a-fA-F]{6}")

SYSTEM = (
    "You are the pre-production team of a short-film studio that generates every shot with "
    "image-to-video models. Answer only through the given JSON schema. Visual prompts describe "
    "what the camera sees (subjects, setting, light, motion) in at most 1000 characters and "
    "never contain spoken lines. Use the project's language for names and dialogue."
)


# -- helpers ----------------------------------------------------------------------------------


def _scene_text(scene: Scene, limit: int = 1500) -> str:
    lines = [f"Scene {scene.number}: {scene.heading.slug_line() or '(no heading)'}"]
    lines += [f"  action: {beat}" for beat in scene.beats]
    lines += [
        f"  {d.character}" + (f" ({d.parenthetical})" if d.parenthetical else "") + f": {d.line}"
        for d in scene.dialogue
    ]
    text = "\n".join(lines)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _project_brief(ctx: PlanContext) -> str:
    p = ctx.project
    return (
        f"Title: {p.title}\nGenre: {p.genre or 'unspecified'}\nLanguage: {p.language}\n"
        f"Aspect: {p.aspect.value}\nTarget duration: {p.target_duration:.0f} s\n"
    )


def _bible_text(bible: VisualBible) -> str:
    if not bible.style:
        return ""
    return (
        f"Visual bible: style {bible.style}; palette {', '.join(bible.palette)}; camera "
        f"{bible.camera_style}; tone {bible.emotional_tone}; lighting {bible.lighting}\n"
    )


def _speakers(scenes: Sequence[Scene]) -> list[str]:
    seen: dict[str, str] = {}
    for scene in scenes:
        for name in [*scene.characters, *(d.character for d in scene.dialogue)]:
            seen.setdefault(name.strip().upper(), name.strip())
    return [n for n in seen.values() if n]


def _missing(names: Sequence[str], have: Sequence[str]) -> list[str]:
    got = {h.strip().upper() for h in have}
    return [n for n in names if n.strip().upper() not in got]


class LLMPlanner:
    """Planner on an LLM. `voices`: (voice id, description) pairs the speech provider offers;
    when given, `assign_characters` picks from them."""

    def __init__(
        self, llm: JsonLLM, *, name: str = "llm", voices: Sequence[tuple[str, str]] = ()
    ) -> None:
        self.llm = llm
        self.name = name
        self.voices = list(voices)

    def __repr__(self) -> str:
        return f"LLMPlanner({self.llm!r})"

    # -- sources ------------------------------------------------------------------------------

    def _parsed(self, ctx: PlanContext) -> list[Scene]:
        """The imported screenplay as fresh scenes (deterministic ids)."""
        from genstudio.providers.builtin.planner import scene_id
        from genstudio.screenplay.fountain import parse_fountain, to_scenes

        project = ctx.project
        scenes = to_scenes(parse_fountain(project.source_text))
        if not scenes:
            raise GenStudioError(f"the screenplay of '{project.title}' has no scenes")
        for scene in scenes:
            scene.id = scene_id(project.id, scene.number)
        return scenes

    def _known_scenes(self, ctx: PlanContext) -> list[Scene]:
        if ctx.scenes:
            return list(ctx.scenes)
        if ctx.project.source_kind is SourceKind.FOUNTAIN:
            return self._parsed(ctx)
        return []

    # -- Planner ------------------------------------------------------------------------------

    async def plan_production(self, ctx: PlanContext) -> Plan:
        scenes = self._known_scenes(ctx)
        speakers = _speakers(scenes)
        if scenes:
            source = "Screenplay:\n" + "\n".join(_scene_text(s, 400) for s in scenes)
        else:
            source = f"Idea:\n{ctx.project.idea}"
        user = f"{_project_brief(ctx)}\n{source}\n\nList every location and every character. " + (
            "For continuity, list scenes that start exactly where the previous shot "
            "ends (same place, continuous time)."
            if scenes
            else "Leave continuity empty (there are no scenes yet)."
        )

        def check(draft: PlanDraft) -> list[str]:
            problems = [
                f"character {n} speaks or appears but is missing"
                for n in _missing(speakers, [c.name for c in draft.characters])
            ]
            for link in draft.continuity:
                if not 1 <= link.from_scene < link.scene <= len(scenes):
                    problems.append(
                        f"continuity {link.from_scene}->{link.scene} is not an earlier scene"
                    )
            return problems

        draft = await structured(self.llm, PlanDraft, SYSTEM, user, check=check)
        kept = {c.name.strip().upper(): c for c in ctx.plan.characters}
        characters = [
            kept.get(c.name.strip().upper())
            or Character(name=c.name.strip(), description=c.description)
            for c in draft.characters
        ]
        locations: dict[str, Location] = {}
        for loc in draft.locations:
            slug = slugify(loc.name)
            locations.setdefault(
                slug, Location(slug=slug, name=loc.name, description=loc.description)
            )
        links = [
            ContinuityLink(
                scene_id=scenes[link.scene - 1].id,
                from_scene_id=scenes[link.from_scene - 1].id,
                reason=link.reason,
            )
            for link in draft.continuity
        ]
        return Plan(locations=list(locations.values()), characters=characters, continuity=links)

    async def create_visual_bible(self, ctx: PlanContext) -> VisualBible:
        scenes = self._known_scenes(ctx)
        source = ctx.project.idea or "\n".join(_scene_text(s, 300) for s in scenes[:30])
        user = f"{_project_brief(ctx)}\n{source}\n\nWrite the visual bible for this film."
        draft = await structured(
            self.llm,
            BibleDraft,
            SYSTEM,
            user,
            check=lambda d: [
                f"palette colour {c!r} is not #rrggbb" for c in d.palette if not _HEX.fullmatch(c)
            ],
        )
        return VisualBible(**draft.model_dump())

    async def write_screenplay(self, ctx: PlanContext) -> list[Scene]:
        if ctx.project.source_kind is SourceKind.FOUNTAIN:
            return await self._dress_screenplay(ctx)
        return await self._write_from_idea(ctx)

    async def assign_characters(self, ctx: PlanContext) -> list[Character]:
        scenes = self._known_scenes(ctx)
        names = _speakers(scenes) + _missing(
            [c.name for c in ctx.plan.characters], _speakers(scenes)
        )
        offered = {v for v, _ in self.voices}
        kept = {c.name.strip().upper(): c for c in ctx.plan.characters}
        voices = "\n".join(f"- {vid}: {desc}" for vid, desc in self.voices)
        user = (
            f"{_project_brief(ctx)}\nCharacters: {', '.join(names)}\n"
            + "\n".join(f"{c.name}: {c.description}" for c in ctx.plan.characters)
            + (
                f"\n\nVoices offered:\n{voices}\nGive each speaking character a fitting voice id; "
                "distinct voices where possible."
                if voices
                else "\n\nLeave voice empty."
            )
        )

        def check(draft: CastDraft) -> list[str]:
            problems = [
                f"character {n} is missing"
                for n in _missing(names, [c.name for c in draft.characters])
            ]
            problems += [
                f"{c.name}: voice {c.voice!r} is not one of the offered ids"
                for c in draft.characters
                if c.voice and c.voice not in offered
            ]
            return problems

        draft = await structured(self.llm, CastDraft, SYSTEM, user, check=check)
        cast: list[Character] = []
        for member in draft.characters:
            before = kept.get(member.name.strip().upper())
            cast.append(
                Character(
                    name=before.name if before else member.name.strip(),
                    description=(
                        before.description if before and before.description else member.description
                    ),
                    voice=(before.voice if before and before.voice else member.voice),
                    reference_image=before.reference_image if before else None,
                )
            )
        return cast

    # -- screenplay ---------------------------------------------------------------------------

    async def _dress_screenplay(self, ctx: PlanContext) -> list[Scene]:
        from genstudio.screenplay.lock import check_dialogue_locked

        original = self._parsed(ctx)
        current = list(ctx.scenes) if len(ctx.scenes) == len(original) else []
        scenes = [s.model_copy(deep=True) for s in original]
        for scene, mine in zip(scenes, current, strict=False):
            scene.id = mine.id  # the storyboard's cards keep their ids (takes hang off them)
        todo = [s for i, s in enumerate(scenes) if not (current and current[i].locked)]
        bible = _bible_text(ctx.bible)
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            numbers = [s.number for s in batch]
            user = (
                f"{_project_brief(ctx)}{bible}\nFor each scene below give beats (visible "
                "action only), a camera (shot size, angle, movement) and a visual prompt. "
                f"Answer for exactly scenes {numbers}, in this order.\n\n"
                + "\n\n".join(_scene_text(s) for s in batch)
            )

            def check(draft: DirectionsDraft, numbers: list[int] = numbers) -> list[str]:
                got = [d.number for d in draft.scenes]
                return [] if got == numbers else [f"scenes must be exactly {numbers}, got {got}"]

            draft = await structured(self.llm, DirectionsDraft, SYSTEM, user, check=check)
            for scene, direction in zip(batch, draft.scenes, strict=True):
                scene.camera = direction.camera
                scene.visual_prompt = direction.visual_prompt
                if direction.beats:
                    scene.beats = direction.beats
        for index, mine in enumerate(current):
            if mine.locked:
                scenes[index] = mine.model_copy(deep=True)
        self._link(ctx, scenes)
        check_dialogue_locked(original, scenes)  # by construction; a regression must not pass
        return scenes

    async def _write_from_idea(self, ctx: PlanContext) -> list[Scene]:
        from genstudio.providers.builtin.planner import scene_id

        project = ctx.project
        if not project.idea.strip():
            raise GenStudioError(f"'{project.title}' has no idea to plan from: write one first")
        count = max(1, min(MAX_IDEA_SCENES, round(project.target_duration / SCENE_SECONDS)))
        low, high = max(1, math.floor(count * 0.75)), math.ceil(count * 1.25)
        cast = "\n".join(f"{c.name}: {c.description}" for c in ctx.plan.characters)
        places = "\n".join(f"{loc.name}: {loc.description}" for loc in ctx.plan.locations)
        user = (
            f"{_project_brief(ctx)}{_bible_text(ctx.bible)}\nIdea:\n{project.idea}\n\n"
            f"Characters:\n{cast or '(free)'}\nLocations:\n{places or '(free)'}\n\n"
            f"Write about {count} scenes whose durations add up to about "
            f"{project.target_duration:.0f} s."
        )

        def check(draft: ScreenplayDraft) -> list[str]:
            problems = []
            if not low <= len(draft.scenes) <= high:
                problems.append(f"write {low}-{high} scenes, not {len(draft.scenes)}")
            for number, scene in enumerate(draft.scenes, start=1):
                link = scene.continues_from_scene
                if link is not None and not 1 <= link < number:
                    problems.append(
                        f"scene {number}: continues_from_scene must be an earlier scene"
                    )
            return problems

        draft = await structured(self.llm, ScreenplayDraft, SYSTEM, user, check=check)
        scenes: list[Scene] = []
        for number, item in enumerate(draft.scenes, start=1):
            scenes.append(
                Scene(
                    id=scene_id(project.id, number),
                    number=number,
                    heading=SceneHeading(**item.heading.model_dump()),
                    characters=item.characters,
                    beats=item.beats,
                    dialogue=[DialogueLine(**d.model_dump()) for d in item.dialogue],
                    camera=item.camera,
                    duration=item.duration,
                    visual_prompt=item.visual_prompt,
                )
            )
        for scene, item in zip(scenes, draft.scenes, strict=True):
            if item.continues_from_scene:
                scene.continues_from = scenes[item.continues_from_scene - 1].id
        return scenes

    @staticmethod
    def _link(ctx: PlanContext, scenes: list[Scene]) -> None:
        """`continues_from` from the plan's continuity, for links between these scenes."""
        position = {s.id: i for i, s in enumerate(scenes)}
        for link in ctx.plan.continuity:
            a, b = position.get(link.from_scene_id), position.get(link.scene_id)
            if a is not None and b is not None and a < b and not scenes[b].locked:
                scenes[b].continues_from = link.from_scene_id
