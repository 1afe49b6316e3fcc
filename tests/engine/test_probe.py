"""probe / validate_clip / validate_audio on real files made with the bundled ffmpeg.

The validator is what stands between a provider's download and a take marked done, so it is
tested on the ways downloads really go wrong (RELIABILITY.md T13): empty, an error page saved
as .mp4, audio only, one frame, and MP4s cut short in all three layouts — including faststart
and fragmented ones, which still claim their full duration.
"""

from __future__ import annotations

import random
import struct
import time
from fractions import Fraction
from pathlib import Path

import pytest

from genstudio.errors import MediaError
from genstudio.media.probe import MediaInfo, parse_header, probe, validate_audio, validate_clip
from tests.engine.media_factory import (
    make_audio,
    make_clip,
    make_image,
    rotate_metadata,
    truncate,
)
from tests.engine.probe_util import streams_and_duration

# ---- probe -----------------------------------------------------------------------------------


def test_probe_reads_the_video_and_audio_streams(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "c.mp4", width=320, height=192, fps=24, duration=1.0, audio=True)
    info = probe(clip)
    assert info.container.split(",")[:2] == ["mov", "mp4"]
    assert info.size_bytes == clip.stat().st_size
    assert info.duration == pytest.approx(1.0, abs=0.05)
    assert (info.has_video, info.codec, info.pix_fmt) == (True, "h264", "yuv420p")
    assert (info.width, info.height, info.fps, info.sar) == (320, 192, 24.0, Fraction(1))
    assert (info.has_audio, info.audio_codec, info.sample_rate, info.channels) == (
        True,
        "aac",
        48000,
        2,
    )
    assert info.decoded_frames is None  # probe never decodes
    # agrees with an independent reading of ffmpeg's output
    independent = streams_and_duration(clip)
    assert independent["video"] == ["h264"] and independent["audio"] == ["aac"]


def test_probe_odd_size_ntsc_rate_and_rotation(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "ntsc.mp4", width=854, height=480, fps=29.97, duration=0.5)
    info = probe(clip)
    assert (info.width, info.height) == (854, 480)
    assert info.fps == pytest.approx(30000 / 1001, abs=0.01)
    assert info.rotation == 0 and info.display_size == (854, 480)
    rotated = probe(rotate_metadata(clip, 90))
    assert abs(rotated.rotation) == 90
    assert rotated.display_size == (480, 854)


def test_probe_audio_files(tmp_path: Path) -> None:
    for name in ("a.wav", "a.mp3", "a.m4a"):
        info = probe(make_audio(tmp_path / name, duration=1.0, sample_rate=44100, channels=1))
        assert not info.has_video
        assert (info.has_audio, info.sample_rate, info.channels) == (True, 44100, 1)
        assert info.duration == pytest.approx(1.0, abs=0.06)


def test_probe_unicode_path(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "场景 é ✓" / "clip ü.mp4", duration=0.5)
    assert probe(clip).width == 320


def test_probe_rejects_files_that_are_not_media(tmp_path: Path) -> None:
    page = tmp_path / "clip.mp4"
    page.write_text("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>")
    with pytest.raises(MediaError, match="HTML") as err:
        probe(page)
    assert err.value.path == page
    with pytest.raises(MediaError, match="not found"):
        probe(tmp_path / "missing.mp4")


def test_parse_header_handles_the_shapes_other_ffmpeg_builds_print(tmp_path: Path) -> None:
    # Older builds: lower-case "displaymatrix", SAR after a comma (webm), 5.1(side) layouts,
    # "1k tbn", a cover-art stream that must not count as the picture track.
    stderr = "\n".join(
        [
            "Input #0, matroska,webm, from 'odd, name.mkv':",
            "  Metadata:",
            "    ENCODER         : Lavf58",
            "  Duration: 00:01:02.50, start: -0.007000, bitrate: 900 kb/s",
            "  Stream #0:0(eng): Audio: ac3, 48000 Hz, 5.1(side), fltp, 384 kb/s (default)",
            "  Stream #0:1: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), "
            "600x600, 90k tbr, 90k tbn (attached pic)",
            "  Stream #0:2(eng): Video: vp9 (Profile 0), yuv420p(tv, bt709, progressive), "
            "1920x1080, SAR 4:3 DAR 64:27, 23.98 fps, 23.98 tbr, 1k tbn (default)",
            "    Side data:",
            "      displaymatrix: rotation of -90.00 degrees",
            "At least one output file must be specified",
        ]
    )
    info = parse_header(tmp_path / "x.mkv", 10, stderr)
    assert info is not None
    assert info.container == "matroska,webm"
    assert info.duration == pytest.approx(62.5) and info.start_time == pytest.approx(-0.007)
    assert (info.video_stream, info.codec, info.width, info.height) == (2, "vp9", 1920, 1080)
    assert (info.fps, info.sar, info.rotation) == (23.98, Fraction(4, 3), -90.0)
    assert (info.audio_stream, info.audio_codec, info.channels) == (0, "ac3", 6)
    assert parse_header(tmp_path / "x", 1, "moov atom not found\nError opening input") is None


