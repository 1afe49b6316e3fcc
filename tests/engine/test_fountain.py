"""Fountain import: the real corpus, verbatim dialogue, every element type, malformed files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genstudio.errors import ScreenplayError
from genstudio.models import IntExt
from genstudio.screenplay.fountain import (
    ParsedScreenplay,
    load_fountain,
    parse_fountain,
    to_scenes,
)
from genstudio.screenplay.heading import is_heading_line, parse_heading

# Written independently of the parser: the spec's prefixes (plus EXT./INT.), or one leading
# dot before a letter or digit; a blank line (or the start) before and a blank line after.
_HEADING = re.compile(
    r"^\s*(?:(?:INT\.?/EXT|EXT\.?/INT|I\.?/E|INT|EXT|EST)[.\s]|\.(?!\.)\w)", re.IGNORECASE
)


def _heading_lines(text: str) -> set[int]:
    """1-based line numbers of scene headings, counted with a regex outside the boneyard."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), text, flags=re.S)
    lines = text.replace("\r\n", "\n").split("\n")
    found = set()
    for index, line in enumerate(lines):
        before = lines[index - 1] if index else ""
        after = lines[index + 1] if index + 1 < len(lines) else ""
        if _HEADING.match(line) and not before.strip() and not after.strip():
            found.add(index + 1)
    return found


def _all_lines(parsed: ParsedScreenplay) -> list[tuple[str, str]]:
    return [(d.character, d.line) for s in parsed.scenes for d in s.dialogue]


def _find_line(parsed: ParsedScreenplay, text: str):
    hits = [d for s in parsed.scenes for d in s.dialogue if d.line == text]
    assert hits, f"dialogue line not found verbatim: {text!r}"
    return hits[0]


def _every_text(parsed: ParsedScreenplay) -> str:
    parts = [parsed.title, *parsed.title_page.values()]
    for scene in parsed.scenes:
        parts += [scene.heading.raw, *scene.action, *scene.transitions, *scene.lyrics]
        parts += [f"{d.character} {d.line} {d.parenthetical}" for d in scene.dialogue]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[str, ParsedScreenplay]]:
    root = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "screenplays"
    if not root.is_dir():
        pytest.skip(f"screenplay corpus not found at {root}")
    files = sorted(root.glob("*.fountain"))
    assert len(files) >= 11
    return {f.name: (f.read_text(encoding="utf-8"), load_or_parse(f)) for f in files}


def load_or_parse(path: Path) -> ParsedScreenplay:
    return parse_fountain(path.read_text(encoding="utf-8"), source=path)


# -- the corpus ----------------------------------------------------------------------------


def test_every_corpus_file_finds_every_scene_heading(corpus) -> None:
    for name, (text, parsed) in corpus.items():
        expected = _heading_lines(text)
        found = {s.line for s in parsed.scenes if s.line}
        assert found == expected, name
        for scene in parsed.scenes:
            assert scene.heading.raw or scene.line == 0, name
    big = corpus["big_fish.fountain"][1]
    assert len([s for s in big.scenes if s.line]) >= 190


def test_every_corpus_file_converts_to_numbered_locked_scenes(corpus) -> None:
    for name, (_, parsed) in corpus.items():
        scenes = to_scenes(parsed)
        assert [s.number for s in scenes] == list(range(1, len(parsed.scenes) + 1)), name
        for scene, item in zip(scenes, parsed.scenes, strict=True):
            assert scene.dialogue_locked
            assert scene.label == item.label
            assert [d.line for d in scene.dialogue] == [d.line for d in item.dialogue]
            assert scene.duration >= 3
            speakers = {d.character for d in scene.dialogue}
            assert set(scene.characters) == speakers, name


