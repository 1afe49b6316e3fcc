"""Big Fish: peak memory of assembling a ~190-scene film, against a 24-scene film, same run.

    python benchmarks/bench_bigfish.py [--workspace DIR] [--scenes N] [--baseline 24] [--keep]

Goal (the project's issue): assembly peak memory < 1 GiB and flat in the number of clips; a
190-scene film (Big Fish from the corpus, offline providers) assembles.

1. Generation (not measured). The Big Fish Fountain screenplay from the corpus (its first N
   scenes with --scenes N) is imported into a project of the workspace (--workspace, else
   $GENSTUDIO_HOME, else <tmp>/genstudio-bench-bigfish) and the engine's normal pipeline
   (`Pipeline.run`, auto-approved, builtin offline planner, images, video, speech and music)
   makes every scene's clip, the dialogue, the music bed and the app's own film. It runs in a
   child process, so the measured process below starts clean whether generation ran now or on
   an earlier run. Resumable: run again with the same workspace and the pipeline reuses every
   finished clip (an interrupted run resumes where it stopped). The first run takes about
   half an hour on 2 cores for the whole film (193 scenes, ~79 min of 1280x768 video), plus
   the pipeline's own assembly of the film; a resumed run, seconds (the film is up to date).
2. Measured. The film Timeline is built the way the app's "assemble" does
   (`pipeline.finish.usable_cuts` + `build_timeline`, the project's music bed) and rendered with
   `media.assemble.assemble` and the app's settings, while a sampler reads every 20 ms the RSS
   of this Python process plus all its descendants (the FFmpeg processes) and keeps the peak
   of the sum (and which processes made up the peak sample). First a film of the first
   --baseline scenes (the flatness baseline; at most half the scenes for small N), then the
   whole film. An assembly that fails is reported (FAIL), not raised.
3. Checked and printed: scene and clip counts, film length, assembly time, peak memory for both
   films, their ratio (flat: full / baseline ≤ 1.25), that the rendered film really lasts the
   timeline's length (container, last video packet, last audio packet), and PASS / FAIL against
   "peak < 1 GiB and flat".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import TreeRss, container_duration, packet_end
from genstudio.models import Project, SceneStatus, SourceKind, StepName
from genstudio.store import Store
from genstudio.timeline import Timeline
from genstudio.workspace import Workspace

# the corpus sits beside the checkout (../shared), as the tests expect it
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "screenplays"
DEFAULT_WORKSPACE = Path(tempfile.gettempdir()) / "genstudio-bench-bigfish"
GIB = 2**30
MIB = 2**20
FLAT_RATIO = 1.25
DURATION_TOLERANCE = 0.25  # seconds, what the assembler's own output check allows


# -- the screenplay and the project -------------------------------------------------------------


def find_screenplay(corpus: Path = CORPUS) -> Path:
    """The corpus's Big Fish: the Fountain file whose title page says so (or named so)."""
    from genstudio.screenplay.fountain import load_fountain

    candidates = sorted(corpus.glob("*.fountain"))
    for path in candidates:
        if "big_fish" in path.stem.lower() or "bigfish" in path.stem.lower():
            return path
    for path in candidates:
        with contextlib.suppress(Exception):
            if load_fountain(path).title.strip().lower() == "big fish":
                return path
    raise SystemExit(f"no Big Fish screenplay (*.fountain) in {corpus}")


def first_scenes(path: Path, limit: int | None) -> tuple[str, int]:
    """The screenplay's text cut before scene `limit + 1` (title page kept), and its scene
    count. Verified: the cut text parses to exactly the first `limit` scenes, unchanged."""
    from genstudio.screenplay.fountain import load_fountain, parse_fountain, to_scenes

    parsed = load_fountain(path)
    text = path.read_bytes().decode(parsed.encoding)
    total = len(parsed.scenes)
    if limit is None or limit >= total:
        return text, total
    if limit < 1:
        raise SystemExit("--scenes must be at least 1")
    cut_line = parsed.scenes[limit].line  # 1-based line of scene limit+1's heading
    lines = text.splitlines(keepends=True)
    cut = "".join(lines[: cut_line - 1])
    want = to_scenes(parsed)[:limit]
    got = to_scenes(parse_fountain(cut))
    same = len(got) == limit and all(
        (a.heading, a.beats, a.dialogue, a.duration) == (b.heading, b.beats, b.dialogue, b.duration)
        for a, b in zip(want, got, strict=True)
    )
    if not same:
        raise SystemExit(f"cutting {path.name} before scene {limit + 1} changed its scenes")
    return cut, limit


