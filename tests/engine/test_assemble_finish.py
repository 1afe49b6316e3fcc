"""The finishing touches of the film as a viewer gets them, rendered by the real FFmpeg and
measured by decoding the result: dips, wipes and slides, colour looks, burned-in subtitles,
the true-peak ceiling, inputs of every shape and format, and clips copied without re-encoding.

Small pictures (320x192), 1-2 s clips: every film renders in well under a second. Each film is
rendered once per module and decoded once into numpy (every frame in presentation order, as a
player shows them); frame i of the film is on screen from i / FPS seconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from genstudio.errors import GenStudioError
from genstudio.media.assemble import AssemblyResult, assemble
from genstudio.media.looks import apply_cube, read_cube, resolve_look
from genstudio.timeline import (
    DialoguePlacement,
    MusicBed,
    Timeline,
    TimelineClip,
    Transition,
    TransitionKind,
)
from tests.engine import assembly_inputs as media

W, H, FPS = 320, 192, 24
# a rendered film: its timeline, what assemble() returned, every frame decoded
Film = tuple[Timeline, AssemblyResult, np.ndarray]
Subtitled = tuple[Timeline, dict[str, tuple[AssemblyResult, np.ndarray]]]
# ... and the copy test's sources decoded (by clip name)
Copied = tuple[Timeline, AssemblyResult, np.ndarray, dict[str, np.ndarray]]
RGB = {
    "red": (255, 0, 0),
    "blue": (0, 0, 255),
    "green": (0, 192, 0),  # 0x00C000
    "yellow": (255, 255, 0),
    "black": (0, 0, 0),
    "white": (255, 255, 255),
}


def clip(
    path: Path,
    number: int,
    duration: float,
    *,
    kind: TransitionKind | None = None,
    fade: float = 0.0,
    audio: bool = False,
    source_in: float = 0.0,
) -> TimelineClip:
    return TimelineClip(
        scene_id=f"s{number}",
        scene_number=number,
        take_id=f"t{number}",
        path=path,
        duration=duration,
        source_in=source_in,
        transition_in=Transition(kind=kind, duration=fade) if kind else None,
        has_audio=audio,
    )


def rgb_frames(film: Path) -> np.ndarray:
    """Every frame of the film as (frames, H, W, 3) RGB."""
    return media.raw_frames(film, W, H, "rgb24").reshape(-1, H, W, 3)


def frame_index(seconds: float) -> int:
    """The film frame a Timeline time falls on (the assembler rounds every clip boundary to
    the nearest frame)."""
    return round(seconds * FPS)


def patch(frame: np.ndarray, fx: float, fy: float, radius: int = 8) -> tuple[int, ...]:
    """Mean RGB of a small square centred at (fx x W, fy x H)."""
    x, y = int(fx * W), int(fy * H)
    area = frame[y - radius : y + radius, x - radius : x + radius].reshape(-1, 3)
    return tuple(int(v) for v in area.mean(axis=0))


def is_colour(rgb: tuple[int, ...], name: str, tolerance: int = 30) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, RGB[name], strict=True))


def all_colour(frame: np.ndarray, name: str, tolerance: int = 30) -> bool:
    """The whole frame is one flat colour (no bars, no blend, no second picture)."""
    return bool(np.all(np.abs(frame.astype(int) - RGB[name]) <= tolerance))


def assert_length(
    tl: Timeline, result: AssemblyResult, frames: np.ndarray, *, header_rate: bool = True
) -> None:
    """The film lasts what the timeline says, in whole frames (within half a frame).
    header_rate: also the frame count over the rate the file's header states."""
    assert len(frames) == frame_index(tl.total_duration)
    assert result.duration == pytest.approx(len(frames) / FPS, abs=1e-6)
    assert abs(result.duration - tl.total_duration) <= 0.5 / FPS
    if header_rate:
        seconds = media.decoded_video_seconds(result.path)
        assert seconds == pytest.approx(result.duration, abs=1e-3)


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


# ---- loudness and the true-peak ceiling ------------------------------------------------------

