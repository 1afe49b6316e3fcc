"""Looks for the builtin planner: the visual bible from the genre and the text.

Each genre has a fixed look (style, a five-colour palette, camera style, tone, lighting,
references); the project's genre picks it, else the genre its text talks most about. The
places in the text tint the palette's accent and the share of night scenes sets the lighting.
Nothing here says a time of day in words, because the style and lighting go into every
scene's prompt, day scenes included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from genstudio.models import Scene, VisualBible
from genstudio.screenplay.heading import fold, plain_time_of_day


@dataclass(frozen=True)
class Look:
    keywords: tuple[str, ...]  # folded, lower case; genre names in both languages first
    style: str
    palette: tuple[str, ...]
    camera: str
    tone: str
    lighting: str
    references: tuple[str, ...]


LOOKS: dict[str, Look] = {
    "noir": Look(
        ("noir", "detective", "crime", "crimen", "gangster", "murder", "asesinato", "cigarette"),
        "high-contrast film noir, 35mm grain, hard shadows",
        ("#0b1a2e", "#1f3b5c", "#4a6fa5", "#c9a227", "#e8e6e3"),
        "locked-off frames, slow push-ins, low angles",
        "brooding, fatalistic",
        "low-key light, venetian-blind shadows, lone practical lamps",
        ("1940s film noir", "rain-slick streets"),
    ),
    "comedy": Look(
        ("comedy", "comedia", "funny", "gracioso", "joke", "broma", "hilarious", "absurd"),
        "bright, clean comedy look, saturated warm colours",
        ("#f4a259", "#f7d08a", "#e76f51", "#2a9d8f", "#fdf6e3"),
        "steady wide two-shots, quick pans for reveals",
        "warm, playful",
        "high-key soft light",
        ("ensemble comedy framing", "sunlit sitcom sets"),
    ),
    "horror": Look(
        ("horror", "terror", "ghost", "fantasma", "blood", "sangre", "monster", "monstruo"),
        "desaturated horror, deep blacks, sickly highlights",
        ("#0d0d0d", "#3b0a0a", "#7a1c1c", "#5c6b73", "#d9d9d9"),
        "slow creeping push-ins, off-centre frames, long holds",
        "dread, unease",
        "single hard sources, darkness at frame edges",
        ("practical-light horror", "fog and candlelight"),
    ),
    "scifi": Look(
        (
            "sci-fi",
            "science fiction",
            "ciencia ficcion",
            "robot",
            "spaceship",
            "planet",
            "planeta",
            "alien",
            "android",
            "future",
            "futuro",
        ),
        "clean science-fiction look, cool neon accents",
        ("#0a0f24", "#1b3a6b", "#00b3c7", "#7b2cbf", "#e0fbfc"),
        "symmetrical frames, smooth dolly moves",
        "wonder tinged with isolation",
        "cool key light, cyan and violet practicals",
        ("retro-futurist production design", "neon-lit interiors"),
    ),
    "fantasy": Look(
        (
            "fantasy",
            "fantasia",
            "dragon",
            "magic",
            "magia",
            "wizard",
            "mago",
            "castle",
            "castillo",
            "witch",
            "bruja",
            "fairy",
            "hada",
        ),
        "painterly fantasy, rich textures, soft glow",
        ("#2d1e2f", "#5b8e7d", "#f4e285", "#bc4b51", "#8cb369"),
        "sweeping wides, slow tilts up to reveal scale",
        "enchanted, adventurous",
        "warm shafts of light, glowing sources",
        ("storybook illustration", "misty landscapes"),
    ),
    "romance": Look(
        (
            "romance",
            "romantic",
            "romantica",
            "romantico",
            "love",
            "amor",
            "kiss",
            "beso",
            "wedding",
            "boda",
        ),
        "soft romantic look, shallow focus, gentle bloom",
        ("#6d2e46", "#a26769", "#d5b9b2", "#ece2d0", "#cebebe"),
        "close two-shots, slow push-ins",
        "tender, longing",
        "warm backlight, soft glow",
        ("intimate romantic drama", "candlelit interiors"),
    ),
    "thriller": Look(
        (
            "thriller",
            "suspense",
            "chase",
            "persecucion",
            "spy",
            "espia",
            "bomb",
            "bomba",
            "conspiracy",
            "conspiracion",
        ),
        "tense thriller look, cold steel tones",
        ("#101820", "#2b4162", "#385f71", "#d7b377", "#8f754f"),
        "tight frames, nervous pans, long lenses",
        "tense, paranoid",
        "cool top light, hard contrast",
        ("paranoid 1970s thriller", "surveillance framing"),
    ),
    "western": Look(
        ("western", "cowboy", "vaquero", "saloon", "sheriff", "frontier"),
        "dusty western, sun-bleached film stock",
        ("#5a3e2b", "#a0522d", "#d2a679", "#f3e0c0", "#6b8e9e"),
        "wide vistas, slow pans across the horizon",
        "stoic, lonesome",
        "hard sun, long shadows",
        ("classic western vistas", "adobe and timber"),
    ),
    "family": Look(
        (
            "family",
            "familia",
            "animation",
            "animacion",
            "kids",
            "children",
            "ninos",
            "cat",
            "gato",
            "dog",
            "perro",
        ),
        "bright storybook look, rounded shapes, friendly colours",
        ("#ffb703", "#fb8500", "#8ecae6", "#219ebc", "#fefae0"),
        "eye-level frames at a child's height, gentle moves",
        "warm, curious",
        "soft even light",
        ("picture-book illustration",),
    ),
    "mystery": Look(
        (
            "mystery",
            "misterio",
            "secret",
            "secreto",
            "clue",
            "pista",
            "disappear",
            "desaparece",
            "lighthouse",
            "faro",
        ),
        "moody mystery look, muted teal and amber",
        ("#1d2d44", "#3e5c76", "#748cab", "#f0ebd8", "#c08552"),
        "slow push-ins on details, patient wides",
        "quiet, searching",
        "cool ambient light with warm practical lamps",
        ("coastal mystery", "lamplit interiors"),
    ),
    "drama": Look(
        (
            "drama",
            "grief",
            "duelo",
            "illness",
            "enfermedad",
            "divorce",
            "divorcio",
            "memory",
            "recuerdo",
            "father",
            "padre",
            "mother",
            "madre",
        ),
        "naturalistic drama, soft contrast, filmic grain",
        ("#3d405b", "#81b29a", "#f2cc8f", "#e07a5f", "#f4f1de"),
        "observational framing, slow push-ins on faces",
        "intimate, bittersweet",
        "motivated natural light",
        ("naturalistic character drama",),
    ),
}
DEFAULT_LOOK = LOOKS["drama"]

# Places that tint the palette's last colour, so two dramas by the sea and in the desert differ.
_SETTING_ACCENTS = (
    (
        ("sea", "ocean", "beach", "playa", "mar", "harbor", "puerto", "lighthouse", "faro"),
        "#3a7ca5",
    ),
    (("forest", "woods", "bosque", "jungle", "selva"), "#2f5d3a"),
    (("desert", "desierto", "sand", "arena"), "#d9a441"),
    (("snow", "nieve", "ice", "hielo", "winter", "invierno"), "#e8f1f5"),
    (("city", "ciudad", "street", "calle", "neon"), "#8d99ae"),
)
_NIGHT = ("NIGHT", "NOCHE", "DUSK", "ATARDECER", "ANOCHECER", "MIDNIGHT", "MEDIANOCHE", "EVENING")


def _hits(text: str, words: tuple[str, ...]) -> int:
    return sum(len(re.findall(rf"\b{re.escape(w)}\b", text)) for w in words)


def choose_look(genre: str, text: str) -> Look:
    """The project's genre if we know it, else the genre its text talks most about."""
    wanted = " ".join(re.findall(r"[\w-]+", fold(genre).lower()))
    for look in LOOKS.values():
        if wanted and _hits(wanted, look.keywords):
            return look
    folded = fold(text[:50_000]).lower()
    best = max(LOOKS.values(), key=lambda look: _hits(folded, look.keywords[1:]))
    return best if _hits(folded, best.keywords[1:]) else DEFAULT_LOOK


