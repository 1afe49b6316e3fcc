"""Timeline → one FFmpeg command with one filtergraph for the whole film. Pure: no I/O.

Video: every clip is trimmed, brought to the film's size (fit + pad, square pixels), frame
rate and pixel format, then joined with `concat` at cuts and `xfade` at crossfades.
Audio: the clips' own sound, each dialogue line at its film time, and the music bed (looped to
the film's length, ducked under the dialogue by `sidechaincompress`) are mixed without
normalisation, brought to the loudness target (EBU R128, measured by a first audio-only
`loudnorm` pass, see `loudness_filter`) and resampled to 48 kHz stereo.
A film with no sound at all still gets a silent AAC track, so every film plays the same way.

Clip boundaries are rounded to whole frames cumulatively (each boundary to the nearest frame
of film time), so rounding never accumulates over a long film: every cut and every crossfade
lands within half a frame of the Timeline's time, and audio uses the exact times.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from genstudio.timeline import Timeline

DEFAULT_LOUDNESS = -16.0  # LUFS, integrated: what streaming and podcast players expect
TRUE_PEAK = -1.5  # dBTP: headroom so AAC encoding does not clip
LOUDNESS_RANGE = 11.0  # LU
SAMPLE_RATE = 48_000
AUDIO_FORMAT = f"aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"
# The ducker listens to a copy of the dialogue raised by KEY_GAIN_DB and hard-clipped: any
# line from a whisper to a shout then keys at about KEY_LEVEL_DB (RMS), so the music drops by
# the MusicBed's duck_db whatever level each voice was synthesised at.
KEY_GAIN_DB = 48.0
KEY_LEVEL_DB = -2.0
DUCK_RATIO = 8.0


@dataclass(frozen=True)
class ClipFrames:
    """Where clip i sits in the film, in whole frames."""

    start: int  # first film frame of the clip (its crossfade starts here)
    count: int  # frames the clip contributes before overlaps are removed
    fade: int  # frames of crossfade into this clip; 0 = a cut


def fps_fraction(fps: float) -> Fraction:
    """24 → 24; 23.976 → 24000/1001 (the rate NTSC-derived footage really has)."""
    return Fraction(fps).limit_denominator(1001)


def frame_plan(timeline: Timeline) -> list[ClipFrames]:
    rate = float(fps_fraction(timeline.fps))
    plan: list[ClipFrames] = []
    previous_end = 0
    for i, clip in enumerate(timeline.clips):
        start = round(timeline.clip_start(i) * rate)
        end = round(timeline.clip_end(i) * rate)
        fade = previous_end - start if timeline.transition_in(i).kind == "crossfade" else 0
        if end - start < 1:
            raise ValueError(
                f"scene {clip.scene_number} lasts {clip.duration:g} s, less than one frame "
                f"at {timeline.fps:g} fps"
            )
        plan.append(ClipFrames(start=start, count=end - start, fade=max(0, fade)))
        previous_end = end
    return plan


def film_frames(timeline: Timeline) -> int:
    last = frame_plan(timeline)[-1]
    return last.start + last.count


def film_seconds(timeline: Timeline) -> float:
    """The rendered film's exact length: whole frames at the film's rate."""
    return float(film_frames(timeline) / fps_fraction(timeline.fps))


def _num(value: float) -> str:
    """Seconds for a filter argument: fixed-point, no exponent, no trailing zeros."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


@dataclass
class _Inputs:
    """FFmpeg input arguments, handing out each input's index as it is added."""

    args: list[str]
    count: int = 0

    def add(self, path: Path, *options: str) -> int:
        self.args += [*options, "-i", str(path)]
        self.count += 1
        return self.count - 1


def _video_chains(timeline: Timeline, plan: list[ClipFrames], inputs: _Inputs) -> list[str]:
    fps = fps_fraction(timeline.fps)
    w, h = timeline.width, timeline.height
    chains = []
    for i, (clip, frames) in enumerate(zip(timeline.clips, plan, strict=True)):
        index = inputs.add(clip.path)
        # two frames of slack so the fps filter has a frame for the last slot; tpad clones the
        # last frame when the source is a little short, so every clip has exactly `count` frames
        slack = 2 / float(fps)
        chains.append(
            f"[{index}:v:0]trim=start={_num(clip.source_in)}:duration="
            f"{_num(clip.duration + slack)},setpts=PTS-STARTPTS,fps={fps},"
            f"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
            f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p,"
            f"tpad=stop_mode=clone:stop={frames.count},trim=end_frame={frames.count},"
            f"setpts=PTS-STARTPTS,settb={1 / fps}[v{i}]"
        )
    return chains


