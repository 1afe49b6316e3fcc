"""What a media file contains, and whether it is a complete, playable clip.

There is no ffprobe in the bundled FFmpeg, so `probe()` parses the header that `ffmpeg -i FILE`
prints on stderr. The lines read (FFmpeg 9; older builds print the same shapes):

    Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'clip.mp4':          -> container
      Duration: 00:00:10.00, start: 0.000000, bitrate: 5763 kb/s  -> duration, start
      Stream #0:0[0x1](und): Video: h264 (Main) (avc1 / 0x31637661), yuv420p(progressive),
          1280x768 [SAR 1:1 DAR 5:3], 5687 kb/s, 24 fps, 24 tbr, 12288 tbn (default)
                                                   -> codec, pix_fmt, size, SAR, fps (else tbr)
          Display Matrix: rotation of -90.00 degrees  -> rotation (side data of that stream)
      Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp, ...
                                                   -> audio codec, sample rate, channels

`validate_clip()` then decodes the whole picture (and sound) track in a subprocess —
`ffmpeg -v verbose -i FILE -map 0:<video> -map 0:<audio> -f null -` — and reads the
per-stream summary FFmpeg prints at the end:

    Input stream #0:0 (video): 240 packets read (…); 240 frames decoded; 0 decode errors;
    Input stream #0:1 (audio): 470 packets read (…); 469 frames decoded; 0 decode errors
        (480000 samples);        [one line in reality]

Why decode everything: a truncated *faststart* or *fragmented* MP4 still reports its full
duration and `ffmpeg -f null` exits 0 (RELIABILITY.md §0.12); only the decoded-frame count
(and the decoders' error counts) give it away. An MP4 cut exactly between two fragments shows
not even that: there, the top-level box sizes tell that the file ends inside a box.

Measured here (2 cores, 10 s 1280×768 H.264 clip): `ffmpeg -f null` 0.23–0.32 s vs an
in-process OpenCV `grab()` loop 0.25–0.33 s — equal speed, so the subprocess wins: a hostile
file can only hang or crash a child that we kill on timeout.
"""

from __future__ import annotations

import dataclasses
import re
import struct
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from genstudio.errors import MediaError
from genstudio.media.ffmpeg import ffmpeg_exe
from genstudio.media.images import load_image

PROBE_TIMEOUT = 10.0  # seconds for reading a header; a sane file needs ~20 ms
MAX_PIXELS = 8192 * 8192  # refuse to allocate frames for absurd claimed sizes
_NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console flash in the Windows GUI


@dataclass(frozen=True)
class MediaInfo:
    """A file's streams as FFmpeg sees them; `decoded_*` are filled in by the validators."""

    path: Path
    size_bytes: int
    container: str  # FFmpeg's demuxer name(s), e.g. "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"
    duration: float | None  # seconds the container claims (None: "N/A", e.g. still images)
    start_time: float | None = None
    has_video: bool = False
    width: int | None = None  # coded size; see display_size for rotation
    height: int | None = None
    fps: float | None = None  # average frame rate ("fps"), else the guessed rate ("tbr")
    codec: str | None = None
    pix_fmt: str | None = None
    rotation: float = 0.0  # degrees, as the display matrix says
    sar: Fraction | None = None  # sample (pixel) aspect ratio
    has_audio: bool = False
    audio_codec: str | None = None
    sample_rate: int | None = None
    channels: int | None = None
    video_stream: int | None = None  # FFmpeg stream index of the picture track
    audio_stream: int | None = None
    decoded_frames: int | None = None  # video frames that actually decoded
    decoded_audio_seconds: float | None = None
    decode_errors: int | None = None  # picture packets the video decoder rejected
    audio_decode_errors: int | None = None

    @property
    def expected_frames(self) -> float | None:
        """Frames the header promises (duration × fps)."""
        if self.duration and self.fps:
            return self.duration * self.fps
        return None

    @property
    def decoded_duration(self) -> float | None:
        """Seconds of picture that really decoded."""
        if self.decoded_frames is not None and self.fps:
            return self.decoded_frames / self.fps
        return None

    @property
    def display_size(self) -> tuple[int, int] | None:
        """(width, height) as shown: swapped for a 90°/270° rotation."""
        if self.width is None or self.height is None:
            return None
        if round(self.rotation) % 180 == 90:
            return self.height, self.width
        return self.width, self.height


