"""Generate real test media with the bundled ffmpeg (no media files live in the repo).

Everything here writes into a path the caller chooses (normally under `tmp_path`):

    make_clip(path, width=320, height=192, fps=24, duration=1.0)   -> H.264 video (+ optional AAC)
    make_audio(path, duration=1.0)                                  -> .wav/.mp3/.m4a/.aac
    make_image(path, width=64, height=48)                           -> .png/.jpg/.webp
    truncate(path, fraction)                                        -> a copy cut to that fraction
    rotate_metadata(path, degrees)                                  -> a copy with a display matrix

Clips use ffmpeg's `testsrc2` pattern by default: its picture changes every frame (moving
shapes and a frame counter), so "the last frame" and "the frame before it" really differ.
"""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

from genstudio.media.ffmpeg import ffmpeg_exe

# container name -> ffmpeg muxer
_MUXERS = {"mp4": "mp4", "mov": "mov", "mkv": "matroska", "ts": "mpegts", "webm": "webm"}


def _run(args: list[str]) -> None:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-v", "error", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"test media generation failed: {' '.join(cmd)}\n{proc.stderr}")


def fps_text(fps: float | str) -> str:
    """29.97 -> '30000/1001' (the rate NTSC files really carry; 23.976 and 59.94 likewise);
    24 -> '24'; 12.5 -> '25/2'; strings pass through."""
    if isinstance(fps, str):
        return fps
    if fps != round(fps) and abs(fps * 1.001 - round(fps * 1.001)) < 0.01:
        return f"{round(fps * 1.001) * 1000}/1001"
    rate = Fraction(fps).limit_denominator(1000)
    return str(rate.numerator) if rate.denominator == 1 else f"{rate.numerator}/{rate.denominator}"


def make_clip(
    path: Path | str,
    *,
    width: int = 320,
    height: int = 192,
    fps: float | str = 24,
    duration: float = 1.0,
    gop: int | None = None,
    bframes: int = 2,
    audio: bool = False,
    container: str | None = None,
    faststart: bool = False,
    fragmented: bool = False,
    pattern: str = "testsrc2",
    preset: str = "ultrafast",
    codec: str = "libx264",
    vfr: bool = False,
) -> Path:
    """Encode a synthetic clip and return its path.

    container: "mp4", "mov", "mkv", "ts" or "webm"; default from the extension. Giving one that
        disagrees with the extension makes a mislabelled file (e.g. WebM bytes named .mp4).
    gop: keyframe interval in frames (1 = all-intra); None = x264's default (250).
    bframes: consecutive B-frames (0 = none). x264's ultrafast preset would disable them.
    faststart / fragmented: MP4 index at the front / fragmented MP4 (moof boxes).
    pattern: any lavfi video source, e.g. "testsrc2", "testsrc", "smptebars", "mandelbrot".
    codec: "libx264" (default) or "libvpx-vp9" (used for webm automatically).
    vfr: drop frames 5–9 of every 10 and keep the timestamps: a variable-frame-rate clip.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    container = container or path.suffix.lstrip(".").lower()
    if container not in _MUXERS:
        raise ValueError(f"unknown container {container!r}")
    rate = fps_text(fps)
    args = ["-f", "lavfi", "-i", f"{pattern}=size={width}x{height}:rate={rate}"]
    if audio:
        args += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    args += ["-t", f"{duration}", "-map", "0:v:0"]
    if vfr:
        args += ["-vf", r"select='lt(mod(n\,10)\,5)'", "-fps_mode", "vfr"]
    if audio:
        args += ["-map", "1:a:0"]
    if container == "webm":
        codec = "libvpx-vp9"
    if codec == "libx264":
        args += ["-c:v", "libx264", "-preset", preset, "-bf", str(bframes)]
    else:
        args += ["-c:v", codec, "-deadline", "realtime", "-cpu-used", "8"]
    args += ["-pix_fmt", "yuv420p"]
    if gop is not None:
        # keyint_min too, so x264's scene-cut detection cannot add extra keyframes
        args += ["-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0"]
    if audio:
        args += ["-c:a", "libopus" if container == "webm" else "aac", "-ac", "2"]
    movflags = []
    if faststart:
        movflags.append("+faststart")
    if fragmented:
        movflags.append("+frag_keyframe+empty_moov+default_base_moof")
    if movflags:
        args += ["-movflags", "".join(movflags)]
    args += ["-f", _MUXERS[container], str(path)]
    _run(args)
    return path


def make_audio(
    path: Path | str, *, duration: float = 1.0, sample_rate: int = 48000, channels: int = 2
) -> Path:
    """A sine tone; the format follows the extension (.wav, .mp3, .m4a/.aac)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    codec = {".wav": "pcm_s16le", ".mp3": "libmp3lame", ".m4a": "aac", ".aac": "aac"}
    args = ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={sample_rate}"]
    args += ["-t", f"{duration}", "-ac", str(channels), "-c:a", codec[path.suffix.lower()]]
    if path.suffix.lower() == ".aac":
        args += ["-f", "adts"]
    _run([*args, str(path)])
    return path


def make_image(
    path: Path | str, *, width: int = 64, height: int = 48, pattern: str = "testsrc2"
) -> Path:
    """One frame of `pattern` as .png / .jpg / .webp (by extension)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    args = ["-f", "lavfi", "-i", f"{pattern}=size={width}x{height}:rate=1", "-frames:v", "1"]
    if path.suffix.lower() == ".webp":
        args += ["-c:v", "libwebp"]
    _run([*args, "-update", "1", str(path)])
    return path


def truncate(path: Path | str, fraction: float, out: Path | str | None = None) -> Path:
    """Copy the first `fraction` of `path`'s bytes to `out` (default: `<stem>.cut<pct><ext>`
    beside it) and return that path, as an interrupted download would leave it."""
    path = Path(path)
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must be within [0, 1]")
    data = path.read_bytes()
    target = Path(out) if out else path.with_name(f"{path.stem}.cut{fraction * 100:g}{path.suffix}")
    target.write_bytes(data[: int(len(data) * fraction)])
    return target


def rotate_metadata(path: Path | str, degrees: float, out: Path | str | None = None) -> Path:
    """Copy a clip (no re-encode) with a display-matrix rotation, as phones record it."""
    path = Path(path)
    target = Path(out) if out else path.with_name(f"{path.stem}.rot{degrees:g}{path.suffix}")
    _run(["-display_rotation", f"{degrees}", "-i", str(path), "-c", "copy", str(target)])
    return target
