"""Render a Timeline into the finished film (H.264 + AAC MP4) and its subtitles.

Order of work: preflight every input (one header read names the exact bad scene), then in
parallel FFmpeg processes: the picture as independent pieces (pieces.py: each needs at most
two clips; pieces already in the film's format are stream-copied) and the whole soundtrack
(audiomix.py: mixed and measured, then brought to the loudness target and encoded once, so
no join can make it drift). One last process joins the pieces and muxes the sound into a
temporary file beside the target, which replaces the old film only when it is complete.

A cancelled, killed or failed assembly leaves no partial film and the previous film, if any,
untouched: cancel (or any piece failing) stops every FFmpeg process; the work directory and
the temporary film are removed (or, after a kill, collected by the next run). Blocking: call
through `run_blocking`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path

from genstudio.engine.crashpoints import crash_point
from genstudio.errors import GenStudioError, MediaError
from genstudio.fsutil import atomic_path
from genstudio.media import audiomix, pieces, soundwindows
from genstudio.media.ffmpeg import Cancelled, FFmpegError, run_ffmpeg
from genstudio.media.layout import film_frames, film_seconds, fps_fraction, frame_plan
from genstudio.media.looks import resolve_look
from genstudio.media.preflight import preflight, scan_keyframes
from genstudio.media.subtitles import write_srt
from genstudio.timeline import Timeline

FractionCallback = Callable[[float], None]
SUBTITLE_MODES = ("none", "sidecar", "burned")
# Temporary renders older than this were left by a process that died mid-assembly.
STALE_PART_SECONDS = 120
# Progress weights, in "frames encoded" units per film frame: the soundtrack's passes decode
# and mix every input (a few percent of an encode), a copied frame costs almost nothing.
AUDIO_PASS_WEIGHT = 0.04
COPY_WEIGHT = 0.02
MUX_WEIGHT = 0.02
MAX_WORKERS = 4
WORK_SUFFIX = ".part.pieces"
MIX_FILE = "mix.wav"  # the mixed soundtrack before its level stage, in the work directory
# Loudness re-measures after the limiter (see _soundtrack): at most this many, until
# the level is this close to the target; the make-up gain never exceeds MAX_CORRECTION_DB.
MAX_RECHECKS = 5
RECHECK_TOLERANCE_LU = 0.5
MAX_CORRECTION_DB = 20.0


@dataclass(frozen=True)
class AssemblyResult:
    path: Path
    duration: float  # seconds, whole frames at the film's rate
    srt_path: Path | None  # None when no sidecar was written (no dialogue, or not asked for)


def default_workers() -> int:
    """Two encoders overlap one's serial parts (decoding, filtering, x264's frame-level
    sync) with the other's work; more than four only adds memory."""
    return max(2, min(MAX_WORKERS, os.cpu_count() or 2))


def remove_stale_parts(out_path: Path) -> None:
    """Delete temporary renders of `out_path` left behind by a process that was killed (its
    ffmpeg processes die with it: their progress pipes break). Fresh ones may belong to a
    live render."""
    now = time.time()
    for pattern in (
        f".{out_path.stem}.*.part{out_path.suffix}",
        f".{out_path.stem}.*{WORK_SUFFIX}",
    ):
        for part in out_path.parent.glob(pattern):
            with contextlib.suppress(OSError):
                if now - part.stat().st_mtime <= STALE_PART_SECONDS:
                    continue
                if part.is_dir():
                    shutil.rmtree(part, ignore_errors=True)
                else:
                    part.unlink()


class _Progress:
    """Sums the progress of parallel FFmpeg processes into one monotonic fraction."""

    def __init__(self, report: FractionCallback) -> None:
        self._report = report
        self._weights: dict[str, float] = {}
        self._done: dict[str, float] = {}
        self._lock = threading.Lock()
        self._last = 0.0

    def add(self, key: str, weight: float) -> None:
        self._weights[key] = max(weight, 1e-6)
        self._done[key] = 0.0

    def callback(self, key: str, seconds: float) -> Callable[[float], None]:
        def update(written: float) -> None:
            self.set(key, written / seconds if seconds > 0 else 1.0)

        return update

    def set(self, key: str, fraction: float) -> None:
        with self._lock:
            self._done[key] = max(self._done[key], min(1.0, fraction))
            total = sum(self._weights.values())
            value = sum(self._weights[k] * self._done[k] for k in self._weights) / total
            if value <= self._last:
                return
            self._last = value
        self._report(value)


