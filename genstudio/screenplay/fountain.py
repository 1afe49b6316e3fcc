"""Fountain 1.1 import (https://fountain.io/syntax), hand-written, into storyboard scenes.

Decisions where the spec leaves room (each one is tested):

- Dialogue text is kept verbatim: the writer's line breaks inside a speech stay as "\n"
  (and a two-space "blank" line inside dialogue stays as an empty line); only Fountain markup
  that is not part of the words goes: emphasis markers (`*`, `**`, `***`, `_`; `\\*` and `\\_`
  stay as literal characters), notes `[[...]]` and boneyard `/* ... */`. Each line loses its
  indentation and trailing spaces.
- A parenthetical belongs to the speech that follows it, so "(pause)" in the middle of a
  speech splits it into two `DialogueLine`s for the same character. A parenthetical at the end
  of a speech joins the last line's `parenthetical`.
- Character extensions ("(V.O.)", "(cont'd)", "(V.O.)(CONT’D)") go to `extension` without
  parentheses, several joined with ", ", in the writer's case.
- Scene headings need a blank line (or the start of the script) before them. After them the
  spec wants a blank line too; we also accept an upper-case heading followed directly by text
  (a common slip that would otherwise turn the heading into a character cue or swallow the
  scene), but never two heading-like lines in a row (the spec's own test: that is action).
- Text before the first heading becomes an implicit opening scene (empty heading, `line` 0)
  when it holds action or dialogue; a title page alone makes none.
- Centered text is kept as an action beat (title cards are something the viewer sees);
  sections, synopses and page breaks are ignored; lyrics inside dialogue are sung lines
  (delivery "sung"); lyrics on their own go to `ParsedScene.lyrics`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from genstudio.errors import ScreenplayError
from genstudio.models import Camera, DialogueLine, IntExt, Scene, SceneHeading
from genstudio.screenplay.dialogue import SpeechBlock, read_cue, strip_markup
from genstudio.screenplay.heading import is_heading_line, parse_heading
from genstudio.screenplay.timing import plan_scene_timing

_REMOVED = "\x00"  # marks where a note or boneyard was cut out (NULs are dropped on input)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_AROUND_REMOVED = re.compile(r"([ \t]*)\x00+([ \t]*)")
_SCENE_NUMBER = re.compile(r"\s*#([\w.\-]+)#\s*$")
_TITLE_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9 _'\-]{0,38}):(.*)$")
_PAGE_BREAK = re.compile(r"^={3,}$")


@dataclass
class ParsedScene:
    heading: SceneHeading
    label: str = ""  # the screenplay's own scene number ("1A"), verbatim
    line: int = 0  # 1-based line of the heading; 0 for the implicit opening scene
    action: list[str] = field(default_factory=list)  # paragraphs, in order
    dialogue: list[DialogueLine] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)  # speakers, in order of appearance
    transitions: list[str] = field(default_factory=list)
    lyrics: list[str] = field(default_factory=list)


@dataclass
class ParsedScreenplay:
    title: str
    title_page: dict[str, str]
    scenes: list[ParsedScene]
    source: str = ""
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)

    @property
    def dialogue_count(self) -> int:
        return sum(len(s.dialogue) for s in self.scenes)


def _cut_spans(text: str, opener: str, closer: str, what: str, warnings: list[str]) -> str:
    out: list[str] = []
    pos = 0
    while True:
        start = text.find(opener, pos)
        if start < 0:
            break
        end = text.find(closer, start + len(opener))
        if end < 0:
            line = text.count("\n", 0, start) + 1
            warnings.append(f"line {line}: {what} '{opener}' is never closed; kept as text")
            break
        span = text[start : end + len(closer)]
        out.append(text[pos:start])
        out.append(_REMOVED + ("\n" + _REMOVED) * span.count("\n"))
        pos = end + len(closer)
    out.append(text[pos:])
    return "".join(out)


def _rejoin(match: re.Match[str]) -> str:
    left, right = match.group(1), match.group(2)
    return " " if left and right else left or right


def _clean_lines(text: str, warnings: list[str]) -> list[tuple[int, str]]:
    """(line number, text) with boneyard and notes cut; lines that held only those vanish."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = _CONTROL.sub("", text)
    text = _cut_spans(text, "/*", "*/", "boneyard", warnings)
    text = _cut_spans(text, "[[", "]]", "note", warnings)
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if _REMOVED in line:
            line = _AROUND_REMOVED.sub(_rejoin, line)
            if not line.strip():
                continue
        lines.append((number, line.rstrip("\n")))
    return lines


