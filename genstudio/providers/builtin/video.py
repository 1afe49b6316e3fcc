"""Camera-motion clips from a still: push in, pull out, pan, tilt or a near-static hold.

Every move starts on the unmodified input image (the identity transform at t=0) and moves
away from it, because a continuation scene starts on the previous clip's real last frame:
any initial zoom or offset would show as a jump at the seam.

Frames are made with `cv2.warpAffine` (sub-pixel, eased motion) and piped as raw BGR into
the bundled ffmpeg, which encodes H.264 (libx264, yuv420p, CRF 20, +faststart).

Choices worth knowing:
- Pans and tilts need picture beyond the frame, and at t=0 there is none. So the camera
  zooms in early (reaching 1.2x by 60% of the clip) while the window travels toward the
  pan side over the whole clip; the window never leaves the picture. The second half is a
  true sideways pan; the start reads as a gentle push toward that side.
- A pull out has to reveal what is outside the still. The surround is the still mirrored
  at its edges, blurred and darkened (like lens fall-off), so it reads as out-of-focus
  surroundings, never as hard mirrored copies.
- "static" is a 1% slow push: a locked-off frame from a still looks frozen, grain per
  frame would cost bitrate and break the exact first frame, and a 1% drift is invisible
  as movement but reads as a live camera.
- Encoding uses swscale's default BT.601 matrix, tagged as such, because OpenCV decodes
  with BT.601: the last frame handed to the next scene keeps its colours, scene after scene.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import cv2
import numpy as np

from genstudio.concurrency import run_blocking
from genstudio.errors import MediaError, ProviderError
from genstudio.fsutil import atomic_path
from genstudio.media.ffmpeg import Cancelled, ffmpeg_exe
from genstudio.models import CameraMove, Provenance, utcnow
from genstudio.providers.base import MediaResult, VideoRequest

MODEL = "motion-v1"
PUSH_ZOOM = 1.18  # push in: final magnification
PAN_ZOOM = 1.2  # pan / tilt: magnification that makes room for the travel
PULL_ZOOM = 0.86  # pull out: final magnification (the frame takes in 1/0.86 = 16% more)
STATIC_ZOOM = 1.01
PAN_ZOOM_PHASE = 0.6  # share of the clip over which a pan's zoom settles
CRF, PRESET = "20", "veryfast"


def ease(t: float) -> float:
    """Smoothstep: zero velocity at both ends, so moves start and land softly."""
    t = min(1.0, max(0.0, t))
    return t * t * (3.0 - 2.0 * t)


def camera_matrix(move: CameraMove, t: float, width: int, height: int) -> np.ndarray:
    """2x3 affine matrix mapping source pixels to output pixels at time t in [0, 1].

    At t=0 it is exactly the identity for every move.
    """
    centre_x, centre_y = (width - 1) / 2, (height - 1) / 2
    cx, cy = centre_x, centre_y  # the source point shown at the frame centre
    if move is CameraMove.PUSH_IN:
        zoom = 1 + (PUSH_ZOOM - 1) * ease(t)
    elif move is CameraMove.PULL_OUT:
        zoom = 1 - (1 - PULL_ZOOM) * ease(t)
    elif move in (
        CameraMove.PAN_LEFT,
        CameraMove.PAN_RIGHT,
        CameraMove.TILT_UP,
        CameraMove.TILT_DOWN,
    ):
        zoom = 1 + (PAN_ZOOM - 1) * ease(t / PAN_ZOOM_PHASE)
        horizontal = move in (CameraMove.PAN_LEFT, CameraMove.PAN_RIGHT)
        half = (width if horizontal else height) / 2
        room_now, room_end = half * (1 - 1 / zoom), half * (1 - 1 / PAN_ZOOM)
        travel = min(room_now, room_end * ease(t))  # never show anything beyond the picture
        sign = 1 if move in (CameraMove.PAN_RIGHT, CameraMove.TILT_DOWN) else -1
        if horizontal:
            cx += sign * travel
        else:
            cy += sign * travel
    else:
        zoom = 1 + (STATIC_ZOOM - 1) * ease(t)
    return np.array(
        [[zoom, 0.0, centre_x - zoom * cx], [0.0, zoom, centre_y - zoom * cy]], dtype=np.float64
    )


def fit_to_frame(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale and centre-crop to exactly width x height (untouched when it already fits)."""
    ih, iw = image.shape[:2]
    if (iw, ih) == (width, height):
        return image
    scale = max(width / iw, height / ih)
    size = (max(width, math.ceil(iw * scale)), max(height, math.ceil(ih * scale)))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    scaled = cv2.resize(image, size, interpolation=interp)
    x0, y0 = (size[0] - width) // 2, (size[1] - height) // 2
    return np.ascontiguousarray(scaled[y0 : y0 + height, x0 : x0 + width])


