"""Test media for the assembler, made with the bundled ffmpeg's lavfi sources, and independent
measurements of what came out (streams, decoded duration, pixels, samples, loudness), read
straight from ffmpeg so no GenStudio code checks GenStudio code."""

from __future__ import annotations

import re
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np

from genstudio.media.ffmpeg import ffmpeg_exe


def _run(args: list[str]) -> subprocess.CompletedProcess:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {cmd}\n{proc.stderr.decode(errors='replace')}")
    return proc


def solid_clip(
    path: Path,
    color: str,
    *,
    duration: float = 2.0,
    width: int = 320,
    height: int = 192,
    fps: float = 24,
    tone_hz: int | None = None,
) -> Path:
    """A clip of one flat colour (`color` as ffmpeg names it: "red" is #FF0000, "green" is
    #008000), so a frame tells which clip it came from; optionally a sine tone as its sound."""
    args = [
        "-f",
        "lavfi",
        "-i",
        f"color=c={color}:size={width}x{height}:rate={fps}:duration={duration}",
    ]
    if tone_hz:
        args += [
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={tone_hz}:sample_rate=44100:duration={duration}",
        ]
    args += ["-map", "0:v"] + (["-map", "1:a", "-c:a", "aac"] if tone_hz else [])
    args += [
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-t",
        str(duration),
        str(path),
    ]
    _run(args)
    return path


def pattern_clip(
    path: Path,
    *,
    duration: float = 2.0,
    width: int = 320,
    height: int = 192,
    fps: float = 24,
    fade_from_black: float = 0.0,
) -> Path:
    """testsrc2 (colourful, detailed, changing every frame); optionally fading up from black."""
    chain = f"testsrc2=size={width}x{height}:rate={fps}:duration={duration}"
    if fade_from_black:
        chain += f",fade=t=in:st=0:d={fade_from_black}"
    _run(
        [
            "-f",
            "lavfi",
            "-i",
            chain,
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ]
    )
    return path


def black_clip(path: Path, *, duration: float = 2.0, width: int = 320, height: int = 192) -> Path:
    return solid_clip(path, "black", duration=duration, width=width, height=height)


def tone(
    path: Path,
    *,
    duration: float = 0.5,
    hz: int = 1000,
    rate: int = 22050,
    volume_db: float = -12.0,
) -> Path:
    """A mono sine burst (what a TTS line is, as far as levels and timing go)."""
    _run(
        [
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={hz}:sample_rate={rate}:duration={duration}",
            "-af",
            f"volume={volume_db}dB",
            "-ac",
            "1",
            str(path),
        ]
    )
    return path


def empty_audio(path: Path) -> Path:
    """A valid audio file holding no samples at all."""
    _run(["-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "0", str(path)])
    return path


def noise_music(path: Path, *, duration: float = 1.3, volume_db: float = -10.0) -> Path:
    """Steady pink noise: a 'music bed' whose level is the same everywhere, so ducking shows."""
    _run(
        [
            "-f",
            "lavfi",
            "-i",
            f"anoisesrc=color=pink:sample_rate=44100:duration={duration}:seed=7",
            "-af",
            f"volume={volume_db}dB",
            "-ac",
            "2",
            str(path),
        ]
    )
    return path


# ---- measurements -----------------------------------------------------------------------


def streams(path: Path) -> dict:
    """Codec names of the video and audio streams, and the container's duration."""
    out = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True
    ).stderr
    match = re.search(r"Duration: (\d+):(\d+):(\d+\.\d+)", out)
    duration = None
    if match:
        h, m, s = match.groups()
        duration = int(h) * 3600 + int(m) * 60 + float(s)
    return {
        "video": re.findall(r"Stream #\S+.*?: Video: (\w+)", out),
        "audio": re.findall(r"Stream #\S+.*?: Audio: (\w+)", out),
        "size": re.findall(r"Video: .*?, (\d+)x(\d+)", out),
        "audio_detail": re.findall(r"Audio: (.*)", out),
        "video_detail": re.findall(r"Video: (.*)", out),
        "duration": duration,
    }


def decoded_video_seconds(path: Path) -> float:
    """Frames actually decoded divided by the frame rate (what a viewer gets)."""
    out = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", "0:v:0", "-f", "null", "-"],
        capture_output=True,
        text=True,
    ).stderr
    frames = int(re.findall(r"frame=\s*(\d+)", out)[-1])
    fps = re.search(r"(\d+(?:\.\d+)?) fps", out)
    assert fps is not None
    return frames / float(fps.group(1))


def frame_at(path: Path, seconds: float, width: int, height: int, fps: float = 24) -> np.ndarray:
    """The decoded RGB frame on screen at `seconds`: frame floor(seconds x fps), counted by
    decoding from the start (an `-ss` seek would give the first frame *after* that time)."""
    index = int(seconds * fps + 1e-6)
    proc = _run(
        [
            "-i",
            str(path),
            "-vf",
            f"select=eq(n\\,{index})",
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ]
    )
    return np.frombuffer(proc.stdout, np.uint8).reshape(height, width, 3)


def audio_samples(path: Path, rate: int = 48000, channels: int = 1) -> np.ndarray:
    """The first audio stream decoded to float32 at `rate`: mono (FFmpeg's downmix) as one
    row of samples, or with channels=2 as (samples, 2) left/right."""
    proc = _run(
        [
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-ac",
            str(channels),
            "-ar",
            str(rate),
            "-f",
            "f32le",
            "-",
        ]
    )
    samples = np.frombuffer(proc.stdout, np.float32)
    return samples if channels == 1 else samples.reshape(-1, channels)


