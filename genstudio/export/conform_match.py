"""Offline conform, part one: which downloaded clip is which scene.

Evidence, strongest first (a pair's score is its tier × 10 plus its picture/duration score, so
a weaker kind of evidence never outranks a stronger one):

  3  a sidecar JSON beside the clip (`clip.mp4.json` or `clip.json`) naming the scene (number
     or id), the take or the provider task id. A sidecar naming another scene rules the pair out;
  2  a provider task id of one of the scene's takes or jobs, or a GenStudio take id (its clips
     are named `scene-003-<take id>.mp4`), inside the file name;
  1  "scene 3" / "scene_003" / "sc3" in the file name;
  0  the clip's first frame looks like the scene's reference image (image-to-video starts from
     it), with the duration close to the scene's as a small tie-breaker.

Picture similarity (`frame_signature` / `similarity`): crop to the project's aspect (providers
crop-to-fill the start image), grey, shrink to 32×32 with area averaging (which averages away
compression noise and grain), blur by one pixel, take the gradient magnitude (where the edges
are), subtract the mean and divide by the norm; the dot product of two signatures is then their
Pearson correlation, in [-1, 1], unchanged by the brightness and contrast shifts a video model
adds. Why edges rather than the grey thumbnail itself: scenes of one film share a layout (sky
on top, ground below), and on the builtin stills plain grey correlation scored different
scenes up to 0.86 against 1.00 for the same one; the gradient keeps what makes a picture this
picture. Measured on builtin stills: different scenes 0.43–0.64; the same picture regraded or
JPEG-compressed ≥ 0.98, zoomed 5 % ≥ 0.92, shifted 2 % ≥ 0.84, zoomed 10 % ≥ 0.77; shifted 4 %
it falls to 0.64 and may go unrecognised. A flat picture has no signature.

Assignment: best pair first (greedy), each clip and each scene used once. A picture-only pair
needs a correlation of at least `MIN_SIMILARITY`. A scene with no reference image may still take
the one clip whose length fits it within `DURATION_MATCH` s when that clip fits no other scene.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

SIGNATURE_SIZE = 32
MIN_SIMILARITY = 0.65  # below this a first frame does not look like the reference image
DURATION_MATCH = 0.25  # seconds: a length this close to a scene's is evidence (without picture)
MIN_ID_CHARS = 6  # shorter ids would turn up inside unrelated file names by chance
_FLAT = 2.0  # grey levels of standard deviation under which a picture is flat

# confidence by kind of evidence; a picture match gets its own (see `_picture_confidence`)
CONFIDENCE = {"sidecar": 0.99, "task id": 0.97, "take id": 0.95, "scene number": 0.8}


# ---- pictures --------------------------------------------------------------------------------


def _crop_to_aspect(image: np.ndarray, aspect: float) -> np.ndarray:
    height, width = image.shape[:2]
    if width / height > aspect:  # too wide: keep the middle columns
        keep = max(1, round(height * aspect))
        left = (width - keep) // 2
        return image[:, left : left + keep]
    keep = max(1, round(width / aspect))
    top = (height - keep) // 2
    return image[top : top + keep]


def frame_signature(image: np.ndarray, aspect: float | None = None) -> np.ndarray | None:
    """The edge signature of `image` (BGR, BGRA or grey), cropped to `aspect` (width / height)
    first: 32×32 gradient magnitudes, zero mean, unit norm. None for a flat picture."""
    if image.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        image = cv2.cvtColor(image, code)
    if aspect:
        image = _crop_to_aspect(image, aspect)
    small = cv2.resize(image, (SIGNATURE_SIZE, SIGNATURE_SIZE), interpolation=cv2.INTER_AREA)
    small = small.astype(np.float32)
    if float(small.std()) < _FLAT:
        return None
    small = cv2.GaussianBlur(small, (0, 0), 1.0)
    edges = np.hypot(cv2.Sobel(small, cv2.CV_32F, 1, 0), cv2.Sobel(small, cv2.CV_32F, 0, 1))
    values = edges.astype(np.float64).ravel()
    values -= values.mean()
    norm = float(np.linalg.norm(values))
    return values / norm if norm > 1e-9 else None


def similarity(a: np.ndarray | None, b: np.ndarray | None) -> float | None:
    """Pearson correlation of two signatures (None when either picture is flat/unknown)."""
    if a is None or b is None:
        return None
    return float(np.clip(np.dot(a, b), -1.0, 1.0))


# ---- names and sidecars ----------------------------------------------------------------------


def natural_key(name: str) -> list[tuple[int, int | str]]:
    """Sort key where digits compare as numbers (clip2 before clip10), case aside, and the
    name before its extension (clip2.mp4 before "clip2 (1).mp4", as file browsers list them)."""
    path = Path(name)
    parts = re.split(r"(\d+)", path.stem.casefold())
    key: list[tuple[int, int | str]] = [(1, int(p)) if p.isdigit() else (2, p) for p in parts if p]
    return [*key, (0, path.suffix.casefold())]


def squash(text: str) -> str:
    """Lower-case letters and digits only: ids compare the same with or without dashes."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def sidecar_for(clip: Path) -> Path | None:
    for candidate in (clip.with_name(clip.name + ".json"), clip.with_suffix(".json")):
        if candidate.is_file():
            return candidate
    return None


