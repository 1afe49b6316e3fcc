"""The idea splitter: free text (English or Spanish) + a target duration → scenes.

Deterministic and offline, for the builtin planner. What it does, in order:

1. Sentences (paragraph breaks are sentence breaks too) become beats. The scene count is
   `target / 6 s`, at least 3 and at most 40. More sentences than scenes: consecutive
   sentences share a scene. Fewer: long sentences are cut at clause boundaries, and if that
   is still too few, a beat is shown again as a further shot of the same moment
   ("Closer: ...", "Más cerca: ..."), so a one-line idea still fills its running time.
2. Each scene's place and time come from small bilingual keyword tables ("kitchen",
   "cocina", "playa", "noche"...); a scene that names none stays where the previous one was.
   INT/EXT comes with the place.
3. Characters are capitalised words that are not sentence starters, function words, places
   or times ("Maya", "Don Tomás"); a name counts in every scene whose text mentions it.
4. No dialogue is invented: an idea has none to keep.

Each scene lasts its share of the target (3-20 s, see `timing`).
"""

from __future__ import annotations

import re

from genstudio.models import IntExt, Scene, SceneHeading, ShotSize
from genstudio.screenplay.heading import fold, wordlist
from genstudio.screenplay.timing import (
    MAX_VISUAL_SECONDS,
    MIN_SCENE_SECONDS,
    plan_scene_timing,
)

SECONDS_PER_SCENE = 6.0
MIN_SCENES = 3
MAX_SCENES = 40