# ---- running ffmpeg --------------------------------------------------------------------------


def _input_arg(path: Path) -> str:
    # "file:" + absolute path: a name like "-x.mp4", "concat:…" or "a%03d.png" is taken literally.
    return "file:" + str(path.absolute())


def _run(path: Path, args: list[str], timeout: float) -> tuple[int, str]:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", *args]
    try:
        proc = subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
            creationflags=_NO_WINDOW,
        )
    except subprocess.TimeoutExpired as exc:  # run() has already killed the child
        raise MediaError(
            path, f"reading it did not finish within {timeout:g} s (damaged or hostile file?)"
        ) from exc
    return proc.returncode, proc.stderr.decode("utf-8", errors="replace")


# ---- parsing `ffmpeg -i` ---------------------------------------------------------------------

_INPUT = re.compile(r"^Input #0, (?P<format>.+?), from '.*':\s*$")
_DURATION = re.compile(
    r"^\s+Duration: (?:N/A|(?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?))"
    r"(?:, start: (?P<start>-?\d+(?:\.\d+)?))?"
)
_STREAM = re.compile(
    r"^\s+Stream #0:(?P<index>\d+)(?:\[[^\]]*\])?(?:\([^)]*\))?: (?P<kind>\w+): (?P<desc>.*)$"
)
_ROTATION = re.compile(
    r"^\s+display ?matrix: rotation of (?P<deg>-?\d+(?:\.\d+)?) degrees", re.IGNORECASE
)
_SIZE = re.compile(r"^(?P<w>\d{1,5})x(?P<h>\d{1,5})\b")
_SAR = re.compile(r"\bSAR (?P<n>\d+):(?P<d>\d+)")
_RATE = re.compile(r"^(?P<value>\d+(?:\.\d+)?)(?P<k>k?) (?P<unit>fps|tbr)\b")
_HZ = re.compile(r"^(?P<hz>\d+) Hz$")
_LAYOUTS = {"mono": 1, "stereo": 2, "quad": 4, "hexagonal": 6, "octagonal": 8, "downmix": 2}


def _split_top_level(desc: str) -> list[str]:
    """Split a stream description on commas that are not inside (…) or […]."""
    parts, depth, current = [], 0, []
    for char in desc:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def _channels(layout: str) -> int | None:
    name = layout.split("(")[0].strip()
    if name in _LAYOUTS:
        return _LAYOUTS[name]
    if match := re.fullmatch(r"(\d+) channels", name):
        return int(match.group(1))
    if match := re.fullmatch(r"(\d+)\.(\d+)", name):  # "5.1" = five full-range + one LFE
        return int(match.group(1)) + int(match.group(2))
    return None


def _video_fields(desc: str) -> dict:
    parts = _split_top_level(desc)
    fields: dict = {"codec": parts[0].split()[0] if parts[0] else None}
    rates: dict[str, float] = {}
    for i, part in enumerate(parts[1:], start=1):
        if size := _SIZE.match(part):
            fields["width"], fields["height"] = int(size["w"]), int(size["h"])
        elif rate := _RATE.match(part):
            rates[rate["unit"]] = float(rate["value"]) * (1000 if rate["k"] else 1)
        elif i == 1 and re.match(r"^[a-z][a-z0-9_]*(\(|$)", part):
            fields["pix_fmt"] = part.split("(")[0]
        if sar := _SAR.search(part):
            num, den = int(sar["n"]), int(sar["d"])
            fields["sar"] = Fraction(num, den) if num and den else None
    fields["fps"] = rates.get("fps") or rates.get("tbr")
    return fields


