"""The film's soundtrack as FFmpeg audio filters, and its loudness. Pure: no I/O.

The clips' own sound (each placed where its picture is, in whole frames, so a clip's sound
stays in sync with its picture to the sample), each dialogue line at its film time, and the
music bed (looped to the film's length, ducked under the dialogue by `sidechaincompress`)
are mixed without normalisation into one float WAV (measured on the way by `ebur128`), then
brought to the loudness target from that file (see `loudness_filter`) and encoded once, at
48 kHz stereo. The mix is decoded and mixed once: re-measures and the encode read the WAV.
A film with no sound at all still gets a silent AAC track, so every film plays the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from genstudio.media.layout import film_seconds, fps_fraction, frame_plan, shown
from genstudio.timeline import Timeline

DEFAULT_LOUDNESS = -14.0  # LUFS, integrated: what the big streaming platforms normalise to
TRUE_PEAK = -1.0  # dBTP: the ceiling streaming platforms ask for
# The limiter runs on 4x oversampled audio (so it sees the peaks between samples) and stops
# this much below TRUE_PEAK: the AAC encoder's own overshoot (measured 0.1-0.4 dB) stays under.
LIMITER_MARGIN_DB = 0.5
OVERSAMPLED_RATE = 192_000
SAMPLE_RATE = 48_000
AUDIO_FORMAT = f"aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"
# The ducker listens to a copy of the dialogue raised by KEY_GAIN_DB and hard-clipped: any
# line from a whisper to a shout then keys at about KEY_LEVEL_DB (RMS), so the music drops by
# the MusicBed's duck_db whatever level each voice was synthesised at.
KEY_GAIN_DB = 48.0
KEY_LEVEL_DB = -2.0
DUCK_RATIO = 8.0
# Below this the soundtrack is silence or hiss: raising it to speech level would be all noise.
SILENT_LUFS = -60.0
# When the measured peaks say the limiter will take more than this off, the level is measured
# again after it and corrected (a limiter working hard lowers the integrated loudness).
RECHECK_OVERSHOOT_DB = 1.0


def num(value: float) -> str:
    """Seconds for a filter argument: fixed-point, no exponent, no trailing zeros."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def samples(seconds: float) -> int:
    return max(0, round(seconds * SAMPLE_RATE))


@dataclass
class Inputs:
    """FFmpeg input arguments, handing out each input's index as it is added."""

    args: list[str]
    count: int = 0

    def add(self, path: Path, *options: str) -> int:
        self.args += [*options, "-i", str(path)]
        self.count += 1
        return self.count - 1


def mix(labels: list[str], out: str) -> str:
    if len(labels) == 1:
        return f"{labels[0]}anull{out}"
    # normalize=0: amix would otherwise divide every input by the input count
    return f"{''.join(labels)}amix=inputs={len(labels)}:duration=longest:normalize=0{out}"


def has_sound(timeline: Timeline) -> bool:
    """False when the film's only sound would be generated silence."""
    return bool(timeline.dialogue or timeline.music or any(c.has_audio for c in timeline.clips))


@dataclass(frozen=True)
class Placed:
    """One sound on the film's timeline: `chain` (filters from an input, without an output
    label) yields it from its own time 0; it belongs at film sample `start`, lasting at most
    `length` samples."""

    chain: str
    start: int
    length: int


