"""A generated music bed: soft pads over a four-chord progression, numpy only.

The mood picks major or minor, tempo and whether a gentle plucked pulse plays; the seed
picks the key, the progression and every detune and phase, so the same request always
gives the same bytes. The bed fades in and out, peaks at -12 dBFS (room for dialogue on
top) and is exactly `round(duration * 48000)` samples long.

It is rendered chord by chord and streamed into the WAV, then scaled in place through a
memory map: a bed for a long film never has to sit in memory as floats.
"""

from __future__ import annotations

import hashlib
import re
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genstudio.concurrency import run_blocking
from genstudio.errors import ProviderError
from genstudio.fsutil import atomic_path
from genstudio.models import Provenance, utcnow
from genstudio.providers.base import MediaResult, MusicRequest

MODEL = "pad-v1"
SAMPLE_RATE = 48000
PEAK_DBFS = -12.0
BEATS_PER_CHORD = 8  # two bars of 4/4
PULSE_LEVEL = 0.8  # pluck peaks ~10 dB under the pad's: heard as a pulse, not a lead

# progressions as (semitones above the key, chord intervals)
_MAJOR = (
    ((0, (0, 4, 7)), (7, (0, 4, 7)), (9, (0, 3, 7)), (5, (0, 4, 7))),  # I V vi IV
    ((0, (0, 4, 7)), (5, (0, 4, 7)), (9, (0, 3, 7)), (7, (0, 4, 7))),  # I IV vi V
    ((0, (0, 4, 7, 11)), (9, (0, 3, 7)), (5, (0, 4, 7, 11)), (7, (0, 4, 7))),  # Imaj7 vi IVmaj7 V
)
_MINOR = (
    ((0, (0, 3, 7)), (8, (0, 4, 7)), (3, (0, 4, 7)), (10, (0, 4, 7))),  # i VI III VII
    ((0, (0, 3, 7)), (5, (0, 3, 7)), (8, (0, 4, 7)), (7, (0, 3, 7))),  # i iv VI v
    ((0, (0, 3, 7, 10)), (10, (0, 4, 7)), (8, (0, 4, 7, 11)), (10, (0, 4, 7))),  # im7 VII VI VII
)
_MINOR_WORDS = {"sad", "dark", "tense", "tension", "melancholy", "melancholic", "noir",
                "horror", "mystery", "mysterious", "somber", "sombre", "tragic", "lonely",
                "suspense", "suspenseful", "thriller", "grief", "ominous", "moody",
                "bittersweet", "nostalgic", "dramatic", "triste", "oscuro", "oscura", "tenso",
                "tensa", "melancólico", "melancólica", "misterio", "nostálgico",
                "drama"}  # fmt: skip
_MAJOR_WORDS = {"happy", "bright", "warm", "hopeful", "comedy", "joyful", "romantic",
                "uplifting", "playful", "light", "cheerful", "triumphant", "heartwarming",
                "whimsical", "feliz", "alegre", "esperanza", "esperanzador", "cálido",
                "romántico", "romántica", "comedia", "luminoso"}  # fmt: skip
_DRIVEN_WORDS = {"action", "energetic", "upbeat", "driving", "chase", "adventure", "exciting",
                 "playful", "comedy", "tense", "suspense", "thriller", "acción", "aventura",
                 "comedia", "tenso", "tensa"}  # fmt: skip
_CALM_WORDS = {"calm", "ambient", "peaceful", "serene", "gentle", "dreamy", "sad",
               "melancholy", "melancholic", "tranquilo", "tranquila", "sereno",
               "triste"}  # fmt: skip


@dataclass(frozen=True)
class BedPlan:
    key_midi: int
    minor: bool
    progression: tuple[tuple[int, tuple[int, ...]], ...]
    tempo_bpm: float
    pulse: bool


