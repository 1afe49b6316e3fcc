"""LLMPlanner on a scripted JsonLLM: drafts → domain models, Fountain dialogue stays locked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from genstudio.errors import ProviderError
from genstudio.models import (
    Character,
    ContinuityLink,
    Plan,
    Project,
    Scene,
    SourceKind,
    VisualBible,
)
from genstudio.providers.base import PlanContext, Planner
from genstudio.providers.llm_common import LLMReply, SchemaSpec
from genstudio.providers.llm_planner import LLMPlanner
from genstudio.screenplay.fountain import parse_fountain, to_scenes

FOUNTAIN = """Title: Harbour

EXT. HARBOUR - NIGHT

Rain on the quay. ANA waits under a crane.

ANA
(quietly)
He's late.

BEN
I'm here.

INT. HARBOUR OFFICE - CONTINUOUS

A desk lamp flickers.

BEN
Sit down, Ana.
"""


@dataclass
class ScriptedLLM:
    """Answers from a list; records what it was asked."""

    answers: list[Any]
    name: str = "scripted"
    model: str = "m1"
    asked: list[tuple[str, list[dict[str, str]], SchemaSpec]] = field(default_factory=list)

    async def generate_json(self, system, messages, spec) -> LLMReply:
        self.asked.append((system, [dict(m) for m in messages], spec))
        answer = self.answers.pop(0)
        if callable(answer):
            answer = answer(messages)
        return LLMReply(answer, str(answer))


def fountain_project() -> Project:
    return Project(title="Harbour", source_kind=SourceKind.FOUNTAIN, source_text=FOUNTAIN)


def direction(number: int, prompt: str) -> dict[str, Any]:
    return {
        "number": number,
        "beats": [f"beat of {number}"],
        "camera": {"shot_size": "wide", "angle": "low", "movement": "push_in"},
        "visual_prompt": prompt,
    }


@pytest.mark.asyncio
async def test_fountain_screenplay_is_dressed_but_never_rewritten() -> None:
    llm = ScriptedLLM([{"scenes": [direction(1, "rain, crane"), direction(2, "lamp, desk")]}])
    planner = LLMPlanner(llm)
    assert isinstance(planner, Planner)
    project = fountain_project()
    scenes = await planner.write_screenplay(PlanContext(project=project))
    original = to_scenes(parse_fountain(FOUNTAIN))
    assert [s.dialogue for s in scenes] == [s.dialogue for s in original]
    assert [s.heading for s in scenes] == [s.heading for s in original]
    assert scenes[0].visual_prompt == "rain, crane" and scenes[1].camera.movement == "push_in"
    assert scenes[0].beats == ["beat of 1"] and all(s.dialogue_locked for s in scenes)
    # the model is shown the dialogue for context but has no field to change it in
    spec = llm.asked[0][2]
    fields = set(spec.schema["$defs"]["DirectionDraft"]["properties"])
    assert fields == {"number", "beats", "camera", "visual_prompt"}
    assert "He's late." in llm.asked[0][1][0]["content"]
    assert len({s.id for s in scenes}) == 2


@pytest.mark.asyncio
async def test_wrong_scene_numbers_get_one_repair_then_a_clear_error() -> None:
    wrong = {"scenes": [direction(2, "a"), direction(1, "b")]}
    llm = ScriptedLLM([wrong, wrong])
    with pytest.raises(ProviderError, match=r"scenes must be exactly \[1, 2\], got \[2, 1\]"):
        await LLMPlanner(llm).write_screenplay(PlanContext(project=fountain_project()))
    assert len(llm.asked) == 2
    assert "scenes must be exactly [1, 2]" in llm.asked[1][1][-1]["content"]


@pytest.mark.asyncio
async def test_plan_maps_continuity_onto_the_screenplay_scene_ids() -> None:
    plan_answer = {
        "locations": [
            {"name": "Harbour", "description": "wet quay, cranes"},
            {"name": "Harbour office", "description": "cramped, lamp-lit"},
        ],
        "characters": [{"name": "ANA", "description": "30s, raincoat"}],
        "continuity": [{"scene": 2, "from_scene": 1, "reason": "CONTINUOUS"}],
    }
    fixed = {
        **plan_answer,
        "characters": [*plan_answer["characters"], {"name": "BEN", "description": "40s"}],
    }
    llm = ScriptedLLM([plan_answer, fixed])  # BEN missing: repaired once
    planner = LLMPlanner(llm)
    project = fountain_project()
    plan = await planner.plan_production(PlanContext(project=project))
    assert "character BEN speaks or appears but is missing" in llm.asked[1][1][-1]["content"]
    assert [loc.slug for loc in plan.locations] == ["harbour", "harbour-office"]
    assert [c.name for c in plan.characters] == ["ANA", "BEN"]
    llm.answers = [{"scenes": [direction(1, "x"), direction(2, "y")]}]
    scenes = await planner.write_screenplay(PlanContext(project=project, plan=plan))
    assert plan.continuity == [
        ContinuityLink(scene_id=scenes[1].id, from_scene_id=scenes[0].id, reason="CONTINUOUS")
    ]
    assert scenes[1].continues_from == scenes[0].id and scenes[0].continues_from is None


@pytest.mark.asyncio
async def test_locked_cards_are_kept_and_not_sent() -> None:
    project = fountain_project()
    current = to_scenes(parse_fountain(FOUNTAIN))
    current[0].visual_prompt, current[0].locked = "the user's own prompt", True
    llm = ScriptedLLM([{"scenes": [direction(2, "new")]}])
    scenes = await LLMPlanner(llm).write_screenplay(
        PlanContext(project=project, scenes=tuple(current))
    )
    assert scenes[0].visual_prompt == "the user's own prompt" and scenes[1].visual_prompt == "new"
    assert [s.id for s in scenes] == [s.id for s in current]
    assert "exactly scenes [2]" in llm.asked[0][1][0]["content"]


@pytest.mark.asyncio
async def test_idea_screenplay_bible_and_cast() -> None:
    project = Project(title="Lamp", idea="A lighthouse keeper finds a letter.", target_duration=12)
    scene = {
        "heading": {"int_ext": "EXT", "location": "Lighthouse", "time_of_day": "DAWN"},
        "characters": ["MARA"],
        "beats": ["Mara climbs the stairs."],
        "dialogue": [{"character": "MARA", "line": "Who sent this?", "emotion": None}],
        "camera": {"shot_size": "wide", "angle": "eye level", "movement": "tilt_up"},
        "duration": 6,
        "visual_prompt": "a white lighthouse at dawn",
        "continues_from_scene": None,
    }
    llm = ScriptedLLM(
        [
            {"scenes": [scene, {**scene, "continues_from_scene": 1}]},
            {
                "style": "painterly",
                "palette": ["#112233", "blue"],
                "camera_style": "slow",
                "emotional_tone": "quiet",
                "lighting": "dawn",
                "references": [],
            },
            {
                "style": "painterly",
                "palette": ["#112233", "#aabbcc"],
                "camera_style": "slow",
                "emotional_tone": "quiet",
                "lighting": "dawn",
                "references": None,
            },
        ]
    )
    planner = LLMPlanner(llm, voices=[("v1", "calm female"), ("v2", "gruff male")])
    scenes = await planner.write_screenplay(PlanContext(project=project))
    assert [s.number for s in scenes] == [1, 2] and scenes[1].continues_from == scenes[0].id
    assert scenes[0].dialogue[0].line == "Who sent this?" and scenes[0].dialogue[0].emotion == ""
    bible = await planner.create_visual_bible(PlanContext(project=project))
    assert isinstance(bible, VisualBible) and bible.palette == ["#112233", "#aabbcc"]
    assert "'blue' is not #rrggbb" in llm.asked[2][1][-1]["content"]

    llm.answers = [
        {"characters": [{"name": "MARA", "description": "keeper", "voice": "v9"}]},
        {"characters": [{"name": "MARA", "description": "keeper", "voice": "v1"}]},
    ]
    plan = Plan(characters=[Character(name="Mara", description="the keeper, 60")])
    cast = await planner.assign_characters(
        PlanContext(project=project, plan=plan, scenes=tuple(scenes))
    )
    assert "voice 'v9' is not one of the offered ids" in llm.asked[-1][1][-1]["content"]
    assert cast == [Character(name="Mara", description="the keeper, 60", voice="v1")]


@pytest.mark.asyncio
async def test_idea_scene_count_follows_the_target_duration() -> None:
    project = Project(title="Long", idea="A chase.", target_duration=60)  # ~10 scenes
    one = {
        "heading": {"int_ext": "EXT", "location": "Street", "time_of_day": "DAY"},
        "characters": [],
        "beats": ["run"],
        "camera": {"shot_size": "wide", "angle": "eye level", "movement": "static"},
        "duration": 6,
        "visual_prompt": "street",
    }
    llm = ScriptedLLM([{"scenes": [one] * 2}, {"scenes": [one] * 3}])
    with pytest.raises(ProviderError, match="write 7-13 scenes, not 3"):
        await LLMPlanner(llm).write_screenplay(PlanContext(project=project))
    assert isinstance(Scene(number=1), Scene)
