"""Offline speech with espeak-ng, through ctypes on the library the espeakng-loader wheel ships.

espeak-ng keeps global state (current voice, parameters, one synth callback, and
synthesis state no API resets), so syntheses are serialised by one lock and each runs on a
freshly loaded library (see `_Engine`). Output: WAV, 22050 Hz mono 16-bit, with leading
and trailing silence trimmed to at most 50 ms.

Voice names are espeak's: a language voice ("en-us", "es", "es-419") optionally with a
variant ("en-us+m3", "es+f2"). An unknown voice (say, an id from another provider after
the user switched to builtin speech) falls back to the language's default voice, so a film
still gets made; the voice actually used is recorded in the provenance model field.
"""

from __future__ import annotations

import _ctypes
import contextlib
import ctypes
import re
import threading
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genstudio.concurrency import run_blocking
from genstudio.errors import ProviderError
from genstudio.fsutil import atomic_path
from genstudio.models import Provenance, utcnow
from genstudio.providers.base import MediaResult, SpeechRequest

MODEL = "espeak-ng"
SAMPLE_RATE = 22050
MAX_EDGE_SILENCE = 0.05  # seconds kept before the first and after the last sound
VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5")
_SKIP_VOICES = {"en-shaw"}  # reads the Shavian alphabet, not Latin-script English

_AUDIO_OUTPUT_SYNCHRONOUS, _CHARS_UTF8 = 2, 1
_RATE, _VOLUME, _PITCH, _RANGE = 1, 2, 3, 4
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _VoiceStruct(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


@dataclass(frozen=True)
class VoiceInfo:
    name: str  # e.g. "Spanish (Latin America)"
    identifier: str  # the voice file, e.g. "roa/es-419": what espeak_SetVoiceByName accepts
    languages: tuple[tuple[int, str], ...]  # (priority, code); lower priority = better match

    @property
    def code(self) -> str:
        return self.languages[0][1]


@dataclass(frozen=True)
class Delivery:
    """espeak parameters for one line: rate in words/minute, the rest 0-100 (volume 0-200)."""

    rate: int = 165
    pitch: int = 50
    range: int = 50
    volume: int = 100
    whisper: bool = False


# word -> (rate factor, pitch change, range change, volume factor)
_MOODS: dict[tuple[str, ...], tuple[float, int, int, float]] = {
    ("shout", "shouts", "shouting", "yell", "yells", "yelling", "scream", "screams",
     "angry", "furious", "rage", "grita", "gritando", "enfadado", "enojado", "furioso",
     "furiosa"): (1.12, 10, 30, 1.6),
    ("excited", "happy", "joyful", "cheerful", "delighted", "laughing", "alegre", "feliz",
     "emocionado", "emocionada", "riendo"): (1.08, 8, 25, 1.1),
    ("sad", "crying", "tearful", "grief", "sorrow", "mournful", "melancholic", "triste",
     "llorando", "melancólico", "melancólica"): (0.82, -10, -25, 0.85),
    ("scared", "afraid", "fearful", "nervous", "anxious", "terrified", "asustado",
     "asustada", "nervioso", "nerviosa"): (1.1, 12, 10, 0.95),
    ("tired", "exhausted", "sleepy", "weary", "cansado", "cansada"): (0.85, -6, -30, 0.85),
    ("calm", "gentle", "tender", "softly", "soft", "warm", "tranquilo", "tranquila",
     "suave"): (0.92, 0, -15, 0.9),
    ("sarcastic", "dry", "flat", "cold", "deadpan", "monotone", "sarcástico", "frío",
     "fría"): (0.97, -2, -40, 1.0),
    ("urgent", "hurried", "fast", "quickly", "rapid", "rápido", "rápidamente"): (1.22, 0, 0, 1.0),
    ("slow", "slowly", "hesitant", "hesitating", "hesitates", "lento", "lentamente",
     "dudando"): (0.8, 0, 0, 1.0),
}  # fmt: skip
_WHISPER = {"whisper", "whispers", "whispering", "whispered", "murmur", "murmurs",
            "murmuring", "susurra", "susurrando", "susurro"}  # fmt: skip


def delivery_for(emotion: str, delivery: str) -> Delivery:
    """Map a line's emotion and delivery words to espeak parameters (effects multiply)."""
    words = set(re.findall(r"[a-záéíóúñü]+", f"{emotion} {delivery}".lower()))
    rate, pitch, span, volume = 165.0, 50, 50, 100.0
    for keys, (r, p, s, v) in _MOODS.items():
        if words & set(keys):
            rate, pitch, span, volume = rate * r, pitch + p, span + s, volume * v
    whisper = bool(words & _WHISPER) or "under breath" in f"{emotion} {delivery}".lower()
    if whisper:
        rate, volume = rate * 0.92, min(volume, 100.0)
    return Delivery(
        rate=int(min(400, max(80, rate))),
        pitch=int(min(100, max(0, pitch))),
        range=int(min(100, max(0, span))),
        volume=int(min(200, max(10, volume))),
        whisper=whisper,
    )


def _declare(lib: ctypes.CDLL) -> None:
    c_int, c_uint, c_ptr = ctypes.c_int, ctypes.c_uint, ctypes.c_void_p
    lib.espeak_Initialize.argtypes = [c_int, c_int, ctypes.c_char_p, c_int]
    # text, size, position, position type, end position, flags, unique id, user data
    lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, c_uint, c_int, c_uint, c_uint,
                                 c_ptr, c_ptr]  # fmt: skip
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [c_int, c_int, c_int]
    lib.espeak_ListVoices.argtypes = [c_ptr]
    lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
    lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_VoiceStruct))