# keyword (folded, may be two words) -> (location as named in that language, INT/EXT)
_PLACES: dict[str, tuple[str, IntExt]] = {}
for _words, _name, _where in [
    ("kitchen", "KITCHEN", IntExt.INT),
    ("cocina", "COCINA", IntExt.INT),
    ("living room|lounge", "LIVING ROOM", IntExt.INT),
    ("salon|sala de estar", "SALÓN", IntExt.INT),
    ("bedroom", "BEDROOM", IntExt.INT),
    ("dormitorio|habitacion|cuarto", "DORMITORIO", IntExt.INT),
    ("bathroom", "BATHROOM", IntExt.INT),
    ("bano", "BAÑO", IntExt.INT),
    ("office", "OFFICE", IntExt.INT),
    ("oficina|despacho", "OFICINA", IntExt.INT),
    ("diner", "DINER", IntExt.INT),
    ("restaurant", "RESTAURANT", IntExt.INT),
    ("restaurante", "RESTAURANTE", IntExt.INT),
    ("cafe|coffee shop", "CAFÉ", IntExt.INT),
    ("cafeteria", "CAFETERÍA", IntExt.INT),
    ("bar|pub", "BAR", IntExt.INT),
    ("library", "LIBRARY", IntExt.INT),
    ("biblioteca", "BIBLIOTECA", IntExt.INT),
    ("school|classroom", "SCHOOL", IntExt.INT),
    ("escuela|colegio|aula", "ESCUELA", IntExt.INT),
    ("hospital", "HOSPITAL", IntExt.INT),
    ("church", "CHURCH", IntExt.INT),
    ("iglesia", "IGLESIA", IntExt.INT),
    ("lab|laboratory", "LABORATORY", IntExt.INT),
    ("laboratorio", "LABORATORIO", IntExt.INT),
    ("garage", "GARAGE", IntExt.INT),
    ("garaje", "GARAJE", IntExt.INT),
    ("warehouse", "WAREHOUSE", IntExt.INT),
    ("almacen|nave", "ALMACÉN", IntExt.INT),
    ("apartment|flat", "APARTMENT", IntExt.INT),
    ("apartamento|piso", "APARTAMENTO", IntExt.INT),
    ("house|home", "HOUSE", IntExt.INT),
    ("casa|hogar", "CASA", IntExt.INT),
    ("shop|store", "SHOP", IntExt.INT),
    ("tienda", "TIENDA", IntExt.INT),
    ("train", "TRAIN", IntExt.INT),
    ("tren", "TREN", IntExt.INT),
    ("car|taxi", "CAR", IntExt.INT),
    ("coche|auto|carro", "COCHE", IntExt.INT),
    ("spaceship|starship", "SPACESHIP", IntExt.INT),
    ("nave espacial", "NAVE ESPACIAL", IntExt.INT),
    ("theater|theatre|stage", "THEATER", IntExt.INT),
    ("teatro|escenario", "TEATRO", IntExt.INT),
    ("lighthouse", "LIGHTHOUSE", IntExt.INT),
    ("faro", "FARO", IntExt.INT),
    ("beach|shore", "BEACH", IntExt.EXT),
    ("playa|orilla", "PLAYA", IntExt.EXT),
    ("sea|ocean", "SEA", IntExt.EXT),
    ("mar|oceano", "MAR", IntExt.EXT),
    ("forest|woods", "FOREST", IntExt.EXT),
    ("bosque|selva", "BOSQUE", IntExt.EXT),
    ("street|road|avenue", "STREET", IntExt.EXT),
    ("calle|carretera|avenida", "CALLE", IntExt.EXT),
    ("alley", "ALLEY", IntExt.EXT),
    ("callejon", "CALLEJÓN", IntExt.EXT),
    ("park", "PARK", IntExt.EXT),
    ("parque", "PARQUE", IntExt.EXT),
    ("garden|yard", "GARDEN", IntExt.EXT),
    ("jardin|huerto", "JARDÍN", IntExt.EXT),
    ("rooftop|roof", "ROOFTOP", IntExt.EXT),
    ("azotea|tejado", "AZOTEA", IntExt.EXT),
    ("mountain|hill|cliff", "MOUNTAIN", IntExt.EXT),
    ("montana|colina|acantilado", "MONTAÑA", IntExt.EXT),
    ("river", "RIVER", IntExt.EXT),
    ("rio", "RÍO", IntExt.EXT),
    ("lake", "LAKE", IntExt.EXT),
    ("lago", "LAGO", IntExt.EXT),
    ("desert", "DESERT", IntExt.EXT),
    ("desierto", "DESIERTO", IntExt.EXT),
    ("field|meadow|farm", "FIELD", IntExt.EXT),
    ("campo|prado|granja", "CAMPO", IntExt.EXT),
    ("city|town|downtown", "CITY", IntExt.EXT),
    ("ciudad|pueblo", "CIUDAD", IntExt.EXT),
    ("village", "VILLAGE", IntExt.EXT),
    ("aldea", "ALDEA", IntExt.EXT),
    ("bridge", "BRIDGE", IntExt.EXT),
    ("puente", "PUENTE", IntExt.EXT),
    ("harbor|harbour|port|dock|pier", "HARBOR", IntExt.EXT),
    ("puerto|muelle", "PUERTO", IntExt.EXT),
    ("station|platform", "STATION", IntExt.EXT),
    ("estacion|anden", "ESTACIÓN", IntExt.EXT),
    ("market", "MARKET", IntExt.EXT),
    ("mercado", "MERCADO", IntExt.EXT),
    ("square|plaza", "PLAZA", IntExt.EXT),
    ("space|orbit", "SPACE", IntExt.EXT),
    ("espacio|orbita", "ESPACIO", IntExt.EXT),
    ("castle", "CASTLE", IntExt.EXT),
    ("castillo", "CASTILLO", IntExt.EXT),
    ("island", "ISLAND", IntExt.EXT),
    ("isla", "ISLA", IntExt.EXT),
    ("factory|workshop", "FACTORY", IntExt.INT),
    ("fabrica|taller", "FÁBRICA", IntExt.INT),
    ("bakery", "BAKERY", IntExt.INT),
    ("panaderia", "PANADERÍA", IntExt.INT),
    ("hotel|motel", "HOTEL", IntExt.INT),
    ("museum|gallery", "MUSEUM", IntExt.INT),
    ("museo|galeria", "MUSEO", IntExt.INT),
    ("prison|cell", "PRISON", IntExt.INT),
    ("carcel|prision|celda", "CÁRCEL", IntExt.INT),
    ("airport", "AIRPORT", IntExt.INT),
    ("aeropuerto", "AEROPUERTO", IntExt.INT),
    ("attic|basement|cellar", "BASEMENT", IntExt.INT),
    ("desvan|sotano", "SÓTANO", IntExt.INT),
    ("cave|tunnel", "CAVE", IntExt.INT),
    ("cueva|tunel", "CUEVA", IntExt.INT),
    ("boat|ship|deck", "BOAT", IntExt.EXT),
    ("barco|barca|cubierta", "BARCO", IntExt.EXT),
]:
    for _key in _words.split("|"):
        _PLACES[fold(_key).lower()] = (_name, _where)

