"""The printable storyboard: A4 landscape sheets of scene cards, with a title page.

Each card shows the scene's picture, number and heading, its action and dialogue (cut to the
card with an ellipsis), duration, camera and approval. Pictures go in as the cards' JPEGs
(fpdf2 embeds JPEG bytes as they are: no re-encoding, small files). Text needs a Unicode
TrueType font: DejaVu Sans from `resources/fonts/`, the system (fontconfig) or a known OS
path; without one the PDF falls back to the PDF core font, which only has Windows-1252
glyphs, so other characters are transliterated (ő → o) rather than printed as nothing.
"""

from __future__ import annotations

import io
import math
import subprocess
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from genstudio.export.cards import (
    SceneCard,
    action_text,
    camera_text,
    collect_cards,
    dialogue_texts,
    runtime_text,
    scene_number,
)
from genstudio.fsutil import atomic_path
from genstudio.models import Approval, Project
from genstudio.resources import resources_root
from genstudio.store import Store
from genstudio.workspace import Workspace

# Page geometry in millimetres (A4 landscape).
PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 12.0
COLUMNS, ROWS = 3, 2
CARDS_PER_PAGE = COLUMNS * ROWS
GAP_X, GAP_Y = 7.0, 6.0
GRID_TOP, GRID_BOTTOM = 20.0, 196.0
CARD_W = (PAGE_W - 2 * MARGIN - (COLUMNS - 1) * GAP_X) / COLUMNS
CARD_H = (GRID_BOTTOM - GRID_TOP - (ROWS - 1) * GAP_Y) / ROWS
IMAGE_H = 48.0
PAD = 2.5
# Action and dialogue share this many 7.5 pt lines; each gets at least its minimum.
TEXT_LINES, MIN_ACTION_LINES, MAX_DIALOGUE_LINES = 6, 2, 4
ELLIPSIS = "…"
# The core fonts are declared /WinAnsiEncoding (Windows-1252); fpdf2 defaults to latin-1,
# which lacks – … “ ” and would refuse them.
CORE_ENCODING = "windows-1252"

INK, MUTED, RULE = (30, 30, 34), (110, 110, 118), (205, 205, 212)
DIALOGUE_INK = (35, 60, 110)
APPROVAL_STYLE = {  # label, fill colour
    Approval.APPROVED: ("APPROVED", (46, 125, 50)),
    Approval.CHANGES_REQUESTED: ("CHANGES REQUESTED", (178, 106, 0)),
    Approval.DRAFT: ("DRAFT", (120, 120, 128)),
}

