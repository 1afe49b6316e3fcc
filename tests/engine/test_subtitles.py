"""SubRip output a player accepts: numbering, timestamps, wrapping; and parsing it back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genstudio.errors import InputFileError
from genstudio.media.subtitles import (
    MAX_LINE_CHARS,
    SubtitleCue,
    format_srt,
    parse_srt,
    srt_timestamp,
    wrap_text,
    write_srt,
)


def test_format_is_exact_subrip() -> None:
    text = format_srt(
        [SubtitleCue(1.0, 2.5, "Hello."), SubtitleCue(3661.25, 3663.0, "¿Dónde estás, niña?")]
    )
    assert text == (
        "1\n00:00:01,000 --> 00:00:02,500\nHello.\n\n"
        "2\n01:01:01,250 --> 01:01:03,000\n¿Dónde estás, niña?\n"
    )


@pytest.mark.parametrize(
    ("seconds", "stamp"),
    [
        (0, "00:00:00,000"),
        (0.9996, "00:00:01,000"),
        (59.999, "00:00:59,999"),
        (36000.5, "10:00:00,500"),
        (-0.2, "00:00:00,000"),
    ],
)
def test_timestamps_round_to_the_millisecond(seconds, stamp) -> None:
    assert srt_timestamp(seconds) == stamp


def test_long_text_wraps_on_two_balanced_lines_within_42_chars() -> None:
    text = "I told you we would never make it across the border before night."
    lines = wrap_text(text)
    assert len(lines) == 2 and all(len(row) <= MAX_LINE_CHARS for row in lines)
    assert " ".join(lines) == text
    assert abs(len(lines[0]) - len(lines[1])) <= 12  # balanced, not 42 + a stub
    assert wrap_text("Short line.") == ["Short line."]
    assert format_srt([SubtitleCue(0, 1, text)]).splitlines()[2:] == lines


def test_empty_cues_are_left_out_and_numbering_stays_continuous() -> None:
    text = format_srt([SubtitleCue(0, 1, "One"), SubtitleCue(1, 2, "  "), SubtitleCue(2, 3, "Two")])
    cues = parse_srt(text)
    assert [c.text for c in cues] == ["One", "Two"]
    assert text.splitlines()[4] == "2"


def test_parse_tolerates_bom_crlf_dots_and_missing_numbers() -> None:
    raw = (
        "\ufeff1\r\n00:00:01,000 --> 00:00:02,000\r\nUno\r\n\r\n"
        "00:00:03.5 --> 00:00:04.25\r\nDos\r\n"
    )
    cues = parse_srt(raw)
    assert cues == [SubtitleCue(1.0, 2.0, "Uno"), SubtitleCue(3.5, 4.25, "Dos")]


def test_parse_names_the_file_and_block_that_is_broken(tmp_path) -> None:
    with pytest.raises(InputFileError, match=r"subs\.srt.*block 2 has no timing"):
        parse_srt(
            "1\n00:00:01,000 --> 00:00:02,000\nOk\n\n2\nno timing here\n",
            source=tmp_path / "subs.srt",
        )
    with pytest.raises(InputFileError, match="ends before it starts"):
        parse_srt("1\n00:00:05,000 --> 00:00:02,000\nBackwards\n")


def test_write_srt_is_utf8_and_leaves_no_temp_file(tmp_path) -> None:
    path = write_srt([SubtitleCue(0.5, 1.5, "Ñandú")], tmp_path / "film.srt")
    assert path.read_bytes().decode("utf-8").endswith("Ñandú\n")
    assert [p.name for p in tmp_path.iterdir()] == ["film.srt"]


words = st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=12)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10_000_000),
            st.integers(1, 60_000),
            st.lists(words, min_size=1, max_size=14),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_round_trip_keeps_times_to_the_ms_and_every_word(specs) -> None:
    cues = [
        SubtitleCue(start / 1000, (start + length) / 1000, " ".join(ws))
        for start, length, ws in specs
    ]
    back = parse_srt(format_srt(cues))
    assert len(back) == len(cues)
    for original, parsed in zip(cues, back, strict=True):
        assert parsed.start == pytest.approx(original.start, abs=5e-4)
        assert parsed.end == pytest.approx(original.end, abs=5e-4)
        assert parsed.text.split() == original.text.split()