class _Jobs:
    """FFmpeg runs on a thread pool sharing one stop signal: the user's cancel or any job's
    failure stops every process still running."""

    def __init__(self, workers: int, cancel: threading.Event | None) -> None:
        self.stop = threading.Event()
        self._cancel = cancel
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gs-assemble")
        self._futures: list = []
        self._watching = True
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while self._watching:
            if self._cancel is not None and self._cancel.wait(0.05):
                self.stop.set()
                return
            if self._cancel is None:
                time.sleep(0.05)

    def submit(self, fn: Callable[[], object]) -> None:
        def guarded() -> object:
            if self.stop.is_set():
                raise Cancelled("cancelled")
            try:
                return fn()
            except BaseException:
                self.stop.set()
                raise

        self._futures.append(self._pool.submit(guarded))

    def wait_all(self) -> None:
        """Wait for every job; re-raise Cancelled when cancelled, else the first failure."""
        try:
            wait(self._futures, return_when=FIRST_EXCEPTION)
            wait(self._futures)  # after a failure the rest stop at once (self.stop)
        finally:
            self._watching = False
            self._pool.shutdown(wait=True)
        if self._cancel is not None and self._cancel.is_set():
            raise Cancelled("cancelled")
        errors = [f.exception() for f in self._futures if f.exception() is not None]
        real = [e for e in errors if not isinstance(e, Cancelled)]
        if real:
            raise real[0]
        if errors:
            raise errors[0]


def _soundtrack(
    timeline: Timeline,
    loudness: float | None,
    true_peak: float,
    out_name: str,
    work: Path,
    run: Callable[..., str],
) -> None:
    """Make the film's sound track `out_name` (AAC, run in the work directory).

    The sound is mixed once into a float WAV (measured on the way when there is a loudness
    target); the level stage (gain, limiter) and the encode then read the WAV, so a
    re-measure costs a read of one file, not a new mix of every input. A film with no sound
    at all gets a silent track."""
    if not audiomix.has_sound(timeline):
        run(audiomix.silent_args(timeline, out_name), "encode")
        return
    premixed = _place_in_windows(timeline, work, run)
    mix = audiomix.mix_args(timeline, MIX_FILE, measure=loudness is not None, premixed=premixed)
    assert mix is not None
    stderr = run(mix, "measure")
    for wav in work.glob(f"{soundwindows.WINDOW_PREFIX}*.wav"):  # all in mix.wav now
        wav.unlink()
    if loudness is None:
        run(audiomix.level_args(timeline, MIX_FILE, "", out_name), "encode")
        return
    measured = audiomix.parse_loudness(stderr)
    if audiomix.limiter_overshoot(loudness, measured, true_peak) > audiomix.RECHECK_OVERSHOOT_DB:
        # the limiter will shave loud peaks and lower the integrated level: measure what it
        # leaves and make up the difference. When transients carry most of the loudness the
        # added gain is partly limited away again, so repeat until the level is within
        # RECHECK_TOLERANCE_LU.
        for _ in range(MAX_RECHECKS):
            level = audiomix.loudness_filter(loudness, measured, true_peak=true_peak)
            check = audiomix.level_args(timeline, MIX_FILE, level, None)
            after = audiomix.parse_loudness(run(check, "recheck"))
            miss = loudness - after.input_i
            if abs(miss) <= RECHECK_TOLERANCE_LU:
                break
            correction = min(MAX_CORRECTION_DB, measured.correction + miss)
            if correction == measured.correction:
                break  # at the cap: more gain would only be limited away
            measured = replace(measured, correction=correction)
    level = audiomix.loudness_filter(loudness, measured, true_peak=true_peak)
    run(audiomix.level_args(timeline, MIX_FILE, level, out_name), "encode")