def integrated_loudness(path: Path) -> float:
    """EBU R128 integrated loudness (LUFS) measured by ffmpeg's ebur128 filter."""
    out = subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-af",
            "ebur128",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
    ).stderr
    summary = out[out.rfind("Summary:") :]
    match = re.search(r"I:\s+(-?\d+(?:\.\d+)?) LUFS", summary)
    assert match, out[-2000:]
    return float(match.group(1))


def rms_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.square(samples, dtype=np.float64))) + 1e-12))


def lavfi_clip(
    path: Path,
    video: str,
    *,
    audio: str | None = None,
    pix_fmt: str = "yuv420p",
    gop: int | None = None,
    crf: int | None = None,
    preset: str = "ultrafast",
    audio_args: tuple[str, ...] = ("-c:a", "aac"),
) -> Path:
    """An H.264 clip from any lavfi `video` chain (its size, rate, SAR and length are the
    chain's), stored as `pix_fmt`; optionally a lavfi `audio` chain encoded with
    `audio_args` (e.g. ("-c:a", "aac", "-ac", "6") for 5.1). `gop`: a keyframe every that
    many frames (x264's default is 250, i.e. one per clip); `crf` None = x264's default;
    `preset` "ultrafast" makes Constrained Baseline (no B-frames), "veryfast" High."""
    args = ["-f", "lavfi", "-i", video]
    if audio:
        args += ["-f", "lavfi", "-i", audio]
    args += ["-map", "0:v"] + (["-map", "1:a", *audio_args, "-shortest"] if audio else [])
    args += ["-c:v", "libx264", "-preset", preset, "-pix_fmt", pix_fmt]
    if gop is not None:
        args += ["-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0"]
    if crf is not None:
        args += ["-crf", str(crf)]
    _run([*args, str(path)])
    return path


def raw_frames(
    path: Path, width: int, height: int, pix_fmt: str = "yuv420p", *, constant_rate: bool = False
) -> np.ndarray:
    """Every decoded frame of the first video stream as raw `pix_fmt` bytes, one row per
    frame (for yuv420p the first width x height bytes of a row are its luma plane).

    By default each decoded frame once, in presentation order (what a player shows).
    constant_rate: as a constant-frame-rate reader sees the film (FFmpeg's default for a
    raw or re-encoded output, editors that conform to the stream's rate): frames whose
    stored durations say they last longer are repeated, those that last too little dropped.
    """
    fps_mode = "cfr" if constant_rate else "passthrough"
    proc = _run(
        [
            "-i",
            str(path),
            "-map",
            "0:v:0",
            "-fps_mode",
            fps_mode,
            "-f",
            "rawvideo",
            "-pix_fmt",
            pix_fmt,
            "-",
        ]
    )
    data = np.frombuffer(proc.stdout, np.uint8)
    per_frame = {"yuv420p": width * height * 3 // 2, "rgb24": width * height * 3}[pix_fmt]
    return data.reshape(-1, per_frame)


def true_peak(path: Path) -> float:
    """The highest true (4x oversampled) peak of the first audio stream, in dBTP, measured by
    ffmpeg's ebur128 filter with peak=true."""
    out = subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
    ).stderr
    summary = out[out.rfind("Summary:") :]
    match = re.search(r"True peak:\s+Peak:\s+(-?(?:\d+(?:\.\d+)?|inf)) dBFS", summary)
    assert match, out[-2000:]
    return float(match.group(1))


def yuv_clip(
    path: Path,
    frames: np.ndarray,
    width: int,
    height: int,
    *,
    fps: float = 24,
    preset: str = "ultrafast",
    gop: int | None = None,
) -> Path:
    """An H.264 yuv420p clip of exactly these frames (rows of raw yuv420p bytes, as
    `raw_frames` returns them): any picture numpy can draw, e.g. a frame number coded in
    brightness. `preset` and `gop` as for `lavfi_clip`."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-f", "rawvideo"]
    cmd += ["-pix_fmt", "yuv420p", "-s", f"{width}x{height}", "-r", str(fps), "-i", "-"]
    cmd += ["-c:v", "libx264", "-preset", preset, "-pix_fmt", "yuv420p"]
    if gop is not None:
        cmd += ["-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0"]
    proc = subprocess.run(
        [*cmd, str(path)],
        input=np.ascontiguousarray(frames, np.uint8).tobytes(),
        capture_output=True,
        timeout=300,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {cmd}\n{proc.stderr.decode(errors='replace')}")
    return path


def packet_timing(path: Path) -> tuple[Fraction, list[tuple[int, int, int]]]:
    """The first video stream's stored timing, read without decoding: its time base and
    (dts, pts, duration) of every packet, in file order."""
    out = subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-v",
            "error",
            "-i",
            str(path),
            "-map",
            "0:v:0",
            "-c",
            "copy",
            "-f",
            "framecrc",
            "-",
        ],
        capture_output=True,
        text=True,
    ).stdout
    base = re.search(r"^#tb 0: (\d+)/(\d+)", out, re.MULTILINE)
    assert base, out[-2000:]
    packets = []
    for line in out.splitlines():
        if line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split(",")]
        packets.append((int(fields[1]), int(fields[2]), int(fields[3])))
    return Fraction(int(base.group(1)), int(base.group(2))), packets
