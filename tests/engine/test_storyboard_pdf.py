"""The printable storyboard: pages for N scenes, text a reader can search (accents included),
cards cut to fit, JPEG pictures, the core-font fallback, an atomic write."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from genstudio.export import storyboard_pdf
from genstudio.export.cards import collect_cards
from genstudio.export.storyboard_pdf import (
    CARDS_PER_PAGE,
    find_fonts,
    page_count,
    render_storyboard_pdf,
    write_storyboard_pdf,
)
from genstudio.models import Approval
from tests.engine.review_project import SPANISH_LINE, make_project, set_approval

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext/pdfinfo) not installed"
)


def _poppler(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _poppler("pdftotext", "-enc", "UTF-8", *pages, str(path), "-")


def pdf_pages(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _poppler("pdfinfo", str(path)), re.M).group(1))


@needs_poppler
def test_pages_for_n_scenes_and_searchable_spanish_text(store, workspace, tmp_path) -> None:
    project = make_project(store, workspace, scenes=7, clips=False)
    out = write_storyboard_pdf(store, workspace, project.id, tmp_path / "sheets.pdf")
    assert pdf_pages(out) == page_count(7) == 3  # title page + 6 cards + 1 card
    info = _poppler("pdfinfo", str(out))
    assert "A4" in info and "841.89 x 595.28" in info  # A4 landscape, in points
    title = pdf_text(out, 1)
    assert "La Noche del Faro" in title and "Storyboard" in title
    assert "0:07 (7.0 s)" in title  # total runtime of 7 one-second scenes
    first = pdf_text(out, 2)
    assert "INT. ESTACIÓN - NOCHE" in first  # scene 4's heading
    assert f"MAYA: {SPANISH_LINE}" in first
    assert "TOMÁS (bajo): Nada. Sólo el viento." in first
    assert "close up · low · push in" in first
    assert "Page 2 of 3" in first
    last = pdf_text(out, 3)
    assert "INT. TÚNEL - NOCHE" not in last and "INT. FARO - NOCHE" in last  # scene 7 alone


@needs_poppler
def test_cards_cut_long_action_and_show_approval(store, workspace, tmp_path) -> None:
    project = make_project(store, workspace, scenes=3, clips=False)
    scene = set_approval(store, project, 1, Approval.APPROVED)
    scene.locked = True
    scene.beats = [f"Paso número {i} de una acción muy larga que no cabe." for i in range(40)]
    store.save_scene(project.id, scene)
    set_approval(store, project, 2, Approval.CHANGES_REQUESTED)
    out = write_storyboard_pdf(store, workspace, project.id, tmp_path / "s.pdf")
    text = pdf_text(out, 2)
    assert "Paso número 0" in text and "Paso número 39" not in text
    assert "…" in text  # the cut is visible
    assert SPANISH_LINE in text  # dialogue still gets its lines next to a long action
    assert "APPROVED · LOCKED" in text and "CHANGES REQUESTED" in text and "DRAFT" in text


@needs_poppler
def test_pictures_are_jpeg_and_missing_ones_say_so(store, workspace, tmp_path) -> None:
    project = make_project(store, workspace, scenes=CARDS_PER_PAGE + 1, clips=False)
    scene = store.list_scenes(project.id)[2]
    scene.selected_take_id = None  # no take: no picture yet
    store.save_scene(project.id, scene)
    out = write_storyboard_pdf(store, workspace, project.id, tmp_path / "s.pdf")
    listing = _poppler("pdfimages", "-list", str(out)).splitlines()[2:]
    assert len(listing) == CARDS_PER_PAGE  # 7 scenes, one without a picture
    assert all(row.split()[2] == "image" and row.split()[8] == "jpeg" for row in listing)
    assert "no picture yet" in pdf_text(out, 2)
    assert out.stat().st_size < 200_000


@needs_poppler
def test_without_a_unicode_font_text_is_transliterated_not_lost(store, workspace, tmp_path) -> None:
    project = make_project(store, workspace, scenes=2, clips=False)
    scene = store.list_scenes(project.id)[1]
    scene.dialogue[0].line = "Őrült idő 雨 ¿Qué?"
    store.save_scene(project.id, scene)
    project = store.get_project(project.id)
    cards = collect_cards(store, workspace, project)
    out = render_storyboard_pdf(project, cards, tmp_path / "core.pdf", fonts=None)
    text = pdf_text(out, 2)
    assert SPANISH_LINE in text  # Windows-1252 has every Spanish letter
    assert "MAYA: Orült ido ? ¿Qué?" in text  # ő is not in 1252, ü is


def test_system_font_is_found_here() -> None:
    fonts = find_fonts()
    if fonts is None:
        pytest.skip("no Unicode TrueType font on this machine")
    assert fonts.regular.is_file() and fonts.regular.suffix.lower() == ".ttf"


@needs_poppler
def test_a_project_without_scenes_prints_a_title_page(store, workspace, tmp_path) -> None:
    project = make_project(store, workspace, scenes=0, clips=False)
    out = write_storyboard_pdf(store, workspace, project.id, tmp_path / "empty.pdf")
    assert pdf_pages(out) == 1
    assert "This project has no scenes yet." in pdf_text(out)


def test_a_failed_render_leaves_the_previous_pdf(store, workspace, tmp_path, monkeypatch) -> None:
    project = make_project(store, workspace, scenes=1, clips=False)
    out = write_storyboard_pdf(store, workspace, project.id, tmp_path / "s.pdf")
    before = out.read_bytes()

    def broken_output(self, name: str) -> None:
        Path(name).write_bytes(b"%PDF-1.4 half")
        raise OSError("disk full")

    monkeypatch.setattr(storyboard_pdf._Sheet, "output", broken_output)
    with pytest.raises(OSError, match="disk full"):
        write_storyboard_pdf(store, workspace, project.id, out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "ws") == ["s.pdf"]
