"""Builtin music bed: exact length, level, fades, determinism, mood."""

from __future__ import annotations

import wave
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from genstudio.errors import ProviderError
from genstudio.providers.base import Music, MusicRequest
from genstudio.providers.builtin.music import BuiltinMusic, bed_blocks, plan_bed, render_bed


def _read(path: Path) -> np.ndarray:
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (48000, 2, 2)
        return np.frombuffer(wav.readframes(wav.getnframes()), "<i2").reshape(-1, 2)


def _bed(tmp_path: Path, name: str, **kw) -> np.ndarray:
    values = {"duration": 6.0, "mood": "", "seed": 1}
    values.update(kw)
    request = MusicRequest(out_path=tmp_path / f"{name}.wav", **values)
    assert render_bed(request) == pytest.approx(round(values["duration"] * 48000) / 48000)
    return _read(request.out_path)


@pytest.mark.parametrize("duration", [0.25, 3.7, 12.34567])
def test_length_is_exact(tmp_path: Path, duration: float) -> None:
    assert len(_bed(tmp_path, "bed", duration=duration)) == round(duration * 48000)


def test_bed_is_audible_peaks_at_minus_12_dbfs_and_fades(tmp_path: Path) -> None:
    samples = _bed(tmp_path, "bed", duration=20.0, mood="warm hopeful").astype(np.float64)
    peak_db = 20 * np.log10(np.abs(samples).max() / 32767)
    assert peak_db == pytest.approx(-12.0, abs=0.3)
    middle = samples[5 * 48000 : 15 * 48000]
    assert 20 * np.log10(np.sqrt((middle**2).mean()) / 32767) > -35  # a bed, not a whisper
    edge = 4800  # 100 ms
    assert np.abs(samples[:edge]).max() < 0.05 * np.abs(middle).max()
    assert np.abs(samples[-edge:]).max() < 0.05 * np.abs(middle).max()
    assert not np.array_equal(samples[:, 0], samples[:, 1])  # stereo, not two copies of mono
    assert np.abs(np.diff(samples[:, 0])).max() < 0.1 * 32767  # no clicks at chord changes


def test_same_request_same_bytes_and_seed_matters(tmp_path: Path) -> None:
    a = _bed(tmp_path, "a", mood="tense thriller", seed=4)
    b = _bed(tmp_path, "b", mood="tense thriller", seed=4)
    c = _bed(tmp_path, "c", mood="tense thriller", seed=5)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_mood_changes_the_music(tmp_path: Path) -> None:
    sad, _ = plan_bed("sad melancholy", 2, 90)
    happy, _ = plan_bed("happy upbeat comedy", 2, 90)
    assert sad.minor and not happy.minor
    assert sad.tempo_bpm < 90 < happy.tempo_bpm and happy.pulse and not sad.pulse
    a = _bed(tmp_path, "sad", mood="sad melancholy", seed=2)
    b = _bed(tmp_path, "happy", mood="happy upbeat comedy", seed=2)
    assert np.abs(a.astype(np.float64) - b).mean() > 100

    # the pulse is a plucked note on every beat, over the same pad
    upbeat, rng = plan_bed("happy upbeat comedy", 2, 90)
    with_pulse = np.concatenate(list(bed_blocks(upbeat, rng, 48000 * 8)))
    upbeat, rng = plan_bed("happy upbeat comedy", 2, 90)
    pad_only = np.concatenate(list(bed_blocks(replace(upbeat, pulse=False), rng, 48000 * 8)))
    plucks = (with_pulse - pad_only)[:, 0]
    beat = round(48000 * 60 / upbeat.tempo_bpm)
    onsets = [np.abs(plucks[b : b + 2400]).max() for b in range(2 * beat, 48000 * 5, beat)]
    between = [np.abs(plucks[b - 1200 : b]).max() for b in range(2 * beat, 48000 * 5, beat)]
    assert min(onsets) > 3 * max(between)  # each beat starts a note that dies before the next
    assert np.sqrt((plucks**2).mean()) > 0.05 * np.sqrt((pad_only[:, 0] ** 2).mean())


def test_bad_duration_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match="positive duration"):
        render_bed(MusicRequest(duration=0.0, out_path=tmp_path / "x.wav"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.asyncio
async def test_provider_result(tmp_path: Path) -> None:
    provider = BuiltinMusic()
    assert isinstance(provider, Music)
    request = MusicRequest(duration=2.5, out_path=tmp_path / "music.wav", mood="noir", seed=3)
    result = await provider.generate_music(request)
    assert result.path == request.out_path and result.duration == pytest.approx(2.5)
    assert len(_read(result.path)) == 120000
    prov = result.provenance
    assert (prov.provider, prov.model, prov.seed, prov.prompt) == ("builtin", "pad-v1", 3, "noir")
    assert [p.name for p in tmp_path.iterdir()] == ["music.wav"]