def _surround(image: np.ndarray, pad: int) -> np.ndarray:
    """The still inside a soft, darkened mirror of itself (what a pull out reveals).

    Inside the original rectangle the pixels are the original ones, bit for bit.
    """
    h, w = image.shape[:2]
    mirrored = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_REFLECT_101)
    soft = cv2.GaussianBlur(mirrored, (0, 0), max(2.0, pad / 4))
    ys = np.abs(np.arange(h + 2 * pad, dtype=np.float32) - (h + 2 * pad - 1) / 2) - (h - 1) / 2
    xs = np.abs(np.arange(w + 2 * pad, dtype=np.float32) - (w + 2 * pad - 1) / 2) - (w - 1) / 2
    outside = np.hypot(np.maximum(xs, 0)[None, :], np.maximum(ys, 0)[:, None]) / pad
    sharp = np.clip(1 - outside * 4, 0, 1)[..., None]  # a short feather keeps the seam soft
    shade = (1 - 0.45 * np.clip(outside, 0, 1))[..., None]
    out = (mirrored * sharp + soft * (1 - sharp)) * shade
    out = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    out[pad : pad + h, pad : pad + w] = image
    return out


def motion_frames(image: np.ndarray, move: CameraMove, count: int) -> Iterator[np.ndarray]:
    """The clip's frames, lazily (a long clip never sits in memory)."""
    h, w = image.shape[:2]
    pad = 0
    source = image
    if move is CameraMove.PULL_OUT:
        pad = math.ceil(max(w, h) * (1 / PULL_ZOOM - 1) / 2) + 4
        source = _surround(image, pad)
    identity = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    for index in range(count):
        t = index / (count - 1) if count > 1 else 0.0
        matrix = camera_matrix(move, t, w, h)
        if np.allclose(matrix, identity, atol=1e-9, rtol=0):
            yield image
            continue
        if pad:  # source coordinates are shifted by the surround
            matrix = matrix.copy()
            matrix[:, 2] -= matrix[:, :2] @ np.array([pad, pad], dtype=np.float64)
        yield cv2.warpAffine(
            source, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101
        )


def _drain(stream: IO[bytes] | None, sink: list[bytes]) -> None:
    if stream is not None:
        sink.append(stream.read())