def _title_page(lines: list[tuple[int, str]]) -> tuple[dict[str, str], int]:
    """The title page's fields and the index where the script body starts."""
    start = 0
    while start < len(lines) and not lines[start][1].strip():
        start += 1
    fields: dict[str, list[str]] = {}
    key = ""
    index = start
    while index < len(lines) and lines[index][1].strip():
        text = lines[index][1]
        match = _TITLE_KEY.match(text)
        if match and not text[0].isspace() and not is_heading_line(text):
            key = match.group(1).strip().lower()
            value = match.group(2).strip()
            fields[key] = [value] if value else []
        elif key and (text.startswith("\t") or text.startswith("   ")):
            fields[key].append(text.strip())
        else:
            return {}, start  # not a title page: the first block is part of the script
        index += 1
    if not any(fields.values()):
        return {}, start  # "CUT TO:" alone is a transition, not a title page with no values
    page = {k: "\n".join(strip_markup(v) for v in vals) for k, vals in fields.items()}
    return page, index


class _Parser:
    def __init__(self, lines: list[tuple[int, str]], start: int) -> None:
        self.lines = lines
        self.index = start
        self.scenes: list[ParsedScene] = []
        self.scene = ParsedScene(heading=SceneHeading(int_ext=IntExt.NONE))
        self.paragraph: list[str] | None = None  # the action paragraph being read
        self.speech: SpeechBlock | None = None
        self.last_speech: list[DialogueLine] = []  # for dual dialogue ("^" on the second cue)

    def _text(self, offset: int) -> str | None:
        at = self.index + offset
        return self.lines[at][1] if 0 <= at < len(self.lines) else None

    def _close(self) -> None:
        if self.speech is not None:
            spoken, silent = self.speech.close()
            self.scene.dialogue.extend(spoken)
            if silent:
                self.scene.action.append(silent)
            self.last_speech = spoken
            self.speech = None
        elif self.paragraph is not None:
            text = "\n".join(strip_markup(p) for p in self.paragraph).strip()
            if text:
                self.scene.action.append(text)
            self.paragraph = None
            self.last_speech = []

    def _start_scene(self, heading_text: str, number: int) -> None:
        self._close()
        opening = self.scene
        if opening.line or opening.action or opening.dialogue or opening.lyrics:
            self.scenes.append(opening)
        label = ""
        match = _SCENE_NUMBER.search(heading_text)
        if match:
            label = match.group(1)
            heading_text = heading_text[: match.start()]
        heading = parse_heading(strip_markup(heading_text))
        self.scene = ParsedScene(heading=heading, label=label, line=number)
        self.last_speech = []

    def run(self) -> list[ParsedScene]:
        while self.index < len(self.lines):
            self._step()
            self.index += 1
        self._close()
        if self.scene.line or self.scene.action or self.scene.dialogue or self.scene.lyrics:
            self.scenes.append(self.scene)
        return self.scenes

    def _step(self) -> None:
        number, raw = self.lines[self.index]
        text = raw.strip()
        after = self._text(1)
        next_blank = after is None or not after.strip()
        if not text:
            # Two spaces on a line keep a dialogue block going (spec: "blank" dialogue line).
            if self.speech is not None and len(raw) >= 2 and not next_blank:
                self.speech.blank_line()
            else:
                self._close()
            return
        if text.startswith("#") or (text.startswith("=") and not _PAGE_BREAK.match(text)):
            return  # sections and synopses are the writer's outline, not the film
        if _PAGE_BREAK.match(text):
            self._close()
            return
        if self.speech is not None:
            self.speech.feed(text)
            return
        if self.paragraph is not None:
            self.paragraph.append(text[1:] if text.startswith("!") else text)
            return
        self._start_element(number, text, after, next_blank)

    def _start_element(self, number: int, text: str, after: str | None, next_blank: bool) -> None:
        if text.startswith("!"):
            self.paragraph = [text[1:]]
        elif text.startswith(".") and len(text) > 1 and text[1].isalnum():
            self._start_scene(text[1:], number)
        elif is_heading_line(text) and (
            next_blank or (text == text.upper() and not is_heading_line(after or ""))
        ):
            self._start_scene(text, number)
        elif text.startswith(">") and text.endswith("<") and len(text) > 1:
            self.paragraph = [text[1:-1].strip()]  # centered: a title card on screen
            self._centered_run()
        elif text.startswith(">"):
            self._close()
            self.scene.transitions.append(strip_markup(text[1:].strip()))
        elif text.startswith("~"):
            self.scene.lyrics.append(strip_markup(text[1:].strip()))
        elif text == text.upper() and text.endswith("TO:"):
            self.scene.transitions.append(strip_markup(text))
        elif not next_blank and (cue := read_cue(text)) is not None:
            name, extension, dual = cue
            if dual:
                for line in self.last_speech:
                    line.dual = True
            self.speech = SpeechBlock(name, extension, dual)
            if name not in self.scene.characters:
                self.scene.characters.append(name)
        else:
            self.paragraph = [text]

    def _centered_run(self) -> None:
        """Following "> ... <" lines belong to the same title card."""
        assert self.paragraph is not None
        while (nxt := self._text(1)) is not None:
            stripped = nxt.strip()
            if not (stripped.startswith(">") and stripped.endswith("<") and len(stripped) > 1):
                break
            self.paragraph.append(stripped[1:-1].strip())
            self.index += 1
        self._close()