def test_big_fish_title_page_and_opening_scene(corpus) -> None:
    parsed = corpus["big_fish.fountain"][1]
    assert parsed.title == "Big Fish"
    assert parsed.title_page["author"] == "John August"
    assert parsed.title_page["notes"].splitlines() == [
        "FINAL PRODUCTION DRAFT",
        "includes post-production dialogue",
        "and omitted scenes",
    ]
    opening = parsed.scenes[0]
    assert opening.line == 0 and opening.heading.raw == ""  # text before the first heading
    assert "We’re underwater, watching a fat catfish swim along." in opening.action
    first = opening.dialogue[0]
    assert (first.character, first.extension) == ("EDWARD", "V.O.")
    assert first.line == (
        "There are some fish that cannot be caught.  It’s not that they’re faster or stronger "
        "than other fish.  They’re just touched by something extra.  Call it luck.  Call it "
        "grace.  One such fish was The Beast."
    )
    assert opening.dialogue[1].extension == "V.O., CONT’D"
    assert opening.dialogue[1].line.startswith("By the time I was born, he was already")


def test_big_fish_dialogue_is_verbatim_with_parentheticals(corpus) -> None:
    parsed = corpus["big_fish.fountain"][1]
    bedroom = parsed.scenes[1]
    assert bedroom.heading.raw == "INT.  WILL’S BEDROOM - NIGHT (1973)"
    assert bedroom.heading.location == "WILL’S BEDROOM"
    assert bedroom.heading.time_of_day == "NIGHT (1973)"
    before, after = bedroom.dialogue
    assert before.line.startswith("I didn't put any stock into such speculation")
    assert (after.parenthetical, after.delivery) == ("(closer)", "closer")
    assert after.line == "And on the day you were born, that was the day I finally caught him."
    brave = _find_line(parsed, "Your finger?")
    assert (brave.character, brave.emotion, brave.parenthetical) == (
        "LITTLE BRAVE",
        "confused",
        "(confused)",
    )
    both = _find_line(parsed, "We were part of the same equation.")
    assert both.character == "EDWARD AND WILL"
    assert _find_line(parsed, "Make him stop.").delivery == "low but insistent"


def test_big_fish_transitions_and_centered_text(corpus) -> None:
    parsed = corpus["big_fish.fountain"][1]
    transitions = [t for s in parsed.scenes for t in s.transitions]
    assert transitions.count("MATCH CUT TO:") == 4
    assert "CROSSFADE TO:" in transitions and "BACK TO:" in transitions
    speakers = {d.character for s in parsed.scenes for d in s.dialogue}
    beats = {b for s in parsed.scenes for b in s.action}
    for transition in set(transitions):
        assert transition not in speakers and transition not in beats
    assert "BIG FISH" in beats  # "> _BIG FISH_ <": a title card, markup removed
    assert "THE END" in beats


def test_brick_and_steel_forced_heading_dual_dialogue_and_markup(corpus) -> None:
    parsed = corpus["brick_and_steel.fountain"][1]
    assert parsed.title == "BRICK & STEEL FULL RETIRED"
    assert parsed.title_page["contact"].splitlines()[0] == "Next Level Productions"
    headings = [s.heading.raw for s in parsed.scenes]
    assert "SNIPER SCOPE POV" in headings and "OPENING TITLES" in headings
    sniper = parsed.scenes[headings.index("SNIPER SCOPE POV")]
    assert sniper.heading.int_ext is IntExt.NONE
    assert sniper.heading.location == "SNIPER SCOPE POV"
    patio = parsed.scenes[0]
    assert [(d.character, d.dual) for d in patio.dialogue[-3:]] == [
        ("BRICK", False),
        ("STEEL", True),
        ("BRICK", True),
    ]
    assert patio.dialogue[-1].line == "Screw retirement."
    assert patio.transitions == ["SMASH CUT TO:"]
    toast = patio.dialogue[3]
    assert (toast.line, toast.parenthetical, toast.delivery) == (
        "To retirement.",
        "(beer raised)",
        "beer raised",
    )
    trailer = parsed.scenes[1]
    jack, dan = trailer.dialogue
    assert jack.line == "Did you know Brick and Steel are retired?"  # *emphasis* removed
    assert jack.delivery == "in Vietnamese, subtitled"
    assert dan.line == "Then let's retire them.\nPermanently."  # line break kept
    assert trailer.transitions == ["CUT TO:"]  # indented transition
    pool = parsed.scenes[2]
    assert [d.line for d in pool.dialogue] == [
        "They're coming out of the woodwork!",
        "No, everybody we've put away!",
        "Point Blank Sniper?",
    ]
    assert [d.parenthetical for d in pool.dialogue] == ["", "(pause)", "(pause)"]
    assert parsed.scenes[-1].transitions == ["BURN TO PINK."]
    assert "Steel's face FILLS the Leupold Mark 4 scope." in sniper.action[0]