def project_title(scenes: int, total: int) -> str:
    suffix = "" if scenes >= total else f", first {scenes} scenes"
    return f"Big Fish (benchmark{suffix})"


def open_project(store: Store, ws: Workspace, text: str, title: str) -> tuple[Project, bool]:
    """The workspace's project for this text (reused: its clips are kept), else a new one."""
    from genstudio.projects import new_project_from_fountain

    for project in store.list_projects():
        if (
            project.title == title
            and project.source_kind is SourceKind.FOUNTAIN
            and project.source_text == text
        ):
            return project, False
    with tempfile.TemporaryDirectory(prefix="bench-bigfish-") as tmp:
        source = Path(tmp) / "big_fish.fountain"
        source.write_text(text, encoding="utf-8")
        return new_project_from_fountain(store, ws, source, title=title), True


# -- step 1: generation, in a child process ----------------------------------------------------


async def _run_pipeline(store: Store, ws: Workspace, project_id: str) -> None:
    from genstudio.cli_output import Printer
    from genstudio.errors import GenStudioError
    from genstudio.events import EventBus
    from genstudio.pipeline import Pipeline
    from genstudio.providers.registry import build_providers

    events = EventBus()
    printer = Printer()
    events.subscribe(printer.on_event)
    pipeline = Pipeline(
        store, ws, project_id, providers=build_providers(), events=events, auto_approve=True
    )
    try:
        outcome = await pipeline.run()
    except GenStudioError as exc:  # a failed step: the traceback adds nothing
        printer.line(f"pipeline: FAILED: {exc}")
        raise SystemExit(1) from None
    printer.line(f"pipeline: {outcome.status.value}; film {outcome.film}")
    if outcome.failed_scenes:
        printer.line(f"pipeline: failed scenes {outcome.failed_scenes}")


def generate_only(ws_root: Path, project_id: str) -> int:
    """Entry point of the child process: run the pipeline on the project to the end."""
    from genstudio.concurrency import shutdown_pools

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    ws = Workspace.open(ws_root)
    store = Store(ws.db_path)
    try:
        asyncio.run(_run_pipeline(store, ws, project_id))
    finally:
        shutdown_pools()
        store.close()
    return 0


def generate(ws_root: Path, project_id: str) -> float:
    """Run the pipeline in a child process (output passed through); returns its wall time."""
    started = time.perf_counter()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--workspace", str(ws_root),
           "--generate-only", project_id]  # fmt: skip
    code = subprocess.run(cmd, check=False).returncode
    elapsed = time.perf_counter() - started
    if code:
        print(f"generation exited with code {code}; assembling whatever clips are finished")
    return elapsed


# -- step 2: timeline, sampler, assembly -------------------------------------------------------


async def _timelines(
    store: Store, ws: Workspace, project_id: str, baseline: int
) -> tuple[Timeline, Timeline]:
    """(first `baseline` scenes, the whole film), built as `pipeline.assemble_only` does: the
    usable cuts in storyboard order, the music bed made for the whole film."""
    from genstudio.pipeline import Pipeline, audio, finish
    from genstudio.providers.registry import build_providers

    ctx = await Pipeline(store, ws, project_id, providers=build_providers()).context()
    cuts = await finish.usable_cuts(ctx)
    if not cuts:
        raise SystemExit("no scene has a finished clip: generation did not get far enough")
    steps = await store.run(store.get_steps, project_id)
    draft = finish.build_timeline(ctx, cuts, None)
    # the bed the pipeline made for this film (found, not regenerated, when it exists)
    music = await audio.generate_music(ctx, steps[StepName.GENERATE_MUSIC], draft.total_duration)
    full = finish.build_timeline(ctx, cuts, music)
    small = finish.build_timeline(ctx, cuts[:baseline], music)
    return small, full


@dataclass
class Measured:
    scenes: int
    clips: int
    crossfades: int
    lines: int
    expected: float  # seconds, whole frames at the film's rate
    wall: float
    rss: TreeRss
    container: float
    video_end: float
    audio_end: float

    @property
    def duration_ok(self) -> bool:
        return all(
            abs(x - self.expected) <= DURATION_TOLERANCE
            for x in (self.container, self.video_end, self.audio_end)
        )


