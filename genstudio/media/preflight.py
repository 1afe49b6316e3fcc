"""Before any encoding: every input exists, is media FFmpeg reads, has the streams the film
uses and is long enough — one ffmpeg header read for all of them, so a bad file is named
(scene, line or music, and its path) in a second instead of failing a render midway. The same
read tells each clip's format (for normalising and the stream-copy decision), and a packet
scan (no decoding) tells where a file may be cut without re-encoding.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from genstudio.errors import MediaError
from genstudio.media.ffmpeg import FFmpegError, ffmpeg_exe, run_ffmpeg
from genstudio.media.pieces import REORDER_ARGS, Keyframes
from genstudio.media.probe import MediaInfo, parse_header
from genstudio.timeline import Timeline

# A clip may be this much shorter than the part the timeline uses (its last frame is held).
SHORT_CLIP_TOLERANCE = 0.15
# Music shorter than this is refused (it is looped; a zero-length file would never end).
MIN_MUSIC = 0.1
# Inputs whose headers one ffmpeg reads (a film of 190 scenes has hundreds of files: one
# process opening all of them at once would hold every demuxer and probe buffer together).
HEADERS_PER_PROCESS = 24
SCAN_TIMEOUT = 120  # seconds to read a clip's packets (no decoding: normally well under 1 s)


@dataclass(frozen=True)
class _Input:
    path: Path
    role: str  # how to name it in an error: "scene 3", "dialogue line 2 of scene 3", "music"
    needs_video: bool = False
    needs_audio: bool = False
    min_seconds: float = 0.0  # shortest length the film can use
    need: str = ""  # that length as the error message says it
    must_know_length: bool = False


def _inputs(timeline: Timeline) -> list[_Input]:
    numbers = {c.scene_id: c.scene_number for c in timeline.clips}
    found = [
        _Input(
            clip.path,
            f"scene {clip.scene_number}",
            needs_video=True,
            needs_audio=clip.has_audio,
            min_seconds=clip.source_in + clip.duration - SHORT_CLIP_TOLERANCE,
            need=f"it up to {clip.source_in + clip.duration:.2f} s",
        )
        for clip in timeline.clips
    ]
    for line in timeline.dialogue:
        scene = numbers.get(line.scene_id, line.scene_id)
        found.append(
            _Input(
                line.path, f"dialogue line {line.line_index + 1} of scene {scene}", needs_audio=True
            )
        )
    if timeline.music is not None:
        # looped with -stream_loop -1: an empty file would loop forever
        found.append(
            _Input(
                timeline.music.path,
                "the music bed",
                needs_audio=True,
                min_seconds=MIN_MUSIC,
                need=f"at least {MIN_MUSIC} s of sound",
                must_know_length=True,
            )
        )
    return found


_INPUT_HEADER = re.compile(r"^Input #(\d+), ", re.MULTILINE)
_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")


def preflight(timeline: Timeline) -> dict[int, MediaInfo]:
    """Check every input exists, is a readable media file with the streams the film uses and
    is long enough; return what FFmpeg says about each clip (by clip index). Raises
    MediaError naming the scene (or line) and the file."""
    inputs = _inputs(timeline)
    for item in inputs:
        if not item.path.is_file():
            problem = "is a folder, not a file" if item.path.exists() else "does not exist"
            raise MediaError(item.path, f"{item.role}: the file {problem}")
        try:
            with open(item.path, "rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise MediaError(item.path, f"{item.role}: cannot read it ({exc.strerror})") from exc
        if not head:
            raise MediaError(item.path, f"{item.role}: the file is empty")
    headers: dict[int, str] = {}
    for first in range(0, len(inputs), HEADERS_PER_PROCESS):
        headers.update(_read_headers(inputs[first : first + HEADERS_PER_PROCESS], first))
        if len(headers) < min(len(inputs), first + HEADERS_PER_PROCESS):
            break  # ffmpeg stops at the first file it cannot open: that one is named below
    infos: dict[int, MediaInfo] = {}
    for index, item in enumerate(inputs):
        header = headers.get(index)
        if header is None:
            raise MediaError(item.path, f"{item.role}: not a media file FFmpeg can read")
        if item.needs_video and ": Video: " not in header:
            raise MediaError(item.path, f"{item.role}: the file has no video stream")
        if item.needs_audio and ": Audio: " not in header:
            raise MediaError(item.path, f"{item.role}: the file has no audio stream")
        if index < len(timeline.clips):
            infos[index] = _clip_info(item.path, index, header)
        match = _DURATION.search(header)
        if match is None:
            if item.must_know_length:
                raise MediaError(item.path, f"{item.role}: FFmpeg cannot tell how long it is")
            continue
        h, m, s = match.groups()
        length = int(h) * 3600 + int(m) * 60 + float(s)
        if length < item.min_seconds:
            raise MediaError(
                item.path,
                f"{item.role}: the file lasts {length:.2f} s but the film needs {item.need}",
            )
    return infos


def _read_headers(batch: list[_Input], first: int) -> dict[int, str]:
    """One ffmpeg prints the headers of a batch of inputs (numbered from `first`)."""
    args: list[str] = []
    for item in batch:
        args += ["-i", str(item.path)]
    try:
        stderr = run_ffmpeg(args)
    except FFmpegError as exc:  # always: there is no output file; the headers are printed
        stderr = exc.stderr
    sections = _INPUT_HEADER.split(stderr)
    return {
        first + int(sections[i]): _renumber(
            sections[i + 1], int(sections[i]), first + int(sections[i])
        )
        for i in range(1, len(sections) - 1, 2)
    }


def _renumber(header: str, index: int, new: int) -> str:
    return header.replace(f"Stream #{index}:", f"Stream #{new}:")


def _clip_info(path: Path, index: int, header: str) -> MediaInfo | None:
    """parse_header reads input #0's block: renumber this input's block as #0."""
    block = re.sub(rf"Stream #{index}:", "Stream #0:", f"Input #0, {header}")
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return parse_header(path, size, block)


