"""Steps 9-11: build the Timeline, assemble the film, make the cover, decide the outcome."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from genstudio.concurrency import run_blocking
from genstudio.engine.crashpoints import crash_point
from genstudio.models import ProjectStatus, Scene, SceneStatus, StepState, Take
from genstudio.pipeline.context import RunContext
from genstudio.timeline import DialoguePlacement, MusicBed, Timeline, TimelineClip, Transition

CROSSFADE = 0.5  # seconds between scenes that do not continue one another
MIN_CROSSFADE = 0.04  # shorter than a frame at 24 fps: a cut


@dataclass
class Cut:
    scene: Scene
    take: Take


async def usable_cuts(ctx: RunContext) -> list[Cut]:
    """Scenes with a validated clip, in storyboard order."""
    from genstudio.pipeline.videos import clip_is_done

    cuts = []
    for scene in await ctx.scenes():
        if scene.status is not SceneStatus.COMPLETED or not scene.selected_take_id:
            continue
        take = await ctx.store.run(ctx.store.get_take, scene.selected_take_id)
        if clip_is_done(ctx, take):
            cuts.append(Cut(scene, take))
    return cuts


def clip_span(scene: Scene, take: Take) -> tuple[float, float]:
    """(source_in, duration) of the part of a take's clip the film uses: the editor's in/out
    points when a re-imported timeline set them, else from its start for the scene's length."""
    available = take.clip_duration or scene.duration
    end = take.trim_out if take.trim_out is not None else min(scene.duration, available)
    end = min(end, available)  # never past the clip's last frame
    if end <= take.trim_in:  # in/out points that do not fit this clip: use it untrimmed
        return 0.0, min(scene.duration, available)
    return take.trim_in, end - take.trim_in


def build_timeline(ctx: RunContext, cuts: list[Cut], music: str | None) -> Timeline:
    width, height = ctx.project.size
    clips: list[TimelineClip] = []
    previous: Scene | None = None
    for cut in cuts:
        # A continuation starts on the exact last frame of the previous clip: a straight cut
        # is seamless there, while a crossfade would blur the action across the seam.
        continues = previous is not None and cut.scene.continues_from == previous.id
        kind = "cut" if previous is None or continues else "crossfade"
        source_in, duration = clip_span(cut.scene, cut.take)
        fade = 0.0
        if kind == "crossfade":
            # an editor's trim can make a clip shorter than two crossfades: shorten the fade
            fade = min(CROSSFADE, duration / 2, clips[-1].duration / 2)
            kind = "crossfade" if fade >= MIN_CROSSFADE else "cut"
        clips.append(
            TimelineClip(
                scene_id=cut.scene.id,
                scene_number=cut.scene.number,
                take_id=cut.take.id,
                path=ctx.abs(cut.take.clip),
                source_in=source_in,
                duration=duration,
                transition_in=Transition(kind=kind, duration=fade if kind == "crossfade" else 0.0),
            )
        )
        previous = cut.scene
    draft = Timeline(width=width, height=height, fps=24, clips=clips, dialogue=[], music=None)
    dialogue: list[DialoguePlacement] = []
    cursor = 0.0
    for index, cut in enumerate(cuts):
        # cue times are clip seconds: a head trim moves the lines with the picture
        offset = draft.clip_start(index) - clips[index].source_in
        for cue in sorted(cut.take.audio, key=lambda c: c.start):
            line = cut.scene.dialogue[cue.line_index]
            # never talk over the previous line, nor before the (trimmed) scene starts
            start = max(offset + cue.start, draft.clip_start(index), cursor)
            if start >= draft.total_duration:
                break  # an editor's trim cut the end of the film before this line
            dialogue.append(
                DialoguePlacement(
                    scene_id=cut.scene.id,
                    line_index=cue.line_index,
                    path=ctx.abs(cue.path),
                    start=round(start, 3),
                    duration=cue.duration,
                    text=line.line,
                    character=line.character,
                )
            )
            cursor = start + cue.duration + 0.1
    bed = MusicBed(path=ctx.abs(music)) if music else None
    return Timeline(width=width, height=height, fps=24, clips=clips, dialogue=dialogue, music=bed)


def timeline_fingerprint(timeline: Timeline) -> str:
    payload = json.dumps(timeline.model_dump(mode="json"), sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def film_path(ctx: RunContext) -> tuple[Path, Path, Path]:
    final = ctx.project_dir / "final"
    return final / "film.mp4", final / "poster.jpg", final / "thumbnail.jpg"


async def assemble_movie(ctx: RunContext, state: StepState, timeline: Timeline) -> None:
    from genstudio.media.assemble import assemble

    film, _, _ = film_path(ctx)
    fingerprint = timeline_fingerprint(timeline)
    if film.is_file() and state.inputs == fingerprint:
        await ctx.step(state, percent=100, detail=f"up to date: {film.name}")
        return
    loop_state = {"last": -1.0}
    loop = asyncio.get_running_loop()
    cancel = threading.Event()
    pending: set[asyncio.Future[object]] = set()

    def persist(pct: int) -> None:  # on the loop thread
        if not cancel.is_set():
            task = asyncio.ensure_future(ctx.step(state, percent=pct, detail=f"encoding {pct}%"))
            pending.add(task)
            task.add_done_callback(pending.discard)

    def progress(fraction: float) -> None:
        # called on the FFmpeg reader thread; hop to the loop to persist and emit
        pct = round(100 * fraction)
        if fraction >= 0.5:
            crash_point("mid_ffmpeg_assembly")
        if pct - loop_state["last"] >= 2:
            loop_state["last"] = pct
            with contextlib.suppress(RuntimeError):  # the loop is closing: nothing to report
                loop.call_soon_threadsafe(persist, pct)

    # Cancelling the run must stop FFmpeg too, not leave it encoding in the background.
    try:
        result = await run_blocking(assemble, timeline, film, progress=progress, cancel=cancel)
    except asyncio.CancelledError:
        cancel.set()
        raise
    cancel.set()  # no progress report may land after the "completed" one
    await asyncio.gather(*pending, return_exceptions=True)
    state.inputs = fingerprint
    await ctx.step(
        state,
        percent=100,
        detail=f"{film.name}: {result.duration:.1f} s, {len(timeline.clips)} scenes, "
        f"{len(timeline.dialogue)} lines",
    )


async def generate_cover(ctx: RunContext, state: StepState) -> None:
    from genstudio.media.cover import make_poster, make_thumbnail

    film, poster, thumb = film_path(ctx)
    cover = await run_blocking(make_poster, film, poster, ctx.project.title)
    await run_blocking(make_thumbnail, cover.poster, thumb)
    await ctx.step(state, percent=100, detail=f"{poster.name} from {cover.source_time:.1f} s")


async def finalize(ctx: RunContext, state: StepState) -> ProjectStatus:
    scenes = await ctx.scenes()
    failed = [s for s in scenes if s.status is not SceneStatus.COMPLETED]
    film, _, _ = film_path(ctx)
    if not scenes or len(failed) == len(scenes) or not film.is_file():
        status = ProjectStatus.FAILED
    elif failed:
        status = ProjectStatus.COMPLETED_WITH_WARNINGS
    else:
        status = ProjectStatus.COMPLETED
    numbers = ", ".join(str(s.number) for s in failed)
    detail = f"{len(scenes) - len(failed)}/{len(scenes)} scenes" + (
        f"; failed: {numbers}" if failed else ""
    )
    await ctx.step(state, percent=100, detail=detail)
    return status
