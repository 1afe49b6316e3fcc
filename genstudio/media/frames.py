"""Exact frames out of clips (OpenCV), and thumbnails.

`last_frame` is what continuity hangs on: the next scene starts from it, so it must be the
very last frame a viewer sees — pixel-identical to the last frame of a full OpenCV decode —
without paying for a full decode of every clip. How:

1. Ask OpenCV for its frame-count estimate (duration × fps; an estimate, not the truth:
   with audio, MKV/MPEG-TS/fragmented MP4 report 1–2 frames too many, truncated files far more).
2. Seek a quarter second before that. OpenCV seeks to the keyframe at or before the target
   and decodes forward from it, so what follows is decoded exactly as in a full pass. Read
   to the end and keep the last frame.
3. If the seek did not land where asked (it hit the real end first) or read nothing, retry
   from where it did land, or further back; after 3 tries, or when OpenCV lost its frame
   numbering altogether, decode the whole clip.

MPEG-TS is different: OpenCV's seek there can spin for seconds (measured 2–6 s per seek on a
10 s single-GOP clip with B-frames, reading nothing), but a TS file needs no header, so its
tail is a playable stream of its own. Decode the last 1/8 (at least 1 MB), then 4× more,
up to all of it, through a file view starting at a 188-byte packet boundary. The decoder
starts at the first keyframe in the window (a window without one costs ~nothing: no stream
headers, nothing decodes), so the frames are again exactly those of a full pass.

Call `probe.validate_clip` first: a validated clip has no damaged packets, so "the last frame
reading forward" and "the last frame of a full decode" are the same frame. Frames come out as
OpenCV shows them: BGR uint8, rotated by the display matrix.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import cv2
import numpy as np

from genstudio.errors import MediaError
from genstudio.media.images import IMAGE_EXTENSIONS, load_image, save_frame

# Seeking into the middle of a GOP makes FFmpeg log harmless "missing reference" noise to the
# console; the frames we keep are never affected. setdefault: a user's own setting wins.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

_MAX_PLAUSIBLE_FRAMES = 10_000_000  # ~4.6 days at 24 fps: anything above is a garbage estimate
_SEEK_TRIES = 3
_TS_PACKET = 188
_MIN_TS_WINDOW = 1024 * 1024  # ~3 s at 2.5 Mb/s: smaller tails rarely hold a keyframe


class _TailView(io.BufferedIOBase):
    """The bytes of an open file from `start` on, seen by OpenCV as a whole file."""

    def __init__(self, fh: BinaryIO, start: int = 0) -> None:
        super().__init__()
        self._fh, self._start = fh, start
        self._end = os.fstat(fh.fileno()).st_size
        fh.seek(start)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        return self._fh.read(size)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: self._start, io.SEEK_CUR: self._fh.tell(), io.SEEK_END: self._end}
        return self._fh.seek(max(self._start, base[whence] + offset)) - self._start

    def tell(self) -> int:
        return self._fh.tell() - self._start


@contextlib.contextmanager
def _capture(path: Path | str, start_byte: int = 0) -> Iterator[cv2.VideoCapture]:
    """An OpenCV FFmpeg capture of `path` (from `start_byte` on), released on exit;
    MediaError if it will not open."""
    path = Path(path)
    if not path.is_file():
        raise MediaError(path, "video file not found")
    with contextlib.ExitStack() as stack:
        if str(path).isascii() and start_byte == 0:
            capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
        else:
            # OpenCV hands narrow-char paths to FFmpeg, which breaks non-ASCII names on
            # Windows; a Python file object avoids the path entirely, on every OS (so the
            # Unicode tests on Linux exercise this branch too).
            fh = stack.enter_context(open(path, "rb"))
            view = _TailView(fh, start_byte)
            capture = cv2.VideoCapture(view, cv2.CAP_FFMPEG, [])
            # Keep our own reference until after release(): if OpenCV dropped the last one
            # there, the view would be freed without the GIL and abort the interpreter.
            stack.callback(lambda: view)
        stack.callback(capture.release)  # runs first: before the view and file go
        if not capture.isOpened():
            raise MediaError(path, "OpenCV cannot open it as a video")
        yield capture


def _read_to_end(capture: cv2.VideoCapture) -> np.ndarray | None:
    last = None
    while True:
        ok, frame = capture.read()
        if not ok:
            return last
        last = frame


def _full_decode_last(path: Path) -> np.ndarray:
    with _capture(path) as capture:
        frame = _read_to_end(capture)
    if frame is None:
        raise MediaError(path, "no frame of it can be decoded")
    return frame


def _is_mpeg_ts(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(3 * _TS_PACKET)
    return len(head) == 3 * _TS_PACKET and head[0] == head[188] == head[376] == 0x47


def _last_frame_of_ts(path: Path) -> np.ndarray:
    size = path.stat().st_size
    window = max(size // 8, _MIN_TS_WINDOW)
    while window < size:
        start = (size - window) // _TS_PACKET * _TS_PACKET
        try:
            with _capture(path, start) as capture:
                frame = _read_to_end(capture)
        except MediaError:  # the window held no stream tables: widen it
            frame = None
        if frame is not None:
            return frame
        window *= 4
    return _full_decode_last(path)


def _seek_and_read_to_end(
    capture: cv2.VideoCapture, start: int, limit: float
) -> tuple[np.ndarray | None, float]:
    """Seek to frame `start`, read to the end; (last frame or None, where the seek landed).

    A seek that lands elsewhere hit the end (or lost count) on the way; what it then reads
    can be frames a sequential decode never produces (seen on a truncated faststart MP4: a
    seek to 40 "landed" at 20 and returned two frames found nowhere in the full decode), so
    its frames are not trusted.
    """
    capture.set(cv2.CAP_PROP_POS_FRAMES, start)
    landed = capture.get(cv2.CAP_PROP_POS_FRAMES)
    if not (math.isfinite(landed) and 0 <= landed <= limit):
        return None, math.nan
    if abs(landed - start) >= 0.5:
        return None, landed
    return _read_to_end(capture), landed


def last_frame(path: Path | str, *, frame_count: int | None = None) -> np.ndarray:
    """The exact last decodable frame of a clip (BGR uint8).

    frame_count: the clip's decoded frame count if you already know it (e.g.
    `MediaInfo.decoded_frames` from `validate_clip`); it makes the first seek land right.
    """
    path = Path(path)
    if not path.is_file():
        raise MediaError(path, "video file not found")
    if _is_mpeg_ts(path):
        return _last_frame_of_ts(path)
    with _capture(path) as capture:
        fps = capture.get(cv2.CAP_PROP_FPS)
        estimate = float(frame_count or capture.get(cv2.CAP_PROP_FRAME_COUNT))
        plausible = math.isfinite(estimate) and 2 <= estimate <= _MAX_PLAUSIBLE_FRAMES
        # A quarter second back (at least 8 frames) covers the estimates' usual overshoot, so
        # the first try normally succeeds; reading those few extra frames costs milliseconds.
        back = max(8, math.ceil(0.25 * fps)) if math.isfinite(fps) and fps > 0 else 8
        limit = estimate + back  # a landing beyond this is garbage, not a position
        start = int(estimate) - back if plausible else 0
        frame, landed = None, math.nan
        if start > 0:
            frame, landed = _seek_and_read_to_end(capture, start, limit)
    tries = 1
    while frame is None and not math.isnan(landed) and tries < _SEEK_TRIES:
        # Landed short of the target: the real end is near there. Otherwise go further back.
        start = int(landed) - back if landed < start else start - 3 * back
        back *= 4
        if start <= 0:
            break
        with _capture(path) as capture:  # fresh: a failed seek can leave the demuxer at EOF
            frame, landed = _seek_and_read_to_end(capture, start, limit)
        tries += 1
    return frame if frame is not None else _full_decode_last(path)


def first_frame(path: Path | str) -> np.ndarray:
    """The first frame of a clip (BGR uint8)."""
    with _capture(path) as capture:
        ok, frame = capture.read()
    if not ok:
        raise MediaError(path, "no frame of it can be decoded")
    return frame


_TIME_SLACK_MS = 1.0  # Matroska stores whole milliseconds: 29.97 fps frames sit ±0.5 ms off


def _grab_until(capture: cv2.VideoCapture, target_ms: float) -> tuple[int, np.ndarray | None, bool]:
    """Grab frames up to the last one whose timestamp (relative to the first frame) is at or
    before `target_ms`. Returns its index, the frame when it was retrieved, and whether the
    clip ended first.

    Only frames near the target are colour-converted (retrieve() costs more than grab());
    the caller re-decodes if a timestamp gap made us skip the one we needed.
    """
    first_ms: float | None = None
    previous_ms = 0.0
    step_ms = 0.0
    index, frame = -1, None
    while capture.grab():
        now_ms = capture.get(cv2.CAP_PROP_POS_MSEC)
        first_ms = now_ms if first_ms is None else first_ms
        if now_ms - first_ms > target_ms + _TIME_SLACK_MS:
            return index, frame, False
        step_ms = max(step_ms, now_ms - previous_ms) if index >= 0 else step_ms
        previous_ms = now_ms
        index += 1
        frame = None
        if now_ms - first_ms >= target_ms - 3 * step_ms:
            ok, retrieved = capture.retrieve()
            frame = retrieved if ok else None
    return index, frame, True


def frame_at(path: Path | str, seconds: float) -> np.ndarray:
    """The frame on screen `seconds` after the first frame, by the file's own timestamps
    (±1 ms); the last frame when `seconds` is at or past the end.

    Decodes from the start (grab() skips colour conversion: ~1 ms a frame at 1280×768) and
    picks by timestamp, not by index × fps: OpenCV's and even FFmpeg's frame rates can be off
    (a fragmented MP4 with audio says 23.75 fps for 24, its first frame lasting 63 ms).
    """
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"seconds must be a finite number ≥ 0, got {seconds}")
    path = Path(path)
    with _capture(path) as capture:
        index, frame, ended = _grab_until(capture, seconds * 1000.0)
    if frame is not None:
        return frame
    if index < 0:
        raise MediaError(path, "no frame of it can be decoded")
    if ended:  # past the end: now we know the real frame count
        return last_frame(path, frame_count=index + 1)
    with _capture(path) as capture:  # the wanted frame was passed unconverted: fetch it again
        for _ in range(index + 1):
            capture.grab()
        ok, frame = capture.retrieve()
    if not ok:
        raise MediaError(path, f"frame {index} cannot be decoded")
    return frame


def thumbnail(image: np.ndarray, max_width: int, max_height: int) -> np.ndarray:
    """`image` shrunk to fit within max_width × max_height, aspect ratio kept (INTER_AREA,
    the resampling that does not alias when shrinking). Never enlarges; returns a copy."""
    if max_width < 1 or max_height < 1:
        raise ValueError("thumbnail bounds must be at least 1×1")
    height, width = image.shape[:2]
    scale = min(max_width / width, max_height / height)
    if scale >= 1:
        return image.copy()
    size = (
        max(1, min(max_width, round(width * scale))),
        max(1, min(max_height, round(height * scale))),
    )
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def write_thumbnail(
    src_path: Path | str, out_path: Path | str, max_width: int, max_height: int
) -> Path:
    """Write a thumbnail of an image, or of a clip's first frame, to `out_path` (atomic; the
    format follows its extension)."""
    src_path = Path(src_path)
    is_image = src_path.suffix.lower() in IMAGE_EXTENSIONS
    source = load_image(src_path) if is_image else first_frame(src_path)
    return save_frame(thumbnail(source, max_width, max_height), out_path)