_PACKET = re.compile(
    r"^\s*0,\s*(-?\d+),\s*(-?\d+),\s*(\d+),\s*\d+,\s*0x[0-9a-f]+(?:,\s*F=0x([0-9a-f]+))?"
)
_TIMEBASE = re.compile(r"^#tb 0: (\d+)/(\d+)", re.MULTILINE)


def scan_keyframes(path: Path, rate: Fraction) -> Keyframes | None:
    """Where `path`'s video may be cut without decoding, from its packets (read, never
    decoded). None when the file is not constant-rate at `rate` (then its frames cannot be
    mapped to film frames one to one, and it is re-encoded)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path)]
    cmd += ["-map", "0:v:0", "-c", "copy", "-f", "framecrc", "-"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=SCAN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        return None
    out = proc.stdout
    tb_match = _TIMEBASE.search(out)
    if tb_match is None:
        return None
    tb = Fraction(int(tb_match.group(1)), int(tb_match.group(2)))
    packets = []
    first_dts: int | None = None
    for line in out.splitlines():
        if match := _PACKET.match(line):
            pts, flags = int(match.group(2)), match.group(4)
            if first_dts is None:
                first_dts = int(match.group(1))
            packets.append((pts, flags is None or int(flags, 16) & 1 == 1))
    if not packets or first_dts is None:
        return None
    packets.sort()
    ahead = (packets[0][0] - first_dts) * tb * rate  # decode runs this many frames early
    delay = round(ahead) if abs(ahead - round(ahead)) < Fraction(1, 4) else None
    first = packets[0][0]
    keys = []
    for position, (pts, key) in enumerate(packets):
        exact = (pts - first) * tb * rate
        if abs(exact - position) > Fraction(1, 4):  # not one packet per film frame
            return None
        if key:
            keys.append(position)
    return Keyframes(
        frames=tuple(keys),
        total=len(packets),
        first_pts=float(first * tb),
        delay=delay if delay in REORDER_ARGS else None,
    )
