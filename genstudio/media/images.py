"""Read and write still images (BGR uint8 numpy arrays), safely on any path.

`cv2.imread`/`cv2.imwrite` take narrow-char paths and fail on non-ASCII Windows paths
(opencv#4292), and `imwrite` straight onto the final name can leave half a file after a crash.
So images are decoded from bytes we read ourselves (`np.fromfile` + `cv2.imdecode`) and encoded
to bytes (`cv2.imencode`) that go through `fsutil.atomic_write_bytes`.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from genstudio.errors import MediaError
from genstudio.fsutil import atomic_write_bytes

# extension -> what cv2.imencode is asked for
_ENCODERS = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".webp": ".webp", ".bmp": ".bmp"}
IMAGE_EXTENSIONS = frozenset(_ENCODERS)


def _checked_array(image: np.ndarray) -> np.ndarray:
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise ValueError("an image must be a uint8 numpy array")
    if image.ndim not in (2, 3) or image.size == 0:
        raise ValueError(f"an image must be H×W or H×W×C and non-empty, got shape {image.shape}")
    if image.ndim == 3 and image.shape[2] not in (1, 3, 4):
        raise ValueError(f"an image needs 1, 3 or 4 channels, got {image.shape[2]}")
    return image


def encode_image(image: np.ndarray, extension: str, *, jpeg_quality: int = 95) -> bytes:
    """Encode a BGR/BGRA/grey array as PNG, JPEG, WebP or BMP bytes (by `extension`)."""
    image = _checked_array(image)
    ext = extension.lower() if extension.startswith(".") else f".{extension.lower()}"
    if ext not in _ENCODERS:
        raise ValueError(f"cannot write {ext!r} images (use one of {sorted(_ENCODERS)})")
    params: list[int] = []
    if _ENCODERS[ext] == ".jpg":
        params = [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality]
        if image.ndim == 3 and image.shape[2] == 4:  # JPEG has no alpha channel
            image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    elif _ENCODERS[ext] == ".webp":
        params = [cv2.IMWRITE_WEBP_QUALITY, 101]  # above 100 = lossless (OpenCV docs)
    ok, buffer = cv2.imencode(_ENCODERS[ext], image, params)
    if not ok:
        raise ValueError(f"OpenCV could not encode a {image.shape} image as {ext}")
    return buffer.tobytes()


def save_frame(image: np.ndarray, path: Path | str, *, jpeg_quality: int = 95) -> Path:
    """Write `image` atomically to `path`; the format follows the extension (.png, .jpg,
    .webp, .bmp). An unknown extension raises ValueError rather than guessing a format."""
    path = Path(path)
    data = encode_image(image, path.suffix, jpeg_quality=jpeg_quality)
    return atomic_write_bytes(path, data)


def load_image(path: Path | str, *, flags: int = cv2.IMREAD_COLOR) -> np.ndarray:
    """Decode an image file (PNG/JPEG/WebP/BMP…) to a BGR uint8 array (by default).

    Raises MediaError naming the file when it is missing, empty or not a decodable image.
    """
    path = Path(path)
    if not path.is_file():
        raise MediaError(path, "image file not found")
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        raise MediaError(path, f"image cannot be read: {exc.strerror or exc}") from exc
    if data.size == 0:
        raise MediaError(path, "image file is empty (0 bytes)")
    image = cv2.imdecode(data, flags)
    if image is None or image.size == 0:
        raise MediaError(path, "not a readable image (expected PNG, JPEG or WebP)")
    return image