def _unload(lib: ctypes.CDLL) -> None:
    close = getattr(_ctypes, "dlclose", None) or getattr(_ctypes, "FreeLibrary", None)
    if close is not None:
        close(lib._handle)


def _seed_c_rand() -> None:
    """espeak's breath noise (whisper voices) draws from libc rand(); start it the same way."""
    with contextlib.suppress(OSError, AttributeError, TypeError):  # no libc handle on Windows
        ctypes.CDLL(None).srand(1)


class _Engine:
    """espeak-ng for this process, loaded afresh for every line.

    Two things made one line come out differently from call to call (measured):
    - synthesis state in C statics that no API call resets (e.g. the pitch flutter position
      in wavegen.c): the same line spoken twice in a process was 41091 then 41112 samples.
      Unloading the library and loading it again gives each line a pristine instance
      (about 6 ms);
    - espeak_ng_Initialize seeds espeak's own random generator from time(NULL), so output
      changed with the clock second; it is re-seeded with a constant before every line.
    Together: byte-identical output for the same input, whatever came before and on
    whichever thread. Hold `lock` throughout (espeak's state is process-global).
    """

    def __init__(self) -> None:
        import espeakng_loader

        self.lock = threading.Lock()
        self.library_path = espeakng_loader.get_library_path()
        self.data_path = Path(espeakng_loader.get_data_path())
        self._chunks: list[bytes] = []
        self._callback = _CALLBACK(self._collect)  # kept referenced: C holds the pointer
        with self.lock, self._loaded() as lib:
            self.voices = self._list_voices(lib)
        variants_dir = self.data_path / "voices" / "!v"
        self.variants = tuple(v for v in VARIANTS if (variants_dir / v).is_file())
        self.has_whisper = all((variants_dir / v).is_file() for v in ("whisper", "whisperf"))

    @contextlib.contextmanager
    def _loaded(self) -> Iterator[ctypes.CDLL]:
        lib = ctypes.CDLL(self.library_path)
        started = False
        try:
            _declare(lib)
            rate = lib.espeak_Initialize(
                _AUDIO_OUTPUT_SYNCHRONOUS, 0, str(self.data_path).encode(), 0
            )
            if rate != SAMPLE_RATE:
                raise ProviderError(f"espeak-ng failed to start (data in {self.data_path}: {rate})")
            started = True
            lib.espeak_SetSynthCallback(self._callback)
            yield lib
        finally:
            if started:
                lib.espeak_Terminate()
            _unload(lib)

    def _collect(self, wav: ctypes.Array, count: int, _events: int) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # 0 = keep going

    @staticmethod
    def _list_voices(lib: ctypes.CDLL) -> list[VoiceInfo]:
        found, table, i = [], lib.espeak_ListVoices(None), 0
        while table[i]:
            entry = table[i].contents
            i += 1
            # `languages` is a run of (priority byte, NUL-terminated code), ended by a 0 byte
            languages, ptr = [], entry.languages
            while ptr and (priority := ctypes.c_ubyte.from_address(ptr).value):
                code = ctypes.string_at(ptr + 1).decode("utf-8", "replace").lower()
                languages.append((priority, code))
                ptr += len(code.encode()) + 2
            if languages and languages[0][1] not in _SKIP_VOICES:
                name = (entry.name or b"").decode("utf-8", "replace")
                ident = (entry.identifier or b"").decode("utf-8", "replace")
                found.append(VoiceInfo(name=name, identifier=ident, languages=tuple(languages)))
        return found

    def synthesize(self, text: str, voice: str, params: Delivery) -> np.ndarray:
        data = text.encode("utf-8")
        with self.lock, self._loaded() as lib:
            if lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ProviderError(f"espeak-ng has no voice {voice!r}")
            for key, value in ((_RATE, params.rate), (_VOLUME, params.volume),
                               (_PITCH, params.pitch), (_RANGE, params.range)):  # fmt: skip
                lib.espeak_SetParameter(key, value, 0)
            _seed_c_rand()
            lib.espeak_ng_SetRandSeed(1)  # Initialize seeded it from the clock
            self._chunks = []
            status = lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, _CHARS_UTF8, None, None)
            chunks, self._chunks = self._chunks, []
        if status != 0:
            raise ProviderError(f"espeak-ng failed to speak the line (error {status})")
        return np.frombuffer(b"".join(chunks), dtype=np.int16)


