"""Seam check: does a continuation's start image still look like the previous scene?

A continuation scene starts on the previous clip's real last frame. Video models drift over a
clip (exposure creeps, a colour cast grows, detail goes soft), and every continuation starts
from the drifted frame and drifts further, so a chain of scenes wanders away from its look.
Before a last frame becomes the next start image we measure it against the previous scene's
reference and flag a bad seam; a colour/luma drift can be corrected, blur cannot.

The reference is the previous clip's FIRST FRAME, not its start image: both frames then went
through the same provider and the same encoder at the same size, so codec softening, scaling
and colour-matrix differences cancel and only the drift within the clip remains. (Measured:
against a lossless start still, x264 at CRF 20 alone makes a static clip's last frame look
2-4× "softer" at full resolution, because the first frame, an I-frame, keeps the grain.)

Camera moves change what is in the frame, and with it the mean colour (a builtin pan or push
in moves the mean L* by 4-7 with no drift at all). So the reference is first aligned to the
start image (ECC, affine, on a small grey copy: ECC's correlation ignores brightness and
contrast changes) and the statistics are taken over the overlap only. When alignment fails
(new content, a hard change) the whole frames are compared.

Figures (at fixed analysis widths, whatever the frame size):
- luma_drift: |ΔL*| of the mean Lab colours; colour_drift: ΔE (CIE76) of the mean Lab colours.
- sharpness_ratio: variance of the Laplacian divided by the variance of the grey image (so a
  darker or flatter frame is not mistaken for a blurred one), start image / reference.
Each maps to a 0..100 sub-score (100 at no drift, 75 at the warn threshold, 50 at the bad
one, 0 at twice that); the seam's score is the worst of the three: one bad aspect is enough
to see. Thresholds come from benchmarks/bench_seam.py (builtin clips with every camera move
vs the same clips with progressive darkening, casts and blur).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from genstudio.media.frames import first_frame
from genstudio.media.images import load_image, save_frame
from genstudio.models import SeamReport, SeamVerdict

COLOUR_WIDTH = 320  # colour statistics: grain and codec noise average out at this size
# Sharpness at half of 1280: a blur of σ 1 px at 1280 wide is still clearly measurable here
# (ratio 0.24-0.32), while the grain the encoder drops after the first I-frame is not
# (unblurred builtin clips stay at 0.61-0.95); at 320 wide the two overlapped.
SHARPNESS_WIDTH = 640
ALIGN_WIDTHS = (40, 80, 160)  # ECC alignment, coarse to fine: enough for a global move, fast
MIN_ALIGN_CORRELATION = 0.6  # below this ECC found no believable match: compare whole frames
# A first guess this good needs no other. Smooth pictures (a dusk sky, haze) correlate at
# 0.98-0.99 even when wrongly aligned (measured: the demo's push in found a zoom OUT from the
# identity), so all guesses compete unless one is near-perfect.
GOOD_ALIGN_CORRELATION = 0.998
MIN_OVERLAP = 0.3  # share of the frame the aligned overlap must cover to be used
OK_SCORE, BAD_SCORE = 75.0, 50.0  # score at the warn / bad thresholds
MATCHED_SUFFIX = ".matched"  # frames/scene-001-ab12cd34-end.png -> ...-end.matched.png


@dataclass(frozen=True)
class SeamThresholds:
    """Where a seam starts to be noticeable (warn) and clearly wrong (bad)."""

    # Measured (benchmarks/bench_seam.py, builtin clips at 1280×768): every camera move
    # without drift stays within ΔL* 1.8, ΔE 1.8 and sharpness 0.58; a 10% exposure drift
    # over the clip gives ΔL* 2.5-6.2, 20% gives 5.5-11.5; a 10% warm cast gives ΔE 4.4-9.2,
    # 20% gives 9-19; a blur growing to σ 1 px gives sharpness 0.24-0.32, σ 1.5 px 0.11-0.15.
    luma_warn: float = 3.0  # |ΔL*|: about a 10% exposure change
    luma_bad: float = 6.0  # about 20%
    colour_warn: float = 4.0  # ΔE of the mean Lab colours
    colour_bad: float = 8.0
    sharpness_warn: float = 0.45  # start image sharpness / reference sharpness below this
    sharpness_bad: float = 0.2


THRESHOLDS = SeamThresholds()


@dataclass(frozen=True)
class SeamCheck:
    """The outcome of checking a continuation seam: what the next scene should start from."""

    report: SeamReport  # of the start image actually used
    start_image: Path  # the real last frame, or its colour-matched copy beside it
    measured: SeamReport  # of the real last frame (the same as `report` when not matched)


def _sub_score(value: float, warn: float, bad: float) -> float:
    """100 at 0, 75 at `warn`, 50 at `bad`, 0 at twice `bad` (linear in between)."""
    if value <= warn:
        return 100.0 - (100.0 - OK_SCORE) * value / warn
    if value <= bad:
        return OK_SCORE - (OK_SCORE - BAD_SCORE) * (value - warn) / (bad - warn)
    return max(0.0, BAD_SCORE * (1.0 - (value - bad) / bad))


def verdict_for(score: float) -> SeamVerdict:
    return "ok" if score >= OK_SCORE else "warn" if score >= BAD_SCORE else "bad"


def score_seam(
    luma_drift: float,
    colour_drift: float,
    sharpness_ratio: float,
    *,
    colour_matched: bool = False,
    thresholds: SeamThresholds = THRESHOLDS,
) -> SeamReport:
    t = thresholds
    # Blur is scored as a loss (1 - ratio); a sharper start image is no seam problem.
    loss, warn_loss, bad_loss = (
        max(0.0, 1.0 - sharpness_ratio),
        1.0 - t.sharpness_warn,
        1.0 - t.sharpness_bad,
    )
    score = min(
        _sub_score(luma_drift, t.luma_warn, t.luma_bad),
        _sub_score(colour_drift, t.colour_warn, t.colour_bad),
        _sub_score(loss, warn_loss, bad_loss),
    )
    score = round(score, 1)
    return SeamReport(
        score=score,
        luma_drift=round(luma_drift, 2),
        colour_drift=round(colour_drift, 2),
        sharpness_ratio=round(sharpness_ratio, 3),
        verdict=verdict_for(score),
        colour_matched=colour_matched,
    )


def colour_is_bad(report: SeamReport, thresholds: SeamThresholds = THRESHOLDS) -> bool:
    """Colour or luma drift at the bad threshold: what a colour match can repair."""
    return report.colour_drift >= thresholds.colour_bad or report.luma_drift >= thresholds.luma_bad


def describe_seam(report: SeamReport) -> str:
    """'seam 41 (bad): ΔL* 7.2, ΔE 9.8, sharpness 0.93' — for logs and the CLI."""
    return (
        f"seam {report.score:.0f} ({report.verdict}): ΔL* {report.luma_drift:.1f}, "
        f"ΔE {report.colour_drift:.1f}, sharpness {report.sharpness_ratio:.2f}"
        + (", colour-matched" if report.colour_matched else "")
    )


# -- measuring -------------------------------------------------------------------------------


def _resized(image: np.ndarray, width: int, height: int) -> np.ndarray:
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.shape[1] == width and image.shape[0] == height:
        return image
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)


def _analysis_size(image: np.ndarray, width: int) -> tuple[int, int]:
    h, w = image.shape[:2]
    width = min(width, w)
    return width, max(8, round(h * width / w))


def _grey(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).astype(np.float32) / 255.0


def _ecc(
    start: np.ndarray, reference: np.ndarray, warp: np.ndarray, blur: int
) -> tuple[float, np.ndarray]:
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 60, 1e-5)
    try:
        correlation, warp = cv2.findTransformECC(
            start, reference, warp.copy(), cv2.MOTION_AFFINE, criteria, None, blur
        )
    except cv2.error:  # "the algorithm stopped before its convergence": no match from here
        return -1.0, warp
    return float(correlation), warp


def _first_guesses(width: int, height: int) -> list[np.ndarray]:
    """Starting warps for ECC: none, then zoomed in (push in, pan, tilt) and out (pull out)
    at the centre and toward each side. ECC from the identity alone misses a long pan on a
    dark, low-texture frame (measured on the builtin night kitchen), and on a smooth frame it
    settles on a wrong zoom."""
    guesses = [np.eye(2, 3, dtype=np.float32)]
    for zoom in (1 / 1.2, 1.2):
        slack_x, slack_y = (1 - zoom) * width, (1 - zoom) * height
        for fx in (0.5, 0.0, 1.0):
            for fy in (0.5, 0.0, 1.0):
                guesses.append(
                    np.array([[zoom, 0, fx * slack_x], [0, zoom, fy * slack_y]], np.float32)
                )
    return guesses


def _align(reference: np.ndarray, start: np.ndarray) -> np.ndarray | None:
    """An affine warp taking start-image coordinates to reference coordinates (at the
    analysis size), or None when ECC finds no believable match.

    Coarse to fine: the best of a few first guesses at 40 px wide, refined at 80 and 160.
    """
    warp: np.ndarray | None = None
    correlation = -1.0
    previous_width = 0
    for width in ALIGN_WIDTHS:
        size = _analysis_size(start, width)
        start_grey, reference_grey = _grey(start, size), _grey(reference, size)
        blur = 3 if width < 80 else 5
        if warp is None:
            for guess in _first_guesses(*size):
                found = _ecc(start_grey, reference_grey, guess, blur)
                if warp is None or found[0] > correlation:
                    correlation, warp = found
                if correlation >= GOOD_ALIGN_CORRELATION:
                    break
        else:
            warp[:, 2] *= size[0] / previous_width
            refined = _ecc(start_grey, reference_grey, warp, blur)
            if refined[0] >= correlation - 0.05:  # finer levels correlate a little less
                correlation, warp = refined
        previous_width = size[0]
    assert warp is not None
    zoom = math.sqrt(abs(float(np.linalg.det(warp[:, :2]))))
    if not (correlation >= MIN_ALIGN_CORRELATION and 0.5 <= zoom <= 2.0):
        return None
    warp = warp.astype(np.float64)
    warp[:, 2] *= start.shape[1] / previous_width  # translation in analysis pixels
    return warp


def _overlap_masks(
    warp: np.ndarray | None, size: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray] | None:
    """(start-image mask, reference mask) of the part both frames show, eroded so that
    the Laplacian never sees the edge; None when the overlap is too small to trust."""
    w, h = size
    ones = np.full((h, w), 255, np.uint8)
    if warp is None:
        return ones, ones
    start_mask = cv2.warpAffine(ones, warp, size, flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP)
    reference_mask = cv2.warpAffine(ones, warp, size, flags=cv2.INTER_NEAREST)
    kernel = np.ones((5, 5), np.uint8)
    start_mask, reference_mask = cv2.erode(start_mask, kernel), cv2.erode(reference_mask, kernel)
    if min(np.count_nonzero(start_mask), np.count_nonzero(reference_mask)) < MIN_OVERLAP * w * h:
        return None
    return start_mask, reference_mask


def _mean_lab(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
    return np.asarray(cv2.mean(lab, mask)[:3])


def _sharpness(image: np.ndarray, mask: np.ndarray) -> float:
    """Variance of the Laplacian over variance of the grey image (contrast-normalised)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    laplacian = cv2.Laplacian(grey, cv2.CV_32F)
    _, lap_std = cv2.meanStdDev(laplacian, mask=mask)
    _, grey_std = cv2.meanStdDev(grey, mask=mask)
    return float(lap_std[0, 0] ** 2) / (float(grey_std[0, 0] ** 2) + 1.0)


