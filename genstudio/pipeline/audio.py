"""Steps 7-8: dialogue speech per line with each character's voice, and the music bed."""

from __future__ import annotations

import hashlib

from genstudio.models import AudioCue, Scene, SceneStatus, StepState, Take
from genstudio.pipeline.context import RunContext
from genstudio.providers.base import MusicRequest, SpeechRequest

LINE_GAP = 0.25  # seconds of breath between consecutive lines of one scene


def place_cues(
    scene: Scene, measured: list[tuple[int, str, float]]
) -> list[tuple[int, str, float, float]]:
    """Start each line at its planned time, but never before the previous line has ended."""
    placed: list[tuple[int, str, float, float]] = []
    cursor = 0.0
    for index, path, duration in measured:
        planned = scene.dialogue[index].start
        start = max(planned if planned is not None else cursor, cursor)
        placed.append((index, path, round(start, 3), duration))
        cursor = start + duration + LINE_GAP
    return placed


def _voice_for(ctx: RunContext, character: str) -> str:
    for known in ctx.project.plan.characters:
        if known.name.upper() == character.upper():
            return known.voice
    return ""


def line_key(scene: Scene, index: int) -> str:
    """Names a line's audio by its speaker and words: an edited line gets new speech."""
    line = scene.dialogue[index]
    return hashlib.sha1(f"{line.character}|{line.line}|{index}".encode()).hexdigest()[:8]


def _audio_is_done(ctx: RunContext, scene: Scene, take: Take) -> bool:
    if len(take.audio) != len(scene.dialogue):
        return False
    for cue in take.audio:
        if cue.line_index >= len(scene.dialogue):
            return False
        path = ctx.abs(cue.path)
        if path is None or not path.is_file() or line_key(scene, cue.line_index) not in cue.path:
            return False
    return True


async def voice_scene(ctx: RunContext, scene: Scene, take: Take) -> None:
    measured: list[tuple[int, str, float]] = []
    provenance = {}
    for index, line in enumerate(scene.dialogue):
        key = line_key(scene, index)
        out = ctx.project_dir / "audio" / f"scene-{scene.number:03d}-line-{index:02d}-{key}.wav"
        result = await ctx.providers.speech.synthesize(
            SpeechRequest(
                text=line.line,
                out_path=out,
                voice=_voice_for(ctx, line.character),
                language=ctx.project.language,
                emotion=line.emotion,
                delivery=line.delivery,
                job_key=f"{take.id}:speech:{index}:{key}",
                project_id=ctx.project.id,
                scene_id=scene.id,
            )
        )
        measured.append((index, ctx.rel(result.path), float(result.duration or 0.0)))
        provenance[index] = result.provenance
    cues = [
        AudioCue(line_index=i, path=p, start=start, duration=d, provenance=provenance[i])
        for i, p, start, d in place_cues(scene, measured)
        if d > 0
    ]
    take.audio = cues
    await ctx.save_take(take)


async def generate_audio(ctx: RunContext, state: StepState) -> None:
    scenes = [s for s in await ctx.scenes() if s.dialogue]
    lines = sum(len(s.dialogue) for s in scenes)
    done = 0
    for scene in scenes:
        if scene.status is not SceneStatus.COMPLETED or not scene.selected_take_id:
            done += len(scene.dialogue)
            continue  # no clip, nothing to voice (failed scenes are reported by step 6)
        take = await ctx.store.run(ctx.store.get_take, scene.selected_take_id)
        if not _audio_is_done(ctx, scene, take):
            try:
                await voice_scene(ctx, scene, take)
            except Exception as exc:
                await ctx.fail_scene(scene, f"speech: {exc}")
            else:
                end = max((c.start + c.duration for c in take.audio), default=0.0)
                if end > scene.duration + 0.05:
                    ctx.warn(
                        state,
                        f"scene {scene.number}: dialogue runs {end - scene.duration:.1f} s past "
                        "the end of the scene; later lines are pushed back in the film",
                    )
        done += len(scene.dialogue)
        await ctx.step(state, percent=100 * done / max(1, lines), detail=f"{done}/{lines} lines")
    if not scenes:
        await ctx.step(state, percent=100, detail="no dialogue")


async def generate_music(ctx: RunContext, state: StepState, film_duration: float) -> str | None:
    """Returns the music path relative to the project, or None when there is no music role."""
    music = ctx.providers.music
    if music is None:
        await ctx.step(state, percent=100, detail="no music provider")
        return None
    out = ctx.project_dir / "audio" / f"music-{film_duration:.2f}s.wav"
    if not out.is_file():
        mood = ctx.project.visual_bible.emotional_tone or ctx.project.genre
        await music.generate_music(
            MusicRequest(duration=film_duration, out_path=out, mood=mood, seed=ctx.project.seed)
        )
    await ctx.step(state, percent=100, detail=f"{film_duration:.1f} s bed")
    return ctx.rel(out)