def parse_fountain(text: str, *, source: str | Path | None = None) -> ParsedScreenplay:
    """Parse Fountain text. Never raises on odd input: what is not a scene is action."""
    warnings: list[str] = []
    lines = _clean_lines(text, warnings)
    title_page, start = _title_page(lines)
    scenes = _Parser(lines, start).run()
    title = " ".join(title_page.get("title", "").split())
    return ParsedScreenplay(
        title=title,
        title_page=title_page,
        scenes=scenes,
        source=str(source) if source is not None else "",
        warnings=warnings,
    )


def to_scenes(parsed: ParsedScreenplay) -> list[Scene]:
    """Storyboard scenes numbered 1..N, dialogue locked, timed by `timing.plan_scene_timing`."""
    scenes: list[Scene] = []
    for number, item in enumerate(parsed.scenes, start=1):
        scene = Scene(
            number=number,
            label=item.label,
            heading=item.heading.model_copy(),
            characters=list(item.characters),
            beats=list(item.action),
            dialogue=[line.model_copy() for line in item.dialogue],
            camera=Camera(),
            dialogue_locked=True,
        )
        scenes.append(plan_scene_timing(scene))
    return scenes


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """(text, encoding). UTF-8 first; Windows-1252 only if it decodes cleanly as text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ScreenplayError(path, f"not readable UTF-16 text ({exc.reason})") from exc
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise ScreenplayError(path, f"not a text file (binary data on line {line})")
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as utf8_error:
        # Older Windows editors save Fountain as cp1252; it fails on bytes it leaves undefined.
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, utf8_error.start) + 1
            raise ScreenplayError(
                path,
                f"not UTF-8 text (byte 0x{data[utf8_error.start]:02x} on line {line}); "
                "save it as UTF-8 and import again",
            ) from utf8_error
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 100):
        raise ScreenplayError(path, "not a text file (it is full of control characters)")
    return text, encoding


def _why_no_scenes(parsed: ParsedScreenplay, text: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if is_heading_line(line.strip()) and number > 1 and lines[number - 2].strip():
            return (
                f"no scene headings or dialogue found (line {number} looks like a scene "
                "heading but needs a blank line before it)"
            )
    hint = f"; {parsed.warnings[0]}" if parsed.warnings else ""
    return (
        "no scene headings or dialogue found (a heading starts with INT., EXT., EST., "
        f"INT./EXT. or I/E, or a single '.'){hint}"
    )


def load_fountain(path: str | Path) -> ParsedScreenplay:
    """Read and parse a .fountain file; `ScreenplayError` names the file and the problem."""
    path = Path(path)
    if not path.exists():
        raise ScreenplayError(path, "file not found")
    if path.is_dir():
        raise ScreenplayError(path, "is a folder, not a screenplay file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScreenplayError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise ScreenplayError(path, "the file is empty")
    text, encoding = _decode(path, data)
    parsed = parse_fountain(text, source=path)
    parsed.encoding = encoding
    if not any(s.line or s.dialogue for s in parsed.scenes):
        raise ScreenplayError(path, _why_no_scenes(parsed, text))
    return parsed
