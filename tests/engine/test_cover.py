"""The poster and thumbnail a user sees in the library: a real frame of the film (never a fade
to black), the title readable on it, JPEGs of the promised size."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from genstudio.errors import MediaError
from genstudio.media.cover import draw_title, frame_score, make_poster, make_thumbnail
from genstudio.media.ffmpeg import ffmpeg_exe
from tests.engine import assembly_inputs as media


def read_jpeg(path: Path) -> np.ndarray:
    data = path.read_bytes()
    assert data[:3] == b"\xff\xd8\xff", "not a JPEG"
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


@pytest.fixture(scope="module")
def dark_bright_dark(tmp_path_factory) -> Path:
    """2 s black, 2 s colourful test pattern, 2 s black: only the middle is poster material."""
    path = tmp_path_factory.mktemp("cover") / "film.mp4"
    graph = (
        "color=black:size=320x192:rate=24:duration=2[a];"
        "testsrc2=size=320x192:rate=24:duration=2[b];"
        "color=black:size=320x192:rate=24:duration=2[c];"
        "[a][b][c]concat=n=3:v=1:a=0[v]"
    )
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-filter_complex",
            graph,
            "-map",
            "[v]",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path


def test_poster_comes_from_the_picture_not_the_black_and_has_the_films_size(
    dark_bright_dark, tmp_path
) -> None:
    result = make_poster(dark_bright_dark, tmp_path / "poster.jpg", "The Long Night")
    assert 2.0 <= result.source_time < 4.0
    poster = read_jpeg(result.poster)
    assert poster.shape == (192, 320, 3)
    assert poster[: 192 // 2].mean() > 60  # the upper half is the picture, not a black frame
    assert result.thumbnail is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["poster.jpg"]  # nothing left over


def test_width_scales_the_poster_and_thumbnail_is_written_alongside(
    dark_bright_dark, tmp_path
) -> None:
    result = make_poster(
        dark_bright_dark,
        tmp_path / "poster.jpg",
        "Title",
        width=640,
        thumbnail=tmp_path / "thumb.jpg",
    )
    assert read_jpeg(result.poster).shape == (384, 640, 3)
    assert result.thumbnail is not None
    assert read_jpeg(result.thumbnail).shape == (192, 320, 3)


def test_default_size_poster_skips_a_fade_from_black(tmp_path) -> None:
    film = media.pattern_clip(
        tmp_path / "film.mp4", duration=3.0, width=1280, height=768, fade_from_black=1.6
    )
    result = make_poster(
        film, tmp_path / "poster.jpg", "El Niño de la Tormenta", thumbnail=tmp_path / "thumb.jpg"
    )
    poster = read_jpeg(result.poster)
    assert poster.shape == (768, 1280, 3)
    assert result.source_time >= 1.0  # the early frames are (nearly) black
    assert poster[:384].mean() > 60
    assert read_jpeg(result.thumbnail).shape == (192, 320, 3)


def textured(grey: int = 110, size=(192, 320)) -> np.ndarray:
    rng = np.random.default_rng(3)
    noise = rng.integers(-20, 20, size=(*size, 3))
    return np.clip(grey + noise, 0, 255).astype(np.uint8)


def test_title_is_drawn_white_over_a_darkened_band_and_fits(tmp_path) -> None:
    frame = textured()
    result = make_poster(
        [frame], tmp_path / "poster.jpg", "A Title Long Enough That It Has To Wrap Onto Two Lines"
    )
    poster = read_jpeg(result.poster).astype(int)
    top, bottom = poster[:80], poster[120:]
    assert abs(top.mean() - frame[:80].mean()) < 3  # the picture above is untouched
    white = (bottom.min(axis=2) > 220).sum()
    assert white > 400  # letters
    band = np.median(bottom, axis=(0, 1))
    assert band.max() < frame.mean() - 20  # darkened behind the letters
    columns = np.flatnonzero((poster.min(axis=2) > 220).any(axis=0))
    assert columns.min() > 320 * 0.03 and columns.max() < 320 * 0.97  # fits the width
    rows = np.flatnonzero((poster.min(axis=2) > 220).any(axis=1))
    assert rows.max() - rows.min() > 30  # two lines, not one squeezed line


def test_accented_titles_render_their_own_letters() -> None:
    frame = textured()
    accented = draw_title(frame, "Ñandú")
    assert not np.array_equal(accented, draw_title(frame, "Nandu"))
    assert not np.array_equal(draw_title(frame, "¿Qué?"), draw_title(frame, "?Qu??"))


def test_scores_prefer_sharp_colourful_frames_and_reject_black() -> None:
    rng = np.random.default_rng(1)
    colourful = rng.integers(0, 255, size=(192, 320, 3), dtype=np.uint8)
    blurred = cv2.GaussianBlur(colourful, (31, 31), 10)
    grey = cv2.cvtColor(cv2.cvtColor(colourful, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    black = (colourful // 16).astype(np.uint8)
    assert frame_score(black) == 0.0
    assert frame_score(colourful) > frame_score(blurred) > 0
    assert frame_score(colourful) > frame_score(grey) > 0


def test_an_all_dark_film_still_gets_its_brightest_frame(tmp_path) -> None:
    frames = [np.full((192, 320, 3), level, np.uint8) for level in (0, 12, 5)]
    result = make_poster(frames, tmp_path / "poster.jpg", "")
    assert result.source_time == 1.0


def test_thumbnail_is_never_enlarged_and_keeps_the_aspect(tmp_path) -> None:
    small = tmp_path / "small.jpg"
    cv2.imwrite(str(small), textured(size=(100, 60)))
    assert read_jpeg(make_thumbnail(small, tmp_path / "t1.jpg")).shape == (100, 60, 3)
    tall = tmp_path / "tall.jpg"
    cv2.imwrite(str(tall), textured(size=(1000, 500)))
    assert read_jpeg(make_thumbnail(tall, tmp_path / "t2.jpg", max_side=200)).shape == (200, 100, 3)


def test_missing_or_unreadable_sources_are_named(tmp_path) -> None:
    with pytest.raises(MediaError, match=r"nope\.mp4"):
        make_poster(tmp_path / "nope.mp4", tmp_path / "poster.jpg", "T")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00" * 1000)
    with pytest.raises(MediaError, match=r"junk\.mp4"):
        make_poster(junk, tmp_path / "poster.jpg", "T")
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    with pytest.raises(MediaError, match=r"bad\.jpg"):
        make_thumbnail(bad, tmp_path / "thumb.jpg")
    assert not (tmp_path / "poster.jpg").exists() and not (tmp_path / "thumb.jpg").exists()
