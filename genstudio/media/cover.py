"""The film's poster (its best frame with the title on it) and a small thumbnail.

"Best" is measured, not guessed: a handful of frames spread over the film are scored by
sharpness (variance of the Laplacian) times colourfulness (Hasler & Süsstrunk), and frames
that are nearly black (fades, night cards) are passed over while any other frame exists.
The title is drawn with OpenCV's built-in Unicode font over a dark band, so accents (Spanish
titles) render and white text stays readable over any picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from genstudio.errors import MediaError
from genstudio.fsutil import atomic_write_bytes

SAMPLES = 8
# Mean luma (0-255) under which a frame counts as black: fade-outs, title cards.
BLACK_LUMA = 28
# Frames are scored at this width so big and small films rank alike.
SCORE_WIDTH = 480
JPEG_QUALITY = 90


@dataclass(frozen=True)
class CoverResult:
    poster: Path
    thumbnail: Path | None
    source_time: float  # film seconds of the chosen frame (its index when given frames)


def frame_score(frame: np.ndarray) -> float:
    """Sharpness x colourfulness of a BGR frame; 0 for a near-black one."""
    height, width = frame.shape[:2]
    if width > SCORE_WIDTH:
        frame = cv2.resize(
            frame,
            (SCORE_WIDTH, max(1, round(height * SCORE_WIDTH / width))),
            interpolation=cv2.INTER_AREA,
        )
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    if float(gray.mean()) < BLACK_LUMA:
        return 0.0
    sharpness = float(cv2.Laplacian(gray, cv2.CV_64F).var())
    b, g, r = (frame[..., i].astype(np.float64) for i in range(3))
    rg = r - g
    yb = 0.5 * (r + g) - b
    colourfulness = float(
        np.sqrt(rg.std() ** 2 + yb.std() ** 2) + 0.3 * np.sqrt(rg.mean() ** 2 + yb.mean() ** 2)
    )
    # +1: a black-and-white film still ranks its frames by sharpness
    return sharpness * (colourfulness + 1.0)


def sample_frames(film: Path, count: int = SAMPLES) -> list[tuple[float, np.ndarray]]:
    """`count` frames spread evenly over the film (never the very first or last), by seeking."""
    capture = cv2.VideoCapture(str(film))
    try:
        if not capture.isOpened():
            raise MediaError(film, "cannot open the film to pick a cover frame")
        fps = capture.get(cv2.CAP_PROP_FPS) or 24.0
        total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        if total <= 0:
            raise MediaError(film, "the film has no frames to pick a cover from")
        frames: list[tuple[float, np.ndarray]] = []
        for k in range(count):
            index = min(total - 1, int((k + 0.5) * total / count))
            capture.set(cv2.CAP_PROP_POS_FRAMES, index)
            ok, frame = capture.read()
            if ok and frame is not None:
                frames.append((index / fps, frame))
        if not frames:
            raise MediaError(film, "no frame of the film could be decoded")
        return frames
    finally:
        capture.release()


def pick_frame(candidates: Sequence[tuple[float, np.ndarray]]) -> tuple[float, np.ndarray]:
    scored = [(frame_score(frame), when, frame) for when, frame in candidates]
    best = max(scored, key=lambda item: item[0])
    if best[0] > 0:
        return best[1], best[2]
    # every frame is dark: take the brightest rather than fail
    when, frame = max(candidates, key=lambda item: float(item[1].mean()))
    return when, frame


def _text_box(image: np.ndarray, text: str, font: cv2.FontFace, size: int) -> tuple[int, int]:
    rect = cv2.getTextSize((image.shape[1], image.shape[0]), text, (0, 0), font, size, 700)
    return int(rect[2]), int(rect[3])


def _two_lines(text: str) -> list[str]:
    """`text` split at the space that makes its two halves most even (one line if no space)."""
    words = text.split()
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    if not splits:
        return [text]
    return list(min(splits, key=lambda pair: max(len(pair[0]), len(pair[1]))))


def draw_title(image: np.ndarray, title: str) -> np.ndarray:
    """`title` centred near the bottom over a dark gradient band, on at most 2 lines."""
    out = image.copy()
    height, width = out.shape[:2]
    title = " ".join(title.split())
    if not title:
        return out
    band = int(height * 0.38)
    # alpha rises from 0 at the top of the band to 0.85 at the bottom edge
    alpha = np.linspace(0.0, 0.85, band, dtype=np.float32)[:, None, None]
    region = out[height - band :].astype(np.float32)
    out[height - band :] = (region * (1 - alpha)).astype(np.uint8)

    font = cv2.FontFace("sans")
    size = max(12, int(min(height * 0.11, width * 0.09)))
    lines = [title]
    while size > 12:
        lines = [title]
        if _text_box(out, title, font, size)[0] > width * 0.9:
            lines = _two_lines(title)
        if all(_text_box(out, line, font, size)[0] <= width * 0.9 for line in lines):
            break
        size = int(size * 0.9)
    line_height = int(size * 1.2)
    baseline = height - int(height * 0.07)
    shadow = max(1, size // 18)
    for i, line in enumerate(reversed(lines)):
        text_width, _ = _text_box(out, line, font, size)
        origin = ((width - text_width) // 2, baseline - i * line_height)
        cv2.putText(out, line, (origin[0] + shadow, origin[1] + shadow), (0, 0, 0), font, size, 700)
        cv2.putText(out, line, origin, (255, 255, 255), font, size, 700)
    return out


def _write_jpeg(image: np.ndarray, out_path: Path) -> Path:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise MediaError(out_path, "could not encode the image as JPEG")
    return atomic_write_bytes(out_path, data.tobytes())


def make_poster(
    film_or_frames: Path | str | Sequence[np.ndarray],
    out_path: Path | str,
    title: str,
    *,
    width: int | None = None,
    thumbnail: Path | str | None = None,
) -> CoverResult:
    """Pick the best frame of a film (or of given BGR frames), draw `title` on it and write
    the poster JPEG atomically; `width` scales it (default: the film's own width).
    With `thumbnail`, also write the small version there."""
    out_path = Path(out_path)
    if isinstance(film_or_frames, (str, Path)):
        film = Path(film_or_frames)
        if not film.is_file():
            raise MediaError(film, "the film does not exist, so it has no cover frame")
        candidates = sample_frames(film)
    else:
        candidates = [(float(i), frame) for i, frame in enumerate(film_or_frames)]
        if not candidates:
            raise MediaError(out_path, "no frames were given to pick a poster from")
    when, frame = pick_frame(candidates)
    if width is not None and width != frame.shape[1]:
        height = max(2, round(frame.shape[0] * width / frame.shape[1]))
        interpolation = cv2.INTER_AREA if width < frame.shape[1] else cv2.INTER_CUBIC
        frame = cv2.resize(frame, (width, height), interpolation=interpolation)
    _write_jpeg(draw_title(frame, title), out_path)
    thumb = make_thumbnail(out_path, thumbnail) if thumbnail is not None else None
    return CoverResult(poster=out_path, thumbnail=thumb, source_time=round(when, 3))


def make_thumbnail(poster: Path | str, out_path: Path | str, max_side: int = 320) -> Path:
    """A JPEG whose longer side is at most `max_side` (never enlarged)."""
    poster = Path(poster)
    try:
        data = np.fromfile(poster, dtype=np.uint8)  # imread cannot open non-ASCII Windows paths
    except OSError as exc:
        raise MediaError(poster, f"cannot read the poster ({exc.strerror})") from exc
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise MediaError(poster, "the poster is not an image OpenCV can read")
    height, width = image.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return _write_jpeg(image, Path(out_path))