SQUARE = "aevalsrc='if(lt(mod(t*997\\,1)\\,0.5)\\,1\\,-1)':s=44100:d=2"
# a quiet scene with a gunshot every half second (decaying noise bursts hitting full scale)
SHOTS = (
    "aevalsrc='0.1*sin(2*PI*300*t)+if(lt(mod(t\\,0.5)\\,0.03)\\,"
    "(random(0)*2-1)*exp(-mod(t\\,0.5)*100)\\,0)':s=44100:d=2"
)
# mostly silence: the shots are nearly all of the loudness
SHOTS_ALONE = (
    "aevalsrc='0.02*sin(2*PI*300*t)+if(lt(mod(t\\,1)\\,0.05)\\,"
    "(random(0)*2-1)*exp(-mod(t\\,1)*60)\\,0)':s=44100:d=2"
)


def sound_clip(path: Path, audio: str) -> Path:
    """A black 2 s clip whose sound is the lavfi `audio` source, stored as 16-bit PCM."""
    return media.lavfi_clip(
        path,
        f"color=c=black:size={W}x{H}:rate={FPS}:duration=2",
        audio=audio,
        audio_args=("-c:a", "pcm_s16le"),
    )


@pytest.fixture(scope="module")
def loud(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("loud")
    music = d / "wall_of_noise.wav"
    noise = "anoisesrc=color=pink:amplitude=1:sample_rate=44100:duration=1.3:seed=7"
    media._run(["-f", "lavfi", "-i", noise, "-ac", "2", str(music)])
    return {
        "square": sound_clip(d / "square.mov", SQUARE),
        "music": music,
        "shots": sound_clip(d / "shots.mov", SHOTS),
        "shots_alone": sound_clip(d / "shots_alone.mov", SHOTS_ALONE),
    }


def loudness_report(name: str, source: Path, film: Path) -> tuple[float, float]:
    level, peak = media.integrated_loudness(film), media.true_peak(film)
    print(
        f"\n{name}: input {media.integrated_loudness(source):.1f} LUFS "
        f"{media.true_peak(source):+.1f} dBTP -> film {level:.1f} LUFS {peak:+.1f} dBTP"
    )
    return level, peak


@pytest.mark.parametrize("target", [-14.0, -23.0])
def test_a_full_scale_soundtrack_meets_the_target_under_the_true_peak_ceiling(
    loud: dict[str, Path], tmp_path: Path, target: float
) -> None:
    """A full-scale square wave (its true peak above 0 dBTP) under full-scale pink noise."""
    tl = Timeline(
        width=W,
        height=H,
        fps=FPS,
        clips=[clip(loud["square"], 1, 2.0, audio=True)],
        music=MusicBed(path=loud["music"], volume_db=0.0),
    )
    assert media.true_peak(loud["square"]) > 1.0  # the input really is over the ceiling
    result = assemble(tl, tmp_path / "film.mp4", loudness=target)
    level, peak = loudness_report(f"square + noise at {target}", loud["square"], result.path)
    assert level == pytest.approx(target, abs=1.0)
    assert peak <= -1.0


def test_gunshots_are_limited_under_the_ceiling_and_the_scene_is_at_the_target(
    loud: dict[str, Path], tmp_path: Path
) -> None:
    """Peaks 20 dB over the scene's level: brought to -14 LUFS by gain alone they would go
    far over 0 dBTP, so the limiter must take them down."""
    tl = Timeline(width=W, height=H, fps=FPS, clips=[clip(loud["shots"], 1, 2.0, audio=True)])
    source_level, source_peak = (
        media.integrated_loudness(loud["shots"]),
        media.true_peak(loud["shots"]),
    )
    assert source_peak + (-14.0 - source_level) > 3.0
    result = assemble(tl, tmp_path / "film.mp4", loudness=-14.0)
    level, peak = loudness_report("gunshots at -14", loud["shots"], result.path)
    assert peak <= -1.0
    assert level == pytest.approx(-14.0, abs=1.0)


def test_a_soundtrack_that_is_nearly_all_transients_still_meets_the_target(
    loud: dict[str, Path], tmp_path: Path
) -> None:
    tl = Timeline(width=W, height=H, fps=FPS, clips=[clip(loud["shots_alone"], 1, 2.0, audio=True)])
    result = assemble(tl, tmp_path / "film.mp4", loudness=-14.0)
    level, peak = loudness_report("transients at -14", loud["shots_alone"], result.path)
    assert peak <= -1.0
    assert level == pytest.approx(-14.0, abs=1.0)


# ---- inputs of every shape and format --------------------------------------------------------

BEEP_AT = 1.0  # seconds into the last clip's file where its picture turns white and it beeps


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Film:
    """Four clips no two alike, cut, cut, then crossfaded (0.3 s), into a 320x192 24 fps film:
    1. anamorphic: 240x192 stored, SAR 4:3 (shown 320x192): left half red, right half blue;
       no audio
    2. yuv444p 400x240 at 30 fps, green, with 5.1 sound: a 440 Hz tone in the centre channel
    3. 10-bit yuv420p at 25 fps, yellow, no audio
    4. used from 0.5 s: black, at 1.0 s of its file turning white as a 1 kHz beep starts
       (mono AAC at 44.1 kHz)"""
    d = tmp_path_factory.mktemp("mixed")
    anamorphic = media.lavfi_clip(
        d / "anamorphic.mp4",
        f"color=c=blue:size=240x{H}:rate={FPS}:duration=1.5,"
        f"drawbox=x=0:y=0:w=120:h={H}:color=red:t=fill,setsar=4/3",
    )
    surround = media.lavfi_clip(
        d / "surround.mp4",
        "color=c=0x00C000:size=400x240:rate=30:duration=1.5",
        pix_fmt="yuv444p",
        audio="sine=frequency=440:sample_rate=48000:duration=1.5,pan=5.1|FC=c0",
    )
    deep = media.lavfi_clip(
        d / "deep.mkv",
        f"color=c=yellow:size={W}x{H}:rate=25:duration=1.5",
        pix_fmt="yuv420p10le",
    )
    beep = media.lavfi_clip(
        d / "beep.mp4",
        f"color=c=black:size={W}x{H}:rate={FPS}:duration=2.5,"
        f"drawbox=x=0:y=0:w={W}:h={H}:color=white:t=fill:enable='gte(t\\,{BEEP_AT})'",
        audio=f"aevalsrc='if(gte(t\\,{BEEP_AT})\\,0.5*sin(2*PI*1000*t)\\,0)':s=44100:d=2.5",
        audio_args=("-c:a", "aac", "-ac", "1"),
    )
    assert "SAR 4:3" in media.streams(anamorphic)["video_detail"][0]
    assert "yuv420p10le" in media.streams(deep)["video_detail"][0]
    assert "5.1" in media.streams(surround)["audio_detail"][0]
    assert "44100 Hz, mono" in media.streams(beep)["audio_detail"][0]
    tl = Timeline(
        width=W,
        height=H,
        fps=FPS,
        clips=[
            clip(anamorphic, 1, 1.5),
            clip(surround, 2, 1.5, audio=True),
            clip(deep, 3, 1.5),
            clip(beep, 4, 1.5, kind="crossfade", fade=0.3, audio=True, source_in=0.5),
        ],
    )
    result = assemble(tl, d / "film.mp4")
    return tl, result, rgb_frames(result.path)


def test_mixed_formats_make_one_yuv420p_h264_film_with_48k_stereo_aac(mixed: Film) -> None:
    tl, result, frames = mixed
    info = media.streams(result.path)
    assert info["video"] == ["h264"] and info["audio"] == ["aac"]
    assert info["size"] == [(str(W), str(H))]
    assert "yuv420p(" in info["video_detail"][0]  # 8-bit 4:2:0: every player decodes it
    assert "48000 Hz, stereo" in info["audio_detail"][0]
    assert_length(tl, result, frames)
    samples = media.audio_samples(result.path)
    assert len(samples) / 48000 == pytest.approx(result.duration, abs=0.01)


def test_every_clip_shows_in_its_own_colours_at_its_place(mixed: Film) -> None:
    tl, _, frames = mixed
    middle = [frames[frame_index(tl.clip_start(i) + 0.75)] for i in range(4)]
    assert is_colour(patch(middle[0], 0.3, 0.5), "red")
    assert is_colour(patch(middle[0], 0.7, 0.5), "blue")
    assert all_colour(middle[1], "green")  # 5:3 like the film: fills it
    assert all_colour(middle[2], "yellow")  # 10-bit, converted without a colour cast
    assert all_colour(middle[3], "white")
    for i in (1, 2):  # cut: the last frame of one clip, then the first of the next
        cut = frame_index(tl.clip_start(i))
        assert not all_colour(frames[cut - 1], ("green", "yellow")[i - 1])
        assert all_colour(frames[cut], ("green", "yellow")[i - 1])


def test_an_anamorphic_clip_fills_the_frame_unsqueezed(mixed: Film) -> None:
    frames = mixed[2]
    frame = frames[frame_index(0.75)]
    red = np.flatnonzero(frame[H // 2, :, 0] > 128)
    blue = np.flatnonzero(frame[H // 2, :, 2] > 128)
    # displayed 320 wide: red from the left edge to the middle, blue from there to the right
    assert red.min() <= 1 and blue.max() >= W - 2
    assert abs(red.max() - W // 2) <= 2 and abs(blue.min() - W // 2) <= 2


def _onset(samples: np.ndarray, after: float) -> float:
    """Seconds at which the sound first reaches a quarter of its peak, from `after` on."""
    start = int(after * 48000)
    level = np.abs(samples[start:])
    return (start + int(np.flatnonzero(level > 0.25 * level.max())[0])) / 48000


def test_sound_stays_in_sync_with_the_picture(mixed: Film) -> None:
    tl, result, frames = mixed
    samples = media.audio_samples(result.path)
    # clip 2 (5.1) is heard exactly while it is on screen, after the silent clip 1
    heard = np.flatnonzero(np.abs(samples) > 0.25 * np.abs(samples[: int(3.0 * 48000)]).max())
    start, end = heard[0] / 48000, heard[heard < int(3.2 * 48000)][-1] / 48000
    print(f"\nsurround clip heard {start:.4f}-{end:.4f} s, on screen 1.5-3.0 s")
    assert abs(start - tl.clip_start(1)) <= 1 / FPS
    assert abs(end - tl.clip_end(1)) <= 1 / FPS
    assert media.rms_db(samples[int(3.1 * 48000) : int(4.1 * 48000)]) < -60  # clip 3: silent
    # clip 4: the frame that turns white and the beep are in the same place in its file
    white = next(
        i
        for i in range(frame_index(tl.clip_start(3)), len(frames))
        if all_colour(frames[i], "white")
    )
    assert white == frame_index(tl.clip_start(3)) + round((BEEP_AT - 0.5) * FPS)
    beep = _onset(samples, tl.clip_start(3))
    print(f"beep at {beep:.4f} s, white picture at {white / FPS:.4f} s")
    assert abs(beep - white / FPS) <= 1 / FPS


def test_a_surround_clips_centre_channel_is_heard_in_both_speakers(mixed: Film) -> None:
    tl, result, _ = mixed
    stereo = media.audio_samples(result.path, channels=2)
    span = stereo[int((tl.clip_start(1) + 0.2) * 48000) : int((tl.clip_end(1) - 0.2) * 48000)]
    left, right = media.rms_db(span[:, 0]), media.rms_db(span[:, 1])
    assert left > -30 and abs(left - right) < 1.0
    spectrum = np.abs(np.fft.rfft(span[:, 0]))
    assert np.fft.rfftfreq(len(span), 1 / 48000)[spectrum.argmax()] == pytest.approx(440, abs=5)


# ---- clips already in the film's format: copied, not re-encoded ------------------------------

# Each copy-test clip codes its own frame number in brightness (left half: n mod 24 in steps
# of 8, right half: n // 24 in steps of 48) under +-4 levels of noise (so a re-encoded frame
# is never bit-identical to its source), and its identity in its colour (U, V).
CODED = {"A": (170, 128), "B": (86, 128), "C": (128, 170)}
CODED_SECONDS = 3.0
GOP = 12  # a keyframe every 0.5 s: the copier can start and end inside every clip


def coded_frames(u: int, v: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    count = int(CODED_SECONDS * FPS)
    frames = np.empty((count, W * H * 3 // 2), np.uint8)
    for n in range(count):
        luma = np.empty((H, W), np.int16)
        luma[:, : W // 2] = 16 + 8 * (n % 24)
        luma[:, W // 2 :] = 16 + 48 * (n // 24)
        luma += rng.integers(-4, 5, size=(H, W), dtype=np.int16)
        frames[n, : W * H] = luma.clip(0, 255).ravel()
        frames[n, W * H : W * H * 5 // 4] = u
        frames[n, W * H * 5 // 4 :] = v
    return frames


def identify(frame: np.ndarray) -> tuple[str, int]:
    """(clip, source frame number) that a yuv420p film frame shows."""
    luma = frame[: W * H].reshape(H, W).astype(float)
    low, high = luma[20:-20, 20 : W // 2 - 20].mean(), luma[20:-20, W // 2 + 20 : -20].mean()
    u, v = frame[W * H : W * H * 5 // 4].mean(), frame[W * H * 5 // 4 :].mean()
    name = min(CODED, key=lambda k: abs(CODED[k][0] - u) + abs(CODED[k][1] - v))
    return name, round((low - 16) / 8) + 24 * round((high - 16) / 48)


@pytest.fixture(scope="module", params=["high", "baseline"])
def copied(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Copied:
    """Three 320x192 24 fps H.264 yuv420p clips joined by cuts, two used from inside the file:
    A from 0.5 s for 1.5 s, B from 0 for 1.75 s, C from 0.25 s for 2 s. "high": sources with
    B-frames (x264 veryfast, like most generators' output); "baseline": without (ultrafast)."""
    d = tmp_path_factory.mktemp(f"copy_{request.param}")
    preset = "veryfast" if request.param == "high" else "ultrafast"
    sources: dict[str, Path] = {}
    for seed, (name, (u, v)) in enumerate(CODED.items()):
        sources[name] = media.yuv_clip(
            d / f"{name}.mp4", coded_frames(u, v, seed), W, H, preset=preset, gop=GOP
        )
    tl = Timeline(
        width=W,
        height=H,
        fps=FPS,
        clips=[
            clip(sources["A"], 1, 1.5, source_in=0.5),
            clip(sources["B"], 2, 1.75),
            clip(sources["C"], 3, 2.0, source_in=0.25),
        ],
    )
    result = assemble(tl, d / "film.mp4")
    decoded = {name: media.raw_frames(path, W, H) for name, path in sources.items()}
    return tl, result, media.raw_frames(result.path, W, H), decoded


def expected_frames(tl: Timeline) -> list[tuple[str, int]]:
    shown: list[tuple[str, int]] = []
    for i, item in enumerate(tl.clips):
        first, end = frame_index(tl.clip_start(i)), frame_index(tl.clip_end(i))
        offset = frame_index(item.source_in)
        shown += [(item.path.stem, offset + n) for n in range(end - first)]
    return shown


def test_copied_clips_cut_on_the_exact_frame(copied: Copied) -> None:
    tl, result, frames, sources = copied
    assert_length(tl, result, frames, header_rate=False)  # see the next test
    expected = expected_frames(tl)
    assert len(expected) == len(frames) == 126
    assert [identify(frame) for frame in frames] == expected  # every frame, +-0 frames
    untouched = sum(
        np.array_equal(frame, sources[name][n])
        for frame, (name, n) in zip(frames, expected, strict=True)
    )
    print(f"\n{untouched} of {len(frames)} frames bit-identical to their source")
    assert untouched >= len(frames) // 2  # most of the film is the sources' own frames


def test_a_copied_film_has_evenly_timed_frames(copied: Copied) -> None:
    """Every frame lasts 1/24 s in the file itself, so an editor or a transcoder that reads
    it at a constant rate sees the same frames a player shows."""
    _, result, frames, _ = copied
    base, packets = media.packet_timing(result.path)
    one_frame = 1 / (FPS * base)
    assert all(abs(duration - one_frame) <= 2 for _, _, duration in packets)
    assert " 24 fps," in media.streams(result.path)["video_detail"][0]
    assert media.decoded_video_seconds(result.path) == pytest.approx(result.duration, abs=1e-3)
    constant = media.raw_frames(result.path, W, H, constant_rate=True)
    assert len(constant) == len(frames) and np.array_equal(constant, frames)