_engine: _Engine | None = None
_engine_lock = threading.Lock()


def engine() -> _Engine:
    """The shared engine, started on first use (espeak must be initialised only once)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = _Engine()
        return _engine


def _normal(language: str) -> str:
    return language.strip().lower().replace("_", "-")


def language_voices(language: str) -> list[str]:
    """espeak language voices for `language`, best match first ("es" -> ["es", "es-419"])."""
    wanted = _normal(language) or "en"
    ranked: list[tuple[int, int, str]] = []
    for order, info in enumerate(engine().voices):
        codes = dict((code, prio) for prio, code in info.languages)
        if wanted in codes:
            ranked.append((0, codes[wanted] * 1000 + order, info.code))
        elif info.code.startswith(wanted + "-"):
            ranked.append((1, order, info.code))
        elif info.name.lower().split(" (")[0] == wanted:  # "spanish", "english"
            ranked.append((2, order, info.code))
    if not ranked and "-" in wanted:  # "pt-ao" -> any Portuguese
        return language_voices(wanted.split("-")[0])
    return [code for *_, code in sorted(set(ranked))]


def default_voice(language: str) -> str:
    found = language_voices(language)
    if not found:
        raise ProviderError(f"espeak-ng has no voice for language {language!r}")
    return found[0]


def list_voices(language: str) -> list[str]:
    """Usable voice names: each language voice, then the same voice with each variant."""
    names: list[str] = []
    for base in language_voices(language):
        names.append(base)
        names += [f"{base}+{variant}" for variant in engine().variants]
    return names


def _identifier(base: str) -> str | None:
    """espeak's voice file for a voice name: its language code ("en-gb"), file name ("en")
    or any language it declares. espeak_SetVoiceByName only knows file names."""
    voices = engine().voices
    for info in voices:
        if base == info.code:
            return info.identifier
    for info in voices:
        if base in (info.identifier.lower(), info.identifier.lower().rsplit("/", 1)[-1]):
            return info.identifier
    declared = [
        (p, i) for i, info in enumerate(voices) for p, code in info.languages if code == base
    ]
    return voices[min(declared)[1]].identifier if declared else None


def _public_name(identifier: str) -> str:
    return next(info.code for info in engine().voices if info.identifier == identifier)


def resolve_voice(voice: str, language: str) -> str:
    """The voice to use (as listed by `list_voices`): `voice` when espeak knows it, else the
    language's default voice."""
    base, _, variant = voice.strip().lower().replace("_", "-").partition("+")
    identifier = _identifier(base) if base else None
    if identifier is not None and (not variant or variant in engine().variants):
        name = _public_name(identifier)
        return f"{name}+{variant}" if variant else name
    return default_voice(language)


