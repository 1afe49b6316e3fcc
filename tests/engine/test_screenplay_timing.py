"""Timing estimates: conservative against real espeak speech, scenes laid out as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from genstudio.models import DialogueLine, Scene
from genstudio.providers.base import SpeechRequest
from genstudio.resources import resource_path
from genstudio.screenplay.fountain import parse_fountain
from genstudio.screenplay.timing import (
    GAP,
    LEAD_IN,
    MAX_VISUAL_SECONDS,
    MIN_SCENE_SECONDS,
    TAIL,
    estimate_action_seconds,
    estimate_speech_seconds,
    plan_scene_timing,
)


def _line(text: str, character: str = "ANA", **extra) -> DialogueLine:
    return DialogueLine(character=character, line=text, **extra)


@pytest.mark.asyncio
async def test_estimates_are_never_shorter_than_real_builtin_speech(tmp_path: Path) -> None:
    speech_module = pytest.importorskip("genstudio.providers.builtin.speech")
    speech = speech_module.BuiltinSpeech()
    cases: list[tuple[DialogueLine, str, str]] = []
    for name, language, voice in [
        ("demo.fountain", "en", "en-us+m3"),
        ("demo_es.fountain", "es", "es+f2"),
    ]:
        parsed = parse_fountain(resource_path(f"samples/{name}").read_text("utf-8"))
        cases += [(d, language, voice) for s in parsed.scenes for d in s.dialogue]
    cases += [
        (_line("Mmm."), "en", "en+f1"),
        (_line("Oh.  Oh.  Yes."), "en", "en-gb-x-rp+m1"),
        (_line("Everyone's coming after you, mate!  Scorpio, Sparrow, the lot."), "en", "en+m4"),
        (_line("I never wanted this, not for you.", emotion="sad", delivery="slowly"), "en",
         "en-us+m2"),
        (_line("Te lo dije mil veces.", delivery="susurrando"), "es", "es-419+m1"),
    ]  # fmt: skip
    ratios = []
    for index, (line, language, voice) in enumerate(cases):
        result = await speech.synthesize(
            SpeechRequest(
                text=line.line,
                out_path=tmp_path / f"{index}.wav",
                voice=voice,
                language=language,
                emotion=line.emotion,
                delivery=line.delivery,
            )
        )
        estimate = estimate_speech_seconds(line.line, language, line.emotion, line.delivery)
        assert result.duration is not None
        assert estimate >= result.duration, (line.line, estimate, result.duration)
        ratios.append(estimate / result.duration)
    ratios.sort()
    assert ratios[len(ratios) // 2] < 1.6  # conservative, not wildly padded


def test_speech_estimate_grows_with_text_pauses_and_slow_delivery() -> None:
    short = estimate_speech_seconds("Yes.")
    sentence = estimate_speech_seconds("I will wait for you at the station tonight.")
    two = estimate_speech_seconds("I will wait. For you, at the station, tonight.")
    assert 0.5 <= short < sentence < two
    assert estimate_speech_seconds("   ") == 0.0
    plain = estimate_speech_seconds("I never wanted this.")
    assert estimate_speech_seconds("I never wanted this.", "en", "sad") > plain
    assert estimate_speech_seconds("I never wanted this.", "en", "", "whispering") > plain
    assert estimate_speech_seconds("I never wanted this.", "en", "angry") == plain


def test_scene_lines_are_sequential_after_a_lead_in() -> None:
    scene = Scene(
        number=1,
        beats=["Two friends argue."],
        dialogue=[_line("Where were you?"), _line("Out.", "BEN"), _line("All night?")],
    )
    timed = plan_scene_timing(scene)
    assert scene.dialogue[0].start is None  # the input is left alone
    starts = [d.start for d in timed.dialogue]
    assert starts[0] == LEAD_IN
    for before, after in zip(timed.dialogue, timed.dialogue[1:], strict=False):
        assert after.start == pytest.approx(before.start + before.duration + GAP, abs=0.011)
    last = timed.dialogue[-1]
    assert timed.duration == pytest.approx(
        max(MIN_SCENE_SECONDS, last.start + last.duration + TAIL), abs=0.011
    )
    assert plan_scene_timing(scene) == timed  # deterministic


def test_dual_dialogue_is_spoken_at_once() -> None:
    scene = Scene(
        number=1,
        dialogue=[
            _line("Hello.", "ADAM"),
            _line("I love you.", "ADAM", dual=True),
            _line("You're so stupid.", "EVE", dual=True),
            _line("Well.", "ADAM"),
        ],
    )
    hello, left, right, after = plan_scene_timing(scene).dialogue
    assert left.start == right.start > hello.start
    assert after.start == pytest.approx(
        max(left.start + left.duration, right.start + right.duration) + GAP, abs=0.011
    )


def test_scene_duration_minimum_visual_cap_and_speech_is_never_cut() -> None:
    empty = plan_scene_timing(Scene(number=1))
    assert empty.duration == MIN_SCENE_SECONDS
    epic = plan_scene_timing(Scene(number=1, beats=["word " * 400]))
    assert estimate_action_seconds(epic.beats) > 60
    assert epic.duration == MAX_VISUAL_SECONDS
    monologue = Scene(number=1, dialogue=[_line("And then I walked on. " * 30)])
    timed = plan_scene_timing(monologue)
    spoken_end = timed.dialogue[0].start + timed.dialogue[0].duration
    assert timed.duration > MAX_VISUAL_SECONDS
    assert timed.duration == pytest.approx(spoken_end + TAIL, abs=0.011)
    marathon = Scene(number=1, dialogue=[_line("On and on we go. " * 200)])
    assert plan_scene_timing(marathon).duration == 120  # the model's own limit


def test_visual_seconds_override_the_action_estimate() -> None:
    scene = Scene(number=1, beats=["A long, long description of a quiet morning. " * 10])
    assert plan_scene_timing(scene, visual_seconds=6).duration == 6
    assert plan_scene_timing(scene, visual_seconds=1).duration == MIN_SCENE_SECONDS
