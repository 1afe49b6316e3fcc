"""The film as a viewer gets it: real ffmpeg renders of small generated clips, measured by
decoding the result (streams, frames at cut boundaries, sample onsets, loudness)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from genstudio.errors import MediaError
from genstudio.media.assemble import assemble, remove_stale_parts
from genstudio.media.ffmpeg import Cancelled
from genstudio.media.subtitles import parse_srt
from genstudio.timeline import DialoguePlacement, MusicBed, Timeline, TimelineClip, Transition
from tests.engine import assembly_inputs as media

W, H = 320, 192
COLOURS = {"red": (255, 0, 0), "green": (0, 128, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0)}


def clip(path: Path, number: int, duration: float, *, fade: float = 0.0, audio: bool = False):
    return TimelineClip(
        scene_id=f"s{number}",
        scene_number=number,
        take_id=f"t{number}",
        path=path,
        duration=duration,
        transition_in=Transition(kind="crossfade", duration=fade) if fade else None,
        has_audio=audio,
    )


def line(path: Path, start: float, duration: float, index: int = 0, text: str = "Line."):
    return DialoguePlacement(
        scene_id="s1",
        line_index=index,
        path=path,
        start=start,
        duration=duration,
        text=text,
        character="ANA",
    )


def colour_at(film: Path, seconds: float) -> tuple[int, int, int]:
    frame = media.frame_at(film, seconds, W, H)
    patch = frame[H // 2 - 10 : H // 2 + 10, W // 2 - 10 : W // 2 + 10].reshape(-1, 3)
    return tuple(int(v) for v in patch.mean(axis=0))


def is_colour(rgb, name: str, tolerance: int = 30) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, COLOURS[name], strict=True))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("inputs")
    return {
        "red": media.solid_clip(d / "red.mp4", "red", duration=2.0, fps=24),
        "green": media.solid_clip(
            d / "green.mp4", "green", duration=2.0, fps=30, width=640, height=360, tone_hz=440
        ),
        "blue": media.solid_clip(
            d / "blue.mp4", "blue", duration=1.5, fps=25, width=200, height=200
        ),
        "yellow": media.solid_clip(
            d / "yellow.mov", "yellow", duration=2.0, fps=24, width=256, height=144, tone_hz=660
        ),
        "black": media.black_clip(d / "black.mp4", duration=4.0),
        "tone": media.tone(d / "tone.wav", duration=0.4, hz=1000),
        "long_tone": media.tone(d / "long_tone.mp3", duration=1.5, hz=1000),
        "music": media.noise_music(d / "music.wav", duration=1.3),
    }


@pytest.fixture(scope="module")
def mixed(inputs, tmp_path_factory):
    """Four clips of different sizes, rates and containers, two with sound, cuts and
    crossfades, two dialogue lines and a music bed."""
    tl = Timeline(
        width=W,
        height=H,
        fps=24,
        clips=[
            clip(inputs["red"], 1, 2.0),
            clip(inputs["green"], 2, 2.0, fade=0.5, audio=True),
            clip(inputs["blue"], 3, 1.5),
            clip(inputs["yellow"], 4, 2.0, fade=0.4, audio=True),
        ],
        dialogue=[
            line(inputs["tone"], 1.0, 0.4, 0, "First line."),
            line(inputs["tone"], 4.2, 0.4, 1, "Second line."),
        ],
        music=MusicBed(path=inputs["music"]),
    )
    out = tmp_path_factory.mktemp("mixed") / "film.mp4"
    seen: list[float] = []
    result = assemble(tl, out, progress=seen.append)
    return tl, result, seen


# ---- rendered films ------------------------------------------------------------------------


def test_mixed_inputs_make_one_h264_and_one_aac_stream_of_the_timeline_length(mixed) -> None:
    tl, result, seen = mixed
    info = media.streams(result.path)
    assert info["video"] == ["h264"] and info["audio"] == ["aac"]
    assert info["size"] == [(str(W), str(H))]
    assert "48000 Hz, stereo" in info["audio_detail"][0]
    assert media.decoded_video_seconds(result.path) == pytest.approx(tl.total_duration, abs=0.1)
    assert result.duration == pytest.approx(tl.total_duration, abs=1 / 48)
    assert seen[-1] == 1.0 and seen == sorted(seen)


def test_cuts_and_crossfades_land_at_the_clip_starts(mixed) -> None:
    tl, result, _ = mixed
    film = result.path
    fade_at, cut_at, fade2_at = tl.clip_start(1), tl.clip_start(2), tl.clip_start(3)
    assert (fade_at, cut_at, fade2_at) == (1.5, 3.5, 4.6)
    assert is_colour(colour_at(film, fade_at - 0.05), "red")
    half = colour_at(film, fade_at + 0.25)  # mid-crossfade: both pictures at once
    assert 80 < half[0] < 180 and 30 < half[1] < 100
    assert is_colour(colour_at(film, fade_at + 0.5 + 0.03), "green")
    assert is_colour(colour_at(film, cut_at - 0.03), "green")
    assert is_colour(colour_at(film, cut_at + 0.03), "blue")
    assert is_colour(colour_at(film, fade2_at - 0.03), "blue")
    assert is_colour(colour_at(film, fade2_at + 0.4 + 0.03), "yellow")
    assert is_colour(colour_at(film, tl.total_duration - 0.05), "yellow")


def test_other_shapes_are_fitted_with_black_bars_not_stretched(mixed) -> None:
    _, result, _ = mixed
    square = media.frame_at(result.path, 4.0, W, H)  # 200x200 blue scaled to 192x192, centred
    assert square[H // 2, 10].max() < 30 and square[H // 2, W - 10].max() < 30
    assert square[H // 2, W // 2 - 90][2] > 200 and square[H // 2, W // 2 + 90][2] > 200
    wide = media.frame_at(result.path, 2.5, W, H)  # 16:9 green into 5:3: bars top and bottom
    assert wide[1, W // 2].max() < 30 and wide[H // 2, W // 2][1] > 100


def test_subtitles_beside_the_film_match_the_dialogue(mixed) -> None:
    tl, result, _ = mixed
    assert result.srt_path == result.path.with_suffix(".srt")
    cues = parse_srt(result.srt_path.read_text(encoding="utf-8"))
    assert [c.text for c in cues] == ["First line.", "Second line."]
    for cue, placed in zip(cues, tl.dialogue, strict=True):
        assert cue.start == pytest.approx(placed.start, abs=1e-3)
        assert cue.end == pytest.approx(placed.start + 0.7, abs=1e-3)  # readable minimum


def test_loudness_is_on_target(mixed) -> None:
    _, result, _ = mixed
    assert media.integrated_loudness(result.path) == pytest.approx(-14.0, abs=1.0)


def test_a_dialogue_line_is_heard_at_its_film_time(inputs, tmp_path) -> None:
    start = 1.3
    tl = Timeline(
        width=W,
        height=H,
        clips=[clip(inputs["black"], 1, 3.0)],
        dialogue=[line(inputs["tone"], start, 0.4)],
    )
    result = assemble(tl, tmp_path / "film.mp4")
    samples = media.audio_samples(result.path)
    loud = np.flatnonzero(np.abs(samples) > 0.25 * np.abs(samples).max())
    assert abs(loud[0] / 48000 - start) <= 1 / 24  # within one video frame
    assert abs(loud[-1] / 48000 - (start + 0.4)) <= 1 / 24
    assert media.rms_db(samples[: int((start - 0.1) * 48000)]) < -60  # silence before it


def _music_level(film: Path, windows):
    """RMS of everything but the 1 kHz dialogue tone, in each (start, end) window."""
    samples = media.audio_samples(film).astype(np.float64)
    spectrum = np.fft.rfft(samples)
    freqs = np.fft.rfftfreq(len(samples), 1 / 48000)
    spectrum[(freqs > 900) & (freqs < 1100)] = 0
    music = np.fft.irfft(spectrum, len(samples))
    return [media.rms_db(music[int(a * 48000) : int(b * 48000)]) for a, b in windows]


def test_music_ducks_under_dialogue_and_comes_back(inputs, tmp_path) -> None:
    windows = [(0.3, 1.4), (1.9, 2.9), (3.6, 3.95)]  # before, under the line, after
    base = dict(
        width=W,
        height=H,
        clips=[clip(inputs["black"], 1, 4.0)],
        music=MusicBed(path=inputs["music"], duck_db=-12),
    )
    plain = assemble(Timeline(**base), tmp_path / "plain.mp4")
    spoken = assemble(
        Timeline(**base, dialogue=[line(inputs["long_tone"], 1.5, 1.5)]), tmp_path / "duck.mp4"
    )
    before, under, after = _music_level(plain.path, windows)
    assert abs(before - under) < 1.5 and abs(after - under) < 1.5  # the bed itself is steady
    before, under, after = _music_level(spoken.path, windows)
    assert before - under >= 8  # ducked by about 12 dB
    assert abs(after - before) < 2  # and back once the line ends
    # the music loops: a 1.3 s file fills the 4 s film
    assert media.rms_db(media.audio_samples(plain.path)[int(3.6 * 48000) :]) > -40
    assert media.integrated_loudness(spoken.path) == pytest.approx(-14.0, abs=1.0)


def test_a_quieter_loudness_target_is_met(inputs, tmp_path) -> None:
    tl = Timeline(
        width=W,
        height=H,
        clips=[
            clip(inputs["green"], 1, 2.0, audio=True),
            clip(inputs["yellow"], 2, 2.0, audio=True),
        ],
        dialogue=[line(inputs["tone"], 1.0, 0.4)],
    )
    result = assemble(tl, tmp_path / "film.mp4", loudness=-23.0)
    assert media.integrated_loudness(result.path) == pytest.approx(-23.0, abs=1.0)


def test_a_film_with_no_sound_has_a_silent_aac_track_and_no_subtitles(inputs, tmp_path) -> None:
    (tmp_path / "film.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nstale\n")
    tl = Timeline(
        width=W, height=H, clips=[clip(inputs["red"], 1, 2.0), clip(inputs["blue"], 2, 1.5)]
    )
    result = assemble(tl, tmp_path / "film.mp4")
    info = media.streams(result.path)
    assert info["video"] == ["h264"] and info["audio"] == ["aac"]
    samples = media.audio_samples(result.path)
    assert len(samples) / 48000 == pytest.approx(3.5, abs=0.05)
    assert np.abs(samples).max() < 1e-3
    assert result.srt_path is None and not (tmp_path / "film.srt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["film.mp4"]


# ---- bad inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("missing", r"scene 2: the file does not exist"),
        ("garbage", r"scene 2: not a media file"),
        ("short", r"scene 2: the file lasts 1\.5\d s but the film needs it up to 3\.00 s"),
        ("empty_music", r"the music bed: FFmpeg cannot tell how long it is"),
        ("no_sound", r"scene 2: the file has no audio stream"),
        ("voice", r"dialogue line 1 of scene 1: the file does not exist"),
    ],
)
def test_a_bad_input_is_named_and_the_old_film_survives(inputs, tmp_path, broken, message):
    out = tmp_path / "film.mp4"
    out.write_bytes(b"the previous film")
    second = {
        "missing": tmp_path / "gone.mp4",
        "garbage": tmp_path / "junk.mp4",
        "short": inputs["blue"],
        "no_sound": inputs["red"],
    }.get(broken, inputs["blue"])
    (tmp_path / "junk.mp4").write_bytes(os.urandom(4096))
    duration = 3.0 if broken == "short" else 1.5
    voice = tmp_path / "no_voice.wav" if broken == "voice" else inputs["tone"]
    music = None
    if broken == "empty_music":  # looped: it would never end if it were let through
        music = MusicBed(path=media.empty_audio(tmp_path / "empty.wav"))
    tl = Timeline(
        width=W,
        height=H,
        clips=[clip(inputs["red"], 1, 2.0), clip(second, 2, duration, audio=broken == "no_sound")],
        dialogue=[line(voice, 0.5, 0.4)],
        music=music,
    )
    with pytest.raises(MediaError, match=message) as err:
        assemble(tl, out)
    assert err.value.path.name in str(err.value)
    assert out.read_bytes() == b"the previous film"
    assert not list(tmp_path.glob(".film.*"))


# ---- the real frame size, progress, cancel and a kill --------------------------------------


@pytest.fixture(scope="module")
def big_clips(tmp_path_factory) -> list[Path]:
    d = tmp_path_factory.mktemp("big")
    return [
        media.pattern_clip(d / f"scene{i}.mp4", duration=3.0, width=1280, height=768, fps=fps)
        for i, fps in enumerate((24, 30, 25))
    ]


def big_timeline(big_clips, inputs) -> Timeline:
    return Timeline(
        width=1280,
        height=768,
        fps=24,
        clips=[
            clip(big_clips[0], 1, 3.0),
            clip(big_clips[1], 2, 3.0, fade=0.5),
            clip(big_clips[2], 3, 3.0),
        ],
        dialogue=[line(inputs["tone"], 1.0, 0.4)],
        music=MusicBed(path=inputs["music"]),
    )


def test_default_size_film_renders_with_progress(big_clips, inputs, tmp_path) -> None:
    tl = big_timeline(big_clips, inputs)
    seen: list[float] = []
    started = time.monotonic()
    result = assemble(tl, tmp_path / "film.mp4", progress=seen.append)
    elapsed = time.monotonic() - started
    info = media.streams(result.path)
    assert info["video"] == ["h264"] and info["audio"] == ["aac"]
    assert info["size"] == [("1280", "768")]
    assert media.decoded_video_seconds(result.path) == pytest.approx(8.5, abs=0.1)
    assert seen == sorted(seen) and seen[-1] == 1.0 and any(0 < f < 1 for f in seen)
    print(f"\n1280x768, 8.5 s film from 3 clips: {elapsed:.1f} s")


def test_cancel_midway_leaves_the_old_film_and_no_temporary_files(big_clips, inputs, tmp_path):
    out = tmp_path / "film.mp4"
    out.write_bytes(b"the previous film")
    cancel = threading.Event()

    def progress(fraction: float) -> None:
        if fraction >= 0.2:
            cancel.set()

    with pytest.raises(Cancelled):
        assemble(big_timeline(big_clips, inputs), out, progress=progress, cancel=cancel)
    assert out.read_bytes() == b"the previous film"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["film.mp4"]


def _ffmpeg_writing(path_fragment: str) -> bool:
    for proc in Path("/proc").iterdir():
        try:
            if path_fragment in (proc / "cmdline").read_bytes().decode(errors="replace"):
                return True
        except OSError:
            continue
    return False


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to find the ffmpeg child")
def test_a_kill_mid_render_leaves_the_old_film_and_the_next_run_cleans_up(
    big_clips, inputs, tmp_path
) -> None:
    out = tmp_path / "film.mp4"
    out.write_bytes(b"the previous film")
    spec = tmp_path / "timeline.json"
    spec.write_text(big_timeline(big_clips, inputs).model_dump_json())
    code = (
        "import sys\n"
        "from genstudio.timeline import Timeline\n"
        "from genstudio.media.assemble import assemble\n"
        "assemble(Timeline.model_validate_json(open(sys.argv[1]).read()), sys.argv[2],"
        " progress=lambda f: None)\n"
    )
    env = {**os.environ, "GENSTUDIO_CRASH_AT": "mid_ffmpeg_assembly:1"}
    proc = subprocess.run(
        [sys.executable, "-c", code, str(spec), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 137, proc.stderr
    assert out.read_bytes() == b"the previous film"
    parts = list(tmp_path.glob(".film.*.part.mp4"))
    assert len(parts) == 1  # the unfinished render, under a name no player opens
    deadline = time.monotonic() + 5
    while _ffmpeg_writing(parts[0].name) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _ffmpeg_writing(parts[0].name)  # the orphaned ffmpeg died with its pipe
    remove_stale_parts(out)
    assert parts[0].exists()  # too fresh to be judged dead
    old = time.time() - 3600
    os.utime(parts[0], (old, old))
    remove_stale_parts(out)
    assert not parts[0].exists()


def test_a_film_with_many_sounds_mixed_in_windows_sounds_the_same(
    inputs, tmp_path, monkeypatch
) -> None:
    """Long films place their sounds window by window (so memory does not grow with the
    number of files); the result must be the same soundtrack, sample for sample in time."""
    from genstudio.media import soundwindows

    tl = Timeline(
        width=W,
        height=H,
        fps=24,
        clips=[
            clip(inputs["green"], 1, 2.0, audio=True),
            clip(inputs["yellow"], 2, 2.0, fade=0.5, audio=True),
            clip(inputs["green"], 3, 2.0, audio=True),
            clip(inputs["yellow"], 4, 2.0, fade=0.4, audio=True),
        ],
        dialogue=[line(inputs["tone"], 0.5 + 1.4 * k, 0.4, k) for k in range(5)],
        music=MusicBed(path=inputs["music"]),
    )
    direct = assemble(tl, tmp_path / "direct.mp4", loudness=None)
    monkeypatch.setattr(soundwindows, "WINDOW_SOUNDS", 2)
    sounds = len(tl.clips) + len(tl.dialogue)
    assert len(soundwindows.windows(audiomix_sounds(tl), 48000 * 8)) >= sounds // 2
    windowed = assemble(tl, tmp_path / "windowed.mp4", loudness=None)
    a, b = media.audio_samples(direct.path), media.audio_samples(windowed.path)
    assert len(a) == len(b)
    # the same sound at the same samples: AAC encodes each film on its own, so compare
    # 10 ms loudness envelopes, and the two must not be shifted against each other
    env_a = np.sqrt(np.mean(a[: len(a) // 480 * 480].reshape(-1, 480) ** 2, axis=1))
    env_b = np.sqrt(np.mean(b[: len(b) // 480 * 480].reshape(-1, 480) ** 2, axis=1))
    assert np.max(np.abs(env_a - env_b)) < 0.02
    lag = np.argmax(np.correlate(a[48000:96000], b[48000 - 240 : 96000 + 240], "valid")) - 240
    assert lag == 0


def audiomix_sounds(tl: Timeline):
    from genstudio.media.audiomix import film_sounds

    return film_sounds(tl)