def plan_bed(mood: str, seed: int, tempo_bpm: int) -> tuple[BedPlan, np.random.Generator]:
    words = set(re.findall(r"[a-záéíóúñü]+", mood.lower()))
    digest = hashlib.sha256(f"{seed}\x1f{mood.strip().lower()}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
    minor_votes, major_votes = len(words & _MINOR_WORDS), len(words & _MAJOR_WORDS)
    minor = minor_votes > major_votes or (minor_votes == major_votes and seed % 2 == 1)
    driven, calm = len(words & _DRIVEN_WORDS), len(words & _CALM_WORDS)
    factor = 1.15 if driven > calm else 0.85 if calm > driven else 1.0
    tempo = float(min(180, max(40, tempo_bpm * factor)))
    pulse = driven > calm or (driven == calm and bool(rng.random() < 0.5))
    choices = _MINOR if minor else _MAJOR
    plan = BedPlan(
        key_midi=int(48 + rng.integers(0, 8)),  # C3 .. G3
        minor=minor,
        progression=choices[int(rng.integers(0, len(choices)))],
        tempo_bpm=tempo,
        pulse=pulse,
    )
    return plan, rng


def _hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def _voicing(key: int, degree: int, intervals: tuple[int, ...]) -> list[int]:
    """A low root, then the chord tones folded into one register for smooth voice leading."""
    tones = [key + degree + i for i in intervals]
    tones = [n - 12 * ((n - (key - 2)) // 12) for n in tones]  # into [key - 2, key + 10)
    bass = key - 12 + (degree if degree <= 7 else degree - 12)
    return [bass, *sorted(tones)]


def _envelope(length: int, attack: int, release: int) -> np.ndarray:
    env = np.ones(length, np.float32)
    a = min(attack, length)
    env[:a] = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, a, dtype=np.float32))
    r = min(release, length - a)
    if r > 0:
        env[length - r :] *= 0.5 + 0.5 * np.cos(np.linspace(0, np.pi, r, dtype=np.float32))
    return env


# One cycle of the pad's tone (fundamental + soft octave). Looking partials up in a 64k-entry
# table is ~10x faster than np.sin here and its quantisation noise sits near -96 dB.
_TABLE_SIZE = 1 << 16
_THETA = np.arange(_TABLE_SIZE) * (2 * np.pi / _TABLE_SIZE)
_PAD_CYCLE = (np.sin(_THETA) + 0.22 * np.sin(2 * _THETA)).astype(np.float32)


def _chord(notes: list[int], length: int, sustain: int, rng: np.random.Generator) -> np.ndarray:
    """One chord of pad: per note, two detuned partials per channel (each with an octave)."""
    samples = np.arange(length, dtype=np.float64)
    out = np.zeros((length, 2), np.float32)
    attack = int(min(1.2 * SAMPLE_RATE, sustain / 3))
    env = _envelope(length, attack, length - sustain)
    for index, midi in enumerate(notes):
        base = _hz(midi)
        level = 0.55 if index == 0 else 0.32  # the bass carries, the upper notes shimmer
        for channel in (0, 1):
            for cents in rng.uniform(-8, 8, 2):
                step = base * 2 ** (cents / 1200) / SAMPLE_RATE * _TABLE_SIZE
                start = rng.uniform(0, _TABLE_SIZE)
                phase = (samples * step + start).astype(np.int64) & (_TABLE_SIZE - 1)
                out[:, channel] += level * _PAD_CYCLE[phase]
    return out * env[:, None]


def _plucks(notes: list[int], length: int, beat: int, rng: np.random.Generator) -> np.ndarray:
    """A soft arpeggio, one note per beat, an octave above the pad."""
    out = np.zeros((length, 2), np.float32)
    ring = min(length, int(0.9 * SAMPLE_RATE))
    t = np.arange(ring, dtype=np.float32) / SAMPLE_RATE
    shape = np.exp(-t / 0.2) * np.minimum(1.0, t / 0.006)
    upper = notes[1:] or notes
    order = rng.permutation(len(upper))
    for k, start in enumerate(range(0, length - 1, beat)):
        f = _hz(upper[order[k % len(upper)]] + 12)
        tone = (np.sin(2 * np.pi * f * t) + 0.2 * np.sin(4 * np.pi * f * t)) * shape * PULSE_LEVEL
        end = min(length, start + ring)
        pan = 0.5 + (0.2 if k % 2 else -0.2)
        out[start:end, 0] += tone[: end - start] * (1 - pan)
        out[start:end, 1] += tone[: end - start] * pan
    return out


def bed_blocks(plan: BedPlan, rng: np.random.Generator, total: int) -> Iterator[np.ndarray]:
    """Finished stereo float blocks covering exactly `total` samples, faded in and out."""
    beat = round(SAMPLE_RATE * 60 / plan.tempo_bpm)
    span = beat * BEATS_PER_CHORD
    release = int(min(1.5 * SAMPLE_RATE, span / 2))
    fade_in = int(min(2.0 * SAMPLE_RATE, total / 4))
    fade_out = int(min(3.0 * SAMPLE_RATE, total / 3))
    lfo_rate, lfo_phase = rng.uniform(0.05, 0.12), rng.uniform(0, 2 * np.pi)
    # the plucks draw from their own stream: switching the pulse never re-voices the pad
    pluck_rng = np.random.default_rng(int(rng.integers(0, 2**63)))
    carry = np.zeros((0, 2), np.float32)
    start, k = 0, 0
    while start < total:
        degree, intervals = plan.progression[k % len(plan.progression)]
        notes = _voicing(plan.key_midi, degree, intervals)
        length = min(span + release, total - start)
        block = _chord(notes, length, min(span, length), rng)
        if plan.pulse:
            block += _plucks(notes, length, beat, pluck_rng)
        block[: len(carry)] += carry[:length]
        keep = min(span, length)
        done, carry = block[:keep], block[keep:]
        index = np.arange(start, start + keep)
        t = index / SAMPLE_RATE
        gain = 1 + 0.08 * np.sin(2 * np.pi * lfo_rate * t + lfo_phase)
        if fade_in:
            gain *= np.clip(index / fade_in, 0, 1) ** 2
        if fade_out:
            gain *= np.clip((total - index) / fade_out, 0, 1) ** 2
        yield (done * gain[:, None].astype(np.float32)).astype(np.float32)
        start += keep
        k += 1


def _data_offset(path: Path) -> int:
    with open(path, "rb") as fh:
        head = fh.read(256)
    at = head.find(b"data")
    if at < 0:
        raise ProviderError(f"{path}: WAV header without a data chunk")
    return at + 8


def render_bed(request: MusicRequest) -> float:
    """Write the request's WAV atomically; returns its exact duration in seconds."""
    if not request.duration > 0:
        raise ProviderError(f"music needs a positive duration (got {request.duration} s)")
    plan, rng = plan_bed(request.mood, request.seed, request.tempo_bpm)
    total = round(request.duration * SAMPLE_RATE)
    # provisional gain from a hard bound on the mix, so int16 never clips before scaling:
    # two overlapping chords of (bass + 4 notes) x 2 partials x (1 + octave), the LFO swell,
    # and two ringing plucks
    bound = 2 * (0.55 + 0.32 * 4) * 2 * 1.22 * 1.08 + 2 * PULSE_LEVEL * 1.2
    provisional = 32000.0 / bound
    peak = 0.0
    with atomic_path(request.out_path) as tmp:
        with wave.open(str(tmp), "wb") as wav:
            wav.setnchannels(2)
            wav.setsampwidth(2)
            wav.setframerate(SAMPLE_RATE)
            for block in bed_blocks(plan, rng, total):
                peak = max(peak, float(np.abs(block).max(initial=0.0)))
                wav.writeframes(np.round(block * provisional).astype("<i2").tobytes())
        if peak > 0:
            _scale_in_place(tmp, 10 ** (PEAK_DBFS / 20) * 32767 / (peak * provisional))
    return total / SAMPLE_RATE


def _scale_in_place(path: Path, factor: float, chunk: int = 1 << 20) -> None:
    offset = _data_offset(path)
    samples = np.memmap(path, dtype="<i2", mode="r+", offset=offset)
    for at in range(0, samples.size, chunk):
        part = samples[at : at + chunk].astype(np.float32) * factor
        samples[at : at + chunk] = np.clip(np.round(part), -32768, 32767).astype("<i2")
    samples.flush()
    del samples


class BuiltinMusic:
    """Music role, offline."""

    name = "builtin"

    async def generate_music(self, request: MusicRequest) -> MediaResult:
        started = utcnow()
        duration = await run_blocking(render_bed, request)
        provenance = Provenance(
            provider=self.name,
            model=MODEL,
            seed=request.seed,
            prompt=request.mood,
            started_at=started,
            finished_at=utcnow(),
        )
        return MediaResult(path=request.out_path, provenance=provenance, duration=duration)