def test_dialogue_file_cues_extensions_and_blank_dialogue_lines(corpus) -> None:
    parsed = corpus["dialogue.fountain"][1]
    lines = parsed.scenes[0].dialogue
    assert (lines[1].character, lines[1].extension, lines[1].line) == (
        "EVE",
        "O.S.",
        "What kind of writing?",
    )
    assert (lines[2].emotion, lines[2].line) == ("nervous", "Screenwriting.")
    assert (lines[4].character, lines[4].extension) == ("EVE", "cont'd")
    assert lines[5].line == "That's great.\nI was really worried you wouldn't\nlike screenwriting."
    assert (lines[6].line, lines[6].parenthetical) == ("Oh, Adam.", "(kissing him)")
    assert [(d.character, d.dual) for d in lines[7:9]] == [("ADAM", True), ("EVE", True)]
    assert lines[9].character == "R2D2"
    assert lines[10].line == (
        "That was really weird.\nI can be weird to. Here's\na space in the dialogue\nblock\n"
        "\nfor absolutely no good\nreason."
    )
    assert (lines[11].line, lines[11].emotion) == ("Well, then I'll just indent!", "confident")
    assert "23" not in {d.character for d in lines}  # a cue needs a letter
    assert "23 (O.S.)\nCharacter name must include a letter" in parsed.scenes[0].action


def test_forced_elements_and_lyrics(corpus) -> None:
    scene = corpus["forcedelements.fountain"][1].scenes[0]
    assert scene.action == ["BANG\nBANG\nBANG"]
    assert [(d.character, d.line) for d in scene.dialogue] == [
        ("McDUCK", "I'm vegan."),
        ("SINGER", "These are the songs\nThat I sing."),
    ]
    assert scene.dialogue[1].delivery == "sung"
    dual = corpus["dualdialogue.fountain"][1].scenes[0].dialogue
    assert [(d.character, d.line, d.dual) for d in dual] == [
        ("ADAM", "Yes.", True),
        ("EVE", "No.", True),
    ]


def test_boneyard_and_notes_are_removed(corpus) -> None:
    bone = corpus["boneyard.fountain"][1]
    assert bone.scenes[0].action == ["A line of action.", "This is an boneyard."]
    assert "Boneyard" not in _every_text(bone) and "internal" not in _every_text(bone)
    notes = corpus["notes.fountain"][1]
    assert notes.scenes[0].action == ["A line.", "This is an note."]
    assert "multiple lines" not in _every_text(notes) and "[[" not in _every_text(notes)


def test_scene_headers_and_numbers(corpus) -> None:
    parsed = corpus["sceneheaders.fountain"][1]
    headings = [s.heading for s in parsed.scenes if s.line]
    assert len(headings) == 16
    assert [h.int_ext for h in headings[4:9]] == [IntExt.INT_EXT] * 5
    assert headings[11].raw == "EST. HOUSE - DAY" and headings[11].int_ext is IntExt.EXT
    assert headings[-2].raw == "KITCHEN" and headings[-1].raw == "int. house - day"
    kitchen = next(s for s in parsed.scenes if s.heading.raw == "KITCHEN")
    assert kitchen.action == [
        "... not a scene header.",
        "INT. HOUSE - DAY\nEXT. HOUSE - DAY",  # no blank line between: action, not a cue
        "ESTABLISHING",
    ]
    assert kitchen.dialogue == []
    numbered = corpus["scenenumbers.fountain"][1]
    assert [s.label for s in numbered.scenes] == ["1", "1A", "1a", "A1", "I-1-A", "1.", "110A"]
    assert numbered.scenes[-1].heading.raw == "INT. HOUSE - DAY - FLASHBACK (1944)"
    assert numbered.scenes[-1].heading.time_of_day == "DAY - FLASHBACK (1944)"