def _progress_printer(label: str) -> Callable[[float], None]:
    state = {"next": 0.1}

    def report(fraction: float) -> None:
        if fraction >= state["next"]:
            state["next"] = (int(fraction * 10) + 1) / 10
            print(f"  {label}: {fraction * 100:3.0f}%", flush=True)

    return report


def measure(timeline: Timeline, out: Path, label: str) -> Measured | str:
    """Assemble `timeline` into `out` under the sampler; the error's text when it fails."""
    from genstudio.media.assemble import assemble

    started = time.perf_counter()
    with TreeRss() as rss:
        try:
            result = assemble(timeline, out, progress=_progress_printer(label))
        except Exception as exc:  # reported as the benchmark's result, not a traceback
            print(f"  {label}: assembly FAILED after {time.perf_counter() - started:.1f} s: "
                  f"{type(exc).__name__}: {str(exc)[:300]}", flush=True)  # fmt: skip
            return f"{type(exc).__name__}: {str(exc)[:300]}"
    wall = time.perf_counter() - started
    crossfades = sum(
        1 for c in timeline.clips if c.transition_in and c.transition_in.kind == "crossfade"
    )
    return Measured(
        scenes=len({c.scene_id for c in timeline.clips}),
        clips=len(timeline.clips),
        crossfades=crossfades,
        lines=len(timeline.dialogue),
        expected=result.duration,
        wall=wall,
        rss=rss,
        container=container_duration(out),
        video_end=packet_end(out, "v"),
        audio_end=packet_end(out, "a"),
    )


# -- report ------------------------------------------------------------------------------------


def clock(seconds: float) -> str:
    m, s = divmod(seconds, 60)
    return f"{int(m) // 60}:{int(m) % 60:02d}:{s:05.2f}"


def print_film(name: str, m: Measured) -> None:
    r = m.rss
    print(
        f"{name}: {m.scenes} scenes, {m.clips} clips in the timeline ({m.crossfades} "
        f"crossfades), {m.lines} dialogue lines, {clock(m.expected)} ({m.expected:.2f} s)"
    )
    print(f"  assembly wall time   {m.wall:8.1f} s   ({m.expected / m.wall:.1f}× real time)")
    print(
        f"  peak memory          {r.peak / MIB:8.0f} MiB   (Python + FFmpeg, summed, "
        f"{r.samples} samples every 20 ms)"
    )
    print(
        f"    Python process     {r.peak_self / MIB:8.0f} MiB peak "
        f"({r.self_at_start / MIB:.0f} MiB when assembly started)"
    )
    print(
        f"    descendants        {r.peak_children / MIB:8.0f} MiB peak, at most "
        f"{r.max_children} processes at once"
    )
    for label, size in r.at_peak:
        print(f"      at the peak: {size / MIB:6.0f} MiB  {label}")
    print(f"  length check         container {m.container:.2f} s, last video packet "
          f"{m.video_end:.2f} s, last audio packet {m.audio_end:.2f} s, expected "
          f"{m.expected:.2f} s: {'OK' if m.duration_ok else 'WRONG LENGTH'}")  # fmt: skip