# ---- validate_clip: what must pass -----------------------------------------------------------

VALID_VARIANTS = {
    "mp4": {},
    "mp4_audio": {"audio": True},
    "faststart_audio": {"faststart": True, "audio": True},
    "fragmented": {"fragmented": True},
    "fragmented_audio": {"fragmented": True, "audio": True},
    "mkv_audio": {"container": "mkv", "audio": True},
    "ts_audio": {"container": "ts", "audio": True},
    "webm_named_mp4": {"container": "webm", "audio": True},
    "ntsc_odd_size": {"fps": 29.97, "width": 854, "height": 480},
    "all_intra": {"gop": 1, "bframes": 0},
    "vfr": {"vfr": True},
}


@pytest.mark.parametrize("variant", sorted(VALID_VARIANTS))
def test_valid_clips_pass(tmp_path: Path, variant: str) -> None:
    options = {"width": 160, "height": 96, "duration": 1.0, **VALID_VARIANTS[variant]}
    clip = make_clip(tmp_path / "clip.mp4", **options)
    info = validate_clip(clip, expected_duration=1.0)
    frames = 30 if variant == "ntsc_odd_size" else 24
    if variant == "vfr":  # frames 5-9 of every 10 were dropped
        frames = sum(1 for n in range(24) if n % 10 < 5)
    assert info.decoded_frames == frames
    assert info.decode_errors == 0


def test_a_rotated_clip_on_a_unicode_path_passes(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "タケ 1.mp4", duration=0.5, audio=True)
    info = validate_clip(rotate_metadata(clip, -90, tmp_path / "rotated ✓.mp4"))
    assert abs(info.rotation) == 90 and info.decoded_frames == 12


