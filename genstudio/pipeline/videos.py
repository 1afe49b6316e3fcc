"""Step 6: a clip per scene, continuations starting on their predecessor's real last frame.

Scenes run concurrently up to the video provider's limit; a continuation waits for its
predecessor. Every clip is validated before the take records it, and its exact last frame is
extracted with OpenCV for the next scene. Before that frame becomes the next start image its
seam is measured (`media.seam`): the report goes on the continuing take, a warn/bad seam is
logged, and a bad colour drift is corrected in a copy when the project asks for it.
"""

from __future__ import annotations

import asyncio
import logging

from genstudio.concurrency import run_blocking
from genstudio.events import LogLine
from genstudio.media.frames import last_frame
from genstudio.media.images import save_frame
from genstudio.media.probe import validate_clip
from genstudio.media.seam import (
    THRESHOLDS,
    SeamCheck,
    check_seam,
    colour_is_bad,
    describe_seam,
    matched_path,
)
from genstudio.models import (
    Approval,
    ImageSource,
    Provenance,
    Role,
    Scene,
    SceneStatus,
    StepState,
    Take,
)
from genstudio.pipeline.context import RunContext
from genstudio.pipeline.references import reference_for_scene
from genstudio.providers.base import VideoRequest


def clip_is_done(ctx: RunContext, take: Take | None) -> bool:
    if take is None or not take.clip or not take.end_frame:
        return False
    clip, frame = ctx.abs(take.clip), ctx.abs(take.end_frame)
    return bool(clip and clip.is_file() and frame and frame.is_file())


def _seam_warning(ctx: RunContext, previous: Scene, scene: Scene, check: SeamCheck) -> str:
    measured = check.measured
    message = f"scenes {previous.number}→{scene.number}: {describe_seam(measured)}"
    if check.report.colour_matched:
        message += (
            f"; scene {scene.number} starts from a colour-matched copy of the last frame "
            f"(now {check.report.score:.0f}, {check.report.verdict})"
        )
    elif colour_is_bad(measured) and not ctx.project.seam_colour_match:
        message += "; colour matching is off for this project"
    if measured.sharpness_ratio < THRESHOLDS.sharpness_warn:
        message += f"; scene {previous.number}'s clip goes soft (blur cannot be corrected)"
    return message


def _warn(ctx: RunContext, state: StepState | None, message: str) -> None:
    if state is not None:
        ctx.warn(state, message)
    else:
        ctx.events.emit(LogLine(ctx.project.id, logging.WARNING, message))


async def _continue_from(
    ctx: RunContext, previous: Scene, prev_take: Take, scene: Scene, take: Take,
    state: StepState | None,
) -> None:  # fmt: skip
    """Start `take` on the previous clip's last frame (or its colour-matched copy), with the
    seam measured and recorded on the take."""
    assert prev_take.clip and prev_take.end_frame
    end_frame = ctx.abs(prev_take.end_frame)
    clip = ctx.abs(prev_take.clip)
    assert end_frame is not None and clip is not None
    ready = (
        take.reference_source is ImageSource.PREVIOUS_FRAME
        and take.reference_image in (prev_take.end_frame, ctx.rel(matched_path(end_frame)))
        and take.seam is not None
    )
    start = ctx.abs(take.reference_image)
    if ready and start is not None and start.is_file():
        return  # a resumed run: measured (and matched) already
    try:
        check = await run_blocking(
            check_seam, clip, end_frame, colour_match=ctx.project.seam_colour_match
        )
    except Exception as exc:  # the check is advice: never lose the scene over it
        _warn(ctx, state, f"scenes {previous.number}→{scene.number}: seam not measured ({exc})")
        check = None
    # Point at the very file extracted from the previous clip (no re-encode, no drift), or
    # at the corrected copy beside it; the real last frame itself is never overwritten.
    take.reference_image = ctx.rel(check.start_image) if check else prev_take.end_frame
    take.reference_source = ImageSource.PREVIOUS_FRAME
    take.image_provenance = None
    take.seam = check.report if check else None
    if check is not None and check.report.colour_matched:
        take.image_provenance = Provenance(
            provider="genstudio",
            model="seam-colour-match",
            prompt=(
                f"Lab mean/spread of {prev_take.end_frame} matched to the first frame of "
                f"{prev_take.clip} (before: {describe_seam(check.measured)})"
            ),
        )
    await ctx.save_take(take)
    if check is not None and check.measured.verdict != "ok":
        _warn(ctx, state, _seam_warning(ctx, previous, scene, check))