def code_version() -> str:
    """The checkout's commit, and whether the engine has uncommitted changes."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "genstudio"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "commit unknown"
    return f"commit {head}" + (" (genstudio/ has uncommitted changes)" if dirty else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=None,
                        help=f"kept between runs (default: $GENSTUDIO_HOME, else "
                             f"{DEFAULT_WORKSPACE})")  # fmt: skip
    parser.add_argument("--scenes", type=int, default=None, help="only the first N scenes")
    parser.add_argument("--baseline", type=int, default=24,
                        help="scenes in the flatness baseline film (default 24)")  # fmt: skip
    parser.add_argument("--screenplay", type=Path, default=None, help="the Big Fish .fountain")
    parser.add_argument("--keep", action="store_true", help="keep the rendered benchmark films")
    parser.add_argument("--generate-only", metavar="PROJECT_ID", help=argparse.SUPPRESS)
    args = parser.parse_args()
    env_home = os.environ.get("GENSTUDIO_HOME", "").strip()
    ws_root = (args.workspace or (Path(env_home) if env_home else DEFAULT_WORKSPACE)).expanduser()
    ws_root = ws_root.resolve()
    if args.generate_only:
        return generate_only(ws_root, args.generate_only)

    screenplay = args.screenplay or find_screenplay()
    text, count = first_scenes(screenplay, args.scenes)
    from genstudio.screenplay.fountain import load_fountain

    total = len(load_fountain(screenplay).scenes)
    ws = Workspace.open(ws_root)
    store = Store(ws.db_path)
    try:
        project, created = open_project(store, ws, text, project_title(count, total))
        print(f"screenplay: {screenplay} ({total} scenes; using {count})")
        print(f"workspace:  {ws.root}")
        print(
            f"project:    {project.title!r} ({project.id[:8]}, "
            f"{'new' if created else 'resumed'}) in {ws.project_dir(project.folder)}"
        )
        print(f"code:       {code_version()}; cpus: {os.cpu_count()}")
        print("-- generation (not measured): the pipeline, builtin offline providers --",
              flush=True)  # fmt: skip
    finally:
        store.close()  # the child process owns the project while it generates

    gen_seconds = generate(ws.root, project.id)

    store = Store(ws.db_path)
    try:
        scenes = store.list_scenes(project.id)
        failed = [s.number for s in scenes if s.status is not SceneStatus.COMPLETED]
        steps = store.get_steps(project.id)
        app_asm = steps[StepName.ASSEMBLE_MOVIE]
        baseline = min(args.baseline, max(1, len(scenes) // 2))
        small, full = asyncio.run(_timelines(store, ws, project.id, baseline))
    finally:
        store.close()
    print(f"generation took {gen_seconds:.1f} s; the app's own assembly step: "
          f"{app_asm.status.value}, {app_asm.detail}"
          + (f" ({(app_asm.finished_at - app_asm.started_at).total_seconds():.0f} s)"
             if app_asm.started_at and app_asm.finished_at else ""))  # fmt: skip
    if failed:
        print(f"WARNING: {len(failed)} scenes have no clip: {failed}")

    out_dir = ws.root / "bench-bigfish"
    out_dir.mkdir(exist_ok=True)
    print(f"-- measured: assembly of the first {len(small.clips)} clips, then all "
          f"{len(full.clips)} --", flush=True)  # fmt: skip
    small_out, full_out = out_dir / f"film-{len(small.clips)}.mp4", out_dir / "film-all.mp4"
    try:
        base = measure(small, small_out, f"{len(small.clips)} clips")
        big = measure(full, full_out, f"{len(full.clips)} clips")
    finally:
        if not args.keep:
            shutil.rmtree(out_dir, ignore_errors=True)

    print()
    print(f"scenes: {len(scenes)} in the project, {len(full.clips)} with a clip"
          + (f" (no clip: {failed})" if failed else ""))  # fmt: skip
    print(f"generation: {gen_seconds:.1f} s (not measured)")
    films = ((f"baseline film (first {len(small.clips)} scenes)", small, base),
             (f"full film ({len(full.clips)} scenes)", full, big))  # fmt: skip
    for name, timeline, m in films:
        if isinstance(m, Measured):
            print_film(name, m)
        else:
            print(f"{name}: {len(timeline.clips)} clips in the timeline, "
                  f"{len(timeline.dialogue)} dialogue lines, {timeline.total_duration:.2f} s: "
                  f"ASSEMBLY FAILED: {m}")  # fmt: skip
    checks = {"every scene has a clip": not failed}
    if isinstance(base, Measured) and isinstance(big, Measured):
        ratio = big.rss.peak / max(1, base.rss.peak)
        print(f"peak memory: {base.rss.peak / MIB:.0f} MiB at {len(small.clips)} clips, "
              f"{big.rss.peak / MIB:.0f} MiB at {len(full.clips)} clips; ratio {ratio:.2f} "
              f"(flat: ≤ {FLAT_RATIO})")  # fmt: skip
        checks["peak < 1 GiB"] = max(big.rss.peak, base.rss.peak) < GIB
        checks[f"flat (ratio ≤ {FLAT_RATIO})"] = ratio <= FLAT_RATIO
        checks["films have their full length"] = base.duration_ok and big.duration_ok
    else:
        checks["both films assemble"] = False
    for check, ok in checks.items():
        print(f"  {check:32} {'ok' if ok else 'NO'}")
    verdict = all(checks.values())
    print(
        f"{'PASS' if verdict else 'FAIL'}: assembly peak memory < 1 GiB and flat in the "
        f"number of clips ({len(full.clips)}-scene film)"
    )
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