def _audio_fields(desc: str) -> dict:
    parts = _split_top_level(desc)
    fields: dict = {"audio_codec": parts[0].split()[0] if parts[0] else None}
    for i, part in enumerate(parts):
        if hz := _HZ.match(part):
            fields["sample_rate"] = int(hz["hz"])
            if i + 1 < len(parts):
                fields["channels"] = _channels(parts[i + 1])
    return fields


def parse_header(path: Path, size_bytes: int, stderr: str) -> MediaInfo | None:
    """MediaInfo from the `Input #0` block of ffmpeg's stderr; None when there is none."""
    fields: dict = {}
    container: str | None = None
    current_video: int | None = None  # side data belongs to the stream line above it
    for line in stderr.splitlines():
        if container is None:
            if match := _INPUT.match(line):
                container = match["format"]
            continue
        if not line.startswith(" "):  # "Output #0", "Stream mapping:", errors: header is over
            break
        if (match := _DURATION.match(line)) and "duration" not in fields:
            h, m, s = match["h"], match["m"], match["s"]
            fields["duration"] = int(h) * 3600 + int(m) * 60 + float(s) if h else None
            fields["start_time"] = float(match["start"]) if match["start"] else None
        elif match := _STREAM.match(line):
            current_video = None
            index, kind, desc = int(match["index"]), match["kind"], match["desc"]
            if kind == "Video" and "has_video" not in fields and "(attached pic)" not in desc:
                fields.update(_video_fields(desc), has_video=True, video_stream=index)
                current_video = index
            elif kind == "Audio" and "has_audio" not in fields:
                fields.update(_audio_fields(desc), has_audio=True, audio_stream=index)
        elif (match := _ROTATION.match(line)) and current_video is not None:
            fields["rotation"] = float(match["deg"])
    if container is None:
        return None
    fields.setdefault("duration", None)
    return MediaInfo(path=path, size_bytes=size_bytes, container=container, **fields)


# ---- checks ----------------------------------------------------------------------------------


def _existing_file(path: Path | str) -> tuple[Path, int]:
    path = Path(path)
    if not path.exists():
        raise MediaError(path, "file not found")
    if not path.is_file():
        raise MediaError(path, "is not a file")
    size = path.stat().st_size
    if size == 0:
        raise MediaError(path, "file is empty (0 bytes)")
    return path, size


def _text_instead_of_media(path: Path) -> str | None:
    """A download that saved an error page or an API answer: describe it, else None."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    text = head.decode("utf-8", errors="replace")
    if "\ufffd" in text[:-3]:  # invalid UTF-8 (bar a character cut at byte 512): binary
        return None
    text = text.lstrip("\ufeff \t\r\n")
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        return None  # every container starts with binary bytes (sizes, sync words, magic)
    kind = {"<": "HTML/XML", "{": "JSON", "[": "JSON"}.get(text[:1], "plain")
    snippet = " ".join(text[:60].split())
    return f"is {kind} text, not media (starts with {snippet!r})"


def _mp4_box_overrun(path: Path, size: int) -> str | None:
    """Walk an ISO-BMFF file's top-level boxes; describe it if the last one is cut short.

    FFmpeg stops silently when a fragmented MP4 is cut inside a `moof` header, leaving a file
    that decodes cleanly but is shorter than what was sent: only the box sizes tell.
    """
    position = 0
    with open(path, "rb") as fh:
        for _ in range(1_000_000):  # bounded: a hostile file cannot keep us here
            if position == size:
                return None
            if size - position < 8:
                return f"is truncated: it ends inside a box header at byte {position}"
            fh.seek(position)
            header = fh.read(16)
            box_size, kind = struct.unpack(">I4s", header[:8])
            if box_size == 1 and len(header) == 16:  # 64-bit size follows the type
                box_size = struct.unpack(">Q", header[8:16])[0]
            elif box_size == 0:  # "extends to the end of the file"
                return None
            if box_size < 8:
                return f"is damaged: impossible box size {box_size} at byte {position}"
            if position + box_size > size:
                name = kind.decode("latin-1")
                missing = position + box_size - size
                return (
                    f"is truncated: its '{name}' box is {missing} bytes short (cut-off download?)"
                )
            position += box_size
    return None


def _looks_like_mp4(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(8)[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide")


def _why_unreadable(stderr: str) -> str:
    if "moov atom not found" in stderr:
        return "is an incomplete MP4 (no index/moov atom: the download was probably cut short)"
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    detail = next((ln for ln in lines if "Error opening input" in ln), lines[-1] if lines else "")
    detail = re.sub(r"^\[[^\]]*\]\s*", "", detail)
    return f"is not a media file FFmpeg can read ({detail})" if detail else "is not media"


def probe(path: Path | str, *, timeout: float = PROBE_TIMEOUT) -> MediaInfo:
    """Read a media file's header (no decoding). Raises MediaError for unreadable files."""
    path, size = _existing_file(path)
    args = ["-max_pixels", str(MAX_PIXELS), "-i", _input_arg(path)]
    _, stderr = _run(path, args, timeout)
    info = parse_header(path, size, stderr)
    if info is None:
        reason = _text_instead_of_media(path)
        if reason is None and _looks_like_mp4(path):
            reason = _mp4_box_overrun(path, size)
        raise MediaError(path, reason or _why_unreadable(stderr))
    return info