def test_sections_synopses_and_transitions_make_no_scenes(corpus, tmp_path: Path) -> None:
    synopses = corpus["synopses.fountain"][1]
    assert synopses.scenes == []
    path = tmp_path / "outline.fountain"
    path.write_text(corpus["synopses.fountain"][0], encoding="utf-8")
    with pytest.raises(ScreenplayError, match="no scene headings or dialogue found"):
        load_fountain(path)
    transitions = corpus["transitions.fountain"][1]
    scene = transitions.scenes[0]
    assert scene.transitions == [
        "CUT TO:",
        "SMASH CUT TO:",
        "NOT A STANDARD TRANSITION:",
        "CUT TO:",
        "GO TO:",
        "TO:",
    ]
    assert scene.dialogue == [] and scene.characters == []
    assert scene.action == ["FADE TO BLACK."]  # the spec: a transition ends in "TO:"


# -- headings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "int_ext", "location", "time_of_day", "weather"),
    [
        ("INT. DINER - KITCHEN - NIGHT", IntExt.INT, "DINER - KITCHEN", "NIGHT", ""),
        ("EXT. STREET - NIGHT - RAIN", IntExt.EXT, "STREET", "NIGHT", "RAIN"),
        ("EXT. PLAYA - NOCHE - CONTINUO", IntExt.EXT, "PLAYA", "NOCHE - CONTINUO", ""),
        ("INT HOUSE DAY", IntExt.INT, "HOUSE", "DAY", ""),
        ("EXT/INT. SWAMP SHACK - DAY", IntExt.INT_EXT, "SWAMP SHACK", "DAY", ""),
        ("INT. APARTMENT - (PRESENT) DAY", IntExt.INT, "APARTMENT", "(PRESENT) DAY", ""),
        ("EXT. SEA", IntExt.EXT, "SEA", "", ""),
    ],
)
def test_heading_parts(line, int_ext, location, time_of_day, weather) -> None:
    heading = parse_heading(line)
    assert (heading.int_ext, heading.location, heading.time_of_day, heading.weather) == (
        int_ext,
        location,
        time_of_day,
        weather,
    )
    assert heading.raw == line


def test_lenient_heading_followed_directly_by_action() -> None:
    parsed = parse_fountain("INT. KITCHEN - NIGHT\nAnna cooks.\n\nANNA\nDinner!\n")
    assert [s.heading.raw for s in parsed.scenes] == ["INT. KITCHEN - NIGHT"]
    assert parsed.scenes[0].action == ["Anna cooks."]
    assert parsed.scenes[0].dialogue[0].line == "Dinner!"


def test_spanish_parentheticals_and_accented_names() -> None:
    text = "EXT. PLAYA - NOCHE\n\nLUCÍA\n(enfadada)\n¡No quiero!\n\nABUELA\n(susurrando)\nVen.\n"
    lines = parse_fountain(text).scenes[0].dialogue
    assert [(d.character, d.emotion, d.delivery) for d in lines] == [
        ("LUCÍA", "angry", ""),
        ("ABUELA", "", "susurrando"),
    ]


# -- malformed input ---------------------------------------------------------------------


def test_missing_empty_folder_and_binary_files_are_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.fountain"
    with pytest.raises(ScreenplayError, match="file not found") as err:
        load_fountain(missing)
    assert str(missing) in str(err.value)
    empty = tmp_path / "empty.fountain"
    empty.write_bytes(b"  \n\n")
    with pytest.raises(ScreenplayError, match="empty"):
        load_fountain(empty)
    with pytest.raises(ScreenplayError, match="folder"):
        load_fountain(tmp_path)
    binary = tmp_path / "movie.fountain"
    binary.write_bytes(b"INT. HOUSE - DAY\n\n" + bytes(range(256)) * 8)
    with pytest.raises(ScreenplayError, match="not a text file") as err:
        load_fountain(binary)
    assert "movie.fountain" in str(err.value)
    noisy = tmp_path / "noise.fountain"
    noisy.write_bytes(bytes(range(1, 32)) * 40)
    with pytest.raises(ScreenplayError, match="not a text file"):
        load_fountain(noisy)


