"""Builtin speech (espeak-ng): real audio, voices, delivery, determinism, thread safety."""

from __future__ import annotations

import asyncio
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from genstudio.errors import ProviderError
from genstudio.providers.base import Speech, SpeechRequest
from genstudio.providers.builtin import speech
from genstudio.providers.builtin.speech import BuiltinSpeech, speak_to_file

ENGLISH = "I told you already, the boat leaves at midnight tonight."  # 10 words
SPANISH = "Te lo dije ya, el barco sale esta noche a medianoche."  # 10 words


def _read(path: Path) -> tuple[np.ndarray, int, int, int]:
    with wave.open(str(path)) as wav:
        frames = wav.readframes(wav.getnframes())
        return (
            np.frombuffer(frames, "<i2"),
            wav.getframerate(),
            wav.getnchannels(),
            wav.getsampwidth(),
        )


def _say(tmp_path: Path, name: str, text: str, **kw) -> tuple[np.ndarray, float]:
    request = SpeechRequest(text=text, out_path=tmp_path / f"{name}.wav", **kw)
    _, duration = speak_to_file(request)
    samples, rate, channels, width = _read(request.out_path)
    assert (rate, channels, width) == (22050, 1, 2)
    assert duration == pytest.approx(samples.size / 22050)
    return samples, duration


def _periodicity(samples: np.ndarray) -> float:
    """Median strength of the pitch peak (70-400 Hz) in the autocorrelation of loud windows."""
    loudness = np.mean(samples.astype(np.float64) ** 2)
    peaks = []
    for start in range(0, samples.size - 2048, 1024):
        window = samples[start : start + 2048].astype(np.float64)
        window -= window.mean()
        if np.mean(window**2) < 0.05 * loudness:
            continue
        corr = np.correlate(window, window, "full")[2047:]
        peaks.append(corr[55:315].max() / corr[0])
    return float(np.median(peaks))


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


