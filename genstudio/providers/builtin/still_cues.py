"""What a prompt says about the picture: light, place, weather and how many people.

Word lists cover English and Spanish, the two languages of the bundled corpus and demo.
Scene headings ("EXT. BEACH - NIGHT") are read like any other words, except that their
capitalised location is not mistaken for a character's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NIGHT = {"night", "midnight", "nighttime", "moonlight", "moonlit", "starry", "noche",
          "medianoche", "nocturno", "nocturna"}  # fmt: skip
_DUSK = {"dusk", "sunset", "evening", "twilight", "atardecer", "anochecer", "tarde", "golden"}
_DAWN = {"dawn", "sunrise", "morning", "daybreak", "amanecer", "madrugada", "mañana"}

_INTERIOR = {"interior", "inside", "indoors", "kitchen", "room", "bedroom", "office", "hallway",
             "corridor", "bathroom", "apartment", "bar", "restaurant", "diner", "cafe", "café",
             "classroom", "hospital", "lobby", "basement", "attic", "library", "study", "pub",
             "cocina", "habitación", "habitacion", "oficina", "salón", "salon", "pasillo",
             "dormitorio", "baño", "dentro", "restaurante", "cantina"}  # fmt: skip
_ROOMS = {
    "kitchen": {"kitchen", "cocina"},
    "office": {"office", "oficina", "study", "desk", "library", "classroom", "escritorio"},
    "bedroom": {"bedroom", "bed", "dormitorio", "cama", "habitación", "habitacion", "hospital"},
    "bar": {"bar", "restaurant", "diner", "cafe", "café", "pub", "cantina", "restaurante"},
}
_WATER = {"sea", "ocean", "beach", "playa", "mar", "lake", "river", "lago", "río", "rio",
          "harbor", "harbour", "port", "pier", "bay", "shore", "coast", "waves", "puerto",
          "costa", "pond", "swamp", "orilla"}  # fmt: skip
_CITY = {"city", "street", "downtown", "town", "buildings", "skyline", "ciudad", "calle",
         "avenue", "avenida", "blvd", "boulevard", "alley", "plaza", "square", "rooftop",
         "urban", "edificios", "callejón"}  # fmt: skip
_TREES = {"forest", "woods", "trees", "tree", "park", "garden", "jungle", "bosque", "jardín",
          "jardin", "parque", "orchard", "backyard", "yard", "cemetery", "swamp",
          "árboles"}  # fmt: skip
_HILLS = {"hill", "hills", "mountain", "mountains", "valley", "desert", "field", "fields",
          "farm", "countryside", "meadow", "montaña", "montañas", "colina", "campo",
          "desierto", "valle"}  # fmt: skip
_ROAD = {"road", "highway", "street", "calle", "carretera", "camino", "route", "parking"}
_HOUSE = {"house", "home", "porch", "farmhouse", "cabin", "casa", "trailer", "barn", "church",
          "cabaña", "iglesia"}  # fmt: skip
_RAIN = {"rain", "raining", "rainy", "storm", "stormy", "downpour", "drizzle", "lluvia",
         "llueve", "tormenta"}  # fmt: skip
_SNOW = {"snow", "snowing", "snowy", "blizzard", "nieve", "nevando"}
_FOG = {"fog", "foggy", "mist", "misty", "haze", "hazy", "niebla", "bruma", "smoke"}

_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "couple": 2,
            "pair": 2, "both": 2, "family": 4, "crowd": 6, "group": 5, "people": 3,
            "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "pareja": 2, "familia": 4,
            "multitud": 6, "grupo": 5, "gente": 3}  # fmt: skip
_PEOPLE = {"man", "woman", "boy", "girl", "child", "kid", "person", "figure", "he", "she",
           "stranger", "soldier", "doctor", "hombre", "mujer", "niño", "niña", "él",
           "ella", "chico", "chica"}  # fmt: skip
_NOBODY = {"empty", "deserted", "nobody", "abandoned", "vacío", "vacía", "desierta", "nadie"}
_ALONE = {"alone", "lone", "solitary", "solo", "sola"}
# capitalised words that are not names: heading parts and screenplay shorthand
_NOT_NAMES = {"INT", "EXT", "EST", "DAY", "NIGHT", "DUSK", "DAWN", "MORNING", "EVENING",
              "CONTINUOUS", "LATER", "MOMENT", "SAME", "POV", "CLOSE", "WIDE", "SHOT",
              "ANGLE", "CU", "ECU", "MS", "WS", "OS", "VO", "CONT", "THE", "AND", "OF",
              "DIA", "DÍA", "NOCHE", "TARDE", "CUT", "FADE", "TO", "IN", "OUT", "A",
              "I"}  # fmt: skip
_HEADING = re.compile(
    r"^\s*(?:INT\.?\s*/\s*EXT|I/E|INT|EXT|EST)[.\s]+[^\n]*?(?:\s+[-–—]\s+[^.\n]*)?(?=\.\s|\n|$)"
)


@dataclass(frozen=True)
class SceneCues:
    time_of_day: str  # "day" | "dawn" | "dusk" | "night"
    interior: bool
    room: str  # "kitchen" | "office" | "bedroom" | "bar" | "room" ("" outdoors)
    water: bool
    city: bool
    trees: bool
    hills: bool
    road: bool
    house: bool
    rain: bool
    snow: bool
    fog: bool
    figures: int


def _words(text: str) -> list[str]:
    return re.findall(r"[a-záéíóúñü]+", text.lower())


def _time_of_day(words: set[str]) -> str:
    if words & _NIGHT:
        return "night"
    if words & _DUSK:
        return "dusk"
    if words & _DAWN:
        return "dawn"
    return "day"


def count_figures(prompt: str) -> int:
    """How many people to draw: names in capitals first (screenplay style), then words."""
    body = _HEADING.sub("", prompt, count=1)
    words = _words(body)
    bag = set(words)
    if bag & _NOBODY and not bag & _PEOPLE:
        return 0
    names = {
        w
        for w in re.findall(r"\b[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ'’]+\b", body)
        if w.strip("'’") not in _NOT_NAMES
    }
    if names:
        return min(6, len(names))
    if bag & _ALONE:
        return 1
    counted = [_NUMBERS[w] for w in words if w in _NUMBERS]
    if counted:
        return min(6, max(counted))
    # "Maria and Juan": two capitalised words joined by and/y
    if re.search(r"\b[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+ (?:and|y) [A-ZÁÉÍÓÚÑ][a-záéíóúñ]+\b", body):
        return 2
    people = len(bag & _PEOPLE)
    if "they" in bag or "ellos" in bag:
        people = max(people, 2)
    return min(6, people)


def read_cues(prompt: str) -> SceneCues:
    words = _words(prompt)
    bag = set(words)
    # an explicit heading decides; otherwise room words make it an interior
    if "ext" in bag or "exterior" in bag:
        interior = False
    elif "int" in bag:
        interior = True
    else:
        interior = bool(bag & _INTERIOR)
    room = ""
    if interior:
        room = next((name for name, keys in _ROOMS.items() if bag & keys), "room")
    return SceneCues(
        time_of_day=_time_of_day(bag),
        interior=interior,
        room=room,
        water=bool(bag & _WATER),
        city=bool(bag & _CITY),
        trees=bool(bag & _TREES),
        hills=bool(bag & _HILLS),
        road=bool(bag & _ROAD),
        house=bool(bag & _HOUSE),
        rain=bool(bag & _RAIN),
        snow=bool(bag & _SNOW),
        fog=bool(bag & _FOG),
        figures=count_figures(prompt),
    )
