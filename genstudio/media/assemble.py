"""Render a Timeline into the finished film (H.264 + AAC MP4) and its .srt subtitles.

Order of work: preflight every input (one ffmpeg header read names the exact bad scene),
measure the soundtrack's loudness (audio only, no encoding), then one ffmpeg process renders
the whole film through one filtergraph into a temporary file beside the target, which replaces
the old film only when it is complete. A cancelled, killed or failed assembly leaves no partial
film and the previous film, if any, untouched. Blocking: call through `run_blocking`.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from genstudio.engine.crashpoints import crash_point
from genstudio.errors import MediaError
from genstudio.fsutil import atomic_path
from genstudio.media import filtergraph
from genstudio.media.ffmpeg import FFmpegError, run_ffmpeg
from genstudio.media.subtitles import write_srt
from genstudio.timeline import Timeline

FractionCallback = Callable[[float], None]

# A clip may be this much shorter than the part the timeline uses (its last frame is held).
SHORT_CLIP_TOLERANCE = 0.15
# Share of the progress bar for the loudness pass (audio only: about a tenth of the work).
MEASURE_SHARE = 0.1
# Longer commands go through a script file (Windows caps a command line at 32,767 chars).
MAX_INLINE_GRAPH = 20_000
_SCRIPT = "filtergraph.txt"
# Music shorter than this is refused (it is looped; a zero-length file would never end).
MIN_MUSIC = 0.1
# Temporary renders older than this were left by a process that died mid-assembly.
STALE_PART_SECONDS = 120


@dataclass(frozen=True)
class AssemblyResult:
    path: Path
    duration: float  # seconds, whole frames at the film's rate
    srt_path: Path | None  # None when the film has no dialogue


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


def preflight(timeline: Timeline) -> None:
    """Check every input exists, is a readable media file with the streams the film uses and
    is long enough. Raises MediaError naming the scene (or line) and the file."""
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
    # one ffmpeg reads every header; it stops at the first file it cannot open
    args: list[str] = []
    for item in inputs:
        args += ["-i", str(item.path)]
    try:
        stderr = run_ffmpeg(args)
    except FFmpegError as exc:  # always: there is no output file; the headers are printed
        stderr = exc.stderr
    sections = _INPUT_HEADER.split(stderr)
    headers = {int(sections[i]): sections[i + 1] for i in range(1, len(sections) - 1, 2)}
    for index, item in enumerate(inputs):
        header = headers.get(index)
        if header is None:
            raise MediaError(item.path, f"{item.role}: not a media file FFmpeg can read")
        if item.needs_video and ": Video: " not in header:
            raise MediaError(item.path, f"{item.role}: the file has no video stream")
        if item.needs_audio and ": Audio: " not in header:
            raise MediaError(item.path, f"{item.role}: the file has no audio stream")
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


def remove_stale_parts(out_path: Path) -> None:
    """Delete temporary renders of `out_path` left behind by a process that was killed (its
    ffmpeg dies with it: the progress pipe breaks). Fresh ones may belong to a live render."""
    patterns = (f".{out_path.stem}.*.part{out_path.suffix}", f".{out_path.stem}.*.part.{_SCRIPT}")
    now = time.time()
    for pattern in patterns:
        for part in out_path.parent.glob(pattern):
            with contextlib.suppress(OSError):
                if now - part.stat().st_mtime > STALE_PART_SECONDS:
                    part.unlink()


def _measure(
    timeline: Timeline,
    loudness: float | None,
    cancel: threading.Event | None,
    report: FractionCallback,
) -> filtergraph.LoudnessMeasurement | None:
    if loudness is None:
        return None
    args = filtergraph.build_loudness_probe(timeline, loudness=loudness)
    if args is None:
        return None
    total = filtergraph.film_seconds(timeline)
    stderr = run_ffmpeg(args, progress=lambda s: report(s / total), cancel=cancel)
    return filtergraph.parse_loudness(stderr)


def _inline_or_script(args: list[str], script: Path) -> list[str]:
    """Move a very long filtergraph into `script` (`-/filter_complex` reads it from there)."""
    if sum(len(a) + 1 for a in args) <= MAX_INLINE_GRAPH:
        return args
    at = args.index("-filter_complex")
    script.write_text(args[at + 1], encoding="utf-8")
    return [*args[:at], "-/filter_complex", str(script), *args[at + 2 :]]


def _check_output(path: Path, expected: float) -> None:
    try:
        stderr = run_ffmpeg(["-i", str(path)])
    except FFmpegError as exc:
        stderr = exc.stderr
    match = _DURATION.search(stderr)
    video = ": Video: h264" in stderr
    audio = ": Audio: aac" in stderr
    if not (match and video and audio):
        raise MediaError(path, "ffmpeg finished but the film has no H.264 video or AAC audio")
    h, m, s = match.groups()
    length = int(h) * 3600 + int(m) * 60 + float(s)
    if abs(length - expected) > 0.25:
        raise MediaError(path, f"the film lasts {length:.2f} s instead of {expected:.2f} s")


def assemble(
    timeline: Timeline,
    out_path: Path | str,
    *,
    progress: FractionCallback | None = None,
    cancel: threading.Event | None = None,
    preset: str = "veryfast",
    crf: int = 20,
    loudness: float | None = filtergraph.DEFAULT_LOUDNESS,
) -> AssemblyResult:
    """Render `timeline` into `out_path` and its subtitles into the .srt beside it.

    progress: called with the fraction done (0..1) from ffmpeg's reader thread.
    cancel: set it to stop; raises `Cancelled` and leaves the previous film untouched.
    """
    out_path = Path(out_path)
    preflight(timeline)
    remove_stale_parts(out_path)
    seconds = filtergraph.film_seconds(timeline)
    crashed = False

    def report(fraction: float) -> None:
        nonlocal crashed
        if progress is not None:
            progress(min(1.0, max(0.0, fraction)))
        if fraction >= MEASURE_SHARE + 0.5 * (1 - MEASURE_SHARE) and not crashed:
            crashed = True
            crash_point("mid_ffmpeg_assembly")  # tests: a kill halfway through the render

    measured = _measure(timeline, loudness, cancel, lambda f: report(MEASURE_SHARE * f))
    srt_path = out_path.with_suffix(".srt")
    with atomic_path(out_path) as tmp:
        script = tmp.with_suffix(f".{_SCRIPT}")
        try:
            args = filtergraph.build_command(
                timeline, tmp, preset=preset, crf=crf, loudness=loudness, measured=measured
            )
            run_ffmpeg(
                _inline_or_script(args, script),
                progress=lambda s: report(MEASURE_SHARE + (1 - MEASURE_SHARE) * s / seconds),
                cancel=cancel,
            )
        finally:
            with contextlib.suppress(FileNotFoundError):
                script.unlink()
        _check_output(tmp, seconds)
    cues = timeline.subtitle_cues()
    if cues:
        write_srt(cues, srt_path)
    else:
        # subtitles of an earlier cut would describe lines this film no longer has
        with contextlib.suppress(FileNotFoundError):
            srt_path.unlink()
    if progress is not None:
        progress(1.0)
    return AssemblyResult(out_path, seconds, srt_path if cues else None)