def test_encodings_utf8_bom_and_cp1252(tmp_path: Path) -> None:
    text = "Title: Café\n\nINT. CAFÉ - DAY\n\nJOSÉ\nUn café, por favor.\n"
    bom = tmp_path / "bom.fountain"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    parsed = load_fountain(bom)
    assert (parsed.title, parsed.encoding) == ("Café", "utf-8-sig")
    legacy = tmp_path / "legacy.fountain"
    legacy.write_bytes(text.encode("cp1252"))
    parsed = load_fountain(legacy)
    assert parsed.encoding == "cp1252"
    assert legacy.read_bytes().decode(parsed.encoding) == text
    line = parsed.scenes[0].dialogue[0]
    assert (line.character, line.line) == ("JOSÉ", "Un café, por favor.")
    crlf = tmp_path / "crlf.fountain"
    crlf.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert _all_lines(load_fountain(crlf)) == [("JOSÉ", "Un café, por favor.")]


def test_heading_without_blank_line_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "cramped.fountain"
    path.write_text("The rain falls.\nINT. HOUSE - DAY\n\nNothing happens.\n", encoding="utf-8")
    with pytest.raises(ScreenplayError, match="line 2 looks like a scene heading"):
        load_fountain(path)


def test_unclosed_boneyard_and_note_keep_the_text_and_warn() -> None:
    parsed = parse_fountain("INT. HOUSE - DAY\n\n/* cut this\n\nBOB\nHello [[fix\n")
    assert parsed.warnings and "line 3" in parsed.warnings[0]
    assert any("never closed" in w for w in parsed.warnings)
    assert _all_lines(parsed) == [("BOB", "Hello [[fix")]


# -- properties --------------------------------------------------------------------------

_names = st.from_regex(r"[A-Z]{2,8}( [A-Z]{2,8})?", fullmatch=True).filter(
    lambda n: not is_heading_line(n)
)
_speech = st.lists(
    st.from_regex(r"[A-Za-z][A-Za-z0-9 ,.'!?]{0,50}", fullmatch=True).map(str.strip),
    min_size=1,
    max_size=3,
)
_action = st.from_regex(r"[a-z][a-z ,.]{0,60}", fullmatch=True).filter(
    lambda a: not is_heading_line(a)
)
_scene = st.tuples(
    st.sampled_from(["KITCHEN", "BEACH", "OFFICE", "COCINA"]),
    st.sampled_from(["DAY", "NIGHT", "CONTINUOUS", "NOCHE"]),
    _action,
    st.lists(st.tuples(_names, _speech), max_size=4),
)


@given(st.lists(_scene, min_size=1, max_size=5))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_screenplays_lose_no_dialogue(scenes) -> None:
    chunks: list[str] = []
    expected: list[tuple[str, str]] = []
    for place, when, action, dialogue in scenes:
        chunks.append(f"INT. {place} - {when}\n\n{action}\n")
        for name, speech in dialogue:
            chunks.append(f"{name}\n" + "\n".join(speech) + "\n")
            expected.append((name, "\n".join(s.strip() for s in speech)))
    parsed = parse_fountain("\n".join(chunks))
    assert len(parsed.scenes) == len(scenes)
    assert _all_lines(parsed) == expected
    assert len(to_scenes(parsed)) == len(scenes)


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_parse_never_crashes_on_arbitrary_text(text: str) -> None:
    parsed = parse_fountain(text)
    for scene in to_scenes(parsed):
        assert scene.duration > 0


@given(
    st.lists(
        st.sampled_from(
            [
                "\n",
                "INT. A - DAY",
                "BOB",
                "(sad)",
                "~la",
                "> X <",
                "Hi.",
                "/*",
                "*/",
                "[[",
                "]]",
                "@X",
                "!Y",
                "===",
                "# s",
                "= y",
                "  ",
                ".Z",
                "Title: T",
                "\t x",
                "CUT TO:",
                "^",
            ]
        ),
        max_size=40,
    )
)
@settings(max_examples=300, deadline=None)
def test_parse_never_crashes_on_fountain_like_noise(pieces: list[str]) -> None:
    parsed = parse_fountain("\n".join(pieces))
    for scene in to_scenes(parsed):
        assert all(d.line.strip() for d in scene.dialogue)
