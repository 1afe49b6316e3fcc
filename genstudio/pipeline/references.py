"""Step 5: a reference image per scene.

Order of preference: the previous clip's real last frame (continuations, done in step 6 once
that clip exists), the workspace location library (slug + time of day + weather), else a new
image that is stored in the library for every later scene and project.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from genstudio.fsutil import atomic_path
from genstudio.models import Approval, ImageSource, LocationImage, Project, Scene, StepState, Take
from genstudio.pipeline.context import RunContext
from genstudio.providers.base import ImageRequest
from genstudio.workspace import slugify


def library_key(scene: Scene) -> tuple[str, str, str] | None:
    location = scene.heading.location.strip()
    if not location:
        return None
    return (
        slugify(location),
        scene.heading.time_of_day.strip().lower(),
        scene.heading.weather.strip().lower(),
    )


def location_prompt(project: Project, scene: Scene) -> str:
    heading = scene.heading
    parts = [
        f"{heading.int_ext.value} {heading.location}".strip(),
        heading.time_of_day,
        heading.weather,
        project.visual_bible.style,
        project.visual_bible.lighting,
    ]
    return ", ".join(p for p in parts if p)[:1000]


def _seed(project: Project, text: str) -> int:
    import hashlib

    digest = hashlib.sha256(f"{project.seed}:{text}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


async def reference_for_scene(ctx: RunContext, scene: Scene, take: Take) -> None:
    """Give `take` a library or generated reference image (not a previous frame)."""
    width, height = ctx.project.size
    bible = ctx.project.visual_bible
    images_dir = ctx.project_dir / "images"
    target = images_dir / f"scene-{scene.number:03d}-{take.id[:8]}.png"
    key = library_key(scene)
    if key is not None:
        slug, tod, weather = key
        found = await ctx.store.run(ctx.store.find_location_image, slug, tod, weather)
        library_file = ctx.workspace.library_dir / found.path if found else None
        if found is None or library_file is None or not library_file.is_file():
            prompt = location_prompt(ctx.project, scene)
            name = f"{slug}__{slugify(tod) or 'any'}__{slugify(weather) or 'clear'}"
            lib_path = ctx.workspace.library_dir / f"{name}-{width}x{height}.png"
            result = await ctx.providers.image.generate_image(
                ImageRequest(
                    prompt=prompt,
                    width=width,
                    height=height,
                    out_path=lib_path,
                    seed=_seed(ctx.project, prompt),
                    palette=tuple(bible.palette),
                    style=bible.style,
                    job_key=f"library:{name}:{width}x{height}",
                    project_id=ctx.project.id,
                    scene_id=scene.id,
                )
            )
            stored = LocationImage(
                slug=slug,
                time_of_day=tod,
                weather=weather,
                path=result.path.name,
                prompt=prompt,
                usage_count=0,
            )
            found = await ctx.store.run(ctx.store.add_location_image, stored)
            take.image_provenance = result.provenance
            source = ImageSource.GENERATED
        else:
            source = ImageSource.LIBRARY
        found = await ctx.store.run(ctx.store.use_location_image, found)
        # A copy keeps the project self-contained (bundles, offline review) at ~1 MB a scene.
        target = target.with_suffix(Path(found.path).suffix or ".png")
        with atomic_path(target) as tmp:
            shutil.copyfile(ctx.workspace.library_dir / found.path, tmp)
    else:
        prompt = scene.visual_prompt or location_prompt(ctx.project, scene)
        result = await ctx.providers.image.generate_image(
            ImageRequest(
                prompt=prompt,
                width=width,
                height=height,
                out_path=target,
                seed=_seed(ctx.project, scene.id),
                palette=tuple(bible.palette),
                style=bible.style,
                job_key=f"{take.id}:image",
                project_id=ctx.project.id,
                scene_id=scene.id,
            )
        )
        target = result.path  # a remote provider may deliver JPEG
        take.image_provenance = result.provenance
        source = ImageSource.GENERATED
    take.reference_image = ctx.rel(target)
    take.reference_source = source
    await ctx.save_take(take)


async def reference_images(ctx: RunContext, state: StepState) -> None:
    scenes = await ctx.scenes()
    own = [
        s for s in scenes if not s.continues_from and s.approval is not Approval.CHANGES_REQUESTED
    ]
    waiting = len(scenes) - len(own)
    for done, scene in enumerate(own, start=1):
        take = await ctx.take_for(scene)
        image = ctx.abs(take.reference_image)
        if not (image and image.is_file()):
            try:
                await reference_for_scene(ctx, scene, take)
            except Exception as exc:  # one scene's failure never stops the others
                await ctx.fail_scene(scene, f"reference image: {exc}")
        await ctx.step(
            state,
            percent=100 * done / max(1, len(own)),
            detail=f"{done}/{len(own)} images; "
            f"{waiting} scenes start from the previous clip's last frame",
        )
