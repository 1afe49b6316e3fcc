"""Dialogue blocks: character cues, speech, parentheticals → emotion/delivery, markup.

Parentheticals feed the speech step (English and Spanish).

"(whispering)" is a delivery; "(angry)" is an emotion; "(whispering angrily)" is both. The
emotion is one of `EMOTIONS` (canonical English names, whatever the script's language) so a
speech provider can map it to pitch/rate; the delivery is the writer's words, kept as written.
"""

from __future__ import annotations

import re

from genstudio.models import DialogueLine
from genstudio.screenplay.heading import fold, is_heading_line, wordlist

_EMPHASIS = (
    re.compile(r"(?<!\\)\*\*\*(?=\S)(.+?)(?<=\S)(?<!\\)\*\*\*"),
    re.compile(r"(?<!\\)\*\*(?=\S)(.+?)(?<=\S)(?<!\\)\*\*"),
    re.compile(r"(?<!\\)\*(?=\S)(.+?)(?<=\S)(?<!\\)\*"),
    re.compile(r"(?<![\\\w])_(?=\S)(.+?)(?<=\S)(?<!\\)_(?!\w)"),
)
_EXTENSIONS = re.compile(r"\(([^()]*)\)")
_CUE = re.compile(r"^([^()^]*?)\s*((?:\([^()]*\)\s*)*)$")

EMOTIONS: dict[str, tuple[str, ...]] = {
    "angry": wordlist(
        "angry angrily furious furiously enraged livid mad annoyed irritated irritably "
        "outraged enfadado enfadada enojado enojada furioso furiosa molesto molesta "
        "rabioso rabiosa airado airada"
    ),
    "sad": wordlist(
        "sad sadly tearful tearfully crying sobbing heartbroken melancholy grieving "
        "depressed mournful triste tristemente llorando sollozando apenado apenada "
        "desconsolado desconsolada abatido abatida"
    ),
    "happy": wordlist(
        "happy happily cheerful cheerfully joyful joyfully delighted laughing smiling "
        "beaming gleeful feliz contento contenta alegre alegremente riendo sonriendo"
    ),
    "scared": wordlist(
        "scared afraid frightened terrified fearful fearfully panicked panicking "
        "asustado asustada aterrado aterrada aterrorizado aterrorizada temeroso temerosa"
    ),
    "nervous": wordlist(
        "nervous nervously anxious anxiously uneasy hesitant hesitantly worried "
        "nervioso nerviosa preocupado preocupada inquieto inquieta ansioso ansiosa"
    ),
    "excited": wordlist(
        "excited excitedly thrilled eager eagerly elated emocionado emocionada "
        "entusiasmado entusiasmada"
    ),
    "surprised": wordlist(
        "surprised shocked stunned astonished amazed startled sorprendido sorprendida "
        "asombrado asombrada atonito atonita"
    ),
    "calm": wordlist("calm calmly serene serenely tranquil tranquilo tranquila sereno serena"),
    "confused": wordlist(
        "confused puzzled bewildered baffled confundido confundida desconcertado "
        "desconcertada perplejo perpleja"
    ),
    "tender": wordlist(
        "tender tenderly lovingly warmly affectionate affectionately tierno tierna carino "
        "tiernamente carinoso carinosa"
    ),
    "sarcastic": wordlist(
        "sarcastic sarcastically wry wryly dry dryly ironic ironically sarcastico "
        "sarcastica ironico ironica"
    ),
    "confident": wordlist(
        "cocky confident confidently proud proudly smug smugly seguro segura orgulloso orgullosa"
    ),
}

_WORD_TO_EMOTION = {word: name for name, words in EMOTIONS.items() for word in words}
# Words that only soften an emotion: "(feeling a bit sad)" is still just "sad".
_FILLER = frozenset(
    wordlist(
        "feeling very a bit little slightly suddenly quite so too somewhat "
        "sintiendose muy un poco algo bastante de repente"
    )
)


