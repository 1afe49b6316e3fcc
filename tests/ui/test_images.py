"""ThumbnailLoader: off-thread decode, one load per request key, bounded memory, disk cache."""

from __future__ import annotations

import os
import threading

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from ui import images
from ui.images import ThumbnailLoader


def _write(path, color, size=(480, 800)):
    frame = np.zeros((*size, 3), np.uint8)
    frame[:] = color
    cv2.imwrite(str(path), frame)
    return path


@pytest.fixture
def loader(qloop, tmp_path):
    made = ThumbnailLoader(tmp_path / "cache", max_bytes=200 * 120 * 4 * 5)  # five thumbnails
    yield made
    qloop.run_until_complete(made.shutdown())


def test_duplicate_requests_share_one_load_off_the_gui_thread(loader, tmp_path, until, monkeypatch):
    source = _write(tmp_path / "a.png", (0, 255, 0))
    threads = []
    real = images.load_thumbnail

    def spy(*args):
        threads.append(threading.current_thread())
        return real(*args)

    monkeypatch.setattr(images, "load_thumbnail", spy)
    size = QSize(200, 120)
    assert loader.request(source, size) is None
    assert loader.request(source, size) is None  # same key while in flight: no second load
    until(lambda: loader.pending() == 0)
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    image = loader.request(source, size)
    assert isinstance(image, QImage) and image.width() == 200 and image.height() == 120
    assert image.pixelColor(5, 5).green() == 255
    assert image.format() == QImage.Format.Format_RGB32  # paint-ready, converted off-thread


def test_memory_stays_under_the_cap_with_many_images(loader, tmp_path, until):
    size = QSize(200, 120)
    for i in range(30):
        loader.request(_write(tmp_path / f"{i}.jpg", (i * 8, 0, 0)), size)
    until(lambda: loader.pending() == 0, timeout=30)
    assert loader.decoded == 30
    assert loader.cached_bytes() <= loader.max_bytes
    assert loader.cached_count() == 5  # the least recently used were evicted
    assert loader.request(tmp_path / "29.jpg", size) is not None  # the newest stayed


def test_disk_cache_is_reused_and_a_changed_file_is_reloaded(qloop, tmp_path, until):
    source = _write(tmp_path / "frame.png", (255, 0, 0))
    size = QSize(160, 96)
    first = ThumbnailLoader(tmp_path / "cache")
    first.request(source, size)
    until(lambda: first.pending() == 0)
    cached = list((tmp_path / "cache").glob("*.jpg"))
    assert len(cached) == 1 and not list((tmp_path / "cache").glob("*.part*"))
    qloop.run_until_complete(first.shutdown())

    # A new loader (a restart) reads the disk thumbnail: same pixels without the source.
    second = ThumbnailLoader(tmp_path / "cache")
    second.request(source, size)
    until(lambda: second.pending() == 0)
    assert second.request(source, size).pixelColor(80, 48).blue() > 200

    # The file is re-rendered in place: after invalidate, the next request reloads it.
    _write(source, (0, 0, 255))
    stat = os.stat(source)
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    second.invalidate(source)
    assert second.request(source, size) is not None  # the old picture meanwhile, no flicker
    until(lambda: second.pending() == 0)
    assert second.request(source, size).pixelColor(80, 48).red() > 200
    qloop.run_until_complete(second.shutdown())


def test_clip_thumbnail_is_its_first_frame_and_missing_files_fail_once(loader, tmp_path, until):
    clip = tmp_path / "clip.mp4"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"mp4v"), 24, (320, 192))
    for i in range(6):
        writer.write(np.full((192, 320, 3), (0, 200, 0) if i == 0 else (200, 0, 0), np.uint8))
    writer.release()
    size = QSize(160, 96)
    loader.request(clip, size)
    loader.request(tmp_path / "missing.png", size)
    until(lambda: loader.pending() == 0)
    frame = loader.request(clip, size)
    assert frame is not None and frame.pixelColor(80, 48).green() > 150
    assert loader.request(tmp_path / "missing.png", size) is None
    assert loader.pending() == 0  # a failed file is not retried on every paint
