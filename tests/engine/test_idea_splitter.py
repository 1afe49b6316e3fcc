"""The idea splitter: scene count from the target, places and times, names, no lost words."""

from __future__ import annotations

import re

import pytest

from genstudio.models import IntExt
from genstudio.screenplay.idea import detect_language, find_names, scene_count, split_idea

ROBOT = (
    "A lonely robot named Pix wakes up in an abandoned factory at night. "
    "It wanders into the rain-soaked street and finds a stray cat. "
    "Together they climb to the rooftop at dawn.\n\n"
    "Maya, a girl from the bakery, waves at them from her kitchen window."
)
ABUELA = (
    "Lucía vuelve a la casa de su abuela Rosa después de diez años. En la cocina huele a pan "
    "recién hecho. Por la noche bajan a la playa y encienden una hoguera. Rosa le cuenta la "
    "historia del faro mientras las olas llegan despacio."
)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _without_prefixes(beat: str) -> str:
    return re.sub(
        r"^(Closer|A detail|A reaction|Wider|Más cerca|Un detalle|Una reacción|"
        r"Más amplio): ",
        "",
        beat,
    )


@pytest.mark.parametrize(
    ("target", "count"), [(10, 3), (18, 3), (30, 5), (60, 10), (61, 10), (240, 40), (7200, 40)]
)
def test_scene_count_follows_the_target(target: float, count: int) -> None:
    assert scene_count(target) == count
    assert len(split_idea(ROBOT, target)) == count


def test_total_duration_matches_the_target_within_limits() -> None:
    assert sum(s.duration for s in split_idea(ROBOT, 60)) == pytest.approx(60, abs=0.1)
    assert sum(s.duration for s in split_idea(ROBOT, 30)) == pytest.approx(30, abs=0.1)
    short = split_idea(ROBOT, 6)  # 3 scenes can't be shorter than 3 s each
    assert all(s.duration == 3 for s in short)


def test_places_times_and_weather_come_from_the_words() -> None:
    scenes = split_idea(ROBOT, 24)  # 4 scenes, one sentence each
    headings = [(s.heading.int_ext, s.heading.location, s.heading.time_of_day) for s in scenes]
    assert headings == [
        (IntExt.INT, "FACTORY", "NIGHT"),
        (IntExt.EXT, "STREET", "NIGHT"),  # no new time: still night
        (IntExt.EXT, "ROOFTOP", "DAWN"),
        (IntExt.INT, "BAKERY", "DAWN"),
    ]
    assert scenes[1].heading.weather == "RAIN"
    assert scenes[2].heading.weather == ""  # the rain stayed in the street
    assert scenes[0].heading.slug_line() == "INT. FACTORY - NIGHT"


def test_spanish_idea_gets_spanish_places_and_times() -> None:
    assert detect_language(ABUELA) == "es"
    scenes = split_idea(ABUELA, 24)
    headings = [(s.heading.int_ext, s.heading.location, s.heading.time_of_day) for s in scenes]
    assert headings == [
        (IntExt.INT, "CASA", "DÍA"),
        (IntExt.INT, "COCINA", "DÍA"),
        (IntExt.EXT, "PLAYA", "NOCHE"),
        (IntExt.INT, "FARO", "NOCHE"),
    ]
    assert scenes[0].characters == ["Lucía", "Rosa"]
    assert scenes[3].characters == ["Rosa"]


def test_names_skip_sentence_starters_places_and_common_words() -> None:
    text = (
        "Suddenly the Storm hits the harbor. Then Ana and Don Tomás run. The storm passes. "
        "Later, Ana smiles at Tomás in the Kitchen."
    )
    assert find_names(text) == ["Ana", "Tomás"]
    assert find_names(ROBOT) == ["Pix", "Maya"]


def test_no_word_of_the_idea_is_lost_and_order_is_kept() -> None:
    for idea, target in [(ROBOT, 12), (ROBOT, 60), (ABUELA, 18), (ABUELA, 120)]:
        scenes = split_idea(idea, target)
        seen: list[str] = []
        for scene in scenes:
            for beat in scene.beats:
                words = _words(_without_prefixes(beat))
                if seen[-len(words) :] != words:  # a repeated beat adds no new words
                    seen += words
        assert seen == _words(idea)


def test_a_long_idea_is_capped_at_forty_scenes_with_every_sentence() -> None:
    sentences = [f"Scene {i} happens in the park." for i in range(100)]
    scenes = split_idea(" ".join(sentences), 600)
    assert len(scenes) == 40
    assert sum(len(s.beats) for s in scenes) == 100
    assert [b for s in scenes for b in s.beats] == sentences


def test_a_one_line_idea_fills_the_time_with_further_shots() -> None:
    scenes = split_idea("A cat finds a hat.", 30)
    assert [s.beats[0] for s in scenes] == [
        "A cat finds a hat.",
        "Closer: A cat finds a hat.",
        "A detail: A cat finds a hat.",
        "A reaction: A cat finds a hat.",
        "Wider: A cat finds a hat.",
    ]
    assert scenes[0].heading.location == "LANDSCAPE"


def test_splitting_is_deterministic_and_invents_no_dialogue() -> None:
    def dump(target: float) -> list[dict]:
        return [s.model_dump(exclude={"id"}) for s in split_idea(ROBOT, target)]

    assert dump(45) == dump(45)
    assert all(not s.dialogue for s in split_idea(ROBOT, 45))
    assert split_idea("   \n ", 60) == []
