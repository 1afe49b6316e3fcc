"""Thumbnails for the storyboard: decoded and scaled off the GUI thread, cached by bytes.

`request(path, size)` never blocks: it returns the cached QImage (or None while loading) and,
on a miss, schedules one load per (path, size), however many cards ask for it. The load runs
on the media pool via `run_blocking`: stat the file, read a disk-cached thumbnail keyed by
(path, mtime, file size, thumb size) or decode the source (scaled decode for stills, the first
frame for clips), scale, convert to a paint-ready format and write the disk cache atomically.
Only QImage is touched off the GUI thread, and every image owns its memory (STYLE.md §4.4).
When it arrives, `imageReady(path)` tells the model to emit dataChanged for those rows.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader

from genstudio.concurrency import run_blocking
from genstudio.fsutil import atomic_path

log = logging.getLogger("genstudio.ui.images")

VIDEO_SUFFIXES = {".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v"}
DEFAULT_CACHE_BYTES = 48 * 1024 * 1024  # ~200 cards of 256x154 at 4 bytes a pixel, times 3

Key = tuple[str, int, int]


@dataclass
class _Entry:
    image: QImage
    mtime_ns: int
    nbytes: int


@dataclass(frozen=True)
class _Loaded:
    mtime_ns: int
    image: QImage | None  # None: unchanged since `known_mtime`


def _disk_name(path: Path, mtime_ns: int, file_size: int, width: int, height: int) -> str:
    digest = hashlib.sha1(f"{path}|{mtime_ns}|{file_size}|{width}x{height}".encode()).hexdigest()
    return f"{digest}.jpg"


def _read_still(path: Path, width: int, height: int) -> QImage:
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    source = reader.size()
    if source.isValid():  # scaled decode: JPEG skips most of the work at small sizes
        reader.setScaledSize(source.scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        raise OSError(f"{path}: cannot decode image ({reader.errorString()})")
    return image


def _read_first_frame(path: Path) -> QImage:
    import cv2

    capture = cv2.VideoCapture(str(path))
    try:
        ok, frame = capture.read()
    finally:
        capture.release()
    if not ok or frame is None:
        raise OSError(f"{path}: cannot read a frame from the clip")
    rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    h, w = rgb.shape[:2]
    # QImage over numpy memory is shallow: copy so the image owns its pixels.
    return QImage(rgb.data, w, h, rgb.strides[0], QImage.Format.Format_RGB888).copy()


def load_thumbnail(
    path: Path, width: int, height: int, cache_dir: Path | None, known_mtime: int | None
) -> _Loaded:
    """Blocking: the thumbnail of `path` fitting (width, height), paint-ready (RGB32)."""
    stat = os.stat(path)
    if known_mtime is not None and stat.st_mtime_ns == known_mtime:
        return _Loaded(stat.st_mtime_ns, None)
    cached = (
        cache_dir / _disk_name(path, stat.st_mtime_ns, stat.st_size, width, height)
        if cache_dir
        else None
    )
    image = QImage(str(cached)) if cached is not None and cached.is_file() else QImage()
    if image.isNull():
        if path.suffix.lower() in VIDEO_SUFFIXES:
            image = _read_first_frame(path)
        else:
            image = _read_still(path, width, height)
        if image.width() > width or image.height() > height:
            image = image.scaled(
                width,
                height,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        if cached is not None:
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                with atomic_path(cached) as tmp:
                    if not image.save(str(tmp), "JPG", 88):
                        raise OSError(f"{cached}: cannot write the thumbnail")
            except OSError as exc:  # a read-only cache only costs speed
                log.debug("thumbnail cache write failed: %s", exc)
    return _Loaded(stat.st_mtime_ns, image.convertToFormat(QImage.Format.Format_RGB32))


class ThumbnailLoader(QObject):
    imageReady = Signal(str)  # the source path whose thumbnail (at some size) arrived

    def __init__(
        self,
        cache_dir: Path | None,
        max_bytes: int = DEFAULT_CACHE_BYTES,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.cache_dir = cache_dir
        self.max_bytes = max_bytes
        self._cache: OrderedDict[Key, _Entry] = OrderedDict()
        self._bytes = 0
        self._inflight: dict[Key, asyncio.Task[None]] = {}
        self._stale: set[str] = set()
        self._paths: dict[str, int] = {}  # cached entries per source path
        self._failed: set[Key] = set()
        self._closed = False
        self.decoded = 0  # loads that produced a new image (for tests and the benchmark)

    # -- GUI thread API -------------------------------------------------------------------

    def request(self, path: Path, size: QSize) -> QImage | None:
        key = (str(path), size.width(), size.height())
        entry = self._cache.get(key)
        if entry is not None:
            self._cache.move_to_end(key)
            if key[0] in self._stale:
                self._schedule(key, entry.mtime_ns)
            return entry.image
        if key not in self._failed:
            self._schedule(key, None)
        return None

    def invalidate(self, path: Path | str) -> None:
        """The file may have changed: re-check it (by mtime) the next time it is asked for."""
        name = str(path)
        if self._paths.get(name):
            self._stale.add(name)
        self._failed = {k for k in self._failed if k[0] != name}

    def cached_bytes(self) -> int:
        return self._bytes

    def cached_count(self) -> int:
        return len(self._cache)

    def pending(self) -> int:
        return len(self._inflight)

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until no load is in flight (tests and the benchmark)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._inflight:
            if loop.time() > deadline:
                raise TimeoutError(f"{len(self._inflight)} thumbnails still loading")
            await asyncio.wait(list(self._inflight.values()), timeout=0.1)

    async def shutdown(self) -> None:
        self._closed = True
        tasks = list(self._inflight.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2.0)
        self._inflight.clear()
        self._cache.clear()
        self._paths.clear()
        self._bytes = 0

    # -- loading --------------------------------------------------------------------------

    def _schedule(self, key: Key, known_mtime: int | None) -> None:
        if self._closed or key in self._inflight:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        task = loop.create_task(self._load(key, known_mtime), name=f"thumb:{key[0]}")
        self._inflight[key] = task
        task.add_done_callback(lambda _t, k=key: self._inflight.pop(k, None))

    async def _load(self, key: Key, known_mtime: int | None) -> None:
        name, width, height = key
        try:
            loaded = await run_blocking(
                load_thumbnail, Path(name), width, height, self.cache_dir, known_mtime
            )
        except (OSError, ValueError) as exc:
            log.debug("thumbnail for %s failed: %s", name, exc)
            self._failed.add(key)
            self._stale.discard(name)
            return
        self._stale.discard(name)
        if loaded.image is None or self._closed:
            return
        self.decoded += 1
        self._store(key, _Entry(loaded.image, loaded.mtime_ns, loaded.image.sizeInBytes()))
        self.imageReady.emit(name)

    def _store(self, key: Key, entry: _Entry) -> None:
        old = self._cache.pop(key, None)
        if old is not None:
            self._forget(key, old)
        self._cache[key] = entry
        self._bytes += entry.nbytes
        self._paths[key[0]] = self._paths.get(key[0], 0) + 1
        while self._bytes > self.max_bytes and len(self._cache) > 1:
            evicted, gone = self._cache.popitem(last=False)
            self._forget(evicted, gone)

    def _forget(self, key: Key, entry: _Entry) -> None:
        self._bytes -= entry.nbytes
        left = self._paths.get(key[0], 0) - 1
        if left > 0:
            self._paths[key[0]] = left
        else:
            self._paths.pop(key[0], None)
