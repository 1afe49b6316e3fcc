"""Assembler speed, memory and stream-copy drift against baselines measured in the same run.

    python benchmarks/bench_assembly.py [--clips 12] [--seconds 10] [--media DIR] [--skip-24]

Inputs (generated once into --media, default a temp dir): N × 10 s 1280×768 24 fps H.264 clips
as a video provider delivers them (libx264 veryfast CRF 20, x264's default keyframe interval,
B-frames) with AAC sound; the first frame of each clip is white and its sound starts with a
click, so every join can be found in the picture and in the sound. Two dialogue lines per clip
and a 30 s music bed (looped).

(a) crossfade job: 0.5 s crossfades, clip sound + dialogue + music ducked under it, loudness
    to -14 LUFS, x264 veryfast CRF 20. Baseline: a hand-written single-filtergraph command
    (xfade / acrossfade chains, adelay+amix dialogue, sidechaincompress, one-pass loudnorm).
    Target: ours ≥ 2× faster.
(b) peak memory: the sum of the RSS of every ffmpeg process this benchmark started, sampled
    every 20 ms, for the crossfade job at N and 2N clips. Target: < 1 GiB and flat.
(c) stream-copy job: straight cuts, clip sound only. Baseline: ffmpeg -f concat -c copy.
    Target: ours ≤ 1.2× its time, and A/V drift ≤ 1 ms at every join: drift = (time of the
    click in the sound) − (time of the white frame in the picture), and total audio length −
    video length, all read from the output's packets and decoded samples.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import TreeRss, packet_end
from genstudio.media.assemble import assemble
from genstudio.media.ffmpeg import ffmpeg_exe
from genstudio.timeline import DialoguePlacement, MusicBed, Timeline, TimelineClip, Transition

W, H, FPS = 1280, 768, 24
FADE = 0.5


def timed(fn: Callable[[], object]) -> tuple[float, int]:
    with TreeRss() as rss:
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
    return elapsed, rss.peak_children  # every child here is an ffmpeg process


def ffmpeg(args: list[str]) -> str:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-3000:])
    return proc.stderr


def make_media(media: Path, clips: int, seconds: float) -> tuple[list[Path], Path, Path]:
    media.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(clips):
        path = media / f"clip{i:02d}_{seconds:g}s.mp4"
        if not path.exists():
            ffmpeg(["-f", "lavfi", "-i", f"testsrc2=size={W}x{H}:rate={FPS}:duration={seconds}",
                    "-f", "lavfi", "-i",
                    f"aevalsrc='if(lt(t,0.004),0.9,0.08*sin(2*PI*{300 + 20 * i}*t))'"
                    f":s=48000:c=stereo:d={seconds}",
                    "-vf", f"drawbox=c=white:t=fill:enable='eq(n,0)',hue=H={i}",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-b:a", "128k", "-shortest", str(path)])  # fmt: skip
        paths.append(path)
    voice = media / "voice.wav"
    if not voice.exists():
        ffmpeg(["-f", "lavfi", "-i", "sine=frequency=700:sample_rate=24000:duration=1.8",
                "-af", "volume=-14dB,tremolo=f=5", "-ac", "1", str(voice)])  # fmt: skip
    music = media / "music.wav"
    if not music.exists():
        ffmpeg(["-f", "lavfi", "-i", "anoisesrc=color=pink:sample_rate=48000:duration=30:seed=3",
                "-af", "volume=-16dB,lowpass=3000", "-ac", "2", str(music)])  # fmt: skip
    return paths, voice, music


def crossfade_timeline(paths: list[Path], voice: Path, music: Path, seconds: float) -> Timeline:
    clips = [
        TimelineClip(scene_id=f"s{i}", scene_number=i + 1, take_id=f"t{i}", path=p,
                     duration=seconds, has_audio=True,
                     transition_in=Transition(kind="crossfade", duration=FADE) if i else None)
        for i, p in enumerate(paths)
    ]  # fmt: skip
    draft = Timeline(width=W, height=H, fps=FPS, clips=clips)
    lines = [
        DialoguePlacement(scene_id=f"s{i}", line_index=k, path=voice, duration=1.8, text="Hello.",
                          start=draft.clip_start(i) + 1.5 + 4 * k)
        for i in range(len(clips)) for k in range(2)
    ]  # fmt: skip
    return Timeline(width=W, height=H, fps=FPS, clips=clips, dialogue=lines,
                    music=MusicBed(path=music))  # fmt: skip


def baseline_command(tl: Timeline, out: Path) -> list[str]:
    """What one would write by hand: one process, one filtergraph for the whole film."""
    args: list[str] = []
    for clip in tl.clips:
        args += ["-i", str(clip.path)]
    for line in tl.dialogue:
        args += ["-i", str(line.path)]
    args += ["-stream_loop", "-1", "-i", str(tl.music.path)]
    n, d = len(tl.clips), len(tl.dialogue)
    graph, v, a = [], "[0:v]", "[0:a]"
    for i in range(1, n):
        offset = tl.clip_start(i)
        graph.append(f"{v}[{i}:v]xfade=transition=fade:duration={FADE}:offset={offset}[v{i}]")
        graph.append(f"{a}[{i}:a]acrossfade=d={FADE}[a{i}]")
        v, a = f"[v{i}]", f"[a{i}]"
    for k, line in enumerate(tl.dialogue):
        ms = round(line.start * 1000)
        graph.append(f"[{n + k}:a]aresample=48000,adelay={ms}:all=1[d{k}]")
    dialogue = "".join(f"[d{k}]" for k in range(d))
    graph.append(f"{dialogue}amix=inputs={d}:normalize=0,apad[dl]")
    graph.append("[dl]asplit=2[dlmix][dlkey]")
    length = tl.total_duration
    graph.append(f"[{n + d}:a]atrim=duration={length},volume=-18dB[mus]")
    graph.append("[mus][dlkey]sidechaincompress=threshold=0.02:ratio=8[duck]")
    graph.append(f"{a}[dlmix][duck]amix=inputs=3:normalize=0:duration=first,"
                 "loudnorm=I=-14:TP=-1:LRA=11,aresample=48000[aout]")  # fmt: skip
    return [*args, "-filter_complex", ";".join(graph), "-map", v, "-map", "[aout]",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "192k", "-t", f"{length}", str(out)]  # fmt: skip


def cut_timeline(paths: list[Path], seconds: float) -> Timeline:
    clips = [
        TimelineClip(scene_id=f"s{i}", scene_number=i + 1, take_id=f"t{i}", path=p,
                     duration=seconds, has_audio=True)
        for i, p in enumerate(paths)
    ]  # fmt: skip
    return Timeline(width=W, height=H, fps=FPS, clips=clips)


def join_drifts(path: Path, joins: list[float]) -> list[float]:
    """Per join: click time in the decoded sound − white-frame time in the decoded picture."""
    frames = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:v:0",
                             "-vf", "scale=16:16,format=gray", "-f", "rawvideo", "-"],
                            capture_output=True).stdout  # fmt: skip
    luma = np.frombuffer(frames, np.uint8).reshape(-1, 256).mean(axis=1)
    sound = np.frombuffer(subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", "48000",
         "-f", "f32le", "-"], capture_output=True).stdout, np.float32)  # fmt: skip
    drifts = []
    for join in joins:
        lo = max(0, round(join * FPS) - 3)
        white = lo + int(np.argmax(luma[lo : lo + 7] > 200))
        a, b = max(0, int((join - 0.1) * 48000)), int((join + 0.1) * 48000)
        click = a + int(np.argmax(np.abs(sound[a:b]) > 0.5))
        drifts.append(click / 48000 - white / FPS)
    return drifts


def concat_copy(paths: list[Path], out: Path) -> None:
    listing = out.with_suffix(".txt")
    listing.write_text("".join(f"file '{p}'\n" for p in paths))
    ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(out)])


def report_drift(name: str, path: Path, tl: Timeline) -> None:
    joins = [tl.clip_start(i) for i in range(len(tl.clips))]
    drifts = join_drifts(path, joins)
    total = packet_end(path, "a") - packet_end(path, "v")
    worst = max(abs(d) for d in drifts)
    print(f"  {name:<26} audio−video length {total * 1000:+7.2f} ms; click−flash per join: "
          f"worst {worst * 1000:.2f} ms, last {drifts[-1] * 1000:+.2f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--media", type=Path, default=None, help="keep generated inputs here")
    parser.add_argument("--skip-24", action="store_true", help="skip the 2N-clip memory run")
    args = parser.parse_args()
    n = args.clips
    with tempfile.TemporaryDirectory(prefix="bench-assembly-") as tmp:
        work = Path(tmp)
        media = args.media or work / "media"
        count = n if args.skip_24 else 2 * n
        print(f"generating {count} × {args.seconds:g} s {W}x{H} {FPS} fps clips (+AAC)…")
        paths, voice, music = make_media(media, count, args.seconds)
        print(f"cpus: {os.cpu_count()}")

        tl = crossfade_timeline(paths[:n], voice, music, args.seconds)
        print(f"(a) {n} clips, {FADE} s crossfades, dialogue + ducked music, x264 veryfast "
              f"CRF 20 → {tl.total_duration:g} s film")  # fmt: skip
        base_t, base_m = timed(lambda: ffmpeg(baseline_command(tl, work / "baseline.mp4")))
        ours_t, ours_m = timed(lambda: assemble(tl, work / "ours.mp4"))
        print(f"  single filtergraph   {base_t:7.2f} s   peak ffmpeg RSS {base_m / 2**20:7.0f} MiB")
        print(f"  genstudio assemble   {ours_t:7.2f} s   peak ffmpeg RSS {ours_m / 2**20:7.0f} MiB")
        speed = base_t / ours_t
        print(f"  speed-up {speed:.2f}× (target ≥ 2×): {'OK' if speed >= 2 else 'BELOW TARGET'}")

        print(f"(b) peak memory of the crossfade job, {n} vs {2 * n} clips")
        if not args.skip_24:
            tl2 = crossfade_timeline(paths[: 2 * n], voice, music, args.seconds)
            big_t, big_m = timed(lambda: assemble(tl2, work / "ours24.mp4"))
            print(f"  {n} clips: {ours_m / 2**20:.0f} MiB; {2 * n} clips: {big_m / 2**20:.0f} MiB "
                  f"({big_t:.1f} s); growth {big_m / max(ours_m, 1):.2f}×")  # fmt: skip
            ok = max(ours_m, big_m) < 2**30 and big_m < 1.25 * ours_m
            print(f"  target < 1 GiB and flat: {'OK' if ok else 'ABOVE TARGET'}")

        print(f"(c) {n} clips, straight cuts, clip sound only (inputs already H.264 {W}x{H})")
        cuts = cut_timeline(paths[:n], args.seconds)
        copy_t, _ = timed(lambda: concat_copy(paths[:n], work / "concat.mp4"))
        ours_c, _ = timed(lambda: assemble(cuts, work / "copy.mp4", loudness=None))
        ours_l, _ = timed(lambda: assemble(cuts, work / "copy_loud.mp4"))
        print(f"  ffmpeg -f concat -c copy        {copy_t:6.2f} s")
        print(f"  ours, levels as mixed           {ours_c:6.2f} s  ({ours_c / copy_t:.2f}×)")
        print(f"  ours, -14 LUFS (two passes)     {ours_l:6.2f} s  ({ours_l / copy_t:.2f}×)")
        # The floor under ours: the film's sound is encoded once (a copied soundtrack drifts
        # at every join, see below), and ffmpeg's AAC encoder is the slow part.
        aac_t, _ = timed(lambda: ffmpeg(["-f", "lavfi", "-i", f"sine=f=300:r=48000:d="
                                         f"{cuts.total_duration}", "-ac", "2", "-c:a", "aac",
                                         "-aac_coder", "fast", "-b:a", "192k",
                                         str(work / "aac_floor.m4a")]))  # fmt: skip
        print(f"  AAC encode of the film's length {aac_t:6.2f} s  ({aac_t / copy_t:.2f}×)")
        ratio = ours_c / copy_t
        print(f"  ratio target ≤ 1.2×: {'OK' if ratio <= 1.2 else 'ABOVE TARGET'}")
        print("  A/V drift:")
        report_drift("ffmpeg -f concat -c copy", work / "concat.mp4", cuts)
        report_drift("ours (stream copy)", work / "copy.mp4", cuts)


if __name__ == "__main__":
    main()