@pytest.fixture(scope="module")
def default_size_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real default: 10 s, 1280×768, 24 fps, one GOP, with sound."""
    out = tmp_path_factory.mktemp("default") / "scene.mp4"
    return make_clip(out, width=1280, height=768, duration=10, gop=250, audio=True)


def test_default_size_clip_validates_quickly(default_size_clip: Path) -> None:
    started = time.perf_counter()
    info = validate_clip(default_size_clip, expected_duration=10)
    elapsed = time.perf_counter() - started
    assert info.decoded_frames == 240 and info.decoded_audio_seconds == pytest.approx(10, abs=0.1)
    # ~0.3 s on 2 idle cores; the bound only catches gross regressions on a busy CI machine
    assert elapsed < 3.0, f"validation took {elapsed:.2f} s"


# ---- validate_clip: what must be rejected ----------------------------------------------------


def _garbage(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("maker", "reason"),
    [
        (lambda d: d / "missing.mp4", "not found"),
        (lambda d: _garbage(d / "empty.mp4", b""), "empty"),
        (lambda d: _garbage(d / "page.mp4", b"<html><body>Access Denied</body></html>"), "HTML"),
        (lambda d: _garbage(d / "api.mp4", b'{"error": "quota exceeded"}'), "JSON"),
        (lambda d: _garbage(d / "null.mp4", b"null"), "text"),
        (lambda d: _garbage(d / "undefined.mp4", b"undefined\n"), "text"),
        (lambda d: _garbage(d / "noise.mp4", random.Random(7).randbytes(4096)), "not a media"),
        (lambda d: make_audio(d / "sound.m4a"), "no video stream"),
        (lambda d: make_image(d / "still.png"), "at least 2"),
        (lambda d: make_clip(d / "one.mp4", duration=1 / 24), "1 decodable frame"),
    ],
    ids=[
        "missing",
        "empty",
        "html",
        "json",
        "null",
        "undefined",
        "noise",
        "audio",
        "png",
        "1frame",
    ],
)
def test_bad_files_are_rejected_with_a_reason(tmp_path: Path, maker, reason: str) -> None:
    path = maker(tmp_path)
    with pytest.raises(MediaError, match=reason) as err:
        validate_clip(path)
    assert str(path) in str(err.value)  # the message names the file


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("layouts")
    common = {"width": 160, "height": 96, "duration": 2.0, "gop": 12, "audio": True}
    return {
        "moov_end": make_clip(out / "moov_end.mp4", **common),
        "faststart": make_clip(out / "faststart.mp4", faststart=True, **common),
        "fragmented": make_clip(out / "fragmented.mp4", fragmented=True, **common),
    }


@pytest.mark.parametrize("fraction", [0.10, 0.25, 0.50, 0.75, 0.90, 0.99])
@pytest.mark.parametrize("layout", ["moov_end", "faststart", "fragmented"])
def test_truncated_mp4s_are_rejected(layouts, tmp_path: Path, layout: str, fraction: float) -> None:
    complete = layouts[layout]
    assert validate_clip(complete).decoded_frames == 48
    cut = truncate(complete, fraction, tmp_path / f"{layout}.mp4")
    with pytest.raises(MediaError, match=r"truncated|incomplete|damaged|not a media"):
        validate_clip(cut)


def test_faststart_cut_in_half_claims_full_duration_but_is_caught(layouts, tmp_path) -> None:
    cut = truncate(layouts["faststart"], 0.5, tmp_path / "half.mp4")
    assert probe(cut).duration == pytest.approx(2.0, abs=0.05)  # the header still says 2 s
    with pytest.raises(MediaError, match=r"truncated: only \d+ of about 48 frames"):
        validate_clip(cut)


def _top_level_boxes(path: Path) -> list[tuple[int, bytes]]:
    data, boxes, position = path.read_bytes(), [], 0
    while position < len(data):
        size, kind = struct.unpack(">I4s", data[position : position + 8])
        boxes.append((position, kind))
        position += size
    return boxes


def test_fragmented_mp4_cut_inside_a_fragment_header_is_caught(layouts, tmp_path) -> None:
    # FFmpeg decodes such a file without a single error: only the box sizes give it away.
    source = layouts["fragmented"]
    second_moof = [pos for pos, kind in _top_level_boxes(source) if kind == b"moof"][1]
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(source.read_bytes()[: second_moof + 20])
    with pytest.raises(MediaError, match=r"'moof' box is \d+ bytes short"):
        validate_clip(cut)


def test_duration_far_from_the_expected_one_is_rejected(layouts) -> None:
    clip = layouts["moov_end"]
    assert validate_clip(clip, expected_duration=2.5).duration == pytest.approx(2.0, abs=0.05)
    with pytest.raises(MediaError, match=r"lasts 2\.00 s but 10 s was expected"):
        validate_clip(clip, expected_duration=10)


def test_decoding_runs_in_a_child_that_is_killed_on_timeout(layouts) -> None:
    with pytest.raises(MediaError, match="did not finish within"):
        validate_clip(layouts["moov_end"], timeout=0.001)


def _mutations(source: bytes, count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        data = bytearray(source)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        out.append(bytes(data))
    return out


def _check_mutations(source: Path, tmp_path: Path, count: int) -> None:
    """Every mutated file gives a MediaInfo or a MediaError: never a hang or another error."""
    target = tmp_path / "mutant.mp4"
    for data in _mutations(source.read_bytes(), count, seed=1234):
        target.write_bytes(data)
        try:
            info = validate_clip(target, timeout=10)
        except MediaError:
            continue
        assert isinstance(info, MediaInfo) and (info.decoded_frames or 0) >= 2


def test_random_byte_mutations_never_hang_or_crash(layouts, tmp_path: Path) -> None:
    _check_mutations(layouts["faststart"], tmp_path, count=25)


@pytest.mark.ondemand
def test_a_thousand_random_byte_mutations(layouts, tmp_path: Path, request) -> None:
    if "ondemand" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("heavy: run with -m ondemand (≈50 s)")
    _check_mutations(layouts["faststart"], tmp_path, count=1000)


# ---- validate_audio --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["voice.wav", "voice.mp3", "voice.m4a", "voice.aac"])
def test_audio_files_validate(tmp_path: Path, name: str) -> None:
    info = validate_audio(make_audio(tmp_path / name, duration=1.5))
    assert info.has_audio and info.decoded_audio_seconds == pytest.approx(1.5, abs=0.06)
    assert info.duration == pytest.approx(1.5, abs=0.06)


def test_audio_validation_rejects_silent_video_text_and_empty(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="no audio stream"):
        validate_audio(make_clip(tmp_path / "silent.mp4", duration=0.5))
    with pytest.raises(MediaError, match="JSON"):
        validate_audio(_garbage(tmp_path / "tts.wav", b'{"detail": "rate limited"}'))
    with pytest.raises(MediaError, match="empty"):
        validate_audio(_garbage(tmp_path / "empty.mp3", b""))