def encode_frames(
    frames: Iterable[np.ndarray],
    out_path: Path,
    width: int,
    height: int,
    fps: int,
    *,
    timeout: float,
    cancel: threading.Event | None = None,
    label: str = "",
) -> None:
    """Pipe raw BGR frames into ffmpeg (libx264) writing `out_path`.

    The process is always reaped; a watchdog kills it on cancel or timeout, which also
    unblocks a write stuck on a full pipe. ffmpeg's stderr is captured for the error message.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
    cmd += ["-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{width}x{height}", "-r", str(fps)]
    cmd += ["-i", "-", "-an", "-c:v", "libx264", "-preset", PRESET, "-crf", CRF]
    # accurate rounding: without it swscale darkens every frame by 1-4 levels (measured)
    cmd += ["-sws_flags", "bicubic+accurate_rnd+full_chroma_int", "-pix_fmt", "yuv420p"]
    cmd += ["-colorspace", "smpte170m", "-color_range", "tv"]
    cmd += ["-movflags", "+faststart", str(out_path)]
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    stderr: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(proc.stderr, stderr), daemon=True)
    reader.start()
    done, expired = threading.Event(), threading.Event()
    deadline = time.monotonic() + timeout

    def watchdog() -> None:
        while not done.wait(0.1):
            if cancel is not None and cancel.is_set():
                break
            if time.monotonic() > deadline:
                expired.set()
                break
        if not done.is_set():
            proc.kill()

    guard = threading.Thread(target=watchdog, daemon=True)
    guard.start()
    complete = False
    try:
        assert proc.stdin is not None
        try:
            for frame in frames:
                if done.is_set() or proc.poll() is not None:
                    break
                proc.stdin.write(np.ascontiguousarray(frame, dtype=np.uint8).data)
            else:
                complete = True
            proc.stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            complete = False  # ffmpeg exited (or was killed); its stderr says why
        proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        expired.set()
    finally:
        done.set()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stdin is not None and not proc.stdin.closed:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        reader.join(timeout=5)
        guard.join(timeout=1)
    message = b"".join(stderr).decode("utf-8", "replace").strip()
    lines = message.splitlines()
    # the first lines name the cause, the last ones the consequence
    excerpt = "\n".join(lines if len(lines) <= 10 else [*lines[:5], "...", *lines[-4:]])
    label = label or out_path.name
    if cancel is not None and cancel.is_set():
        raise Cancelled("clip rendering cancelled")
    if expired.is_set():
        raise ProviderError(f"{label}: ffmpeg did not finish within {timeout:.0f} s")
    if proc.returncode != 0 or not complete:
        raise ProviderError(
            f"{label}: ffmpeg failed while encoding (exit {proc.returncode}): {excerpt}"
        )


def read_still(path: Path) -> np.ndarray:
    if not path.is_file():
        raise MediaError(path, "start image not found")
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise MediaError(path, "start image cannot be read (not a PNG/JPEG/WebP image?)")
    return image


def frame_count(duration: float, fps: int) -> int:
    """Frames for `duration`, rounded half up (Python's round() would make 32.5 -> 32)."""
    return max(1, math.floor(duration * fps + 0.5))


def render_clip(request: VideoRequest, cancel: threading.Event | None = None) -> float:
    """Render the request's MP4 atomically; returns the clip duration in seconds."""
    w, h, fps = request.width, request.height, request.fps
    if w < 16 or h < 16 or w % 2 or h % 2:
        raise ProviderError(f"clip size {w}x{h}: width and height must be even and >= 16")
    if fps <= 0 or not request.duration > 0:
        raise ProviderError(
            f"clip needs a positive duration and fps (got {request.duration} s at {fps} fps)"
        )
    image = fit_to_frame(read_still(request.image_path), w, h)
    count = frame_count(request.duration, fps)
    timeout = 120 + 20 * request.duration  # generous: two renders share two cores
    with atomic_path(request.out_path) as tmp:
        frames = motion_frames(image, CameraMove(request.camera), count)
        label = str(request.out_path)
        encode_frames(frames, tmp, w, h, fps, timeout=timeout, cancel=cancel, label=label)
    return count / fps


class BuiltinVideoGen:
    """VideoGen role, offline: motion rendered from the start image on local cores."""

    name = "builtin"

    async def generate_video(self, request: VideoRequest) -> MediaResult:
        started = utcnow()
        cancel = threading.Event()
        try:
            duration = await run_blocking(render_clip, request, cancel)
        except asyncio.CancelledError:
            cancel.set()  # stop the worker thread and kill ffmpeg; the temp file is removed
            raise
        provenance = Provenance(
            provider=self.name,
            model=MODEL,
            seed=request.seed,
            prompt=request.prompt,
            started_at=started,
            finished_at=utcnow(),
        )
        return MediaResult(path=request.out_path, provenance=provenance, duration=duration)
