"""Image read/write (unicode-safe, atomic), validate_image and thumbnails."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from genstudio.errors import MediaError
from genstudio.media.frames import first_frame, thumbnail, write_thumbnail
from genstudio.media.images import encode_image, load_image, save_frame
from genstudio.media.probe import validate_image
from tests.engine.media_factory import make_clip, make_image


def picture(width: int = 97, height: int = 61) -> np.ndarray:
    """A deterministic BGR test image with detail in every channel (odd size on purpose)."""
    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    cv2.circle(image, (width // 2, height // 2), min(width, height) // 3, (10, 200, 30), -1)
    return image


@pytest.mark.parametrize("name", ["frame.png", "frame.webp", "frame.bmp"])
def test_lossless_formats_round_trip_exactly(tmp_path: Path, name: str) -> None:
    image = picture()
    saved = save_frame(image, tmp_path / "nested" / "dir" / name)
    assert saved == tmp_path / "nested" / "dir" / name
    assert np.array_equal(load_image(saved), image)


def test_jpeg_round_trips_closely(tmp_path: Path) -> None:
    image = picture(320, 192)
    image[:] = cv2.GaussianBlur(image, (9, 9), 3)  # JPEG is for photos, not noise
    for name in ("f.jpg", "f.jpeg", "F.JPG"):
        back = load_image(save_frame(image, tmp_path / name))
        assert back.shape == image.shape
        assert np.abs(back.astype(int) - image.astype(int)).mean() < 3


def test_unicode_paths(tmp_path: Path) -> None:
    image = picture()
    path = save_frame(image, tmp_path / "Szene ü 场景" / "кадр ✓.png")
    assert path.is_file()
    assert np.array_equal(load_image(path), image)
    assert validate_image(path) == (97, 61)


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "end.png"
    old = picture(10, 10)
    save_frame(old, target)
    with pytest.raises(ValueError, match="cannot write"):
        save_frame(picture(), tmp_path / "end.tiff2")
    with pytest.raises(ValueError):
        save_frame(np.zeros((0, 5, 3), np.uint8), target)  # nothing to encode
    with pytest.raises(ValueError):
        save_frame(np.zeros((4, 4, 3), np.float32), target)
    assert np.array_equal(load_image(target), old)  # failed writes left the old file alone
    save_frame(picture(), target)
    assert load_image(target).shape == (61, 97, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["end.png"]


def test_grey_and_alpha_images(tmp_path: Path) -> None:
    grey = picture()[:, :, 0]
    assert np.array_equal(load_image(save_frame(grey, tmp_path / "g.png"))[:, :, 1], grey)
    bgra = cv2.cvtColor(picture(), cv2.COLOR_BGR2BGRA)
    jpeg = encode_image(bgra, ".jpg")  # JPEG drops the alpha channel instead of failing
    assert jpeg[:2] == b"\xff\xd8"
    assert (
        load_image(save_frame(bgra, tmp_path / "a.png"), flags=cv2.IMREAD_UNCHANGED).shape[2] == 4
    )


def test_unreadable_images_raise_media_error_naming_the_file(tmp_path: Path) -> None:
    cases = {
        "missing.png": None,
        "empty.png": b"",
        "page.png": b"<html>404</html>",
        "half.png": encode_image(picture(), ".png")[:40],
    }
    for name, data in cases.items():
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        with pytest.raises(MediaError) as err:
            load_image(path)
        assert str(path) in str(err.value)
        with pytest.raises(MediaError):
            validate_image(path)


@pytest.mark.parametrize("name", ["ref.png", "ref.jpg", "ref.webp"])
def test_validate_image_reports_the_size(tmp_path: Path, name: str) -> None:
    assert validate_image(make_image(tmp_path / name, width=130, height=74)) == (130, 74)


@pytest.mark.parametrize(
    ("size", "bounds", "expected"),
    [
        ((1280, 768), (320, 320), (320, 192)),
        ((768, 1280), (320, 180), (108, 180)),
        ((854, 480), (200, 200), (200, 112)),
        ((100, 50), (400, 400), (100, 50)),  # never enlarged
        ((5000, 3), (100, 100), (100, 1)),  # never collapses to zero
    ],
)
def test_thumbnail_keeps_the_aspect_ratio(size, bounds, expected) -> None:
    image = np.full((size[1], size[0], 3), 128, np.uint8)
    thumb = thumbnail(image, *bounds)
    assert (thumb.shape[1], thumb.shape[0]) == expected
    assert thumb.dtype == np.uint8 and thumb.shape[2] == 3


def test_thumbnail_averages_rather_than_aliasing() -> None:
    # A 1-pixel checkerboard shrunk 4× must come out flat grey (INTER_AREA), not black/white.
    board = (np.indices((64, 64)).sum(axis=0) % 2 * 255).astype(np.uint8)
    thumb = thumbnail(cv2.cvtColor(board, cv2.COLOR_GRAY2BGR), 16, 16)
    assert thumb.shape == (16, 16, 3)
    assert np.all(np.abs(thumb.astype(int) - 128) <= 1)


def test_write_thumbnail_from_an_image_and_from_a_clip(tmp_path: Path) -> None:
    source = save_frame(picture(400, 240), tmp_path / "ref.png")
    out = write_thumbnail(source, tmp_path / "thumbs" / "ref.jpg", 100, 100)
    assert load_image(out).shape == (60, 100, 3)

    clip = make_clip(tmp_path / "clip.mp4", width=320, height=192, duration=0.5)
    out = write_thumbnail(clip, tmp_path / "thumbs" / "clip.png", 160, 160)
    expected = thumbnail(first_frame(clip), 160, 160)
    assert np.array_equal(load_image(out), expected)
    with pytest.raises(MediaError):
        write_thumbnail(tmp_path / "nope.mp4", tmp_path / "t.png", 10, 10)
