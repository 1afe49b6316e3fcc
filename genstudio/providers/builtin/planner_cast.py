"""Characters for the builtin planner: a description and a distinct espeak-ng voice each.

Voice names are espeak-ng's: a language voice from the bundled data's `lang/` folder plus a
variant from `voices/!v` after "+", e.g. "en-us+m3", "en-gb-x-rp+f2", "es-419+m1". The
language voice changes accent and rhythm, the variant changes pitch and timbre, so walking
both lists gives every character a voice of their own (42 male and 30 female English
combinations, 14 and 10 Spanish ones) before any repeats. Gender comes from a small table of
given names and role words, then from pronouns near the name in the action ("his", "ella"),
then from Spanish -a/-o endings; unknown characters alternate so a cast is never one-note.
Only names that exist in the installed espeak-ng data are used (checked once).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

from genstudio.models import Character, Scene
from genstudio.screenplay.heading import fold, wordlist

LANGUAGE_VOICES: dict[str, tuple[str, ...]] = {
    # not plain "en": the speech provider resolves it to en-gb, a second name for one voice
    "en": ("en-us", "en-gb-x-rp", "en-us-nyc", "en-gb-scotland", "en-029"),
    "es": ("es", "es-419"),
}
# m8 is left out: the builtin speech (speech.VARIANTS) does not offer it.
MALE_VARIANTS = ("m3", "m1", "m7", "m2", "m4", "m5", "m6")
FEMALE_VARIANTS = ("f2", "f1", "f3", "f4", "f5")

_FEMALE = frozenset(
    wordlist("""
    mary maria ana anna sandra eve josephine jenny mara lucia rosa elena sofia laura carmen
    isabel sarah sara emma olivia ava mia grace alice jane kate julia clara marta paula nora
    ruth helen linda susan lisa amy maya zoe lily chloe ella mildred ruthie ines irene alba
    beatriz pilar lola dolores teresa eva luisa
    mother mom mum ma grandma granny aunt sister daughter wife girl woman lady queen bride
    waitress mrs miss ms madam abuela madre mama tia hermana hija esposa nina mujer senora
    reina novia
    """)
)
_MALE = frozenset(
    wordlist("""
    john james adam edward will william brick dan jack teo mateo juan pedro carlos luis jorge
    pablo miguel antonio jose manuel david daniel michael tom peter paul mark luke leo hugo
    amos karl steel norther beamen don zacky wilbur ping jing marco diego andres javier
    father dad pa grandpa uncle brother son husband boy man king groom sir mr
    abuelo padre papa tio hermano hijo esposo nino hombre senor rey novio
    """)
)
_HE = frozenset(wordlist("he him his himself el"))
_SHE = frozenset(wordlist("she her hers herself ella"))


@functools.cache
def _installed() -> tuple[frozenset[str], frozenset[str]] | None:
    """(language voice names, variant names) in the bundled espeak-ng data, lower case."""
    try:
        import espeakng_loader

        root = Path(espeakng_loader.get_data_path())
    except Exception:  # no espeak data: keep the static lists, speech will report it
        return None
    languages = frozenset(p.name.lower() for p in (root / "lang").rglob("*") if p.is_file())
    variants = frozenset(p.name.lower() for p in (root / "voices" / "!v").glob("*"))
    return (languages, variants) if languages else None


def voice_pool(language: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(language voices, male variants, female variants) usable for `language`."""
    code = language.lower()
    bases = LANGUAGE_VOICES.get(code[:2], (code,))
    males, females = MALE_VARIANTS, FEMALE_VARIANTS
    installed = _installed()
    if installed is not None:
        languages, variants = installed
        bases = tuple(b for b in bases if b in languages) or (
            LANGUAGE_VOICES["en"][:1] if "en-us" in languages else tuple(sorted(languages))[:1]
        )
        males = tuple(v for v in males if v in variants) or males[:1]
        females = tuple(v for v in females if v in variants) or females[:1]
    return bases, males, females


