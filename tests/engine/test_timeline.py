"""The Timeline's arithmetic and rules: where clips start, how long the film is, what is
refused, and the subtitle cues derived from the dialogue."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from genstudio.media.layout import film_frames, frame_plan
from genstudio.media.subtitles import MAX_LINE_CHARS, wrap_text
from genstudio.timeline import (
    CUE_GAP_SECONDS,
    MIN_CUE_SECONDS,
    DialoguePlacement,
    MusicBed,
    Timeline,
    TimelineClip,
    Transition,
)

FADE = Transition(kind="crossfade", duration=0.5)


def clip(number: int, duration: float, transition: Transition | None = None) -> TimelineClip:
    return TimelineClip(
        scene_id=f"s{number}",
        scene_number=number,
        take_id=f"t{number}",
        path=Path(f"/clips/{number}.mp4"),
        duration=duration,
        transition_in=transition,
    )


def line(start: float, duration: float, text: str = "Hello.", index: int = 0, who: str = "ANA"):
    return DialoguePlacement(
        scene_id="s1",
        line_index=index,
        path=Path(f"/voice/{index}.wav"),
        start=start,
        duration=duration,
        text=text,
        character=who,
    )


def timeline(clips, dialogue=(), **kw) -> Timeline:
    return Timeline(width=320, height=192, fps=24, clips=list(clips), dialogue=list(dialogue), **kw)


def test_clip_starts_account_for_crossfade_overlaps() -> None:
    tl = timeline([clip(1, 4), clip(2, 3, FADE), clip(3, 2), clip(4, 5, FADE)])
    assert [tl.clip_start(i) for i in range(4)] == [0.0, 3.5, 6.5, 8.0]
    assert tl.total_duration == pytest.approx(4 + 3 + 2 + 5 - 0.5 - 0.5)
    assert tl.clip_end(3) == pytest.approx(tl.total_duration)


def test_the_lead_constructor_shape_works_and_serialises() -> None:
    tl = Timeline(
        width=1280,
        height=768,
        fps=24,
        clips=[clip(1, 5.0, Transition(kind="cut", duration=0.0)), clip(2, 4.0, FADE)],
        dialogue=[line(1.0, 1.2)],
        music=MusicBed(path=Path("/music/bed.mp3")),
    )
    again = Timeline.model_validate_json(tl.model_dump_json())
    assert again == tl
    assert again.total_duration == pytest.approx(8.5)


def test_timeline_default_transition_applies_where_a_clip_names_none() -> None:
    tl = timeline([clip(1, 4), clip(2, 4), clip(3, 4, Transition())], transition=FADE)
    assert tl.transition_in(0).kind == "cut"  # nothing to fade from
    assert tl.transition_in(1) == FADE
    assert tl.transition_in(2).kind == "cut"  # the clip's own choice wins
    assert tl.total_duration == pytest.approx(11.5)


def test_crossfade_longer_than_half_a_clip_is_refused_naming_the_scenes() -> None:
    with pytest.raises(ValidationError) as err:
        timeline([clip(1, 4), clip(7, 0.8, Transition(kind="crossfade", duration=0.5))])
    assert "scene 7" in str(err.value) and "0.4" in str(err.value)
    # exactly half is allowed
    timeline([clip(1, 1.0), clip(2, 1.0, Transition(kind="crossfade", duration=0.5))])


@pytest.mark.parametrize(
    ("kind", "duration", "message"),
    [("crossfade", 0.0, "needs a duration"), ("cut", 0.5, "has no duration")],
)
def test_transitions_that_make_no_sense_are_refused(kind, duration, message) -> None:
    with pytest.raises(ValidationError, match=message):
        Transition(kind=kind, duration=duration)


def test_odd_frame_size_empty_timeline_and_sub_frame_clips_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"scene 2 lasts 0\.02 s, less than one frame"):
        timeline([clip(1, 2), clip(2, 0.02)])
    with pytest.raises(ValidationError, match="even"):
        Timeline(width=321, height=192, clips=[clip(1, 2)])
    with pytest.raises(ValidationError):
        Timeline(width=320, height=192, clips=[])


def test_dialogue_after_the_end_of_the_film_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"line 1 of scene 1 starts at 3\.20 s, after"):
        timeline([clip(1, 3)], [line(3.2, 1.0)])
    # a line that starts inside and runs past the end is kept (its cue is cut at the end)
    tl = timeline([clip(1, 3)], [line(2.5, 1.0)])
    assert tl.subtitle_cues()[0].end == pytest.approx(3.0)


def test_cues_follow_the_lines_and_never_overlap() -> None:
    tl = timeline(
        [clip(1, 10)],
        [line(5.0, 2.0, "Third.", 2), line(1.0, 1.5, "First.", 0), line(2.6, 2.0, "Second.", 1)],
    )
    cues = tl.subtitle_cues()
    assert [c.text for c in cues] == ["First.", "Second.", "Third."]
    assert cues[0].start == 1.0 and cues[0].end == 2.5
    assert cues[1].start == 2.6 and cues[1].end == 4.6
    for before, after in itertools.pairwise(cues):
        assert before.end <= after.start - CUE_GAP_SECONDS + 1e-9


def test_short_line_is_shown_long_enough_to_read_unless_the_next_line_comes() -> None:
    tl = timeline(
        [clip(1, 10)],
        [line(1.0, 0.2, "Oh!", 0), line(4.0, 0.2, "Hm.", 1), line(4.3, 1.0, "Yes.", 2)],
    )
    first, second, _ = tl.subtitle_cues()
    assert first.end - first.start == pytest.approx(MIN_CUE_SECONDS)
    assert second.end == pytest.approx(4.3 - CUE_GAP_SECONDS)


def test_speaker_names_are_optional_and_whitespace_is_tidied() -> None:
    tl = timeline([clip(1, 5)], [line(1.0, 1.0, "  Where   are\nyou? ", who="MARTA")])
    assert tl.subtitle_cues()[0].text == "Where are you?"
    assert tl.subtitle_cues(speaker_names=True)[0].text == "MARTA: Where are you?"


def test_a_long_line_becomes_several_readable_cues_sharing_its_time() -> None:
    speech = " ".join(["We have to leave the valley before the river floods the road again."] * 3)
    tl = timeline([clip(1, 20)], [line(2.0, 9.0, speech)])
    cues = tl.subtitle_cues()
    assert len(cues) >= 2
    assert " ".join(c.text for c in cues).split() == speech.split()
    assert cues[0].start == 2.0 and cues[-1].end == pytest.approx(11.0)
    for cue in cues:
        assert len(wrap_text(cue.text)) <= 2
        assert all(len(row) <= MAX_LINE_CHARS for row in wrap_text(cue.text))
    for before, after in itertools.pairwise(cues):
        assert before.end < after.start


def test_lines_starting_together_share_one_cue() -> None:
    tl = timeline([clip(1, 5)], [line(1.0, 1.0, "Now!", 0), line(1.0, 1.0, "Go!", 1)])
    (cue,) = tl.subtitle_cues()
    assert "Now!" in cue.text and "Go!" in cue.text


clip_lists = st.lists(
    st.tuples(st.floats(0.3, 12.0), st.booleans(), st.floats(0.05, 1.0)), min_size=1, max_size=40
)


@settings(max_examples=150, deadline=None)
@given(clip_lists, st.sampled_from([24, 25, 30, 23.976]))
def test_frame_plan_never_drifts_from_the_timeline(specs, fps) -> None:
    clips = []
    for i, (duration, fade, fraction) in enumerate(specs):
        transition = None
        if i and fade:
            limit = min(duration, specs[i - 1][0]) / 2
            transition = Transition(kind="crossfade", duration=max(0.01, limit * fraction))
        clips.append(clip(i + 1, duration, transition))
    tl = Timeline(width=320, height=192, fps=fps, clips=clips)
    starts = [tl.clip_start(i) for i in range(len(clips))]
    assert starts == sorted(starts)
    plan = frame_plan(tl)
    frame = 1 / fps
    for i, frames in enumerate(plan):
        # every boundary within half a frame of the exact time, however long the film
        assert abs(frames.start * frame - starts[i]) <= frame / 2 + 1e-9
        assert abs((frames.start + frames.count) * frame - tl.clip_end(i)) <= frame / 2 + 1e-9
        assert frames.fade <= frames.count
    assert abs(film_frames(tl) * frame - tl.total_duration) <= frame / 2 + 1e-9