_DECODED = re.compile(
    r"Input stream #0:(?P<index>\d+) \((?P<kind>\w+)\): \d+ packets read \(\d+ bytes\); "
    r"(?P<frames>\d+) frames decoded;(?: (?P<errors>\d+) decode errors)?"
    r"(?: \((?P<samples>\d+) samples\))?"
)


def _decode(info: MediaInfo, *, video: bool, audio: bool, timeout: float) -> tuple[MediaInfo, str]:
    """Decode the chosen tracks to nowhere; return info with the decoded counts, and stderr."""
    maps: list[str] = []
    if video and info.video_stream is not None:
        maps += ["-map", f"0:{info.video_stream}"]
    if audio and info.audio_stream is not None:
        maps += ["-map", f"0:{info.audio_stream}"]
    args = ["-v", "verbose", "-max_pixels", str(MAX_PIXELS), "-i", _input_arg(info.path)]
    code, stderr = _run(info.path, [*args, *maps, "-f", "null", "-"], timeout)
    if code != 0:
        tail = [ln for ln in stderr.splitlines() if ln.strip()][-1:] or [f"exit {code}"]
        raise MediaError(info.path, f"could not be decoded ({tail[0].strip()})")
    counts: dict = {}
    for match in _DECODED.finditer(stderr):
        errors = int(match["errors"] or 0)
        if int(match["index"]) == info.video_stream:
            counts.update(decoded_frames=int(match["frames"]), decode_errors=errors)
        elif int(match["index"]) == info.audio_stream:
            counts["audio_decode_errors"] = errors
            if match["samples"] and info.sample_rate:
                counts["decoded_audio_seconds"] = int(match["samples"]) / info.sample_rate
    if video and "decoded_frames" not in counts:  # no verbose summary: use the stats line
        stats = re.findall(r"frame=\s*(\d+)", stderr)
        counts["decoded_frames"] = int(stats[-1]) if stats else 0
    return dataclasses.replace(info, **counts), stderr


def _audio_cut_short(info: MediaInfo, min_fraction: float) -> bool:
    """Audio that failed to decode *and* ends early. A bad packet alone is tolerated: some
    encoders leave a benign one, and the sound track may legitimately be shorter."""
    if not info.audio_decode_errors or not info.duration:
        return False
    return (info.decoded_audio_seconds or 0.0) < min_fraction * info.duration - 0.1


def _decode_timeout(info: MediaInfo) -> float:
    # ~30× faster than real time here; allow a slow machine plenty, but never hours.
    return min(300.0, PROBE_TIMEOUT + (info.duration or 0.0))


