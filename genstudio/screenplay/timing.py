"""How long lines and scenes take: deterministic estimates made before any audio exists.

Speech: the builtin speech speaks with espeak-ng at 165 words a minute (a little under
espeak's default 175) and slows down for some deliveries ("sad", "slowly", "whispering").
Measured with the bundled espeak-ng on real screenplay lines (en-us and es), that is 16-19
characters a second on sentences, with a fixed cost on very short lines and real pauses at
sentence ends and commas. We estimate 16 characters a second plus a fixed cost, a pause per
extra sentence and per comma, at least 0.7 s, times a factor for slow deliveries. On 167 real
lines (demo, corpus, both languages, eight voices) that was never short and 26 % long at the
median (6 % at the least). Long is the safe side: a clip that is a little long
holds a pause; one that is short cuts a line off. The speech step measures the real audio
later; these numbers only lay out a scene (tests/engine/test_screenplay_timing.py checks
them against real espeak output).

Scenes: a short lead-in, the lines one after another with a small gap (dual dialogue lines
are spoken at the same time, as written), and a scene lasts until the last line ends plus a
beat. Action needs time too (about 4 words a second of screen time, plus a beat per
paragraph). The visual part of a scene is capped at `MAX_VISUAL_SECONDS` (20 s): the builtin
video renderer animates one still with a camera move, which holds interest for seconds, not
minutes, and every second costs local render time on a 2-core machine. The cap never cuts
speech: a scene whose dialogue runs longer lasts as long as its dialogue (up to the 120 s a
scene may last).
"""

from __future__ import annotations

import re

from genstudio.models import Scene
from genstudio.screenplay.heading import fold, wordlist

CHARS_PER_SECOND = 16.0
LINE_OVERHEAD = 0.3  # the first phoneme's attack and the last one's decay
SENTENCE_PAUSE = 0.4  # each sentence end after the first
CLAUSE_PAUSE = 0.12  # each comma, semicolon, colon or dash
MIN_LINE_SECONDS = 0.7  # "Mmm." takes longer than its four characters
LEAD_IN = 0.6  # seconds of picture before the first line
GAP = 0.35  # between two lines
TAIL = 0.8  # after the last line
MIN_SCENE_SECONDS = 3.0
MAX_VISUAL_SECONDS = 20.0
MAX_SCENE_SECONDS = 120.0  # Scene.duration's own limit
ACTION_WORDS_PER_SECOND = 4.0
ACTION_BEAT = 1.0

# Words in an emotion or delivery that make the builtin speech slower, and by how much
# (it multiplies the effects of several, so do we). Faster deliveries are ignored: safe side.
_SLOWER: dict[str, float] = {
    **dict.fromkeys(
        wordlist(
            "sad crying tearful tearfully sobbing grief sorrow mournful melancholy triste llorando "
            "melancolico melancolica"
        ),
        1.25,
    ),
    **dict.fromkeys(wordlist("tired exhausted sleepy weary cansado cansada"), 1.2),
    **dict.fromkeys(
        wordlist(
            "calm calmly gentle gently tender tenderly softly soft warm warmly tranquilo tranquila "
            "suave"
        ),
        1.1,
    ),
    **dict.fromkeys(
        wordlist("slow slowly hesitant hesitantly hesitating hesitates lento lentamente dudando"),
        1.25,
    ),
    **dict.fromkeys(
        wordlist(
            "whisper whispers whispering whispered murmur murmurs murmuring susurra susurrando "
            "susurro"
        ),
        1.1,
    ),
    **dict.fromkeys(wordlist("sarcastic dry flat cold deadpan monotone"), 1.05),
}
_SENTENCE_END = re.compile(r"[.!?…]+(?:\s|$)")
_CLAUSE_BREAK = re.compile(r"[,;:—–]|--")


def _slowness(emotion: str, delivery: str) -> float:
    factor = 1.0
    for word in set(re.findall(r"\w+", fold(f"{emotion} {delivery}").lower())):
        factor *= _SLOWER.get(word, 1.0)
    return factor


def estimate_speech_seconds(
    text: str, language: str = "en", emotion: str = "", delivery: str = ""
) -> float:
    """Seconds a TTS voice needs for `text` (conservative; `language` "en" or "es")."""
    words = " ".join(text.split())
    if not words:
        return 0.0
    # Spanish runs at the same character rate in espeak; other languages get a little slack.
    rate = CHARS_PER_SECOND if language[:2] in {"en", "es"} else CHARS_PER_SECOND * 0.9
    sentences = max(1, len(_SENTENCE_END.findall(words)))
    pauses = SENTENCE_PAUSE * (sentences - 1) + CLAUSE_PAUSE * len(_CLAUSE_BREAK.findall(words))
    seconds = max(MIN_LINE_SECONDS, LINE_OVERHEAD + len(words) / rate + pauses)
    return round(seconds * _slowness(emotion, delivery), 2)


def estimate_action_seconds(beats: list[str]) -> float:
    """Screen time the action needs, before the cap."""
    total = 0.0
    for beat in beats:
        words = len(beat.split())
        if words:
            total += ACTION_BEAT + words / ACTION_WORDS_PER_SECOND
    return total


def plan_scene_timing(
    scene: Scene, language: str = "en", *, visual_seconds: float | None = None
) -> Scene:
    """A copy of `scene` with each line's `start`/`duration` and the scene's `duration` set.

    `visual_seconds` replaces the action estimate when the caller already knows how long the
    picture should run (the idea splitter's share of the target duration).
    """
    timed = scene.model_copy(deep=True)
    cursor = LEAD_IN  # where the next ordinary line starts
    end = 0.0
    pair_start: float | None = None  # dual dialogue: both sides start here
    sides = 0
    side_cursor = cursor
    for index, line in enumerate(timed.dialogue):
        duration = estimate_speech_seconds(line.line, language, line.emotion, line.delivery)
        if line.dual:
            before = timed.dialogue[index - 1] if index else None
            if before is None or not before.dual or before.character != line.character:
                if pair_start is not None and sides == 1:  # the right-hand side of the pair
                    side_cursor, sides = pair_start, 2
                else:
                    pair_start, side_cursor, sides = cursor, cursor, 1
            start = side_cursor
            side_cursor = start + duration + GAP
        else:
            pair_start, sides = None, 0
            start = cursor
        line.start = round(start, 2)
        line.duration = duration
        end = max(end, start + duration)
        cursor = end + GAP
    visual = estimate_action_seconds(timed.beats) if visual_seconds is None else visual_seconds
    visual = min(MAX_VISUAL_SECONDS, max(MIN_SCENE_SECONDS, visual))
    spoken = end + TAIL if timed.dialogue else 0.0
    timed.duration = round(min(MAX_SCENE_SECONDS, max(visual, spoken)), 2)
    return timed