def lanes(items: list[Placed], prefix: str, total: int) -> tuple[list[str], list[str]]:
    """Chains placing every item at its time, and their output labels.

    Items that do not overlap share a lane: one `concat` of each sound padded with silence up
    to the next one's start, so a lane's cost is the film's length however many sounds it
    holds. (Delaying every sound to its start and mixing them all would make FFmpeg mix N
    film-long tracks: quadratic in the number of clips or lines.) Overlapping items (a
    crossfade, dual dialogue) go to further lanes, which are mixed. Every lane lasts `total`
    samples: `amix` sometimes ended the whole mix when its first input ended (seen 2 in 24
    runs under load: the film fell silent after a lane's last sound), so no input ends first."""
    packed: list[list[Placed]] = []
    for item in sorted(items, key=lambda it: it.start):
        lane = next((ln for ln in packed if ln[-1].start + ln[-1].length <= item.start), None)
        if lane is None:
            packed.append([item])
        else:
            lane.append(item)
    chains, labels = [], []
    for n, lane in enumerate(packed):
        parts = []
        for k, item in enumerate(lane):
            chain = item.chain
            until = lane[k + 1].start if k + 1 < len(lane) else max(total, item.start)
            if k == 0 and item.start:
                chain += f",adelay=delays={item.start}S:all=1"
                width = until
            else:
                width = until - item.start
            # padded and cut in samples: the next sound starts on its exact sample
            chains.append(
                f"{chain},apad=whole_len={width},atrim=end_sample={width}[{prefix}{n}p{k}]"
            )
            parts.append(f"[{prefix}{n}p{k}]")
        if len(parts) == 1:
            chains.append(f"{parts[0]}anull[{prefix}{n}]")
        else:
            chains.append(f"{''.join(parts)}concat=n={len(parts)}:v=0:a=1[{prefix}{n}]")
        labels.append(f"[{prefix}{n}]")
    return chains, labels


@dataclass(frozen=True)
class Sound:
    """A sound of the film read from a file: `body` (filters after its input's label) yields
    it from its own time 0, for `length` samples from film sample `start`."""

    path: Path
    body: str
    start: int
    length: int
    kind: str  # "clip" (a clip's own sound) or "line" (dialogue)

    def placed(self, index: int) -> Placed:
        return Placed(f"[{index}:a:0]{self.body}", self.start, self.length)


def film_sounds(timeline: Timeline) -> list[Sound]:
    """Every clip's own sound (cut and faded where its picture is, at its film frame) and
    every dialogue line (at its time)."""
    plan = frame_plan(timeline)
    rate = float(fps_fraction(timeline.fps))
    sounds = []
    for i, clip in enumerate(timeline.clips):
        if not clip.has_audio:
            continue
        visible = shown(plan, i)
        begin = clip.source_in + visible.first / rate
        length = (visible.end - visible.first) / rate
        body = (
            f"atrim=start={num(begin)}:duration={num(length)},asetpts=PTS-STARTPTS,{AUDIO_FORMAT}"
        )
        fade_in = max(visible.black_in, visible.mix_in) / rate
        fade_out = max(visible.black_out, visible.mix_out) / rate
        if fade_in:
            body += f",afade=t=in:d={num(fade_in)}"
        if fade_out:
            body += f",afade=t=out:st={num(length - fade_out)}:d={num(fade_out)}"
        start = samples((plan[i].start + visible.first) / rate)
        end = samples((plan[i].start + visible.end) / rate)
        sounds.append(Sound(clip.path, body, start, end - start, "clip"))
    for line in timeline.dialogue:
        body = f"{AUDIO_FORMAT},atrim=duration={num(line.duration)},asetpts=PTS-STARTPTS"
        sounds.append(Sound(line.path, body, samples(line.start), samples(line.duration), "line"))
    return sounds


Source = tuple[list[str], list[str]]  # chains, and the labels they end in (mixed by the bus)


def direct_sources(timeline: Timeline, inputs: Inputs) -> tuple[Source, Source]:
    """The clips' sound and the dialogue, every file an input of this process."""
    sounds = film_sounds(timeline)
    clips = [s.placed(inputs.add(s.path)) for s in sounds if s.kind == "clip"]
    lines = [s.placed(inputs.add(s.path)) for s in sounds if s.kind == "line"]
    total = samples(film_seconds(timeline))
    return lanes(clips, "ca", total), lanes(lines, "dl", total)


