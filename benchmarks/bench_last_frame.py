"""How fast and how exact `last_frame` is, next to FFmpeg's own "seek from the end".

    python benchmarks/bench_last_frame.py [--repeat 5] [--seconds 10] [--gop 250]

Generates a 1280×768, 24 fps, single-GOP (keyint 250) H.264 clip with AAC sound as MP4, MKV,
MPEG-TS and fragmented MP4 in a temporary directory, then for each, best of --repeat:

  last_frame   genstudio.media.frames.last_frame (OpenCV, in process)
  sseof        ffmpeg -sseof -0.1 -i clip -frames:v 1 out.png (a child process, PNG written)
  full         OpenCV decode of every frame, keeping the last (the ground truth)
  validate     genstudio.media.probe.validate_clip (ffmpeg child decoding everything)

and prints last_frame/sseof (target ≤ 1.5×), last_frame/full, and whether last_frame and the
sseof PNG are pixel-identical to the full decode's last frame. (-sseof -0.1 asks for the frame
0.1 s before the end, so "False" there is expected; on a single-GOP MPEG-TS it writes nothing.)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from genstudio.media.ffmpeg import ffmpeg_exe
from genstudio.media.frames import last_frame
from genstudio.media.images import load_image
from genstudio.media.probe import validate_clip
from tests.engine.media_factory import make_clip

VARIANTS = {
    "mp4": ("clip.mp4", {}),
    "mkv": ("clip.mkv", {}),
    "ts": ("clip.ts", {}),
    "fragmented mp4": ("clip-frag.mp4", {"fragmented": True}),
}


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def full_decode_last(path: Path) -> np.ndarray:
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    last = None
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        last = frame
    capture.release()
    assert last is not None
    return last


def sseof(path: Path, out: Path) -> None:
    out.unlink(missing_ok=True)  # a stale PNG must not pass for this run's output
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-sseof", "-0.1",
           "-i", str(path), "-frames:v", "1", str(out)]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True)  # its reference warnings: noise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--gop", type=int, default=250, help="keyframe interval in frames")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-last-frame-") as tmp:
        work = Path(tmp)
        print(
            f"encoding {args.seconds:g} s 1280x768 24 fps keyint {args.gop} (+AAC), 4 containers…"
        )
        options = {"width": 1280, "height": 768, "fps": 24, "duration": args.seconds,
                   "gop": args.gop, "bframes": 3, "audio": True, "preset": "veryfast"}  # fmt: skip
        clips = {
            name: make_clip(work / filename, **options, **extra)
            for name, (filename, extra) in VARIANTS.items()
        }
        print(f"best of {args.repeat} runs, seconds")
        print(f"{'container':<15}{'last_frame':>11}{'sseof':>8}{'ratio':>8}{'full':>8}"
              f"{'lf/full':>9}{'validate':>10}   exact: last_frame | sseof")  # fmt: skip
        ratios = []
        for name, clip in clips.items():
            truth = full_decode_last(clip)
            png = work / "sseof.png"
            t_last = best_of(args.repeat, lambda c=clip: last_frame(c))
            t_sseof = best_of(args.repeat, lambda c=clip, out=png: sseof(c, out))
            t_full = best_of(args.repeat, lambda c=clip: full_decode_last(c))
            t_valid = best_of(args.repeat, lambda c=clip: validate_clip(c))
            exact = np.array_equal(last_frame(clip), truth)
            if png.is_file():
                sseof_result = str(np.array_equal(load_image(png), truth))
                ratios.append(t_last / t_sseof)
                ratio = f"{t_last / t_sseof:.2f}x"
            else:
                sseof_result, ratio = "no frame written", "n/a"
            row = f"{name:<15}{t_last:>11.3f}{t_sseof:>8.3f}{ratio:>8}{t_full:>8.3f}"
            print(f"{row}{t_last / t_full:>8.2f}x{t_valid:>10.3f}   {exact} | {sseof_result}")
        worst = max(ratios)
        verdict = "OK" if worst <= 1.5 else "ABOVE TARGET"
        print(f"worst last_frame/sseof ratio {worst:.2f}x (target ≤ 1.5x): {verdict}")


if __name__ == "__main__":
    main()
