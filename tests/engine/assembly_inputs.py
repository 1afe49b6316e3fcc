"""Test media for the assembler, made with the bundled ffmpeg's lavfi sources, and independent
measurements of what came out (streams, decoded duration, pixels, samples, loudness), read
straight from ffmpeg so no GenStudio code checks GenStudio code."""

from __future__ import annotations

import re
import subprocess
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


def audio_samples(path: Path, rate: int = 48000) -> np.ndarray:
    """The first audio stream decoded to mono float32 at `rate`."""
    proc = _run(
        ["-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"]
    )
    return np.frombuffer(proc.stdout, np.float32)


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