@pytest.mark.parametrize(("text", "language"), [(ENGLISH, "en"), (SPANISH, "es")])
def test_lines_become_audible_speech_of_plausible_length(
    tmp_path: Path, text: str, language: str
) -> None:
    samples, duration = _say(tmp_path, language, text, language=language)
    assert 1.5 < duration < 6.0
    assert _rms(samples) > 1000  # clearly audible, not a near-silent file
    # speech is bursty: syllables and gaps, not a steady tone
    frames = samples[: samples.size // 441 * 441].reshape(-1, 441).astype(np.float64)
    energy = np.sqrt((frames**2).mean(axis=1))
    assert (energy < 0.1 * energy.max()).mean() > 0.05
    assert (energy > 0.3 * energy.max()).mean() > 0.3


def test_edge_silence_is_trimmed_to_50_ms(tmp_path: Path) -> None:
    samples, _ = _say(tmp_path, "edge", "... Well. That is all. ...", language="en")
    loud = np.flatnonzero(np.abs(samples) > 0.02 * np.abs(samples).max())
    assert loud[0] <= 0.05 * 22050 + 1
    assert samples.size - 1 - loud[-1] <= 0.05 * 22050 + 1


def test_voices_list_language_voices_and_variants() -> None:
    english = BuiltinSpeech().voices("en")
    for name in ("en-us", "en-us+m3", "en-gb", "en-gb+f2"):
        assert name in english
    spanish = BuiltinSpeech().voices("es")
    assert spanish[0] == "es" and "es+f3" in spanish and "es-419" in spanish
    assert not any(v.startswith("en") for v in spanish)
    assert BuiltinSpeech().voices("es-MX")[0] == "es-419"
    assert BuiltinSpeech().voices("xx") == []


def test_different_voices_sound_different(tmp_path: Path) -> None:
    male, _ = _say(tmp_path, "m", ENGLISH, voice="en-us+m3")
    female, _ = _say(tmp_path, "f", ENGLISH, voice="en-us+f3")
    assert not np.array_equal(male, female)

    def pitch(samples: np.ndarray) -> float:  # strongest autocorrelation lag in 70-400 Hz
        chunk = samples[samples.size // 3 : samples.size // 3 + 4096].astype(np.float64)
        corr = np.correlate(chunk, chunk, "full")[chunk.size - 1 :]
        lag = np.argmax(corr[55:315]) + 55
        return 22050 / lag

    assert pitch(female) > pitch(male) * 1.2
    latin, _ = _say(tmp_path, "latam", SPANISH, voice="es-419")
    spain, _ = _say(tmp_path, "spain", SPANISH, voice="es")
    assert not np.array_equal(latin, spain)


def test_delivery_changes_the_reading(tmp_path: Path) -> None:
    plain, plain_len = _say(tmp_path, "plain", ENGLISH, voice="en-us")
    _, sad_len = _say(tmp_path, "sad", ENGLISH, voice="en-us", emotion="sad")
    angry, angry_len = _say(
        tmp_path, "angry", ENGLISH, voice="en-us", emotion="angry", delivery="shouting"
    )
    whisper, _ = _say(tmp_path, "whisper", ENGLISH, voice="en-us", delivery="whispering")
    assert sad_len > plain_len * 1.1  # slower
    assert angry_len < plain_len and _rms(angry) > _rms(plain) * 1.2  # faster and louder
    assert _rms(whisper) < _rms(plain)
    # a whisper has no voiced pitch: far less periodic than normal speech
    assert _periodicity(whisper) < 0.6 * _periodicity(plain)


def test_same_request_gives_the_same_bytes_whatever_came_before(tmp_path: Path) -> None:
    first = tmp_path / "one.wav"
    speak_to_file(SpeechRequest(text=ENGLISH, out_path=first, voice="en-gb+f2", emotion="sad"))
    # espeak keeps internal state between lines and seeds its noise from the clock:
    # neither other lines in between nor the time of day may change a line
    speak_to_file(SpeechRequest(text=SPANISH, out_path=tmp_path / "x.wav", language="es"))
    speak_to_file(SpeechRequest(text="Quiet now.", out_path=tmp_path / "y.wav", delivery="whisper"))
    time.sleep(1.05)  # into another clock second
    second = tmp_path / "two.wav"
    speak_to_file(SpeechRequest(text=ENGLISH, out_path=second, voice="en-gb+f2", emotion="sad"))
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.asyncio
async def test_concurrent_syntheses_match_sequential_ones(tmp_path: Path) -> None:
    provider = BuiltinSpeech()
    assert isinstance(provider, Speech)
    lines = [
        (ENGLISH, "en-us+m2", "en", ""),
        (SPANISH, "es+f3", "es", "happy"),
        ("Where were you last night?", "en-gb", "en", "angry"),
        ("No lo sé, de verdad.", "es-419+m1", "es", "sad"),
    ]

    def request(i: int, folder: str) -> SpeechRequest:
        text, voice, language, emotion = lines[i]
        out = tmp_path / folder / f"{i}.wav"
        return SpeechRequest(
            text=text, out_path=out, voice=voice, language=language, emotion=emotion
        )

    sequential = [await provider.synthesize(request(i, "seq")) for i in range(4)]
    together = await asyncio.gather(*(provider.synthesize(request(i, "par")) for i in range(4)))
    for one, other in zip(sequential, together, strict=True):
        assert one.path.read_bytes() == other.path.read_bytes()
        assert one.duration == other.duration and one.duration > 0.5
    prov = together[1].provenance
    assert (prov.provider, prov.model, prov.prompt) == ("builtin", "espeak-ng/es+f3", SPANISH)
    assert prov.started_at is not None and prov.finished_at >= prov.started_at


@pytest.mark.asyncio
async def test_unknown_voice_falls_back_to_the_language_default(tmp_path: Path) -> None:
    result = await BuiltinSpeech().synthesize(
        SpeechRequest(
            text=SPANISH, out_path=tmp_path / "a.wav", voice="21m00Tcm4TlvDq8ikWAM", language="es"
        )
    )
    assert result.provenance.model == "espeak-ng/es"
    assert speech.resolve_voice("EN-US+M3", "es") == "en-us+m3"  # a valid voice is respected
    assert speech.resolve_voice("es+nosuchvariant", "es") == "es"
    assert speech.resolve_voice("en+f2", "en") == "en-gb+f2"  # espeak's file name works too


def test_bad_requests_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match="no text"):
        speak_to_file(SpeechRequest(text="   \n", out_path=tmp_path / "empty.wav"))
    with pytest.raises(ProviderError, match="no voice for language 'xx'"):
        speak_to_file(SpeechRequest(text="hello", out_path=tmp_path / "xx.wav", language="xx"))
    assert list(tmp_path.iterdir()) == []
