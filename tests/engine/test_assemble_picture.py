"""The film's picture as a viewer gets it, rendered by the real FFmpeg and measured by
decoding the result: dips, wipes and slides, colour looks and burned-in subtitles.

Small pictures (320x192), 1-2 s clips: every film renders in well under a second, once per
module, and is decoded once (tests/engine/film_checks.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from genstudio.errors import GenStudioError
from genstudio.media.assemble import AssemblyResult, assemble
from genstudio.media.looks import apply_cube, read_cube, resolve_look
from genstudio.timeline import DialoguePlacement, Timeline
from tests.engine import assembly_inputs as media
from tests.engine.film_checks import (
    FPS,
    Film,
    H,
    Subtitled,
    W,
    all_colour,
    assert_length,
    clip,
    frame_index,
    is_colour,
    patch,
    rgb_frames,
)

# ---- dips, wipes and slides ------------------------------------------------------------------


@pytest.fixture(scope="module")
def transitions(tmp_path_factory: pytest.TempPathFactory) -> Film:
    """red -(dip 0.5 s)-> blue -(wipeleft 0.5 s)-> red -(slideup 0.5 s)-> blue, 2 s each."""
    d = tmp_path_factory.mktemp("transitions")
    red = media.solid_clip(d / "red.mp4", "red", duration=2.0)
    blue = media.solid_clip(d / "blue.mp4", "blue", duration=2.0)
    tl = Timeline(
        width=W,
        height=H,
        fps=FPS,
        clips=[
            clip(red, 1, 2.0),
            clip(blue, 2, 2.0, kind="dip", fade=0.5),
            clip(red, 3, 2.0, kind="wipeleft", fade=0.5),
            clip(blue, 4, 2.0, kind="slideup", fade=0.5),
        ],
    )
    result = assemble(tl, d / "film.mp4")
    return tl, result, rgb_frames(result.path)


def test_a_dip_fades_the_first_clip_to_black_then_the_second_up_from_it(transitions: Film) -> None:
    tl, result, frames = transitions
    assert (tl.clip_start(1), tl.total_duration) == (1.5, 6.5)
    assert_length(tl, result, frames)
    first, last = frame_index(1.5), frame_index(2.0)  # the dip's frames: [first, last)
    middle = frame_index(1.75)
    assert all_colour(frames[first - 1], "red")  # just before the dip: the red clip, whole
    assert frames[middle].max() < 20  # the middle of the dip: black
    assert all_colour(frames[last], "blue")  # just after it: the blue clip, whole
    # first half: only the red picture, darkening; second half: only blue, brightening
    reds = [int(f[..., 0].mean()) for f in frames[first:middle]]
    blues = [int(f[..., 2].mean()) for f in frames[middle + 1 : last]]
    assert all(f[..., 2].max() < 20 for f in frames[first : middle + 1])
    assert all(f[..., 0].max() < 20 for f in frames[middle : last + 1])
    assert reds == sorted(reds, reverse=True) and reds[0] > 200 and reds[-1] < 80
    assert blues == sorted(blues) and blues[0] < 80 and blues[-1] > 150


def test_a_wipe_and_a_slide_show_both_pictures_side_by_side(transitions: Film) -> None:
    tl, _, frames = transitions
    wipe, slide = tl.clip_start(2), tl.clip_start(3)
    assert (wipe, slide) == (3.0, 4.5)
    # wipeleft: blue until the wipe, the red picture comes in from the right edge
    assert all_colour(frames[frame_index(wipe) - 1], "blue")
    mid = frames[frame_index(wipe + 0.25)]
    assert is_colour(patch(mid, 0.25, 0.5), "blue") and is_colour(patch(mid, 0.75, 0.5), "red")
    assert is_colour(patch(mid, 0.25, 0.1), "blue") and is_colour(patch(mid, 0.75, 0.9), "red")
    # the edge sweeps steadily from the right to the left (in a crossfade every column
    # would change at once)
    red_columns = [
        int((frames[i][H // 2, :, 0] > 128).sum())
        for i in range(frame_index(wipe), frame_index(wipe + 0.5))
    ]
    assert red_columns == sorted(red_columns) and red_columns[0] < W // 4
    assert abs(red_columns[len(red_columns) // 2] - W // 2) <= W // 8
    assert all_colour(frames[frame_index(wipe + 0.5)], "red")
    # slideup: the blue picture rises from the bottom edge, pushing the red one out the top
    assert all_colour(frames[frame_index(slide) - 1], "red")
    mid = frames[frame_index(slide + 0.25)]
    assert is_colour(patch(mid, 0.5, 0.25), "red") and is_colour(patch(mid, 0.5, 0.75), "blue")
    assert all_colour(frames[frame_index(slide + 0.5)], "blue")
    assert all_colour(frames[-1], "blue")


# ---- looks -----------------------------------------------------------------------------------

# four flat patches, one per quarter of the frame: mid grey, orange, steel blue, green
PATCH_CHAIN = (
    f"color=c=0x808080:size={W}x{H}:rate={FPS}:duration=1,"
    "drawbox=x=160:y=0:w=160:h=96:color=0xE07828:t=fill,"
    "drawbox=x=0:y=96:w=160:h=96:color=0x2060C0:t=fill,"
    "drawbox=x=160:y=96:w=160:h=96:color=0x30C050:t=fill"
)
PATCH_CENTRES = ((0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75))
# what 4:2:0 chroma, 8-bit rounding and the YUV -> RGB -> YUV trip around lut3d cost
LOOK_TOLERANCE = 4.0


def swap_red_blue_cube(path: Path) -> Path:
    """A user's own 2-point .cube that swaps the red and blue channels (rows: red fastest)."""
    rows = [f"{b} {g} {r}" for b in (0, 1) for g in (0, 1) for r in (0, 1)]
    path.write_text('TITLE "swap"\nLUT_3D_SIZE 2\n' + "\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def user_cube(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return swap_red_blue_cube(tmp_path_factory.mktemp("cube") / "my look.cube")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory, user_cube: Path) -> dict[str, np.ndarray]:
    """The four patches' RGB (4 x 3) as the film shows them with no look and with each look
    ("user": the user's own .cube file, given as a path)."""
    d = tmp_path_factory.mktemp("looks")
    source = media.lavfi_clip(d / "patches.mp4", PATCH_CHAIN)
    tl = Timeline(width=W, height=H, fps=FPS, clips=[clip(source, 1, 1.0)])
    measured = {}
    for name, look in [
        ("neutral", None),
        ("warm", "warm"),
        ("teal_orange", "teal_orange"),
        ("noir", "noir"),
        ("user", user_cube),
    ]:
        result = assemble(tl, d / f"{name}.mp4", look=look)
        frame = rgb_frames(result.path)[FPS // 2]
        measured[name] = np.array(
            [patch(frame, fx, fy, radius=20) for fx, fy in PATCH_CENTRES], dtype=float
        )
    return measured


@pytest.mark.parametrize("look", ["warm", "teal_orange", "noir"])
def test_a_look_grades_every_colour_as_its_lut_says(
    graded: dict[str, np.ndarray], look: str
) -> None:
    neutral, got = graded["neutral"], graded[look]
    expected = apply_cube(read_cube(resolve_look(look)), neutral / 255) * 255
    error = np.abs(got - expected).max()
    print(f"\n{look}: largest error against apply_cube {error:.1f} levels")
    assert error <= LOOK_TOLERANCE
    assert np.abs(got - neutral).max() >= 15  # and it visibly changes the picture


def test_noir_is_black_and_white_and_warm_warms_grey(graded: dict[str, np.ndarray]) -> None:
    noir = graded["noir"]
    assert np.all(noir.max(axis=1) - noir.min(axis=1) <= 3)  # every patch grey
    grey, warm_grey = graded["neutral"][0], graded["warm"][0]
    assert warm_grey[0] - grey[0] >= 8 and grey[2] - warm_grey[2] >= 8  # redder, less blue


def test_a_users_cube_file_grades_the_film(graded: dict[str, np.ndarray], user_cube: Path) -> None:
    neutral, got = graded["neutral"], graded["user"]
    expected = apply_cube(read_cube(user_cube), neutral / 255) * 255
    assert np.abs(got - expected).max() <= LOOK_TOLERANCE
    # red and blue swapped: the orange patch turns sky blue, the steel blue one orange
    assert np.abs(got[:, ::-1] - neutral).max() <= LOOK_TOLERANCE


def test_an_unknown_look_is_named_and_no_film_is_written(tmp_path: Path) -> None:
    source = media.solid_clip(tmp_path / "red.mp4", "red", duration=1.0)
    out = tmp_path / "out" / "film.mp4"
    tl = Timeline(width=W, height=H, fps=FPS, clips=[clip(source, 1, 1.0)])
    with pytest.raises(GenStudioError, match=r"unknown look 'sepia'.*warm"):
        assemble(tl, out, look="sepia")
    assert not out.parent.exists() or not list(out.parent.iterdir())
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(b"the previous film")
    with pytest.raises(GenStudioError, match=r"missing\.cube.*does not exist"):
        assemble(tl, out, look=tmp_path / "missing.cube")
    assert out.read_bytes() == b"the previous film"
    assert sorted(p.name for p in out.parent.iterdir()) == ["film.mp4"]


# ---- burned-in subtitles ---------------------------------------------------------------------

HELLO = "HELLO THERE"


@pytest.fixture(scope="module")
def subtitled(tmp_path_factory: pytest.TempPathFactory) -> Subtitled:
    """Two black clips cut at 1.25 s, one line "HELLO THERE" at 1.0 s for 0.4 s (the cue spans
    the cut), rendered with the subtitle burned into the picture and with a sidecar .srt."""
    d = tmp_path_factory.mktemp("subtitles")
    night = media.black_clip(d / "night.mp4", duration=1.5)
    street = media.black_clip(d / "street.mp4", duration=1.5)
    voice = media.tone(d / "voice.wav", duration=0.4)
    tl = Timeline(
        width=W,
        height=H,
        fps=FPS,
        clips=[clip(night, 1, 1.25), clip(street, 2, 1.25)],
        dialogue=[
            DialoguePlacement(
                scene_id="s1",
                line_index=0,
                path=voice,
                start=1.0,
                duration=0.4,
                text=HELLO,
                character="ANA",
            )
        ],
    )
    films: dict[str, tuple[AssemblyResult, np.ndarray]] = {}
    for mode in ("burned", "sidecar"):
        result = assemble(tl, d / mode / "film.mp4", subtitles=mode)
        films[mode] = (result, rgb_frames(result.path))
    return tl, films


def text_mask(frame: np.ndarray) -> np.ndarray:
    """Bright pixels: the (white) subtitle over the black picture."""
    return frame.max(axis=2) > 100


def test_a_burned_subtitle_is_in_the_picture_exactly_while_its_cue_lasts(
    subtitled: Subtitled,
) -> None:
    tl, films = subtitled
    result, frames = films["burned"]
    assert_length(tl, result, frames)
    (cue,) = tl.subtitle_cues()
    assert (cue.start, cue.end) == (1.0, 1.7)  # heard for 0.4 s, shown the readable 0.7 s
    with_text = [i for i, frame in enumerate(frames) if text_mask(frame).any()]
    assert with_text == [i for i in range(len(frames)) if cue.start <= i / FPS < cue.end]
    boxes = set()
    for i in with_text:
        ys, xs = np.nonzero(text_mask(frames[i]))
        assert len(ys) >= 50  # a line of text, not a stray pixel
        assert ys.min() >= H * 2 // 3  # in the lower third
        assert abs((xs.min() + xs.max()) / 2 - W / 2) <= 4  # centred
        assert xs.max() - xs.min() >= W // 6  # both words
        boxes.add((ys.min(), ys.max(), xs.min(), xs.max()))
    # the cue crosses the cut at 1.25 s (two separately rendered pieces) without moving
    assert frame_index(tl.clip_start(1)) in with_text and len(boxes) == 1
    assert result.srt_path is None and not result.path.with_suffix(".srt").exists()


def test_with_a_sidecar_the_picture_has_no_text_and_the_srt_has_the_line(
    subtitled: Subtitled,
) -> None:
    _, films = subtitled
    result, frames = films["sidecar"]
    assert not any(text_mask(frame).any() for frame in frames)
    assert result.srt_path == result.path.with_suffix(".srt")
    assert HELLO in result.srt_path.read_text(encoding="utf-8")