def audio_chains(timeline: Timeline, inputs: Inputs, clips: Source, lines: Source) -> list[str]:
    """Audio filters ending in [a], levels as mixed: the clips' sound and the dialogue
    (`clips`, `lines`: chains and labels already made), and the music bed, added to
    `inputs` and ducked under the dialogue."""
    length = num(film_seconds(timeline))
    chains = clips[0] + lines[0]
    clip_labels, dialogue_labels = clips[1], lines[1]

    bus: list[str] = []
    if clip_labels:
        chains.append(mix(clip_labels, "[clips]"))
        bus.append("[clips]")
    if dialogue_labels:
        # padded to the film's length: the ducker stops when its sidechain ends
        chains.append(mix(dialogue_labels, "[dlgraw]"))
        chains.append(f"[dlgraw]apad=whole_dur={length}[dlg]")
    if timeline.music is not None:
        music = timeline.music
        index = inputs.add(music.path, "-stream_loop", "-1")
        chains.append(
            f"[{index}:a:0]{AUDIO_FORMAT},atrim=duration={length},asetpts=PTS-STARTPTS,"
            f"volume={num(music.volume_db)}dB[music]"
        )
        if dialogue_labels and music.duck_db < 0:
            chains.append("[dlg]asplit=2[dlgmix][dlgkey]")
            chains.append(f"[dlgkey]volume={num(KEY_GAIN_DB)}dB,asoftclip=type=hard[key]")
            chains.append(f"[music][key]{_ducker(music.duck_db)}[ducked]")
            bus += ["[dlgmix]", "[ducked]"]
        else:
            bus += ["[dlg]", "[music]"] if dialogue_labels else ["[music]"]
    elif dialogue_labels:
        bus.append("[dlg]")

    assert bus, "callers check has_sound(): a silent film gets silent_args()"
    chains.append(mix(bus, "[mix]"))
    # padded and cut to the exact length in samples: the track ends with the last frame
    chains.append(
        f"[mix]atrim=duration={length},{AUDIO_FORMAT},"
        f"apad=whole_len={samples(film_seconds(timeline))},"
        f"atrim=end_sample={samples(film_seconds(timeline))}[a]"
    )
    return chains


def _ducker(duck_db: float) -> str:
    """A sidechain compressor that lowers the music by about `duck_db` while the key is at
    KEY_LEVEL_DB: gain reduction = (level - threshold) x (1 - 1/ratio)."""
    depth = abs(duck_db)
    threshold_db = KEY_LEVEL_DB - depth / (1 - 1 / DUCK_RATIO)
    threshold = max(10 ** (threshold_db / 20), 0.000977)
    return (
        f"sidechaincompress=threshold={threshold:.6f}:ratio={num(DUCK_RATIO)}"
        ":attack=20:release=400:detection=rms"
    )


@dataclass(frozen=True)
class LoudnessMeasurement:
    """What `ebur128` measured over the soundtrack."""

    input_i: float  # integrated loudness, LUFS
    input_tp: float  # true peak, dBTP
    # dB added after a re-measure found the limiter had lowered the level (see `assemble`)
    correction: float = 0.0


# EBU R128 meter: integrated loudness and true peak (4x oversampled), summary on stderr.
# A fifth of loudnorm's cost, which resamples everything to 192 kHz even just to measure.
METER = "ebur128=peak=true:framelog=quiet"


def limiter_gain(loudness: float, measured: LoudnessMeasurement) -> float:
    return loudness - measured.input_i + measured.correction


def limiter_overshoot(loudness: float, measured: LoudnessMeasurement, true_peak: float) -> float:
    """dB by which the peaks would pass the ceiling after the gain (what the limiter takes)."""
    return measured.input_tp + limiter_gain(loudness, measured) - true_peak


def loudness_filter(
    loudness: float | None, measured: LoudnessMeasurement, *, true_peak: float = TRUE_PEAK
) -> str:
    """The level stage: one constant gain to the target, and a look-ahead peak limiter under
    the true-peak ceiling (at 192 kHz, so it catches the peaks between samples) when the
    gain would take the peaks over it. A film's mix (ducked music, quiet and loud lines)
    keeps its shape; loudnorm's adaptive mode, which it falls back to whenever a film's
    loudness range exceeds 11 LU or a peak would clip (most films with music and dialogue),
    would instead raise the music between lines. "" when levels stay as mixed."""
    if loudness is None or measured.input_i < SILENT_LUFS:
        return ""
    gain = f"volume={limiter_gain(loudness, measured):.2f}dB"
    if limiter_overshoot(loudness, measured, true_peak) <= -LIMITER_MARGIN_DB:
        return gain  # every peak stays under the ceiling with the limiter's own margin
    ceiling = 10 ** ((true_peak - LIMITER_MARGIN_DB) / 20)
    return (
        f"{gain},aresample={OVERSAMPLED_RATE},"
        f"alimiter=limit={ceiling:.4f}:attack=5:release=80:level=false:latency=true"
    )