def _place_in_windows(
    timeline: Timeline, work: Path, run: Callable[..., str]
) -> tuple[str | None, str | None] | None:
    """For a film with many sounds, place the clips' sound and the dialogue window by window
    (soundwindows.py) and return the ffconcat scripts of each; None: few enough sounds for
    the mix to open every file itself."""
    sounds = audiomix.film_sounds(timeline)
    if not soundwindows.needs_windows(sounds):
        return None
    total = audiomix.samples(film_seconds(timeline))
    kinds = tuple(k for k in ("clip", "line") if any(s.kind == k for s in sounds))
    placed = soundwindows.windows(sounds, total)
    for window in placed:
        args = soundwindows.window_args(sounds, window, kinds)
        run(args, "window", window.start / audiomix.SAMPLE_RATE)
    scripts: dict[str, str] = {}
    for kind in kinds:
        scripts[kind] = f"{soundwindows.WINDOW_PREFIX}{kind}s.txt"
        names = [window.name(kind) for window in placed]
        (work / scripts[kind]).write_text(soundwindows.concat_script(names))
    return scripts.get("clip"), scripts.get("line")


def _common_delay(keyframes: dict[int, pieces.Keyframes]) -> int | None:
    """The reorder delay most of the copyable frames have: only clips with it are copied
    (see pieces.Encoding.delay), the others are encoded."""
    frames: dict[int, int] = {}
    for keys in keyframes.values():
        if keys.delay is not None:
            frames[keys.delay] = frames.get(keys.delay, 0) + keys.total
    return max(frames, key=lambda d: (frames[d], -d)) if frames else None


_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")


def _check_output(path: Path, expected: float) -> None:
    try:
        stderr = run_ffmpeg(["-i", str(path)])
    except FFmpegError as exc:
        stderr = exc.stderr
    match = _DURATION.search(stderr)
    if not (match and ": Video: h264" in stderr and ": Audio: aac" in stderr):
        raise MediaError(path, "ffmpeg finished but the film has no H.264 video or AAC audio")
    h, m, s = match.groups()
    length = int(h) * 3600 + int(m) * 60 + float(s)
    if abs(length - expected) > 0.25:
        raise MediaError(path, f"the film lasts {length:.2f} s instead of {expected:.2f} s")


def _write_sidecar(timeline: Timeline, srt_path: Path, wanted: bool) -> Path | None:
    cues = timeline.subtitle_cues()
    if cues and wanted:
        write_srt(cues, srt_path)
        return srt_path
    # subtitles of an earlier cut would describe lines this film no longer has
    with contextlib.suppress(FileNotFoundError):
        srt_path.unlink()
    return None


