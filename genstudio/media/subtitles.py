"""SubRip (.srt) subtitles: reading-friendly cues, formatting, writing and parsing.

Readability rules (the usual broadcast ones): at most 2 lines of about 42 characters per cue;
a line too long for that is split into consecutive cues that share its time by length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from genstudio.errors import InputFileError
from genstudio.fsutil import atomic_write_text

MAX_LINE_CHARS = 42
MAX_LINES = 2


class SubtitleCue(NamedTuple):
    start: float  # seconds of film time
    end: float
    text: str  # may hold line breaks


def wrap_text(text: str, width: int = MAX_LINE_CHARS) -> list[str]:
    """Lines of at most `width` characters, two lines balanced when one is not enough.

    Only a single word longer than `width` makes a longer line (words are never cut).
    """
    words = text.split()
    if not words:
        return []
    joined = " ".join(words)
    if len(joined) <= width:
        return [joined]
    # the most even split into two lines that both fit
    best: tuple[int, list[str]] | None = None
    for i in range(1, len(words)):
        first, second = " ".join(words[:i]), " ".join(words[i:])
        if len(first) <= width and len(second) <= width:
            longest = max(len(first), len(second))
            if best is None or longest < best[0]:
                best = (longest, [first, second])
    if best is not None:
        return best[1]
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if current and len(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


def _fits(words: list[str]) -> bool:
    return len(wrap_text(" ".join(words))) <= MAX_LINES


def split_for_reading(cue: SubtitleCue, gap: float = 0.04) -> list[SubtitleCue]:
    """`cue` as one cue when its text fits on 2 lines, else as consecutive cues, each fitting,
    sharing the cue's time in proportion to their length (so reading speed stays even)."""
    words = cue.text.split()
    if _fits(words):
        return [cue]
    chunks: list[list[str]] = [[]]
    for word in words:
        if chunks[-1] and not _fits([*chunks[-1], word]):
            chunks.append([])
        chunks[-1].append(word)
    texts = [" ".join(chunk) for chunk in chunks]
    total_chars = sum(len(t) for t in texts)
    span = cue.end - cue.start
    pieces: list[SubtitleCue] = []
    start = cue.start
    for i, text in enumerate(texts):
        end = cue.end if i == len(texts) - 1 else start + span * len(text) / total_chars
        shown_until = end if i == len(texts) - 1 else max(start + 0.01, end - gap)
        pieces.append(SubtitleCue(round(start, 3), round(shown_until, 3), text))
        start = end
    return pieces


def srt_timestamp(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"


def format_srt(cues: Iterable[SubtitleCue]) -> str:
    """SubRip text: 1-based numbers, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, wrapped text, blank line
    between cues. Empty cues are left out (players show an empty box for them)."""
    blocks: list[str] = []
    for cue in cues:
        lines = wrap_text(cue.text)
        if not lines:
            continue
        stamp = f"{srt_timestamp(cue.start)} --> {srt_timestamp(cue.end)}"
        blocks.append("\n".join([str(len(blocks) + 1), stamp, *lines]))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def write_srt(cues: Iterable[SubtitleCue], path: Path | str) -> Path:
    """Write UTF-8 SubRip atomically (a reader never sees half a file)."""
    return atomic_write_text(path, format_srt(cues))


_STAMP = re.compile(
    r"(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})\s*-->\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
)


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def parse_srt(text: str, *, source: Path | str = "subtitles.srt") -> list[SubtitleCue]:
    """Cues from SubRip text (tolerates a BOM, CRLF, missing numbers and '.' for ',').

    A block without a timing line raises InputFileError naming `source` and the block.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    cues: list[SubtitleCue] = []
    for number, block in enumerate(re.split(r"\n\s*\n", text.strip()), start=1):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        stamp_at = next((i for i, line in enumerate(lines) if _STAMP.search(line)), None)
        if stamp_at is None:
            raise InputFileError(source, f"subtitle block {number} has no timing line")
        match = _STAMP.search(lines[stamp_at])
        assert match is not None
        g = match.groups()
        start, end = _seconds(*g[:4]), _seconds(*g[4:])
        if end < start:
            raise InputFileError(source, f"subtitle block {number} ends before it starts")
        cues.append(SubtitleCue(start, end, "\n".join(lines[stamp_at + 1 :])))
    return cues
