"""The film's sound and its inputs as a viewer gets them, rendered by the real FFmpeg and
measured by decoding the result: the loudness target under the true-peak ceiling, inputs of
every shape and format, and clips copied without re-encoding.

Small pictures (320x192), 1-2 s clips: every film renders in well under a second, once per
module, and is decoded once (tests/engine/film_checks.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from genstudio.media.assemble import assemble
from genstudio.timeline import MusicBed, Timeline
from tests.engine import assembly_inputs as media
from tests.engine.film_checks import (
    FPS,
    Copied,
    Film,
    H,
    W,
    all_colour,
    assert_length,
    clip,
    frame_index,
    is_colour,
    patch,
    rgb_frames,
)

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