def assemble(
    timeline: Timeline,
    out_path: Path | str,
    *,
    progress: FractionCallback | None = None,
    cancel: threading.Event | None = None,
    preset: str = "veryfast",
    crf: int = 20,
    loudness: float | None = audiomix.DEFAULT_LOUDNESS,
    true_peak: float = audiomix.TRUE_PEAK,
    look: str | Path | None = None,
    subtitles: str = "sidecar",
    workers: int | None = None,
) -> AssemblyResult:
    """Render `timeline` into `out_path` (and, with subtitles="sidecar", its .srt beside it).

    loudness: integrated target in LUFS (true peak under `true_peak` dBTP), None = as mixed.
    look: a preset name (looks.LOOKS) or a .cube file; None or "neutral" = no colour stage.
    subtitles: "none", "sidecar" (.srt beside the film) or "burned" (drawn into the picture).
    progress: called with the fraction done (0..1, rising) from FFmpeg reader threads.
    cancel: set it to stop every FFmpeg process; raises `Cancelled`, the old film stays.
    """
    if subtitles not in SUBTITLE_MODES:
        raise GenStudioError(f"unknown subtitles mode {subtitles!r}: use {SUBTITLE_MODES}")
    out_path = Path(out_path)
    look_file = resolve_look(look)
    infos = preflight(timeline)
    remove_stale_parts(out_path)
    cues = timeline.subtitle_cues()
    burn = subtitles == "burned" and bool(cues)
    rate = fps_fraction(timeline.fps)
    seconds = film_seconds(timeline)
    plan = frame_plan(timeline)
    may_copy = look_file is None and not burn
    crashed = False

    def report(fraction: float) -> None:
        nonlocal crashed
        if progress is not None:
            progress(min(1.0, max(0.0, fraction)))
        if fraction >= 0.5 and not crashed:
            crashed = True
            crash_point("mid_ffmpeg_assembly")  # tests: a kill halfway through the render

    tracker = _Progress(report)
    count = workers or default_workers()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(
        tempfile.mkdtemp(prefix=f".{out_path.stem}.", suffix=WORK_SUFFIX, dir=out_path.parent)
    )
    try:
        with atomic_path(out_path) as tmp:
            jobs = _Jobs(count, cancel)
            keyframes = {}
            if may_copy:
                matching = [
                    i
                    for i, c in enumerate(timeline.clips)
                    if pieces.matches_film(infos[i], timeline)
                ]
                for i in matching:  # packet reads only: a fraction of a second each
                    found = scan_keyframes(timeline.clips[i].path, rate)
                    if found is not None:
                        keyframes[i] = found
            delay = _common_delay(keyframes)
            keyframes = {i: k for i, k in keyframes.items() if k.delay == delay}
            parts = pieces.plan_pieces(timeline, plan, keyframes, may_copy=may_copy)
            copying = any(part.copy_from is not None for part in parts)
            encoding = pieces.Encoding(
                preset=preset,
                crf=crf,
                look=look_file is not None,
                subtitles=burn,
                delay=delay if copying else None,
            )
            if look_file is not None:
                shutil.copyfile(look_file, work / pieces.LOOK_FILE)
            if burn:
                write_srt(cues, work / pieces.SUBTITLE_FILE)
            frames = film_frames(timeline)
            audio_file = work / "soundtrack.m4a"

            def run(args: list[str], key: str, length: float) -> str:
                return run_ffmpeg(
                    args, progress=tracker.callback(key, length), cancel=jobs.stop, cwd=work
                )

            for key in ("window", "measure", "recheck", "encode"):
                tracker.add(f"audio-{key}", AUDIO_PASS_WEIGHT * frames)

            def soundtrack() -> None:
                def audio_pass(args: list[str], key: str, offset: float = 0.0) -> str:
                    if key == "encode":  # whatever passes were skipped count as done
                        for skipped in ("window", "measure", "recheck"):
                            tracker.set(f"audio-{skipped}", 1.0)
                    name = f"audio-{key}"

                    def written(at: float) -> None:  # a window's output starts at `offset`
                        tracker.set(name, (offset + at) / seconds if seconds > 0 else 1.0)

                    return run_ffmpeg(args, progress=written, cancel=jobs.stop, cwd=work)

                _soundtrack(timeline, loudness, true_peak, audio_file.name, work, audio_pass)

            jobs.submit(soundtrack)  # the longest single job: start it first
            for part in parts:
                weight = COPY_WEIGHT if part.copy_from is not None else 1.0
                tracker.add(part.name, part.count * weight)
            tracker.add("mux", MUX_WEIGHT * frames)
            for part in parts:
                args = pieces.piece_args(part, timeline, infos, encoding, part.name)
                length = float(part.count / rate)
                jobs.submit(lambda a=args, p=part, s=length: run(a, p.name, s))
            jobs.wait_all()
            (work / "pieces.txt").write_text(pieces.concat_list(parts, timeline))
            run_ffmpeg(
                _mux_args(audio_file.name, tmp, seconds),
                progress=tracker.callback("mux", seconds),
                cancel=cancel,
                cwd=work,
            )
            if cancel is not None and cancel.is_set():
                raise Cancelled("cancelled")
            _check_output(tmp, seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    srt_path = _write_sidecar(timeline, out_path.with_suffix(".srt"), subtitles == "sidecar")
    if progress is not None:
        progress(1.0)
    return AssemblyResult(out_path, seconds, srt_path)


def _mux_args(audio_name: str, out: Path, seconds: float) -> list[str]:
    return [
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        "pieces.txt",
        "-i",
        audio_name,
        "-map",
        "0:v:0",
        "-map",
        "1:a:0",
        "-c",
        "copy",
        "-map_metadata",
        "-1",
        "-movflags",
        "+faststart",
        "-t",
        audiomix.num(seconds),
        str(out),
    ]
