"""Do the seam thresholds separate good seams from drifted ones, and how fast is a check?

    python benchmarks/bench_seam.py [--stills 3] [--seconds 2]

Renders builtin stills (1280×768) into builtin clips with every camera move (the "good"
seams: a clip that does not drift), and clips of the same stills with a drift growing over the
clip, as video models drift: exposure down/up, a warm cast, desaturation, a Gaussian blur.
Each clip's last frame is measured against its first frame (`measure_seam`) and the table
shows, per kind of drift, the range of each figure and how many seams got ok / warn / bad,
then the time per seam at 1280×768 (frames already decoded).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from genstudio.media.frames import first_frame, last_frame
from genstudio.media.seam import THRESHOLDS, measure_seam
from genstudio.models import CameraMove, SeamReport
from genstudio.providers.builtin.images import render_still
from genstudio.providers.builtin.video import encode_frames, frame_count, motion_frames

W, H, FPS = 1280, 768, 24
PROMPTS = [
    "INT. KITCHEN - NIGHT Mara pours coffee",
    "EXT. FIELD - DAY wind moves the grass",
    "EXT. CITY STREET - DUSK rain, two people",
    "INT. OFFICE - DAY a man at a desk, fog",
]
Drift = Callable[[np.ndarray, float], np.ndarray]


def gain(per_channel: tuple[float, float, float]) -> Drift:
    factors = np.array(per_channel, np.float32)

    def apply(frame: np.ndarray, t: float) -> np.ndarray:
        scaled = frame.astype(np.float32) * (1 + (factors - 1) * t)
        return np.clip(scaled + 0.5, 0, 255).astype(np.uint8)

    return apply


def desaturate(amount: float) -> Drift:
    def apply(frame: np.ndarray, t: float) -> np.ndarray:
        grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32)[..., None]
        out = grey + (frame.astype(np.float32) - grey) * (1 - amount * t)
        return np.clip(out + 0.5, 0, 255).astype(np.uint8)

    return apply


def blur(sigma: float) -> Drift:
    def apply(frame: np.ndarray, t: float) -> np.ndarray:
        return cv2.GaussianBlur(frame, (0, 0), sigma * t) if sigma * t > 0.05 else frame

    return apply


DRIFTS: dict[str, Drift] = {
    "exposure -5%": gain((0.95,) * 3),
    "exposure -10%": gain((0.9,) * 3),
    "exposure -20%": gain((0.8,) * 3),
    "exposure -35%": gain((0.65,) * 3),
    "exposure +10%": gain((1.1,) * 3),
    "exposure +25%": gain((1.25,) * 3),
    "warm cast 5%": gain((0.95, 1.0, 1.05)),
    "warm cast 10%": gain((0.9, 1.0, 1.1)),
    "warm cast 20%": gain((0.8, 1.0, 1.2)),
    "desaturate 30%": desaturate(0.3),
    "desaturate 60%": desaturate(0.6),
    "blur σ0.5": blur(0.5),
    "blur σ1": blur(1.0),
    "blur σ1.5": blur(1.5),
    "blur σ2.5": blur(2.5),
}
DRIFT_MOVES = (CameraMove.STATIC, CameraMove.PAN_RIGHT, CameraMove.PUSH_IN)


def clip_seam(
    path: Path, still: np.ndarray, move: CameraMove, drift: Drift | None, seconds: float
) -> tuple[SeamReport, float]:
    count = frame_count(seconds, FPS)
    frames = motion_frames(still, move, count)
    if drift is not None:
        frames = (drift(f, i / (count - 1)) for i, f in enumerate(frames))
    encode_frames(frames, path, W, H, FPS, timeout=300)
    reference, end = first_frame(path), last_frame(path)
    started = time.perf_counter()
    report = measure_seam(reference, end)
    return report, time.perf_counter() - started


def summary(name: str, reports: list[SeamReport]) -> str:
    def span(values: list[float]) -> str:
        return f"{min(values):5.2f}-{max(values):<5.2f}"

    verdicts = [r.verdict for r in reports]
    counts = " ".join(f"{v}={verdicts.count(v):<2}" for v in ("ok", "warn", "bad"))
    return (
        f"{name:<16}{len(reports):>3}  ΔL* {span([r.luma_drift for r in reports])}  "
        f"ΔE {span([r.colour_drift for r in reports])}  "
        f"sharp {span([r.sharpness_ratio for r in reports])}  {counts}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stills", type=int, default=3, choices=range(1, len(PROMPTS) + 1))
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    stills = [render_still(p, W, H, seed=i) for i, p in enumerate(PROMPTS[: args.stills])]
    results: dict[str, list[SeamReport]] = defaultdict(list)
    times: list[float] = []
    t = THRESHOLDS
    print(
        f"thresholds: ΔL* warn {t.luma_warn} bad {t.luma_bad}; ΔE warn {t.colour_warn} bad "
        f"{t.colour_bad}; sharpness warn < {t.sharpness_warn} bad < {t.sharpness_bad}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-seam-") as tmp:
        path = Path(tmp) / "clip.mp4"
        for still in stills:
            for move in CameraMove:
                report, took = clip_seam(path, still, move, None, args.seconds)
                results["no drift"].append(report)
                times.append(took)
            for move in DRIFT_MOVES:
                for name, drift in DRIFTS.items():
                    report, took = clip_seam(path, still, move, drift, args.seconds)
                    results[name].append(report)
                    times.append(took)
    print(f"{'clip':<16}{'n':>3}  figures (min-max) and verdicts")
    for name, reports in results.items():
        print(summary(name, reports))
    ms = sorted(x * 1000 for x in times)
    print(
        f"measure_seam at {W}x{H}: median {statistics.median(ms):.1f} ms, "
        f"p90 {ms[int(0.9 * (len(ms) - 1))]:.1f} ms, max {ms[-1]:.1f} ms over {len(ms)} seams"
    )


if __name__ == "__main__":
    main()