def read_parenthetical(parenthetical: str) -> tuple[str, str]:
    """(emotion, delivery) for a parenthetical such as "(whispering angrily)"."""
    inner = parenthetical.strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    inner = " ".join(inner.split())
    words = [w for w in re.split(r"[^\w'-]+", fold(inner).lower()) if w]
    emotion = next((_WORD_TO_EMOTION[w] for w in words if w in _WORD_TO_EMOTION), "")
    only_feeling = bool(words) and all(w in _WORD_TO_EMOTION or w in _FILLER for w in words)
    delivery = "" if emotion and only_feeling else inner
    return emotion, delivery


def strip_markup(text: str) -> str:
    """Emphasis markers out, escaped ones back to literal characters."""
    for _ in range(2):  # nested "_**X**_" needs the outer pass after the inner one
        for pattern in _EMPHASIS:
            text = pattern.sub(r"\1", text)
    return text.replace("\\*", "*").replace("\\_", "_")


def read_cue(text: str) -> tuple[str, str, bool] | None:
    """(name, extension, dual) if `text` can be a character cue."""
    forced = text.startswith("@")
    body = text[1:].strip() if forced else text
    dual = body.endswith("^")
    body = body[:-1].rstrip() if dual else body
    match = _CUE.match(body)
    if not match:
        return None
    name = match.group(1).strip()
    if not name:
        return None
    if not forced and (name != name.upper() or not any(c.isalpha() for c in name)):
        return None
    if not forced and (name.endswith("TO:") or is_heading_line(name)):
        return None  # a transition or slug line with no blank line after it, never a speaker
    parts = [p.strip() for p in _EXTENSIONS.findall(match.group(2)) if p.strip()]
    return strip_markup(name), ", ".join(parts), dual


class SpeechBlock:
    """One dialogue block: a cue, then speech, parentheticals and lyrics until a blank line."""

    def __init__(self, name: str, extension: str, dual: bool) -> None:
        self.name = name
        self.extension = extension
        self.dual = dual
        self.lines: list[DialogueLine] = []
        self.text: list[str] = []
        self.sung = False
        self.parenthetical = ""
        self.open_paren: list[str] = []  # a parenthetical that spans lines

    def feed(self, text: str) -> None:
        if self.open_paren or (text.startswith("(") and ")" not in text):
            self.open_paren.append(text)
            if text.endswith(")"):
                self._parenthetical(" ".join(self.open_paren))
                self.open_paren = []
        elif text.startswith("(") and text.endswith(")"):
            self._parenthetical(text)
        elif text.startswith("~"):
            self.text.append(text[1:].strip())
            self.sung = True
        else:
            self.text.append(text)

    def blank_line(self) -> None:
        if self.text:
            self.text.append("")

    def _parenthetical(self, text: str) -> None:
        self._flush()
        text = strip_markup(text)
        self.parenthetical = f"{self.parenthetical} {text}".strip()

    def _flush(self) -> None:
        words = "\n".join(strip_markup(t) for t in self.text).strip("\n")
        self.text = []
        if not words.strip():
            return
        emotion, delivery = read_parenthetical(self.parenthetical)
        if self.sung and not delivery:
            delivery = "sung"
        self.lines.append(
            DialogueLine(
                character=self.name,
                line=words,
                emotion=emotion,
                delivery=delivery,
                parenthetical=self.parenthetical,
                extension=self.extension,
                dual=self.dual,
            )
        )
        self.parenthetical = ""
        self.sung = False

    def close(self) -> tuple[list[DialogueLine], str]:
        """The spoken lines, and what to show as action when the cue had no words at all."""
        if self.open_paren:
            self._parenthetical(" ".join(self.open_paren))
        self._flush()
        if self.parenthetical and self.lines:  # "(kissing him)" after the last words
            last = self.lines[-1]
            last.parenthetical = f"{last.parenthetical} {self.parenthetical}".strip()
            if not last.delivery and not last.emotion:
                last.emotion, last.delivery = read_parenthetical(self.parenthetical)
        elif self.parenthetical:  # a cue with only "(sighs)": what we see, not what we hear
            return self.lines, f"{self.name} {self.parenthetical}"
        return self.lines, ""
