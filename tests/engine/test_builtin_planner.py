"""The builtin planner on the demo screenplays, the corpus and ideas; the dialogue lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from genstudio.errors import GenStudioError
from genstudio.models import (
    Character,
    ContinuityLink,
    Plan,
    Project,
    Scene,
    ShotSize,
    SourceKind,
)
from genstudio.providers.base import PlanContext, Planner
from genstudio.providers.builtin.planner import BuiltinPlanner, continuity_links, scene_id
from genstudio.resources import resource_path
from genstudio.screenplay.fountain import parse_fountain, to_scenes
from genstudio.screenplay.lock import check_dialogue_locked

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "screenplays"


def _fountain_project(name: str, language: str = "en", text: str | None = None) -> Project:
    source = text if text is not None else resource_path(f"samples/{name}").read_text("utf-8")
    return Project(
        title=name, source_kind=SourceKind.FOUNTAIN, source_text=source, language=language
    )


async def _run_all(project: Project) -> tuple[Plan, list[Scene], list[Character]]:
    """Steps 1-4 as the pipeline chains them."""
    planner = BuiltinPlanner()
    plan = await planner.plan_production(PlanContext(project=project))
    bible = await planner.create_visual_bible(PlanContext(project=project, plan=plan))
    scenes = await planner.write_screenplay(PlanContext(project=project, plan=plan, bible=bible))
    people = await planner.assign_characters(
        PlanContext(project=project, plan=plan, bible=bible, scenes=tuple(scenes))
    )
    return plan, scenes, people


def _assert_prompts_clean(scenes: list[Scene]) -> None:
    for scene in scenes:
        assert 0 < len(scene.visual_prompt) <= 1000
        for line in scene.dialogue:
            spoken = " ".join(line.line.split())
            if len(spoken) >= 12:
                assert spoken not in scene.visual_prompt, (scene.number, spoken)


def _espeak_names() -> tuple[set[str], set[str]]:
    espeakng_loader = pytest.importorskip("espeakng_loader")
    root = Path(espeakng_loader.get_data_path())
    languages = {p.name.lower() for p in (root / "lang").rglob("*") if p.is_file()}
    variants = {p.name.lower() for p in (root / "voices" / "!v").iterdir()}
    return languages, variants


def test_builtin_planner_implements_the_protocol() -> None:
    planner = BuiltinPlanner()
    assert isinstance(planner, Planner) and planner.name == "builtin"


@pytest.mark.asyncio
async def test_demo_screenplay_plans_a_short_connected_film() -> None:
    project = _fountain_project("demo.fountain")
    plan, scenes, people = await _run_all(project)
    assert len(scenes) >= 6
    assert 45 <= sum(s.duration for s in scenes) <= 70
    assert sum(1 for s in scenes if s.dialogue) >= 4
    lines = [d for s in scenes for d in s.dialogue]
    assert any(d.extension == "V.O." for d in lines)
    assert any(d.parenthetical for d in lines)
    assert len(plan.locations) >= 2
    assert {loc.slug for loc in plan.locations} >= {"lighthouse-cliff", "lantern-room"}
    # plan_production ran before any scene existed, yet its links name the returned scenes
    assert len(plan.continuity) >= 2
    links = {(link.scene_id, link.from_scene_id) for link in plan.continuity}
    assert links == {(s.id, s.continues_from) for s in scenes if s.continues_from}
    by_id = {s.id: s for s in scenes}
    for scene_id_, from_id in links:
        assert by_id[from_id].number == by_id[scene_id_].number - 1
        assert "CONTINUOUS" in by_id[scene_id_].heading.time_of_day
    assert [c.name for c in people] == ["MARA", "TEO"]
    assert people[0].description.startswith("MARA, seventy")
    _assert_prompts_clean(scenes)


@pytest.mark.asyncio
async def test_planning_is_deterministic() -> None:
    project = _fountain_project("demo.fountain")
    first = await _run_all(project)
    second = await _run_all(project)
    assert first[0] == second[0]
    assert [s.model_dump() for s in first[1]] == [s.model_dump() for s in second[1]]
    assert first[2] == second[2]
    assert first[1][0].id == scene_id(project.id, 1)


@pytest.mark.asyncio
async def test_written_screenplay_passes_the_lock_and_keeps_dialogue_verbatim() -> None:
    for path in sorted(CORPUS.glob("*.fountain")) or pytest.skip("no corpus"):
        text = path.read_text("utf-8")
        original = to_scenes(parse_fountain(text))
        if not original:
            continue
        project = _fountain_project(path.name, text=text)
        scenes = await BuiltinPlanner().write_screenplay(PlanContext(project=project))
        check_dialogue_locked(original, scenes)
        assert [s.heading for s in scenes] == [s.heading for s in original]
        assert [s.beats for s in scenes] == [s.beats for s in original]
        _assert_prompts_clean(scenes)


def test_lock_names_the_scene_and_line_of_a_changed_line() -> None:
    original = to_scenes(parse_fountain(resource_path("samples/demo.fountain").read_text()))
    changed = [s.model_copy(deep=True) for s in original]
    changed[3].dialogue[1].line = "Why the tenth?"
    with pytest.raises(GenStudioError, match=r"scene 4 \(INT\. STAIRWELL - CONTINUOUS\), line 2"):
        check_dialogue_locked(original, changed)
    speaker = [s.model_copy(deep=True) for s in original]
    speaker[3].dialogue[1].character = "MARA"
    with pytest.raises(GenStudioError, match="gave the line to MARA"):
        check_dialogue_locked(original, speaker)
    dropped = [s.model_copy(deep=True) for s in original]
    dropped[4].dialogue.pop()
    with pytest.raises(GenStudioError, match=r"scene 5 .* line 2: the planner dropped"):
        check_dialogue_locked(original, dropped)
    swapped = [s.model_copy(deep=True) for s in original]
    swapped[6].dialogue.reverse()
    with pytest.raises(GenStudioError, match="scene 7"):
        check_dialogue_locked(original, swapped)


def test_lock_rejects_reordered_added_or_removed_scenes() -> None:
    original = to_scenes(parse_fountain(resource_path("samples/demo.fountain").read_text()))
    reordered = [original[0], original[2], original[1], *original[3:]]
    with pytest.raises(GenStudioError, match=r"scene 2 .*moved to position 3"):
        check_dialogue_locked(original, reordered)
    with pytest.raises(GenStudioError, match=r"returned 7 scenes .* has 8"):
        check_dialogue_locked(original, original[:-1])
    extra = Scene(number=9, beats=["An extra scene."])
    with pytest.raises(GenStudioError, match="cannot be added or removed"):
        check_dialogue_locked(original, [*original, extra])


def test_lock_allows_camera_prompt_beats_and_timing_changes() -> None:
    original = to_scenes(parse_fountain(resource_path("samples/demo.fountain").read_text()))
    dressed = [s.model_copy(deep=True) for s in original]
    for scene in dressed:
        scene.camera.shot_size = ShotSize.EXTREME_CLOSE_UP
        scene.visual_prompt = "a new prompt"
        scene.beats = [*scene.beats, "Extra enrichment."]
        scene.duration = 12.0
        for line in scene.dialogue:
            line.start, line.emotion, line.line = 1.0, "calm", f"  {line.line} "
    check_dialogue_locked(original, dressed)


@pytest.mark.asyncio
async def test_spanish_project_gets_distinct_spanish_voices_that_espeak_has() -> None:
    languages, variants = _espeak_names()
    project = _fountain_project("demo_es.fountain", language="es")
    plan, scenes, people = await _run_all(project)
    assert len(scenes) >= 4 and any(s.continues_from for s in scenes)
    assert [c.name for c in people] == ["LUCÍA", "ABUELA ROSA"]
    voices = [c.voice for c in people]
    assert len(set(voices)) == len(voices)
    speech = pytest.importorskip("genstudio.providers.builtin.speech")
    for voice in voices:
        base, variant = voice.split("+")
        assert base in {"es", "es-419"} and base in languages
        assert variant in variants and variant.startswith("f")  # both women
        assert speech.resolve_voice(voice, "es") == voice  # the builtin speech uses it as is
    assert plan.characters == people


@pytest.mark.asyncio
async def test_english_cast_voices_differ_and_exist(corpus_dir: Path) -> None:
    languages, variants = _espeak_names()
    text = (corpus_dir / "big_fish.fountain").read_text("utf-8")
    project = _fountain_project("big_fish", text=text)
    people = await BuiltinPlanner().assign_characters(PlanContext(project=project))
    voices = [c.voice for c in people]
    # 24 male and 30 female combinations: a 48-strong cast repeats only a few bit parts
    assert len(people) >= 40 and len(set(voices)) >= 40
    leads = ["EDWARD", "WILL", "SANDRA", "JOSEPHINE", "JENNY", "AMOS", "KARL", "DON PRICE"]
    by_name = {c.name: c.voice for c in people}
    assert len({by_name[n] for n in leads}) == len(leads)
    speech = pytest.importorskip("genstudio.providers.builtin.speech")
    for voice in voices:
        base, variant = voice.split("+")
        assert base.startswith("en") and base in languages and variant in variants
        assert speech.resolve_voice(voice, "en") == voice
    assert by_name["SANDRA"].endswith(("f1", "f2", "f3", "f4", "f5"))
    assert by_name["EDWARD"].split("+")[1].startswith("m")


@pytest.mark.asyncio
async def test_existing_scenes_keep_their_ids_order_and_locks() -> None:
    project = _fountain_project("demo.fountain")
    planner = BuiltinPlanner()
    first = await planner.write_screenplay(PlanContext(project=project))
    edited = [s.model_copy(deep=True) for s in first]
    for index, scene in enumerate(edited):
        scene.id = f"user-{index}"
        scene.continues_from = None
    edited[1].locked = True
    edited[1].visual_prompt = "kept as the user wrote it"
    again = await planner.write_screenplay(PlanContext(project=project, scenes=tuple(edited)))
    assert [s.id for s in again] == [s.id for s in edited]
    assert again[1] == edited[1]
    assert again[3].continues_from == "user-2"  # the rule, applied to the user's ids
    plan = Plan(continuity=[ContinuityLink(scene_id="user-6", from_scene_id="user-5")])
    ruled = await planner.write_screenplay(
        PlanContext(project=project, plan=plan, scenes=tuple(edited))
    )
    assert [s.continues_from for s in ruled if s.continues_from] == ["user-5"]


@pytest.mark.asyncio
async def test_idea_project_follows_target_and_links_same_place_scenes() -> None:
    project = Project(
        title="Pix",
        idea=(
            "A lonely robot named Pix wakes up in an abandoned factory at night. It sorts "
            "bolts by colour. It sings to the machines. It finds a door. Outside, the street "
            "is wet with rain and a stray cat watches. At dawn they share the rooftop."
        ),
        target_duration=60,
        genre="sci-fi",
    )
    plan, scenes, people = await _run_all(project)
    assert len(scenes) == 10
    assert sum(s.duration for s in scenes) == pytest.approx(60, abs=0.1)
    assert plan.continuity == continuity_links(scenes)
    factory = [s for s in scenes if s.heading.location == "FACTORY"]
    assert len(factory) >= 4 and factory[1].continues_from == factory[0].id
    run = longest = 0
    for scene in scenes:
        run = run + 1 if scene.continues_from else 0
        longest = max(longest, run)
    assert longest == 3  # inferred chains are capped: drift and serial renders stay bounded
    assert not scenes[0].continues_from
    assert scenes[-1].heading.location == "ROOFTOP" and not scenes[-1].continues_from
    assert scenes[0].camera.shot_size in (ShotSize.WIDE, ShotSize.MEDIUM)
    assert [c.name for c in people] == ["Pix"]
    bible = await BuiltinPlanner().create_visual_bible(PlanContext(project=project))
    assert "science-fiction" in bible.style and len(bible.palette) == 5
    _assert_prompts_clean(scenes)


@pytest.mark.asyncio
async def test_visual_bible_follows_genre_and_setting() -> None:
    planner = BuiltinPlanner()
    noir = Project(title="Rain", idea="A detective waits in the rain by the harbor.", genre="noir")
    comedy = Project(title="Cake", idea="A wedding cake falls on the groom.", genre="comedia")
    noir_bible = await planner.create_visual_bible(PlanContext(project=noir))
    comedy_bible = await planner.create_visual_bible(PlanContext(project=comedy))
    assert noir_bible.palette[0] == "#0b1a2e" and "noir" in noir_bible.style
    assert noir_bible.palette[-1] == "#3a7ca5"  # the harbor tints the accent
    assert comedy_bible.palette[0] == "#f4a259" and "warm" in comedy_bible.emotional_tone
    unknown = Project(title="X", idea="A ghost drifts through the house, blood on the stairs.")
    assert "horror" in (await planner.create_visual_bible(PlanContext(project=unknown))).style
    for bible in (noir_bible, comedy_bible):
        assert all(c.startswith("#") and len(c) == 7 for c in bible.palette)


@pytest.mark.asyncio
async def test_empty_sources_are_reported() -> None:
    planner = BuiltinPlanner()
    with pytest.raises(GenStudioError, match="no idea to plan from"):
        await planner.write_screenplay(PlanContext(project=Project(title="Blank")))
    empty = _fountain_project("x", text="")
    with pytest.raises(GenStudioError, match="no text"):
        await planner.plan_production(PlanContext(project=empty))