async def _start_image(
    ctx: RunContext, scene: Scene, take: Take, by_id: dict[str, Scene], state: StepState | None
) -> None:
    """Make sure the take has a start image: the predecessor's last frame when continuing."""
    previous = by_id.get(scene.continues_from or "")
    if previous is not None and previous.selected_take_id:
        prev_take = await ctx.store.run(ctx.store.get_take, previous.selected_take_id)
        if clip_is_done(ctx, prev_take) and prev_take.end_frame:
            await _continue_from(ctx, previous, prev_take, scene, take, state)
            return
    image = ctx.abs(take.reference_image)
    if image and image.is_file():
        return
    await reference_for_scene(ctx, scene, take)


async def render_scene(
    ctx: RunContext,
    scene: Scene,
    take: Take,
    by_id: dict[str, Scene],
    state: StepState | None = None,
) -> None:
    await _start_image(ctx, scene, take, by_id, state)
    width, height = ctx.project.size
    clips = ctx.project_dir / "clips"
    out = clips / f"scene-{scene.number:03d}-{take.id[:8]}.mp4"
    image = ctx.abs(take.reference_image)
    assert image is not None
    result = await ctx.providers.video.generate_video(
        VideoRequest(
            image_path=image,
            prompt=scene.visual_prompt,
            duration=scene.duration,
            width=width,
            height=height,
            out_path=out,
            camera=scene.camera.movement,
            job_key=f"{take.id}:video",
            project_id=ctx.project.id,
            scene_id=scene.id,
            fps=24,
            seed=ctx.project.seed + scene.number,
        )
    )
    info = await run_blocking(
        validate_clip, result.path, expected_duration=result.duration or scene.duration
    )
    frame = await run_blocking(last_frame, result.path)
    end = ctx.project_dir / "frames" / f"scene-{scene.number:03d}-{take.id[:8]}-end.png"
    await run_blocking(save_frame, frame, end)
    take.clip = ctx.rel(result.path)
    take.clip_duration = info.duration
    take.clip_provenance = result.provenance
    take.end_frame = ctx.rel(end)
    await ctx.save_take(take)


async def generate_videos(ctx: RunContext, state: StepState) -> None:
    scenes = await ctx.scenes()
    by_id = {s.id: s for s in scenes}
    finished: dict[str, asyncio.Event] = {s.id: asyncio.Event() for s in scenes}
    limit = asyncio.Semaphore(ctx.providers.limit(Role.VIDEO))
    total = len(scenes)
    done = 0

    async def report() -> None:
        running = sum(1 for s in scenes if s.status is SceneStatus.RUNNING)
        await ctx.step(
            state,
            percent=100 * done / max(1, total),
            detail=f"{done}/{total} clips ({running} rendering)",
        )

    async def one(scene: Scene) -> None:
        nonlocal done
        try:
            take = await ctx.take_for(scene)
            if clip_is_done(ctx, take):
                if scene.status is not SceneStatus.COMPLETED:
                    scene.status, scene.error = SceneStatus.COMPLETED, ""
                    await ctx.save_scene(scene)
                return
            if scene.id in ctx.failed_this_run:
                return
            if scene.approval is Approval.CHANGES_REQUESTED:
                ctx.warn(state, f"scene {scene.number}: changes requested, not generated")
                return
            if scene.continues_from in finished:
                await finished[scene.continues_from].wait()
                previous = by_id[scene.continues_from]
                if previous.status is not SceneStatus.COMPLETED:
                    ctx.warn(
                        state,
                        f"scene {scene.number}: scene {previous.number} failed, so this scene "
                        "starts from its own reference image (continuity seam broken)",
                    )
            async with limit:
                scene.status, scene.error = SceneStatus.RUNNING, ""
                await ctx.save_scene(scene, "rendering clip")
                await report()
                await render_scene(ctx, scene, take, by_id, state)
                scene.status = SceneStatus.COMPLETED
                await ctx.save_scene(scene, "clip ready")
        except asyncio.CancelledError:
            if scene.status is SceneStatus.RUNNING:
                scene.status = SceneStatus.PENDING
                await asyncio.shield(ctx.save_scene(scene, "interrupted"))
            raise
        except Exception as exc:  # a failed scene never aborts the run
            await ctx.fail_scene(scene, f"video: {exc}")
        finally:
            finished[scene.id].set()
            done += 1
            await report()

    await asyncio.gather(*(one(scene) for scene in scenes))