def _espeak_name(voice: str) -> str:
    base, _, variant = voice.partition("+")
    identifier = _identifier(base)
    if identifier is None:
        raise ProviderError(f"espeak-ng has no voice {voice!r}")
    return f"{identifier}+{variant}" if variant else identifier


def _with_whisper(voice: str) -> str:
    base, _, variant = voice.partition("+")
    return f"{base}+{'whisperf' if variant.startswith('f') else 'whisper'}"


def trim_silence(samples: np.ndarray, keep: float = MAX_EDGE_SILENCE) -> np.ndarray:
    """Cut leading and trailing silence down to `keep` seconds on each side."""
    if samples.size == 0:
        return samples
    magnitude = np.abs(samples.astype(np.int32))
    threshold = max(64, int(magnitude.max() * 0.02))
    loud = np.flatnonzero(magnitude > threshold)
    if loud.size == 0:
        return samples[:0]
    pad = round(keep * SAMPLE_RATE)
    return samples[max(0, loud[0] - pad) : min(samples.size, loud[-1] + 1 + pad)]


def synthesize_line(text: str, voice: str, params: Delivery) -> np.ndarray:
    """Speak `text` with a listed voice name; returns trimmed int16 samples at 22050 Hz."""
    if not text.strip():
        raise ProviderError("speech: the line has no text to speak")
    name = _espeak_name(voice)
    if params.whisper and engine().has_whisper:
        name = _with_whisper(name)
    samples = trim_silence(engine().synthesize(text, name, params))
    if samples.size == 0:
        raise ProviderError(f"speech: espeak-ng produced no audible sound for {text!r}")
    return samples


def write_wav(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    with atomic_path(path) as tmp, wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())


def speak_to_file(request: SpeechRequest) -> tuple[str, float]:
    """Synthesise the request's WAV atomically; returns (voice used, duration in seconds)."""
    if not request.text.strip():
        raise ProviderError(f"{request.out_path.name}: the line has no text to speak")
    voice = resolve_voice(request.voice, request.language)
    samples = synthesize_line(request.text, voice, delivery_for(request.emotion, request.delivery))
    write_wav(request.out_path, samples)
    return voice, samples.size / SAMPLE_RATE


class BuiltinSpeech:
    """Speech role, offline (espeak-ng)."""

    name = "builtin"

    def voices(self, language: str) -> list[str]:
        return list_voices(language)

    async def synthesize(self, request: SpeechRequest) -> MediaResult:
        started = utcnow()
        voice, duration = await run_blocking(speak_to_file, request)
        provenance = Provenance(
            provider=self.name,
            model=f"{MODEL}/{voice}",
            prompt=request.text,
            started_at=started,
            finished_at=utcnow(),
        )
        return MediaResult(path=request.out_path, provenance=provenance, duration=duration)
