"""An OpenCV frame player for machines without QtMultimedia (or a codec it lacks).

Decoding runs on the media pool (`run_blocking`); each frame is converted BGR→RGB, wrapped
in a QImage and `.copy()`-ed there, so the GUI thread receives an image that owns its memory
(a shallow QImage over a numpy buffer reads freed memory once the worker moves on). A QTimer
paces playback at the clip's frame rate and drops a tick while a decode is still running.
The player owns its timer, its decode task and the capture; `close()` stops all three.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path

import cv2
from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage

from genstudio.concurrency import run_blocking
from genstudio.errors import MediaError


class CvSource:
    """A capture used only from worker threads, one call at a time (guarded by a lock)."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._cap = cv2.VideoCapture(str(path))
        if not self._cap.isOpened():
            self._cap.release()
            raise MediaError(path, "cannot be decoded (not a video OpenCV can read)")
        self.fps = float(self._cap.get(cv2.CAP_PROP_FPS)) or 24.0
        frames = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT))
        # Only used for the scrub range: the end of playback is where decoding stops.
        self.duration_ms = round(max(0, frames) * 1000 / self.fps)

    def read(self, target: QSize) -> tuple[QImage, int] | None:
        """The next frame scaled to fit `target`, with its position in ms; None at the end."""
        with self._lock:
            if self._cap is None:
                return None
            index = int(self._cap.get(cv2.CAP_PROP_POS_FRAMES))
            ok, frame = self._cap.read()
        if not ok or frame is None:
            return None
        rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
        height, width = rgb.shape[:2]
        image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
        if target.isValid() and not target.isEmpty():
            image = image.scaled(
                target,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        return image, round(index * 1000 / self.fps)

    def seek(self, ms: int) -> None:
        with self._lock:
            if self._cap is not None:
                self._cap.set(cv2.CAP_PROP_POS_FRAMES, max(0, round(ms * self.fps / 1000)))

    def close(self) -> None:
        with self._lock:
            if self._cap is not None:
                self._cap.release()
                self._cap = None


class CvPlayer(QObject):
    frameReady = Signal(QImage, int)  # owned image, position in ms
    positionChanged = Signal(int)
    durationChanged = Signal(int)
    playingChanged = Signal(bool)
    errorOccurred = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: CvSource | None = None
        self._target = QSize()
        self._playing = False
        self._task: asyncio.Task[None] | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_tick)
        self._position = 0

    # -- loading -------------------------------------------------------------------------------

    async def open(self, path: Path) -> None:
        self.close()
        source = await run_blocking(CvSource, path)
        self._source = source
        self._position = 0
        self._timer.setInterval(max(1, round(1000 / source.fps)))
        self.durationChanged.emit(source.duration_ms)
        self.positionChanged.emit(0)
        await self._decode_one()  # show the first frame at once

    def set_target_size(self, size: QSize) -> None:
        self._target = QSize(size)

    # -- transport -----------------------------------------------------------------------------

    def is_playing(self) -> bool:
        return self._playing

    def position(self) -> int:
        return self._position

    def play(self) -> None:
        if self._source is None or self._playing:
            return
        self._playing = True
        self._timer.start()
        self.playingChanged.emit(True)

    def pause(self) -> None:
        if not self._playing:
            return
        self._playing = False
        self._timer.stop()
        self.playingChanged.emit(False)

    def seek(self, ms: int) -> None:
        if self._source is None:
            return
        self._start_decode(seek_to=ms)

    @Slot()
    def _on_tick(self) -> None:
        if self._task is None or self._task.done():  # else drop this tick: decoding is behind
            self._start_decode()

    def _start_decode(self, seek_to: int | None = None) -> None:
        if seek_to is not None and self._task is not None and not self._task.done():
            self._task.cancel()  # a newer scrub position makes the pending frame stale
        self._task = asyncio.ensure_future(self._decode_one(seek_to))
        self._task.add_done_callback(self._decode_done)

    def _decode_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self.pause()
            self.errorOccurred.emit(str(task.exception()))

    async def _decode_one(self, seek_to: int | None = None) -> None:
        source = self._source
        if source is None:
            return
        if seek_to is not None:
            await run_blocking(source.seek, seek_to)
        result = await run_blocking(source.read, self._target)
        if source is not self._source:  # closed or replaced while decoding
            return
        if result is None:
            self.pause()  # end of the clip: rewind so Play starts again from the top
            await run_blocking(source.seek, 0)
            return
        image, position = result
        self._position = position
        self.frameReady.emit(image, position)
        self.positionChanged.emit(position)

    def close(self) -> None:
        """Stop the timer and the decode task, release the capture."""
        self.pause()
        self._timer.stop()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None
        source, self._source = self._source, None
        if source is not None:
            with contextlib.suppress(Exception):
                source.close()  # waits, at most one frame, for a decode in flight