# keyword -> (English, Spanish) time of day. "mañana" alone also means "tomorrow": only
# "por la mañana" / "de mañana" count.
_TIMES: dict[str, tuple[str, str]] = {}
for _words, _en, _es in [
    ("night|midnight|nightfall|noche|medianoche", "NIGHT", "NOCHE"),
    ("dawn|sunrise|daybreak|amanecer|alba|madrugada", "DAWN", "AMANECER"),
    ("morning|por la manana|de manana", "MORNING", "MAÑANA"),
    ("dusk|sunset|twilight|atardecer|anochecer|ocaso", "DUSK", "ATARDECER"),
    ("evening", "EVENING", "TARDE"),
    ("afternoon|noon|midday|mediodia|por la tarde", "DAY", "DÍA"),
    ("day|daylight|dia", "DAY", "DÍA"),
]:
    for _key in _words.split("|"):
        _TIMES[fold(_key).lower()] = (_en, _es)

_WEATHER = {
    "rain": ("RAIN", "LLUVIA"),
    "raining": ("RAIN", "LLUVIA"),
    "storm": ("STORM", "TORMENTA"),
    "snow": ("SNOW", "NIEVE"),
    "fog": ("FOG", "NIEBLA"),
    "lluvia": ("RAIN", "LLUVIA"),
    "llueve": ("RAIN", "LLUVIA"),
    "tormenta": ("STORM", "TORMENTA"),
    "nieve": ("SNOW", "NIEVE"),
    "niebla": ("FOG", "NIEBLA"),
}

_STOP = frozenset(
    fold(w).lower()
    for w in wordlist("""
    the a an and or but so then when while as if in on at by with without from to of for
    into onto after before during until since because though although suddenly later
    meanwhile finally soon next now once one two three every each all some someone
    everyone nobody nothing something he she it they we i you his her hers its their our
    my your this that these those there here where what who why how yes no not never
    el la los las un una unos unas y o pero entonces cuando mientras si en sobre con sin
    de del al para por hacia desde hasta tras antes despues luego de repente finalmente
    pronto ahora cada todo todos todas alguien nadie nada algo el ella ellos ellas
    nosotros yo tu usted su sus mi mis este esta estos estas ese esa aqui alli donde que
    quien como porque aunque hay es era fue no nunca ya tambien
    together perhaps maybe again still even only just also instead inside outside above
    below far near back away up down out over under everything anything today tonight
    tomorrow yesterday years months days hours hello hi dear mr mrs ms dr sir
    juntos juntas quizas otra otro vez hoy manana ayer anoche dentro fuera arriba abajo
    lejos cerca anos meses dias horas hola don dona senor senora
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december christmas
    """)
)
_SENTENCE = re.compile(r"(?<=[.!?…])[\"”»)]*\s+|\n\s*\n")
# Clause breaks that are safe to cut at (never an appositive comma: "Maya, a girl, waves").
_CLAUSE = re.compile(
    r";\s+|:\s+|,\s+(?=(?:and|then|but|while|y|pero|mientras|luego|entonces)\b)|"
    r"\s+(?=(?:and then|y luego|y entonces)\b)",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b([A-ZÁÉÍÓÚÑÜ][a-záéíóúñü'’-]+(?:\s+[A-ZÁÉÍÓÚÑÜ][a-záéíóúñü'’-]+)?)")
_SPANISH_HINTS = frozenset(
    wordlist("el la los las de del que y en un una con por para es su al lo como pero sus")
)
_ENGLISH_HINTS = frozenset(
    wordlist("the of and to in is that it with for as his her on at by from they")
)
_REPEAT_PREFIX = {
    "en": ("Closer: ", "A detail: ", "A reaction: ", "Wider: "),
    "es": ("Más cerca: ", "Un detalle: ", "Una reacción: ", "Más amplio: "),
}
# What each further shot of a beat is, for the planner's camera (same order as above).
REPEAT_SHOTS = (ShotSize.CLOSE_UP, ShotSize.EXTREME_CLOSE_UP, ShotSize.CLOSE_UP, ShotSize.WIDE)


def repeat_shot(beat: str) -> ShotSize | None:
    """The shot size a "Closer: ..." beat asks for, or None for an ordinary beat."""
    for prefixes in _REPEAT_PREFIX.values():
        for prefix, shot in zip(prefixes, REPEAT_SHOTS, strict=True):
            if beat.startswith(prefix):
                return shot
    return None


def detect_language(text: str) -> str:
    """ "es" or "en", from function words (ties go to English)."""
    words = re.findall(r"[a-záéíóúñü]+", text.lower())
    spanish = sum(w in _SPANISH_HINTS for w in words)
    english = sum(w in _ENGLISH_HINTS for w in words)
    return "es" if spanish > english else "en"