_SUMMARY_I = re.compile(r"Integrated loudness:\s*I:\s*(-?inf|-?\d+(?:\.\d+)?) LUFS")
_SUMMARY_TP = re.compile(r"True peak:\s*Peak:\s*(-?inf|-?\d+(?:\.\d+)?) dBFS")


def parse_loudness(stderr: str) -> LoudnessMeasurement:
    """The summary `ebur128` prints when its pass ends (the last one in `stderr`)."""
    summary = stderr[stderr.rfind("Summary:") :]
    level, peak = _SUMMARY_I.search(summary), _SUMMARY_TP.search(summary)
    if "Summary:" not in stderr or level is None or peak is None:
        raise ValueError("ebur128 printed no measurement")
    # silence reads -70 LUFS / -inf dBFS
    return LoudnessMeasurement(
        input_i=max(float(level.group(1)), -99.0), input_tp=max(float(peak.group(1)), -99.0)
    )


def mix_args(
    timeline: Timeline,
    out_name: str,
    *,
    measure: bool,
    premixed: tuple[str | None, str | None] | None = None,
) -> list[str] | None:
    """Arguments mixing the soundtrack, levels as mixed, into a float WAV `out_name` (floats:
    peaks over full scale survive until the level stage), measured on the way when
    `measure`. None when the film has no sound at all. `premixed`: ffconcat scripts of the
    clips' sound and of the dialogue already placed (soundwindows.py), instead of every file
    as an input."""
    if not has_sound(timeline):
        return None
    inputs = Inputs(args=[])
    if premixed is None:
        clips, lines = direct_sources(timeline, inputs)
    else:
        clips, lines = (
            _premixed(premixed[0], inputs, "clipsw"),
            _premixed(premixed[1], inputs, "dlw"),
        )
    chains = audio_chains(timeline, inputs, clips, lines)
    wav = ["-c:a", "pcm_f32le", "-rf64", "auto", out_name]  # RF64 past WAV's 4 GiB (3 h)
    if not measure:
        return [*inputs.args, "-filter_complex", ";\n".join(chains), "-map", "[a]", *wav]
    chains.append(f"[a]asplit=2[wav][meter];[meter]{METER}[metered]")
    return [
        *inputs.args,
        "-filter_complex",
        ";\n".join(chains),
        "-map",
        "[wav]",
        *wav,
        "-map",
        "[metered]",
        "-f",
        "null",
        "-",
    ]


def _premixed(script: str | None, inputs: Inputs, label: str) -> Source:
    if script is None:
        return [], []
    index = inputs.add(Path(script), "-f", "concat", "-safe", "0")
    return [f"[{index}:a:0]{AUDIO_FORMAT}[{label}]"], [f"[{label}]"]


def level_args(timeline: Timeline, mix_name: str, level: str, out_name: str | None) -> list[str]:
    """Arguments bringing the mixed WAV to its level: encoded into `out_name` (AAC), or with
    out_name None measured (the re-measure after the limiter)."""
    total = samples(film_seconds(timeline))
    chain = f"{level + ',' if level else ''}{AUDIO_FORMAT},apad=whole_len={total}"
    chain += f",atrim=end_sample={total}"  # the limiter's look-ahead must not move the end
    if out_name is None:
        return ["-i", mix_name, "-af", f"{chain},{METER}", "-f", "null", "-"]
    return ["-i", mix_name, "-af", chain, "-map_metadata", "-1", *AAC_ARGS, out_name]


def silent_args(timeline: Timeline, out_path: Path | str) -> list[str]:
    """Arguments for the silent AAC track of a film with no sound at all."""
    length = num(film_seconds(timeline))
    return [
        "-f",
        "lavfi",
        "-i",
        f"anullsrc=r={SAMPLE_RATE}:cl=stereo",
        "-t",
        length,
        "-map_metadata",
        "-1",
        *AAC_ARGS,
        str(out_path),
    ]


AAC_ARGS = [
    "-c:a",
    "aac",
    "-aac_coder",
    "fast",
    "-b:a",
    "192k",
    "-ar",
    str(SAMPLE_RATE),
    "-ac",
    "2",
]