def effective_times(scenes: list[Scene]) -> list[str]:
    """Each scene's time of day, a "CONTINUOUS" scene inheriting the one before it."""
    times: list[str] = []
    current = ""
    for scene in scenes:
        current = plain_time_of_day(scene.heading.time_of_day) or current
        times.append(current)
    return times


def visual_bible(genre: str, text: str, title: str, scenes: list[Scene]) -> VisualBible:
    look = choose_look(genre, f"{title}\n{text}")
    folded = fold(text[:50_000]).lower()
    palette = list(look.palette)
    for words, colour in _SETTING_ACCENTS:
        if _hits(folded, words):
            palette[-1] = colour
            break
    times = [fold(t) for t in effective_times(scenes) if t]
    night = sum(any(n in t for n in _NIGHT) for t in times)
    lighting = look.lighting
    # No time-of-day words here: this text goes into every prompt, day scenes included.
    if times and night * 2 > len(times):
        lighting += "; low-key practical sources, deep shadows"
    elif times:
        lighting += "; natural motivated light"
    places: list[str] = []
    for scene in scenes:
        name = " ".join(scene.heading.location.split()).lower()
        if name and name not in places:
            places.append(name)
    references = [*look.references]
    if places:
        references.append("recurring places: " + ", ".join(places[:4]))
    return VisualBible(
        style=look.style,
        palette=palette,
        camera_style=look.camera,
        emotional_tone=look.tone,
        lighting=lighting,
        references=references,
    )
