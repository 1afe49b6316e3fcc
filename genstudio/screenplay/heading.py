"""Scene headings (slug lines): INT/EXT, location, time of day, weather; continuity markers.

Shared by the Fountain parser, the idea splitter and the builtin planner, in English and
Spanish. Matching ignores case and accents ("DÍA" == "DIA"), but what we keep is the text as
the writer wrote it.
"""

from __future__ import annotations

import re
import unicodedata

from genstudio.models import IntExt, SceneHeading

# INT, EXT, EST, INT./EXT, INT/EXT, I/E (and I./E.), then a dot or a space (Fountain 1.1).
# EXT./INT. is not in the spec's list but is common in real scripts ("Big Fish" has it).
HEADING_PREFIX = re.compile(
    r"^(INT\.?/EXT|EXT\.?/INT|I\.?/E|E\.?/I|INT|EXT|EST)(\.|\s)", re.IGNORECASE
)


def wordlist(text: str) -> tuple[str, ...]:
    """A vocabulary table written as one string of space-separated words."""
    return tuple(text.split())


# First words of the part of a slug line that says *when* (after the location).
TIME_WORDS = frozenset(
    wordlist("""
    DAY DAYTIME NIGHT NIGHTTIME MORNING AFTERNOON EVENING DUSK DAWN SUNSET SUNRISE NOON
    MIDNIGHT TWILIGHT LATER CONTINUOUS CONTINUED SAME MOMENTS MAGIC EARLY LATE PRE-DAWN
    FLASHBACK SIMULTANEOUS
    DIA NOCHE MANANA TARDE AMANECER ATARDECER ANOCHECER MEDIODIA MEDIANOCHE MADRUGADA
    CONTINUO CONTINUA CONTINUACION MAS MOMENTOS MISMO MISMA ALBA OCASO
    """)
)

WEATHER_WORDS = frozenset(
    wordlist("""
    RAIN RAINING RAINY STORM STORMY SNOW SNOWING SNOWY FOG FOGGY MIST MISTY WIND WINDY HAIL
    LLUVIA LLUVIOSO LLOVIENDO TORMENTA NIEVE NEVANDO NIEBLA BRUMA VIENTO GRANIZO
    """)
)

# A scene that picks up the instant the previous one ends. "LATER" alone is a time jump.
_CONTINUITY = re.compile(
    r"\b(CONTINUOUS|CONTINUED|CONTINUO|CONTINUA|CONTINUACION|SAME|SAME TIME|MOMENTS LATER|"
    r"MOMENTOS DESPUES|MOMENTOS MAS TARDE|MISMO MOMENTO|EN ESE MOMENTO)\b"
)

_DASH_SPLIT = re.compile(r"\s+[-–—]+\s*|\s*[-–—]+\s+")


def fold(text: str) -> str:
    """Upper case without accents: the form keyword tables are matched in."""
    decomposed = unicodedata.normalize("NFKD", text.upper())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_heading_line(text: str) -> bool:
    return bool(HEADING_PREFIX.match(text.strip()))


def _int_ext(prefix: str) -> IntExt:
    key = prefix.upper().replace(".", "")
    if "/" in key:
        return IntExt.INT_EXT
    return IntExt.INT if key == "INT" else IntExt.EXT  # EST(ablishing) shots are exteriors


def _words(segment: str) -> list[str]:
    return [w.strip("[]().,:;") for w in fold(segment).split() if w.strip("[]().,:;")]


def _first_word(segment: str) -> str:
    words = _words(segment)
    return words[0] if words else ""


def _says_when(segment: str) -> bool:
    """ "NIGHT", "MOMENTS LATER", "(PRESENT) DAY", "ANOTHER DAY", "[THE NEXT] MORNING"."""
    words = _words(segment)
    return bool(words) and (words[0] in TIME_WORDS or words[-1] in TIME_WORDS)


def parse_heading(text: str) -> SceneHeading:
    """Split a slug line like "INT. DINER - KITCHEN - NIGHT - RAIN" into its parts.

    The location is everything before the first time-of-day word ("DINER - KITCHEN");
    a line with no time word is all location. `raw` keeps the line as written.
    """
    raw = text.strip()
    match = HEADING_PREFIX.match(raw)
    if match:
        int_ext = _int_ext(match.group(1))
        rest = raw[match.end() :]
    else:  # a forced heading (".SNIPER SCOPE POV") names a place or shot, with no INT/EXT
        int_ext = IntExt.NONE
        rest = raw
    rest = " ".join(rest.split()).strip(" .-–—")
    segments = [s for s in _DASH_SPLIT.split(rest) if s.strip(" .")]
    if len(segments) == 1:
        words = segments[0].split()
        if len(words) > 1 and _says_when(words[-1]):  # "INT HOUSE DAY"
            segments = [" ".join(words[:-1]), words[-1]]
    split_at = next(
        (i for i, seg in enumerate(segments) if i > 0 and _says_when(seg)),
        len(segments),
    )
    location = " - ".join(segments[:split_at])
    when = segments[split_at:]
    weather = [s for s in when if _first_word(s) in WEATHER_WORDS]
    time_parts = [s for s in when if s not in weather]
    return SceneHeading(
        int_ext=int_ext,
        location=location,
        time_of_day=" - ".join(time_parts),
        weather=" - ".join(weather),
        raw=raw,
    )


def is_continuity_marker(time_of_day: str) -> bool:
    """True when the heading says the scene picks up where the previous one ended."""
    return bool(_CONTINUITY.search(fold(time_of_day)))


def plain_time_of_day(time_of_day: str) -> str:
    """The time of day with continuity markers and bracketed notes dropped ("" if none).

    "NIGHT [CONTINUOUS]" -> "NIGHT"; "CONTINUOUS" -> ""; "DAY (1973)" -> "DAY".
    """
    text = re.sub(r"[\[(][^\])]*[\])]", " ", time_of_day)
    parts = [p.strip() for p in re.split(r"[-–—/]", text)]
    kept = [p for p in parts if p and not is_continuity_marker(p) and fold(p) != "LATER"]
    return " ".join(" ".join(kept).split())