_FONT_CANDIDATES = (  # (regular, bold) where an OS keeps a Unicode TrueType sans
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("C:/Windows/Fonts/DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "arialbd.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial.ttf", "Arial Bold.ttf"),
    ("/Library/Fonts/Arial Unicode.ttf", ""),
)


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path | None


def _fc_match(pattern: str) -> Path | None:
    try:
        found = subprocess.run(
            ["fc-match", pattern, "--format=%{file}"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):  # no fontconfig (Windows, macOS)
        return None
    # fpdf2 reads TrueType outlines; fontconfig may answer with a Type 1 or bitmap font
    return Path(found) if found.lower().endswith(".ttf") and Path(found).is_file() else None


def find_fonts() -> FontFiles | None:
    """A Unicode TrueType sans for the PDF, or None (the core font then stands in)."""
    shipped = resources_root() / "fonts" / "DejaVuSans.ttf"
    if shipped.is_file():
        bold = shipped.with_name("DejaVuSans-Bold.ttf")
        return FontFiles(shipped, bold if bold.is_file() else None)
    regular = _fc_match("DejaVuSans")
    if regular is not None and "dejavu" in regular.name.lower():
        return FontFiles(regular, _fc_match("DejaVuSans:bold"))
    for path, bold_name in _FONT_CANDIDATES:
        if Path(path).is_file():
            bold = Path(path).with_name(bold_name) if bold_name else None
            return FontFiles(Path(path), bold if bold and bold.is_file() else None)
    return FontFiles(regular, None) if regular is not None else None


def core_font_text(text: str) -> str:
    """`text` in the core font's Windows-1252 alphabet: accents kept where 1252 has them,
    others stripped to their base letter, anything else (e.g. CJK) as '?'."""
    out = []
    for ch in text:
        try:
            ch.encode(CORE_ENCODING)
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
            out.append(base or "?")
    return "".join(out)


class _Sheet(FPDF):
    """FPDF with the storyboard's fonts, footer and text helpers."""

    def __init__(self, title: str, fonts: FontFiles | None) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.c_margin = 0  # text starts exactly where a card's padding says
        self.film_title = title
        self.unicode = fonts is not None
        if fonts is not None:
            self.add_font("Sans", "", str(fonts.regular))
            self.add_font("Sans", "B", str(fonts.bold or fonts.regular))
            self.family_name = "Sans"
        else:
            self.family_name = "helvetica"
            self.core_fonts_encoding = CORE_ENCODING

    def text_of(self, text: str) -> str:
        return text if self.unicode else core_font_text(text)

    def use(self, size: float, bold: bool = False, color: Sequence[int] = INK) -> None:
        self.set_font(self.family_name, "B" if bold else "", size)
        self.set_text_color(*color)

    def put(self, x: float, y: float, w: float, h: float, text: str, align: str = "L") -> None:
        self.set_xy(x, y)
        self.cell(w, h, self.text_of(text), align=align)

    def fit(self, text: str, width: float, *, cut: bool = False) -> str:
        """`text` cut (with an ellipsis) to fit `width` on one line; `cut`: always end with
        an ellipsis (the text goes on past this line)."""
        text = self.text_of(text)
        if not cut and self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text.rstrip() + ELLIPSIS) > width:
            text = text[:-1]
        return text.rstrip(" ,.;:") + ELLIPSIS

    def wrap(self, text: str, width: float) -> list[str]:
        if not text.strip():
            return []
        lines = self.multi_cell(
            width, 3.3, self.text_of(text), dry_run=True, output=MethodReturnValue.LINES
        )
        return [str(line) for line in lines]

    def footer(self) -> None:
        self.use(7, color=MUTED)
        self.put(MARGIN, PAGE_H - 10, 180, 4, self.fit(self.film_title, 180))
        self.put(PAGE_W - MARGIN - 40, PAGE_H - 10, 40, 4, f"Page {self.page_no()} of {{nb}}", "R")


def _clip_lines(lines: list[str], limit: int, sheet: _Sheet, width: float) -> list[str]:
    if len(lines) <= limit:
        return lines
    kept = lines[:limit]
    kept[-1] = sheet.fit(kept[-1], width, cut=True)
    return kept


def _budget(action: int, dialogue: int) -> tuple[int, int]:
    """Share TEXT_LINES between action and dialogue: each keeps what it needs if both fit."""
    take_dialogue = min(dialogue, MAX_DIALOGUE_LINES, max(0, TEXT_LINES - min(action, 2)))
    take_action = min(action, TEXT_LINES - take_dialogue)
    if take_action < min(action, MIN_ACTION_LINES):
        take_action = min(action, MIN_ACTION_LINES)
        take_dialogue = TEXT_LINES - take_action
    return take_action, take_dialogue


def _draw_picture(sheet: _Sheet, card: SceneCard, x: float, y: float) -> None:
    box_w, box_h = CARD_W, IMAGE_H
    sheet.set_fill_color(228, 228, 233)
    sheet.rect(x, y, box_w, box_h, style="F")
    if card.jpeg is None or card.size is None:
        sheet.use(8, color=MUTED)
        note = "picture unreadable" if card.image_problem else "no picture yet"
        sheet.put(x, y + box_h / 2 - 2, box_w, 4, note, "C")
        return
    width, height = card.size
    scale = min(box_w / width, box_h / height)
    w, h = width * scale, height * scale
    sheet.image(io.BytesIO(card.jpeg), x + (box_w - w) / 2, y + (box_h - h) / 2, w, h)


def _draw_badge(sheet: _Sheet, card: SceneCard, right: float, y: float) -> None:
    label, fill = APPROVAL_STYLE[card.scene.approval]
    if card.scene.locked:
        label += " · LOCKED"
    sheet.use(6, bold=True, color=(255, 255, 255))
    w = sheet.get_string_width(sheet.text_of(label)) + 3
    sheet.set_fill_color(*fill)
    sheet.rect(right - w, y, w, 3.8, style="F", round_corners=True, corner_radius=0.8)
    sheet.put(right - w, y, w, 3.8, label, "C")


def _draw_card(sheet: _Sheet, card: SceneCard, x: float, y: float) -> None:
    scene = card.scene
    sheet.set_draw_color(*RULE)
    sheet.set_line_width(0.25)
    sheet.rect(x, y, CARD_W, CARD_H, round_corners=True, corner_radius=1.5)
    _draw_picture(sheet, card, x, y)
    inner_x, inner_w = x + PAD, CARD_W - 2 * PAD
    cursor = y + IMAGE_H + PAD
    sheet.use(9, bold=True)
    number = scene_number(scene)
    sheet.put(inner_x, cursor, 10, 4.5, number)
    num_w = sheet.get_string_width(sheet.text_of(number)) + 2
    heading = sheet.fit(scene.heading.slug_line() or "(no heading)", inner_w - num_w)
    sheet.put(inner_x + num_w, cursor, inner_w - num_w, 4.5, heading)
    cursor += 5.5
    sheet.use(7.5)
    action = sheet.wrap(action_text(scene), inner_w)
    dialogue = [line for text in dialogue_texts(scene) for line in sheet.wrap(text, inner_w)]
    n_action, n_dialogue = _budget(len(action), len(dialogue))
    for line in _clip_lines(action, n_action, sheet, inner_w):
        sheet.put(inner_x, cursor, inner_w, 3.3, line)
        cursor += 3.3
    if dialogue and n_dialogue:
        cursor += 0.8
        sheet.use(7.5, color=DIALOGUE_INK)
        for line in _clip_lines(dialogue, n_dialogue, sheet, inner_w):
            sheet.put(inner_x, cursor, inner_w, 3.3, line)
            cursor += 3.3
    meta_y = y + CARD_H - PAD - 3.8
    sheet.use(6.5, color=MUTED)
    meta = f"{scene.duration:.1f} s  ·  {camera_text(scene)}"
    sheet.put(inner_x, meta_y + 0.2, inner_w - 30, 3.5, sheet.fit(meta, inner_w - 32))
    _draw_badge(sheet, card, x + CARD_W - PAD, meta_y)


def _title_page(sheet: _Sheet, project: Project, cards: list[SceneCard], now: datetime) -> None:
    sheet.add_page()
    sheet.use(30, bold=True)
    sheet.set_xy(MARGIN + 8, 48)
    sheet.multi_cell(PAGE_W - 2 * MARGIN - 16, 12, sheet.text_of(project.title), align="L")
    top = sheet.get_y() + 3
    sheet.use(14, color=MUTED)
    sheet.put(MARGIN + 8, top, 200, 7, "Storyboard")
    counts = {a: sum(c.scene.approval is a for c in cards) for a in Approval}
    locked = sum(c.scene.locked for c in cards)
    runtime = sum(c.scene.duration for c in cards)
    rows = [
        ("Scenes", str(len(cards))),
        (
            "Approval",
            f"{counts[Approval.APPROVED]} approved · "
            f"{counts[Approval.CHANGES_REQUESTED]} changes requested · "
            f"{counts[Approval.DRAFT]} draft" + (f" · {locked} locked" if locked else ""),
        ),
        ("Total runtime", f"{runtime_text(runtime)} ({runtime:.1f} s)"),
        ("Aspect", f"{project.aspect.value} ({project.size[0]}×{project.size[1]})"),
        ("Language", project.language),
        ("Printed", now.strftime("%Y-%m-%d %H:%M UTC")),
    ]
    style = project.visual_bible.style or project.genre
    if style:
        rows.append(("Style", style))
    if project.visual_bible.emotional_tone:
        rows.append(("Tone", project.visual_bible.emotional_tone))
    y = top + 16
    for label, value in rows:
        sheet.use(10, color=MUTED)
        sheet.put(MARGIN + 8, y, 40, 6, label)
        sheet.use(10)
        sheet.put(MARGIN + 50, y, PAGE_W - 2 * MARGIN - 58, 6, sheet.fit(value, 200))
        y += 7.5
    if project.idea:
        sheet.use(9, color=MUTED)
        lines = _clip_lines(sheet.wrap(project.idea, 220), 4, sheet, 220)
        for line in lines:
            sheet.put(MARGIN + 8, y + 4, 220, 4.5, line)
            y += 4.5
    if not cards:
        sheet.use(11, color=MUTED)
        sheet.put(MARGIN + 8, y + 12, 200, 6, "This project has no scenes yet.")


def page_count(scenes: int) -> int:
    """Pages of a storyboard with `scenes` cards: the title page and the card sheets."""
    return 1 + math.ceil(scenes / CARDS_PER_PAGE)


def render_storyboard_pdf(
    project: Project,
    cards: list[SceneCard],
    out_path: Path | str,
    *,
    fonts: FontFiles | Callable[[], FontFiles | None] | None = find_fonts,
    now: datetime | None = None,
) -> Path:
    """Write the storyboard of `cards` to `out_path` (atomically). Blocking."""
    now = now or datetime.now(UTC)
    chosen = fonts() if callable(fonts) else fonts
    sheet = _Sheet(project.title, chosen)
    sheet.set_title(sheet.text_of(f"{project.title}: storyboard"))
    sheet.set_creator("GenStudio")
    _title_page(sheet, project, cards, now)
    for start in range(0, len(cards), CARDS_PER_PAGE):
        sheet.add_page()
        sheet.use(8, bold=True, color=MUTED)
        sheet.put(MARGIN, 10, 200, 5, sheet.fit(project.title, 200))
        last = min(start + CARDS_PER_PAGE, len(cards))
        sheet.use(8, color=MUTED)
        sheet.put(
            PAGE_W - MARGIN - 60,
            10,
            60,
            5,
            f"Scenes {scene_number(cards[start].scene)}–{scene_number(cards[last - 1].scene)}",
            "R",
        )
        for slot, card in enumerate(cards[start:last]):
            row, col = divmod(slot, COLUMNS)
            _draw_card(
                sheet, card, MARGIN + col * (CARD_W + GAP_X), GRID_TOP + row * (CARD_H + GAP_Y)
            )
    out_path = Path(out_path)
    with atomic_path(out_path) as tmp:
        sheet.output(str(tmp))
    return out_path


def write_storyboard_pdf(
    store: Store, workspace: Workspace, project_id: str, out_path: Path | str
) -> Path:
    """The project's storyboard as a PDF at `out_path`. Blocking."""
    project = store.get_project(project_id)
    return render_storyboard_pdf(project, collect_cards(store, workspace, project), out_path)