def read_sidecar(clip: Path) -> tuple[dict[str, str], str | None]:
    """The sidecar's facts as {"scene": "3", "scene_id": …, "take": …, "task": …} (only what it
    says), and a warning naming the file when it cannot be read."""
    path = sidecar_for(clip)
    if path is None:
        return {}, None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, f"{path}: not readable JSON ({exc}); matched {clip.name} without it"
    if not isinstance(data, dict):
        return {}, f"{path}: expected a JSON object; matched {clip.name} without it"
    aliases = {
        "scene": ("scene", "scene_number", "scene_no"),
        "scene_id": ("scene_id",),
        "take": ("take", "take_id"),
        "task": ("task_id", "remote_task_id", "request_id", "generation_id", "id"),
    }
    facts = {}
    for key, names in aliases.items():
        value = next((data[n] for n in names if data.get(n) not in (None, "")), None)
        if isinstance(value, str | int) and not isinstance(value, bool):
            facts[key] = str(value).strip()
    return facts, None


# ---- the things matched ----------------------------------------------------------------------


@dataclass(frozen=True)
class FoundClip:
    """A validated clip of the folder."""

    path: Path
    seconds: float
    width: int
    height: int
    fps: float
    has_audio: bool
    signature: np.ndarray | None = field(default=None, compare=False, repr=False)
    sidecar: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SceneTarget:
    """What a scene can be recognised by."""

    scene_id: str
    number: int
    seconds: float
    ids: dict[str, str] = field(default_factory=dict)  # squashed id -> "task id" | "take id"
    reference: Path | None = None  # its reference image, if it has one
    signature: np.ndarray | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ClipMatch:
    scene_id: str
    scene_number: int
    clip: FoundClip
    confidence: float  # 0..1
    evidence: list[str]


@dataclass
class MatchReport:
    matches: list[ClipMatch] = field(default_factory=list)  # in scene order
    clips_without_scene: list[Path] = field(default_factory=list)
    scenes_without_clip: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Pair:
    clip: int
    scene: int
    tier: int
    evidence: list[str]
    picture: float | None
    duration_fit: float
    kind: str  # what decided it: "sidecar", "task id", "take id", "scene number", "picture"

    @property
    def score(self) -> float:
        visual = 0.8 * max(0.0, self.picture or 0.0) + 0.2 * self.duration_fit
        return self.tier * 10 + visual


def _duration_fit(clip: FoundClip, scene: SceneTarget) -> float:
    return max(0.0, 1.0 - abs(clip.seconds - scene.seconds) / max(1.0, 0.5 * scene.seconds))


def _sidecar_verdict(clip: FoundClip, scene: SceneTarget) -> tuple[bool | None, str]:
    """True: the sidecar names this scene; False: it names another; None: it says nothing."""
    facts = clip.sidecar
    if "scene_id" in facts:
        return facts["scene_id"] == scene.scene_id, f"sidecar scene id {facts['scene_id'][:8]}"
    if "scene" in facts and facts["scene"].isdigit():
        return int(facts["scene"]) == scene.number, f"sidecar says scene {facts['scene']}"
    for key in ("take", "task"):
        value = squash(facts.get(key, ""))
        if len(value) >= MIN_ID_CHARS:
            mine = any(i.startswith(value) or value.startswith(i) for i in scene.ids)
            return mine, f"sidecar {key} id {facts[key]}"
    return None, ""


_SCENE_IN_NAME = re.compile(r"(?:scene|sc)[\s_\-.]*0*(\d+)(?!\d)", re.IGNORECASE)