def scene_count(target_duration: float) -> int:
    return max(MIN_SCENES, min(MAX_SCENES, round(target_duration / SECONDS_PER_SCENE)))


def _sentences(idea: str) -> list[str]:
    parts = (" ".join(p.split()) for p in _SENTENCE.split(idea.strip()))
    return [p for p in parts if p]


def _clauses(sentence: str) -> list[str]:
    """The sentence cut at clause breaks; a piece under 3 words joins the one before it."""
    parts: list[str] = []
    for piece in (p.strip() for p in _CLAUSE.split(sentence)):
        if not piece:
            continue
        if parts and (len(piece.split()) < 3 or len(parts[-1].split()) < 3):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return parts or [sentence]


def _units(sentences: list[str], count: int, language: str) -> list[list[str]]:
    """`count` groups of beats, in story order."""
    if len(sentences) < count:  # cut sentences at clause boundaries first
        sentences = [c for s in sentences for c in _clauses(s)]
    n = len(sentences)
    if n >= count:
        groups: list[list[str]] = [[] for _ in range(count)]
        for index, sentence in enumerate(sentences):
            groups[index * count // n].append(sentence)
        return groups
    groups = []
    for index in range(count):  # show each beat again as further shots of the moment
        source = index * n // count
        repeat = index - (-(-source * count // n))  # scenes since this beat's first one
        beat = sentences[source]
        if repeat > 0:
            prefixes = _REPEAT_PREFIX[language]
            beat = prefixes[(repeat - 1) % len(prefixes)] + beat
        groups.append([beat])
    return groups


def _find(table: dict[str, tuple[str, ...]], text: str) -> tuple[str, ...] | None:
    """The table entry whose keyword appears first in `text` (two-word keywords count)."""
    folded = " " + " ".join(re.findall(r"\w+", fold(text).lower())) + " "
    best: tuple[int, tuple[str, ...]] | None = None
    for key, value in table.items():
        at = folded.find(f" {key} ")
        if at >= 0 and (best is None or at < best[0]):
            best = (at, value)
    return best[1] if best else None


def find_names(text: str) -> list[str]:
    """Capitalised names in order of first appearance (not sentence starters or places)."""
    lowered = {w for w in re.findall(r"\b\w+\b", text) if w[:1].islower()}
    names: list[str] = []
    for match in _NAME.finditer(text):
        words = [w for w in match.group(1).split() if fold(w).lower() not in _STOP]
        words = [w for w in words if w.lower() not in lowered and fold(w).lower() not in _PLACES]
        words = [w for w in words if fold(w).lower() not in _TIMES]
        name = " ".join(words)
        if name and name not in names and not any(name in n.split() for n in names):
            names.append(name)
    return names


def split_idea(
    idea: str,
    target_duration: float,
    *,
    language: str | None = None,
) -> list[Scene]:
    """Scenes 1..N for `idea`; `language` ("en"/"es") decides headings' words, else detected."""
    sentences = _sentences(idea)
    if not sentences:
        return []
    lang = (language or detect_language(idea))[:2]
    lang = lang if lang in _REPEAT_PREFIX else detect_language(idea)
    count = scene_count(target_duration)
    groups = _units(sentences, count, lang)
    names = find_names(idea)
    fallback_place = _find(_PLACES, idea) or (
        ("PAISAJE", IntExt.EXT) if lang == "es" else ("LANDSCAPE", IntExt.EXT)
    )
    place: tuple[str, ...] = fallback_place
    when_index = 1 if lang == "es" else 0
    when = "DÍA" if lang == "es" else "DAY"
    weather = ""
    share = min(MAX_VISUAL_SECONDS, max(MIN_SCENE_SECONDS, target_duration / len(groups)))
    scenes: list[Scene] = []
    for number, beats in enumerate(groups, start=1):
        text = " ".join(beats)
        new_place = _find(_PLACES, text)
        if new_place and new_place != place:
            place, weather = new_place, ""  # the rain stays behind when the story moves on
        found_time = _find(_TIMES, text)
        when = found_time[when_index] if found_time else when
        found_weather = _find(_WEATHER, text)
        weather = found_weather[when_index] if found_weather else weather
        present = [n for n in names if re.search(rf"\b{re.escape(n)}\b", text)]
        scene = Scene(
            number=number,
            heading=SceneHeading(
                int_ext=place[1], location=place[0], time_of_day=when, weather=weather
            ),
            characters=present,
            beats=beats,
        )
        scenes.append(plan_scene_timing(scene, lang, visual_seconds=share))
    return scenes