def _overlap(
    reference: np.ndarray, start: np.ndarray, size: tuple[int, int], warp: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Both images at `size` with their overlap masks (whole frames when not aligned);
    `warp` is in pixels of the colour analysis size and is rescaled to `size`."""
    if warp is not None:
        warp = warp.copy()
        warp[:, 2] *= size[0] / _analysis_size(start, COLOUR_WIDTH)[0]
    masks = _overlap_masks(warp, size) or _overlap_masks(None, size)
    assert masks is not None
    return _resized(reference, *size), _resized(start, *size), masks[1], masks[0]


def _alignment(reference: np.ndarray, start: np.ndarray) -> np.ndarray | None:
    size = _analysis_size(start, COLOUR_WIDTH)
    warp = _align(_resized(reference, *size), _resized(start, *size))
    if warp is not None and _overlap_masks(warp, size) is None:
        return None  # too little in common: compare the whole frames
    return warp


def measure_seam(
    reference: np.ndarray,
    start: np.ndarray,
    *,
    colour_matched: bool = False,
    thresholds: SeamThresholds = THRESHOLDS,
) -> SeamReport:
    """Score `start` (BGR uint8, the next scene's start image) against `reference` (the
    previous clip's first frame). Sizes may differ: both are analysed at fixed widths."""
    warp = _alignment(reference, start)
    ref_small, start_small, ref_mask, start_mask = _overlap(
        reference, start, _analysis_size(start, COLOUR_WIDTH), warp
    )
    start_lab, reference_lab = _mean_lab(start_small, start_mask), _mean_lab(ref_small, ref_mask)
    ref_sharp, start_sharp, ref_mask, start_mask = _overlap(
        reference, start, _analysis_size(start, SHARPNESS_WIDTH), warp
    )
    ratio = (_sharpness(start_sharp, start_mask) + 1e-6) / (_sharpness(ref_sharp, ref_mask) + 1e-6)
    return score_seam(
        abs(float(start_lab[0] - reference_lab[0])),
        float(np.linalg.norm(start_lab - reference_lab)),
        ratio,
        colour_matched=colour_matched,
        thresholds=thresholds,
    )


# -- repairing -------------------------------------------------------------------------------


def match_colour(start: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """`start` with its Lab mean and spread moved to the reference's (Reinhard transfer).

    Statistics come from the aligned overlap, so a camera move does not make the "fix" tint
    the frame; the correction is applied to the whole, full-size image. The spread is scaled
    by at most 2× either way, so a near-flat frame is not blown up into noise.
    """
    reference_small, start_small, reference_mask, start_mask = _overlap(
        reference, start, _analysis_size(start, COLOUR_WIDTH), _alignment(reference, start)
    )

    def stats(image: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lab = cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
        mean, std = cv2.meanStdDev(lab, mask=mask)
        return mean.ravel(), std.ravel()

    start_mean, start_std = stats(start_small, start_mask)
    ref_mean, ref_std = stats(reference_small, reference_mask)
    gain = np.clip(ref_std / np.maximum(start_std, 1e-3), 0.5, 2.0).astype(np.float32)
    full = _resized(start, start.shape[1], start.shape[0])
    lab = cv2.cvtColor(full.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
    lab = (lab - start_mean.astype(np.float32)) * gain + ref_mean.astype(np.float32)
    lab[..., 0] = np.clip(lab[..., 0], 0.0, 100.0)
    bgr = cv2.cvtColor(lab, cv2.COLOR_Lab2BGR)
    return np.clip(bgr * 255.0 + 0.5, 0, 255).astype(np.uint8)


def matched_path(end_frame: Path) -> Path:
    """Where the colour-matched copy of a last frame lives: beside it, never over it."""
    return end_frame.with_name(f"{end_frame.stem}{MATCHED_SUFFIX}.png")


def check_seam(
    previous_clip: Path,
    end_frame: Path,
    *,
    colour_match: bool = True,
    thresholds: SeamThresholds = THRESHOLDS,
) -> SeamCheck:
    """Measure the seam between `previous_clip` (its first frame is the reference) and its
    extracted last frame `end_frame`. When the colour drift is bad and `colour_match` is on,
    write a colour-matched copy beside `end_frame` (atomically) and start from that.
    Blocking: run it off the event loop."""
    reference = first_frame(previous_clip)
    start = load_image(end_frame)
    measured = measure_seam(reference, start, thresholds=thresholds)
    if not (colour_match and colour_is_bad(measured, thresholds)):
        return SeamCheck(measured, end_frame, measured)
    corrected = match_colour(start, reference)
    target = save_frame(corrected, matched_path(end_frame))
    report = measure_seam(reference, corrected, colour_matched=True, thresholds=thresholds)
    return SeamCheck(report, target, measured)
