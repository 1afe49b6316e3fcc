"""Real media for the fake CDN and TTS: made once per spec with the bundled FFmpeg, then cached.

Videos are H.264 MP4 (faststart) from lavfi testsrc with the requested duration; images are
PNG/JPEG; speech is a sine tone as long as the text would take to say, in the requested
ElevenLabs output format. With media_scale "small" (the default, for speed) the frame size
is scaled so its long side is 320 px, aspect kept; "exact" renders the requested size.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from genstudio.fsutil import atomic_path
from genstudio.media.ffmpeg import run_ffmpeg

SMALL_LONG_SIDE = 320
CONTENT_TYPES = {"mp4": "video/mp4", "png": "image/png", "jpg": "image/jpeg"}


@dataclass(frozen=True)
class MediaSpec:
    kind: str  # video | image
    width: int
    height: int
    fmt: str  # mp4 | png | jpg
    seconds: float = 0.0
    fps: int = 24

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.fmt]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MediaSpec:
        return cls(**data)


def served_size(width: int, height: int, scale: str) -> tuple[int, int]:
    """Frame size actually rendered for a requested size (even numbers: yuv420p needs them)."""
    if scale == "small" and max(width, height) > SMALL_LONG_SIDE:
        factor = SMALL_LONG_SIDE / max(width, height)
        width, height = round(width * factor), round(height * factor)
    return max(2, width - width % 2), max(2, height - height % 2)


# ElevenLabs output_format -> (ffmpeg muxer, codec args, Content-Type). The Content-Type values
# other than audio/mpeg are UNVERIFIED (PROVIDERS.md §3); raw pcm is 16-bit little-endian mono.
def audio_format(output_format: str) -> tuple[int, list[str], str] | None:
    parts = output_format.split("_")
    try:
        rate = int(parts[1])
    except (IndexError, ValueError):
        return None
    codec = parts[0]
    if codec == "mp3" and len(parts) == 3 and rate in (22050, 24000, 44100):
        return rate, ["-c:a", "libmp3lame", "-b:a", f"{parts[2]}k", "-f", "mp3"], "audio/mpeg"
    if codec == "opus" and len(parts) == 3 and rate == 48000:
        return rate, ["-c:a", "libopus", "-b:a", f"{parts[2]}k", "-f", "ogg"], "audio/opus"
    if len(parts) != 2:
        return None
    pcm_rates = (8000, 16000, 22050, 24000, 32000, 44100, 48000)
    if codec == "pcm" and rate in pcm_rates:
        return rate, ["-c:a", "pcm_s16le", "-f", "s16le"], "audio/pcm"
    if codec == "wav" and rate in pcm_rates:
        return rate, ["-c:a", "pcm_s16le", "-f", "wav"], "audio/wav"
    if codec in ("ulaw", "alaw") and rate == 8000:
        muxer = "mulaw" if codec == "ulaw" else "alaw"
        return rate, ["-c:a", f"pcm_{muxer}", "-f", muxer], "audio/basic"
    return None


class MediaCache:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # one FFmpeg at a time: specs repeat, runs are short

    def file(self, spec: MediaSpec) -> Path:
        name = f"{spec.kind}-{spec.width}x{spec.height}-{spec.seconds:g}s-{spec.fps}.{spec.fmt}"
        target = self.directory / name
        with self._lock:
            if not target.exists():
                self._render(spec, target)
        return target

    def _render(self, spec: MediaSpec, target: Path) -> None:
        size = f"{spec.width}x{spec.height}"
        with atomic_path(target) as tmp:
            if spec.kind == "video":
                run_ffmpeg(
                    [
                        "-v",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        f"testsrc=size={size}:rate={spec.fps}:duration={spec.seconds:g}",
                        "-c:v",
                        "libx264",
                        "-preset",
                        "ultrafast",
                        "-pix_fmt",
                        "yuv420p",
                        "-movflags",
                        "+faststart",
                        str(tmp),
                    ],
                    timeout=120,
                )
            else:
                quality = ["-q:v", "3"] if spec.fmt == "jpg" else []
                run_ffmpeg(
                    [
                        "-v",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        f"testsrc2=size={size}",
                        "-frames:v",
                        "1",
                        *quality,
                        str(tmp),
                    ],
                    timeout=60,
                )

    def audio(self, output_format: str, seconds: float) -> tuple[bytes, str]:
        """Speech-length audio in `output_format`; raises ValueError for an unknown format."""
        fmt = audio_format(output_format)
        if fmt is None:
            raise ValueError(output_format)
        rate, codec_args, content_type = fmt
        target = self.directory / f"speech-{output_format}-{seconds:.1f}s.audio"
        with self._lock:
            if not target.exists():
                with atomic_path(target) as tmp:
                    run_ffmpeg(
                        [
                            "-v",
                            "error",
                            "-f",
                            "lavfi",
                            "-i",
                            f"sine=frequency=220:sample_rate={rate}:duration={seconds:.1f}",
                            "-ac",
                            "1",
                            *codec_args,
                            str(tmp),
                        ],
                        timeout=60,
                    )
        return target.read_bytes(), content_type