def _pair(ci: int, clip: FoundClip, si: int, scene: SceneTarget) -> _Pair | None:
    picture = similarity(clip.signature, scene.signature)
    fit = _duration_fit(clip, scene)
    evidence: list[str] = []
    if picture is not None:
        evidence.append(f"first frame vs reference image r={picture:.2f}")
    evidence.append(f"{clip.seconds:.2f} s vs scene {scene.seconds:.2f} s")
    verdict, said = _sidecar_verdict(clip, scene)
    if verdict is False:
        return None
    if verdict:
        return _Pair(ci, si, 3, [said, *evidence], picture, fit, "sidecar")
    name = squash(clip.path.stem)
    for ident, kind in scene.ids.items():
        if len(ident) >= MIN_ID_CHARS and ident in name:
            return _Pair(
                ci, si, 2, [f"{kind} {ident} in the file name", *evidence], picture, fit, kind
            )
    numbers = {int(n) for n in _SCENE_IN_NAME.findall(clip.path.stem)}
    if scene.number in numbers:
        return _Pair(
            ci, si, 1, ["scene number in the file name", *evidence], picture, fit, "scene number"
        )
    if picture is not None and picture >= MIN_SIMILARITY:
        return _Pair(ci, si, 0, evidence, picture, fit, "picture")
    return None


def _picture_confidence(pair: _Pair, rivals: list[float]) -> float:
    """The correlation, scaled down when another scene's picture is nearly as close."""
    picture = pair.picture or 0.0
    margin = picture - max(rivals, default=-1.0)
    return round(min(0.95, picture) * (0.6 + 0.4 * min(1.0, max(0.0, margin) / 0.3)), 2)


def match_clips(scenes: list[SceneTarget], clips: list[FoundClip]) -> MatchReport:
    """Assign clips to scenes (each used once) and say why; see the module docstring."""
    pairs = [
        pair
        for ci, clip in enumerate(clips)
        for si, scene in enumerate(scenes)
        if (pair := _pair(ci, clip, si, scene)) is not None
    ]
    pairs.sort(key=lambda p: p.score, reverse=True)
    taken_clips: dict[int, _Pair] = {}
    taken_scenes: set[int] = set()
    for pair in pairs:
        if pair.clip in taken_clips or pair.scene in taken_scenes:
            continue
        taken_clips[pair.clip] = pair
        taken_scenes.add(pair.scene)
    _by_duration(scenes, clips, taken_clips, taken_scenes)
    report = MatchReport()
    for pair in sorted(taken_clips.values(), key=lambda p: scenes[p.scene].number):
        if pair.kind == "picture":
            rivals = [
                r
                for si, s in enumerate(scenes)
                if si != pair.scene
                and (r := similarity(clips[pair.clip].signature, s.signature)) is not None
            ]
            confidence = _picture_confidence(pair, rivals)
        else:
            confidence = CONFIDENCE.get(pair.kind, 0.35)
        scene = scenes[pair.scene]
        report.matches.append(
            ClipMatch(scene.scene_id, scene.number, clips[pair.clip], confidence, pair.evidence)
        )
    report.clips_without_scene = [c.path for i, c in enumerate(clips) if i not in taken_clips]
    report.scenes_without_clip = [s.number for i, s in enumerate(scenes) if i not in taken_scenes]
    return report


def _by_duration(
    scenes: list[SceneTarget],
    clips: list[FoundClip],
    taken_clips: dict[int, _Pair],
    taken_scenes: set[int],
) -> None:
    """Scenes without a reference picture: the one free clip whose length fits, if unique."""
    free_clips = [i for i in range(len(clips)) if i not in taken_clips]
    for si, scene in enumerate(scenes):
        if si in taken_scenes or scene.signature is not None:
            continue
        fits = [ci for ci in free_clips if abs(clips[ci].seconds - scene.seconds) <= DURATION_MATCH]
        if len(fits) != 1:
            continue
        ci = fits[0]
        others = [
            sj
            for sj, other in enumerate(scenes)
            if sj != si
            and sj not in taken_scenes
            and other.signature is None
            and abs(clips[ci].seconds - other.seconds) <= DURATION_MATCH
        ]
        if others:
            continue
        evidence = [f"only clip of its length: {clips[ci].seconds:.2f} s vs {scene.seconds:.2f} s"]
        taken_clips[ci] = _Pair(ci, si, 0, evidence, None, 1.0, "duration")
        taken_scenes.add(si)
        free_clips.remove(ci)