def _join_video(timeline: Timeline, plan: list[ClipFrames]) -> list[str]:
    """concat runs of cuts, xfade at crossfades; the result is labelled [v]."""
    fps = fps_fraction(timeline.fps)
    chains: list[str] = []
    parts = ["[v0]"]
    joined = 0

    def concat(labels: list[str]) -> str:
        nonlocal joined
        if len(labels) == 1:
            return labels[0]
        joined += 1
        out = f"[vj{joined}]"
        chains.append(f"{''.join(labels)}concat=n={len(labels)}:v=1:a=0,settb={1 / fps}{out}")
        return out

    for i in range(1, len(plan)):
        if plan[i].fade == 0:
            parts.append(f"[v{i}]")
            continue
        before = concat(parts)
        joined += 1
        out = f"[vj{joined}]"
        offset = plan[i].start / fps
        chains.append(
            f"{before}[v{i}]xfade=transition=fade:duration={_num(float(plan[i].fade / fps))}"
            f":offset={_num(float(offset))}{out}"
        )
        parts = [out]
    last = concat(parts)
    chains.append(f"{last}null[v]")
    return chains


def _mix(labels: list[str], out: str) -> str:
    if len(labels) == 1:
        return f"{labels[0]}anull{out}"
    # normalize=0: amix would otherwise divide every input by the input count
    return f"{''.join(labels)}amix=inputs={len(labels)}:duration=longest:normalize=0{out}"


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _audio_chains(timeline: Timeline, inputs: _Inputs, level: str) -> list[str]:
    """Audio filters ending in [a]; `level` is the loudness filter ("" for none)."""
    length = _num(film_seconds(timeline))
    chains: list[str] = []
    # the clips' own sound; its input is the clip's video input (same index)
    clip_labels: list[str] = []
    for i, clip in enumerate(timeline.clips):
        if not clip.has_audio:
            continue
        fade_in = timeline.transition_in(i).overlap
        fade_out = timeline.transition_in(i + 1).overlap if i + 1 < len(timeline.clips) else 0
        chain = (
            f"[{i}:a:0]atrim=start={_num(clip.source_in)}:duration={_num(clip.duration)},"
            f"asetpts=PTS-STARTPTS,{AUDIO_FORMAT}"
        )
        if fade_in:
            chain += f",afade=t=in:d={_num(fade_in)}"
        if fade_out:
            chain += f",afade=t=out:st={_num(clip.duration - fade_out)}:d={_num(fade_out)}"
        chain += f",adelay=delays={_ms(timeline.clip_start(i))}:all=1[ca{i}]"
        chains.append(chain)
        clip_labels.append(f"[ca{i}]")

    dialogue_labels: list[str] = []
    for k, line in enumerate(timeline.dialogue):
        index = inputs.add(line.path)
        chains.append(
            f"[{index}:a:0]{AUDIO_FORMAT},atrim=duration={_num(line.duration)},"
            f"asetpts=PTS-STARTPTS,adelay=delays={_ms(line.start)}:all=1[dl{k}]"
        )
        dialogue_labels.append(f"[dl{k}]")

    bus: list[str] = []
    if clip_labels:
        chains.append(_mix(clip_labels, "[clips]"))
        bus.append("[clips]")
    if dialogue_labels:
        # padded to the film's length: the ducker stops when its sidechain ends
        chains.append(_mix(dialogue_labels, "[dlgraw]"))
        chains.append(f"[dlgraw]apad=whole_dur={length}[dlg]")
    if timeline.music is not None:
        music = timeline.music
        index = inputs.add(music.path, "-stream_loop", "-1")
        chains.append(
            f"[{index}:a:0]{AUDIO_FORMAT},atrim=duration={length},asetpts=PTS-STARTPTS,"
            f"volume={_num(music.volume_db)}dB[music]"
        )
        if dialogue_labels and music.duck_db < 0:
            chains.append("[dlg]asplit=2[dlgmix][dlgkey]")
            chains.append(f"[dlgkey]volume={_num(KEY_GAIN_DB)}dB,asoftclip=type=hard[key]")
            chains.append(f"[music][key]{_ducker(music.duck_db)}[ducked]")
            bus += ["[dlgmix]", "[ducked]"]
        else:
            bus += ["[dlg]", "[music]"] if dialogue_labels else ["[music]"]
    elif dialogue_labels:
        bus.append("[dlg]")

    if not bus:
        chains.append(f"anullsrc=r={SAMPLE_RATE}:cl=stereo,atrim=duration={length}[a]")
        return chains
    chains.append(_mix(bus, "[mix]"))
    level = f"{level}," if level else ""
    # loudnorm works at 192 kHz internally: resample after it; pad/trim to the exact length
    chains.append(
        f"[mix]atrim=duration={length},{level}{AUDIO_FORMAT},"
        f"apad=whole_dur={length},atrim=duration={length}[a]"
    )
    return chains


def has_sound(timeline: Timeline) -> bool:
    """False when the film's only sound would be generated silence."""
    return bool(timeline.dialogue or timeline.music or any(c.has_audio for c in timeline.clips))


def _ducker(duck_db: float) -> str:
    """A sidechain compressor that lowers the music by about `duck_db` while the key is at
    KEY_LEVEL_DB: gain reduction = (level - threshold) x (1 - 1/ratio)."""
    depth = abs(duck_db)
    threshold_db = KEY_LEVEL_DB - depth / (1 - 1 / DUCK_RATIO)
    threshold = max(10 ** (threshold_db / 20), 0.000977)
    return (
        f"sidechaincompress=threshold={threshold:.6f}:ratio={_num(DUCK_RATIO)}"
        ":attack=20:release=400:detection=rms"
    )