def validate_clip(
    path: Path | str,
    *,
    expected_duration: float | None = None,
    min_fraction: float = 0.95,
    duration_tolerance: float | None = None,
    timeout: float | None = None,
) -> MediaInfo:
    """Check that `path` is a complete, playable video clip; return its MediaInfo.

    Raises MediaError naming the file and the reason when it is missing, empty, text instead of
    media, unreadable, has no video stream, has fewer than 2 decodable frames, is truncated
    (decoded frames < `min_fraction` of duration × fps, allowing max(1 frame, 0.1 s) of
    rounding and A/V offset; the decoders report damaged packets or a partial file; or an MP4's
    last box is cut short), or lasts
    more than `duration_tolerance` (default max(1 s, 25 %)) away from `expected_duration`.
    """
    path, _ = _existing_file(path)
    if reason := _text_instead_of_media(path):
        raise MediaError(path, reason)
    info = probe(path)
    if not info.has_video:
        what = f" (audio only: {info.audio_codec})" if info.has_audio else ""
        raise MediaError(path, f"has no video stream{what}")
    info, stderr = _decode(info, video=True, audio=True, timeout=timeout or _decode_timeout(info))
    frames = info.decoded_frames or 0
    if frames < 2:
        raise MediaError(path, f"has {frames} decodable frame(s); a clip needs at least 2")
    expected = info.expected_frames
    if expected is not None and info.fps:
        slack = max(1.0, 0.1 * info.fps)
        if frames < min_fraction * expected - slack:
            raise MediaError(
                path,
                f"is truncated: only {frames} of about {expected:.0f} frames decode "
                f"({frames / info.fps:.2f} s of the {info.duration:.2f} s it claims)",
            )
    if "partial file" in stderr:
        raise MediaError(path, "is truncated: its data ends before the index says it should")
    if info.decode_errors:
        raise MediaError(
            path, f"is damaged or truncated: {info.decode_errors} video packet(s) failed to decode"
        )
    if _audio_cut_short(info, min_fraction):
        raise MediaError(path, "has a damaged or truncated sound track")
    if info.container.startswith("mov,mp4") and (reason := _mp4_box_overrun(path, info.size_bytes)):
        raise MediaError(path, reason)
    if expected_duration is not None:
        actual = info.decoded_duration or info.duration or 0.0
        tolerance = duration_tolerance or max(1.0, 0.25 * expected_duration)
        if abs(actual - expected_duration) > tolerance:
            raise MediaError(path, f"lasts {actual:.2f} s but {expected_duration:g} s was expected")
    return info


def validate_audio(path: Path | str, *, timeout: float | None = None) -> MediaInfo:
    """Check that `path` is decodable audio (WAV/MP3/AAC/…) with a duration > 0."""
    path, _ = _existing_file(path)
    if reason := _text_instead_of_media(path):
        raise MediaError(path, reason)
    info = probe(path)
    if not info.has_audio:
        raise MediaError(path, "has no audio stream")
    info, stderr = _decode(info, video=False, audio=True, timeout=timeout or _decode_timeout(info))
    seconds = info.decoded_audio_seconds or 0.0
    if seconds <= 0:
        raise MediaError(path, "contains no decodable audio")
    if _audio_cut_short(info, 0.95):
        raise MediaError(path, "is damaged or truncated: part of it does not decode")
    if "partial file" in stderr:
        raise MediaError(path, "is truncated: its data ends before the index says it should")
    if info.container.startswith("mov,mp4") and (reason := _mp4_box_overrun(path, info.size_bytes)):
        raise MediaError(path, reason)
    if info.duration is None:
        info = dataclasses.replace(info, duration=seconds)
    return info


def validate_image(path: Path | str) -> tuple[int, int]:
    """(width, height) of a decodable PNG/JPEG/WebP image; MediaError otherwise."""
    image = load_image(path)  # as shown: EXIF orientation applied, like everywhere else
    height, width = image.shape[:2]
    if width == 0 or height == 0:
        raise MediaError(path, "image has no pixels")
    return width, height