def guess_gender(name: str, scenes: Iterable[Scene], language: str) -> str:
    """ "m", "f" or "" (unknown)."""
    words = [w for w in re.findall(r"\w+", fold(name).lower()) if w not in {"young", "old"}]
    for word in words:
        if word in _FEMALE:
            return "f"
        if word in _MALE:
            return "m"
    he = she = 0
    pattern = re.compile(rf"\b{re.escape(fold(name).lower())}\b(.{{0,80}})")
    for scene in scenes:
        for beat in scene.beats:
            for match in pattern.finditer(fold(beat).lower()):
                following = re.findall(r"\w+", match.group(1))
                he += sum(w in _HE for w in following)
                she += sum(w in _SHE for w in following)
    if he != she:
        return "m" if he > she else "f"
    if language.startswith("es") and len(words) == 1 and len(words[0]) > 2:
        return {"a": "f", "o": "m"}.get(words[0][-1], "")
    return ""


def assign_voices(
    names: list[str], genders: dict[str, str], language: str, taken: Iterable[str] = ()
) -> dict[str, str]:
    """A distinct voice per name, in order, for `language`, avoiding `taken` voices."""
    bases, males, females = voice_pool(language)
    used = set(taken)
    counts = {"m": 0, "f": 0}
    voices: dict[str, str] = {}
    for name in names:
        gender = genders.get(name) or ("m" if counts["m"] <= counts["f"] else "f")
        variants = males if gender == "m" else females
        combinations = len(bases) * len(variants)
        for _ in range(combinations):  # past that many characters, voices repeat
            index = counts[gender]
            counts[gender] += 1
            voice = f"{bases[index % len(bases)]}+{variants[index % len(variants)]}"
            if voice not in used:
                break
        used.add(voice)
        voices[name] = voice
    return voices


def _sentence_with(name: str, scenes: Iterable[Scene]) -> str:
    pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    for scene in scenes:
        for beat in scene.beats:
            flat = " ".join(beat.split())
            for sentence in re.split(r"(?<=[.!?])\s+", flat):
                if pattern.search(sentence):
                    return (
                        sentence if len(sentence) <= 220 else sentence[:217].rsplit(" ", 1)[0] + "…"
                    )
    return ""


def describe(name: str, scenes: list[Scene], language: str) -> str:
    """The first sentence of action that mentions the character, else a plain summary."""
    found = _sentence_with(name, scenes)
    if found:
        return found
    spoken = sum(1 for s in scenes for line in s.dialogue if line.character == name)
    seen = sum(1 for s in scenes if name in s.characters)
    if language.startswith("es"):
        if spoken:
            return f"{name}: {spoken} réplicas en {seen} escenas."
        return f"{name}: aparece en {seen} escenas."
    if spoken:
        return f"{name}: {spoken} lines in {seen} scenes."
    return f"{name}: appears in {seen} scenes."


def cast(scenes: list[Scene], language: str, known: list[Character]) -> list[Character]:
    """Every character in `scenes` (order of appearance), then any extra `known` ones.

    What the user or an earlier step already set on a known character (voice, description,
    reference image) is kept; only the blanks are filled.
    """
    names: list[str] = []
    for scene in scenes:
        for name in [*scene.characters, *(line.character for line in scene.dialogue)]:
            if name not in names:
                names.append(name)
    by_name = {c.name: c for c in known}
    names += [c.name for c in known if c.name not in names]
    genders = {n: guess_gender(n, scenes, language) for n in names}
    kept = [c.voice for c in known if c.voice]
    voices = assign_voices(
        [n for n in names if not (n in by_name and by_name[n].voice)], genders, language, kept
    )
    people: list[Character] = []
    for name in names:
        old = by_name.get(name)
        people.append(
            Character(
                name=name,
                description=(old.description if old and old.description else "")
                or describe(name, scenes, language),
                voice=(old.voice if old and old.voice else "") or voices.get(name, ""),
                reference_image=old.reference_image if old else None,
            )
        )
    return people