@dataclass(frozen=True)
class LoudnessMeasurement:
    """What loudnorm's first pass measured over the mixed soundtrack."""

    input_i: float
    input_tp: float
    input_lra: float
    input_thresh: float
    target_offset: float


# Below this the soundtrack is silence or hiss: raising it to speech level would be all noise.
SILENT_LUFS = -60.0


def loudness_filter(
    loudness: float | None, measured: LoudnessMeasurement | None, *, report: bool = False
) -> str:
    """The final level stage.

    With a first-pass measurement: one constant gain to the target plus a look-ahead peak
    limiter at the true-peak ceiling. A film's mix (ducked music, quiet and loud lines) keeps
    its shape; loudnorm's adaptive mode, which it falls back to whenever a film's loudness
    range exceeds 11 LU or a peak would clip (most films with music and dialogue), would
    instead raise the music between lines. Without a measurement: single-pass loudnorm.
    """
    if loudness is None or (measured is not None and measured.input_i < SILENT_LUFS):
        return ""
    if measured is not None:
        gain = loudness - measured.input_i
        ceiling = 10 ** (TRUE_PEAK / 20)
        return (
            f"volume={gain:.2f}dB,"
            f"alimiter=limit={ceiling:.4f}:attack=5:release=80:level=false:latency=true"
        )
    text = f"loudnorm=I={_num(loudness)}:TP={_num(TRUE_PEAK)}:LRA={_num(LOUDNESS_RANGE)}"
    if report:
        text += ":print_format=json"
    return text


def build_filtergraph(
    timeline: Timeline,
    *,
    loudness: float | None = DEFAULT_LOUDNESS,
    measured: LoudnessMeasurement | None = None,
) -> str:
    """The filtergraph alone (clip inputs first, then dialogue, then music)."""
    return _build(timeline, loudness_filter(loudness, measured))[1]


def _build(timeline: Timeline, level: str) -> tuple[list[str], str]:
    plan = frame_plan(timeline)
    inputs = _Inputs(args=[])
    chains = _video_chains(timeline, plan, inputs)
    chains += _join_video(timeline, plan)
    chains += _audio_chains(timeline, inputs, level)
    return inputs.args, ";\n".join(chains)


def build_loudness_probe(
    timeline: Timeline, *, loudness: float = DEFAULT_LOUDNESS
) -> list[str] | None:
    """Arguments for loudnorm's measuring pass: the soundtrack only, decoded and mixed, never
    encoded (a few percent of the render's time). None when the film has no sound."""
    if not has_sound(timeline):
        return None
    inputs = _Inputs(args=[])
    for clip in timeline.clips:  # keep input numbering identical to the render's
        inputs.add(clip.path)
    chains = _audio_chains(timeline, inputs, loudness_filter(loudness, None, report=True))
    return [
        *inputs.args,
        "-filter_complex",
        ";\n".join(chains),
        "-map",
        "[a]",
        "-f",
        "null",
        "-",
    ]


def parse_loudness(stderr: str) -> LoudnessMeasurement:
    """The JSON block loudnorm prints at the end of the measuring pass."""
    start = stderr.rfind("{")
    end = stderr.rfind("}")
    if start < 0 or end < start:
        raise ValueError("loudnorm printed no measurement")
    data = json.loads(stderr[start : end + 1])

    def number(key: str) -> float:
        value = float(data[key])  # "-inf" for silence parses as -inf
        return max(value, -99.0)

    return LoudnessMeasurement(
        input_i=number("input_i"),
        input_tp=number("input_tp"),
        input_lra=max(number("input_lra"), 0.0),
        input_thresh=number("input_thresh"),
        target_offset=number("target_offset"),
    )


def build_command(
    timeline: Timeline,
    out_path: Path | str,
    *,
    preset: str = "veryfast",
    crf: int = 20,
    loudness: float | None = DEFAULT_LOUDNESS,
    measured: LoudnessMeasurement | None = None,
) -> list[str]:
    """Arguments for `run_ffmpeg` (no binary) that render `timeline` into `out_path`.

    loudness: integrated target in LUFS, or None to leave levels as mixed.
    measured: the result of `build_loudness_probe`'s pass, for an exact linear gain.
    """
    input_args, graph = _build(timeline, loudness_filter(loudness, measured))
    return [
        *input_args,
        "-filter_complex",
        graph,
        "-map",
        "[v]",
        "-map",
        "[a]",
        "-map_metadata",
        "-1",
        "-c:v",
        "libx264",
        "-preset",
        preset,
        "-crf",
        str(crf),
        # a keyframe every 2 s: players and the poster picker seek fast (x264's default is 10 s)
        "-g",
        str(max(1, round(2 * timeline.fps))),
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "192k",
        "-ar",
        str(SAMPLE_RATE),
        "-ac",
        "2",
        "-movflags",
        "+faststart",
        "-t",
        _num(film_seconds(timeline)),
        str(out_path),
    ]
