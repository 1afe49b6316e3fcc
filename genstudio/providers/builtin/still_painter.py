"""The drawing behind builtin stills: sky, land, rooms, people and weather with OpenCV.

Shapes are drawn on an 8-bit RGB canvas (OpenCV's anti-aliased drawing is fastest there);
soft light is accumulated on a small float grid and scaled up once at the end, which is
what keeps a 1280x768 frame well under the 150 ms budget.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from genstudio.providers.builtin.still_cues import SceneCues
from genstudio.providers.builtin.still_props import draw_room_props

AA = cv2.LINE_AA
Colour = tuple[float, ...]
Point = tuple[float, float]


def _pt(p: Point) -> tuple[int, int]:
    return math.floor(p[0] + 0.5), math.floor(p[1] + 0.5)


def rgb255(colour: np.ndarray | tuple[float, ...], scale: float = 1.0) -> tuple[float, ...]:
    return tuple(float(min(255.0, max(0.0, v * scale * 255.0))) for v in colour)


def mix(
    a: np.ndarray | tuple[float, ...], b: np.ndarray | tuple[float, ...], t: float
) -> np.ndarray:
    return np.asarray(a, dtype=np.float64) * (1 - t) + np.asarray(b, dtype=np.float64) * t


class Painter:
    def __init__(self, width: int, height: int, rng: np.random.Generator, colours: dict) -> None:
        self.w, self.h, self.rng, self.c = width, height, rng, colours
        self.img = np.zeros((height, width, 3), np.uint8)
        self.glow = np.zeros((max(8, height // 8), max(8, width // 8), 3), np.float32)
        self.horizon = int(height * 0.6)
        self.feet = (int(height * 0.75), int(height * 0.95))  # where people may stand
        self.light_x = 0.5  # where the key light comes from, for rim light on figures

    # ---- helpers -------------------------------------------------------------------------
    def gradient(self, y0: int, y1: int, top: np.ndarray, bottom: np.ndarray) -> None:
        y0, y1 = max(0, y0), min(self.h, y1)
        if y1 <= y0:
            return
        t = np.linspace(0.0, 1.0, y1 - y0, dtype=np.float32)[:, None]
        rows = (np.asarray(top, np.float32) * (1 - t) + np.asarray(bottom, np.float32) * t) * 255
        self.img[y0:y1] = np.clip(rows, 0, 255).astype(np.uint8)[:, None, :]

    def add_glow(
        self, x: float, y: float, radius: float, colour: np.ndarray, strength: float
    ) -> None:
        """A soft light centred at (x, y) in pixels; radius is the 1/e falloff in pixels."""
        gh, gw = self.glow.shape[:2]
        sx, sy = gw / self.w, gh / self.h
        yy, xx = np.ogrid[0:gh, 0:gw]
        r2 = ((xx - x * sx) ** 2 + (yy - y * sy) ** 2) / max(1e-6, (radius * sx) ** 2)
        self.glow += (np.exp(-r2)[..., None] * np.asarray(colour, np.float32) * strength).astype(
            np.float32
        )

    def poly(
        self, points: list[tuple[float, float]] | np.ndarray, colour: tuple[float, ...]
    ) -> None:
        pts = np.round(np.asarray(points, np.float64)).astype(np.int32)
        cv2.fillPoly(self.img, [pts], colour, AA)

    def line(self, a: Point, b: Point, colour: Colour, thickness: float = 1) -> None:
        cv2.line(self.img, _pt(a), _pt(b), colour, max(1, int(thickness)), AA)

    def disc(self, centre: Point, radius: float, colour: Colour) -> None:
        cv2.circle(self.img, _pt(centre), max(1, int(radius)), colour, -1, AA)

    def oval(self, centre: Point, axes: Point, colour: Colour) -> None:
        size = (max(1, int(axes[0])), max(1, int(axes[1])))
        cv2.ellipse(self.img, _pt(centre), size, 0, 0, 360, colour, -1, AA)

    def rect(self, a: Point, b: Point, colour: Colour, thickness: int = -1) -> None:
        cv2.rectangle(self.img, _pt(a), _pt(b), colour, thickness)

    def ridge(self, base: float, amplitude: float, colour: np.ndarray, waves: int = 4) -> None:
        xs = np.linspace(0, self.w, 64)
        ys = np.full_like(xs, base)
        for k in range(1, waves + 1):
            phase, weight = self.rng.uniform(0, 2 * np.pi), self.rng.uniform(0.3, 1.0) / k
            ys -= amplitude * weight * (0.6 + 0.4 * np.sin(2 * np.pi * k * xs / self.w + phase))
        pts = [*zip(xs, ys, strict=True), (self.w, self.h), (0, self.h)]
        self.poly(pts, rgb255(colour))

    # ---- exteriors -----------------------------------------------------------------------
    def landscape(self, cues: SceneCues) -> None:
        c, rng, h = self.c, self.rng, self.h
        low, high = (0.47, 0.56) if cues.water else (0.52, 0.66)
        hz = self.horizon = int(h * rng.uniform(low, high))
        self.gradient(0, hz, c["sky_top"], c["sky_bottom"])
        self.gradient(hz, h, c["ground_far"], c["ground_near"])
        self.sky(cues, hz)
        haze = mix(c["sky_bottom"], c["ground_far"], 0.35)
        if not cues.city:
            self.ridge(hz + 2, h * (0.05 if cues.water else 0.09), haze)
        if cues.hills:
            self.ridge(hz + h * 0.03, h * 0.07, mix(haze, c["ground_far"], 0.6), waves=3)
        if cues.city:
            self.skyline(hz)
        if cues.water:
            self.water(hz)
        self.feet = (int(max(self.feet[0], hz + (h - hz) * 0.3)), int(h * 0.97))
        if cues.trees:
            self.trees(hz)
        if cues.house:
            self.house(hz)
        if cues.road:
            self.road(hz)
        self.grass(self.feet[0] - int((h - hz) * 0.2), h)

    def sky(self, cues: SceneCues, hz: int) -> None:
        c, rng, w, h = self.c, self.rng, self.w, self.h
        tod, overcast = cues.time_of_day, cues.rain or cues.fog or cues.snow
        x = w * rng.uniform(0.15, 0.85)
        self.light_x = x / w
        if tod == "night":
            if not overcast:
                n = int(w * hz / 2200)
                sx, sy = rng.integers(0, w, n), rng.integers(0, max(1, int(hz * 0.9)), n)
                value = rng.uniform(110, 255, n)[:, None] * np.array([0.9, 0.95, 1.0])
                self.img[sy, sx] = np.maximum(self.img[sy, sx], value.astype(np.uint8))
            y, r = hz * rng.uniform(0.15, 0.4), h * 0.032
            self.add_glow(x, y, r * 6, (0.5, 0.6, 0.8), 0.12 if overcast else 0.25)
            if not overcast:
                self.disc((x, y), r, rgb255((0.93, 0.93, 0.86)))
                for _ in range(4):  # craters keep the moon from being a flat disc
                    dx, dy = rng.uniform(-0.55, 0.55, 2) * r
                    self.disc((x + dx, y + dy), r * 0.18, rgb255((0.78, 0.78, 0.74)))
        else:
            near = tod in ("dusk", "dawn")
            y = hz * (rng.uniform(0.55, 0.8) if near else rng.uniform(0.12, 0.4))
            r = h * (0.055 if near else 0.035)
            self.add_glow(x, y, r * (9 if near else 6), c["light"], 0.35 if overcast else 0.6)
            if not overcast:
                self.disc((x, y), r, rgb255(c["light"]))
        self.clouds(hz, 0.55 if overcast else rng.uniform(0.15, 0.35))

    def clouds(self, hz: int, amount: float) -> None:
        """Soft cloud banks: drawn small, blurred, scaled up and blended over the sky."""
        rng, sw, sh = self.rng, max(8, self.w // 8), max(4, hz // 8)
        mask = np.zeros((sh, sw), np.float32)
        for _ in range(int(3 + amount * 14)):
            centre = (int(rng.uniform(0, sw)), int(rng.uniform(0.05, 0.8) * sh))
            axes = (int(rng.uniform(0.08, 0.25) * sw), max(1, int(rng.uniform(0.03, 0.08) * sh)))
            cv2.ellipse(mask, centre, axes, 0, 0, 360, float(rng.uniform(0.4, 1.0)), -1)
        mask = cv2.GaussianBlur(mask, (0, 0), 2.5) * amount
        alpha = cv2.resize(mask, (self.w, hz), interpolation=cv2.INTER_LINEAR)[..., None]
        colour = (mix(self.c["sky_bottom"], self.c["light"], 0.5) * 255).astype(np.float32)
        region = self.img[:hz].astype(np.float32)
        self.img[:hz] = (region * (1 - alpha) + colour * alpha).astype(np.uint8)

    def skyline(self, hz: int) -> None:
        c, rng, w, h = self.c, self.rng, self.w, self.h
        night = c["night"] or c["sky_top"].mean() < 0.35
        for layer, tone in ((0, 0.45), (1, 0.75)):
            x = -rng.uniform(0, 0.05) * w
            body = mix(c["sky_bottom"], c["figure"] if night else c["wall"] * 0.6, tone)
            while x < w:
                bw = w * rng.uniform(0.05, 0.11)
                top = hz - h * rng.uniform(0.08, 0.3 if layer else 0.4)
                self.rect((x, top), (x + bw, hz + 2), rgb255(body))
                if layer:
                    self.windows(int(x), int(top), int(x + bw), hz, night)
                x += bw + w * rng.uniform(0.0, 0.02)

    def windows(self, x0: int, y0: int, x1: int, y1: int, night: bool) -> None:
        rng = self.rng
        size = max(2, int((x1 - x0) / 7))
        lit = (1.0, 0.82, 0.5) if night else mix(self.c["sky_bottom"], (0.2, 0.25, 0.3), 0.5)
        colours = (rgb255(mix(self.c["figure"], self.c["sky_bottom"], 0.2)), rgb255(lit))
        for wy in range(y0 + size, y1 - size, size * 2):
            for wx in range(x0 + size, x1 - size, size * 2):
                on = rng.random() < (0.35 if night else 0.8)
                self.rect((wx, wy), (wx + size - 1, wy + size), colours[on])

    def water(self, hz: int) -> None:
        c, rng, w, h = self.c, self.rng, self.w, self.h
        shore = int(hz + (h - hz) * rng.uniform(0.45, 0.62))
        self.gradient(hz, shore, mix(c["sky_bottom"], c["water"], 0.45), c["water"] * 0.75)
        sand = mix((0.76, 0.68, 0.52), c["ground_far"], 0.35) * (0.35 + 0.65 * c["light"].mean())
        self.gradient(shore, h, sand, sand * 0.7)
        # shimmer: short bright strokes, denser under the sun or moon (its reflection)
        n = int(w * (shore - hz) / 900)
        ys = hz + (shore - hz) * rng.random(n) ** 1.6
        under_light = self.light_x * w + rng.normal(0, w * 0.04, n)
        xs = np.where(rng.random(n) < 0.45, under_light, rng.uniform(0, w, n))
        half = 4 + 30 * (ys - hz) / max(1, shore - hz) * rng.random(n)
        strokes = np.stack([np.stack([xs - half, ys], 1), np.stack([xs + half, ys], 1)], 1)
        shimmer = rgb255(mix(c["water"], c["light"], 0.6))
        cv2.polylines(self.img, list(strokes.astype(np.int32)), False, shimmer, 1, AA)
        xs = np.linspace(0, w, 40)
        foam = np.stack([xs, shore + h * 0.006 * np.sin(xs / w * 19 + rng.uniform(0, 6))], 1)
        cv2.polylines(self.img, [foam.astype(np.int32)], False, rgb255((0.92, 0.93, 0.9)), 2, AA)
        self.feet = (shore + int((h - shore) * 0.25), int(h * 0.97))

    def trees(self, hz: int) -> None:
        c, rng, w, h = self.c, self.rng, self.w, self.h
        green = mix((0.16, 0.28, 0.14), c["ground_far"], 0.3) * (0.5 + 0.5 * c["light"].mean())
        bases = np.sort(hz + (h - hz) * rng.uniform(-0.02, 0.25, int(rng.integers(6, 13))))
        for base in bases:
            x, th = rng.uniform(0, w), h * rng.uniform(0.12, 0.28) * (1 + (base - hz) / h)
            shade = rgb255(green, rng.uniform(0.6, 1.0))
            self.line((x, base), (x, base - th * 0.4), rgb255(green, 0.5), max(2, th * 0.05))
            if rng.random() < 0.5:  # pine: stacked triangles
                for k in range(3):
                    y, half = base - th * (0.25 + 0.25 * k), th * (0.3 - 0.07 * k)
                    self.poly([(x - half, y), (x + half, y), (x, y - th * 0.45)], shade)
            else:  # broadleaf: a cluster of discs
                for _ in range(5):
                    dx, dy = rng.uniform(-0.18, 0.18) * th, rng.uniform(-0.85, -0.5) * th
                    self.disc((x + dx, base + dy), th * 0.2, shade)

    def house(self, hz: int) -> None:
        c, rng, w, h = self.c, self.rng, self.w, self.h
        cx, base = w * rng.uniform(0.2, 0.8), hz + (h - hz) * rng.uniform(0.08, 0.2)
        hw, bh = w * rng.uniform(0.09, 0.14), h * rng.uniform(0.14, 0.2)
        roof = rgb255(mix(c["accent"], c["figure"], 0.5))
        self.rect((cx - hw, base - bh), (cx + hw, base), rgb255(c["wall"] * 0.9))
        eaves = base - bh
        self.poly([(cx - hw * 1.15, eaves), (cx + hw * 1.15, eaves), (cx, base - bh * 1.8)], roof)
        self.rect(
            (cx - hw * 0.12, base - bh * 0.55), (cx + hw * 0.12, base), rgb255(c["figure"], 1.5)
        )
        for side in (-1, 1):
            x0, y0 = int(cx + side * hw * 0.55 - hw * 0.15), int(base - bh * 0.7)
            self.windows(x0 - 2, y0 - 2, x0 + int(hw * 0.34), y0 + int(bh * 0.3), c["night"])
        if c["night"]:
            self.add_glow(cx, base - bh * 0.5, hw * 1.2, (1.0, 0.75, 0.4), 0.25)

    def road(self, hz: int) -> None:
        c, rng, w, h = self.c, self.rng, self.w, self.h
        vx = w * rng.uniform(0.35, 0.65)
        left, right = w * rng.uniform(-0.1, 0.25), w * rng.uniform(0.75, 1.1)
        asphalt = rgb255(mix(c["ground_near"], (0.18, 0.18, 0.2), 0.7))
        self.poly([(vx - 2, hz), (vx + 2, hz), (right, h), (left, h)], asphalt)
        mid = (left + right) / 2
        for k in range(14):  # centre dashes shrink toward the vanishing point
            t0, t1 = (k / 14) ** 2, ((k + 0.5) / 14) ** 2
            p0 = (vx + (mid - vx) * t0, hz + (h - hz) * t0)
            p1 = (vx + (mid - vx) * t1, hz + (h - hz) * t1)
            self.line(p0, p1, rgb255((0.85, 0.8, 0.55), 0.8), 6 * t1)

    def grass(self, y0: int, y1: int) -> None:
        """Short strokes that give the ground texture (and the frame real detail)."""
        rng, n = self.rng, int(self.w * max(0, y1 - y0) / 700)
        ys = rng.uniform(max(y0, self.horizon + 2), y1, n)
        xs = rng.uniform(0, self.w, n)
        size = 2 + 10 * (ys - self.horizon) / max(1, self.h - self.horizon)
        tips = np.stack([xs + rng.normal(0, 1.5, n), ys - size], 1)
        strokes = np.stack([np.stack([xs, ys], 1), tips], 1).astype(np.int32)
        cv2.polylines(self.img, list(strokes), False, rgb255(self.c["ground_near"], 0.7), 1, AA)

    # ---- interiors -----------------------------------------------------------------------
    def room(self, cues: SceneCues) -> None:
        c, rng, w, h = self.c, self.rng, self.w, self.h
        vx, vy = w * (0.5 + rng.uniform(-0.12, 0.12)), h * (0.42 + rng.uniform(-0.05, 0.05))
        hw, hh = w * rng.uniform(0.26, 0.32), h * rng.uniform(0.26, 0.32)
        x0, x1, y0, y1 = vx - hw, vx + hw, vy - hh, vy + hh
        wall, floor = c["wall"], c["floor"]
        # whole bands first (ceiling, back wall, floor), then the side walls over their edges
        self.gradient(0, int(y0) + 1, wall * 0.5, wall * 0.62)
        self.gradient(int(y0), int(y1), wall * 0.95, wall * 0.82)
        self.gradient(int(y1), h, floor * 0.85, floor * 0.55)
        for xb in np.linspace(-w, 2 * w, 30):  # floorboards converge on the vanishing point
            xt = vx + (xb - vx) * (y1 - vy) / (h - vy)
            self.line((xt, y1), (xb, h), rgb255(floor, 0.42))
        window_left = bool(rng.random() < 0.5)
        self.light_x = 0.3 if window_left else 0.7
        self.poly([(0, 0), (x0, y0), (x0, y1), (0, h)], rgb255(wall, 0.8 if window_left else 0.68))
        self.poly([(w, 0), (x1, y0), (x1, y1), (w, h)], rgb255(wall, 0.68 if window_left else 0.8))
        self.line((x0, y1), (x1, y1), rgb255(wall, 0.45), 3)
        for a, b in (
            ((0, 0), (x0, y0)),
            ((w, 0), (x1, y0)),
            ((0, h), (x0, y1)),
            ((w, h), (x1, y1)),
        ):
            self.line(a, b, rgb255(wall, 0.4), 2)
        self.room_window(cues, (x0, y0, x1, y1), window_left)
        draw_room_props(self, cues.room, (x0, y0, x1, y1), window_left)
        self.horizon = int(vy)
        self.feet = (int(y1 + (h - y1) * 0.2), int(h * 0.96))

    def room_window(self, cues: SceneCues, box: tuple[float, ...], left: bool) -> None:
        c, rng = self.c, self.rng
        x0, y0, x1, y1 = box
        ww, wh = (x1 - x0) * rng.uniform(0.22, 0.32), (y1 - y0) * rng.uniform(0.35, 0.5)
        cx, top = x0 + (x1 - x0) * (0.28 if left else 0.72), y0 + (y1 - y0) * 0.12
        a, b = _pt((cx - ww, top)), _pt((cx + ww, top + wh))
        self.img[a[1] : b[1], a[0] : b[0]] = 0
        view = self.img[a[1] : b[1], a[0] : b[0]]
        t = np.linspace(0, 1, max(1, view.shape[0]), dtype=np.float32)[:, None, None]
        view[:] = np.clip((c["sky_top"] * (1 - t) + c["sky_bottom"] * t) * 255, 0, 255)
        if c["night"]:
            self.disc(
                (cx + ww * 0.4, top + wh * 0.3), max(2, wh * 0.09), rgb255((0.93, 0.93, 0.86))
            )
        else:  # daylight falls on the floor below the window
            self.add_glow(cx, y1 + (self.h - y1) * 0.32, ww * 1.5, c["light"], 0.22)
        if cues.rain:
            for x in a[0] + rng.uniform(0, 2 * ww, int(ww / 4)):
                self.line((x, a[1]), (x - 3, b[1]), rgb255((0.7, 0.72, 0.78)))
        frame = rgb255(c["wall"], 0.45)
        self.rect(a, b, frame, max(2, int(ww * 0.06)))
        self.line((cx, a[1]), (cx, b[1]), frame, max(2, ww * 0.04))
        self.line((a[0], (a[1] + b[1]) / 2), (b[0], (a[1] + b[1]) / 2), frame, 2)
        self.add_glow(cx, (a[1] + b[1]) / 2, ww * 2, c["light"], 0.1 if c["night"] else 0.3)

    # ---- people and weather --------------------------------------------------------------
    def figures(self, count: int) -> None:
        if count <= 0:
            return
        rng, w = self.rng, self.w
        lo, hi = self.feet
        slots = (np.arange(count) + 0.5) / count
        xs = w * (0.12 + 0.76 * slots) + rng.normal(0, w * 0.025, count)
        feet = rng.uniform(lo, hi, count)
        for x, foot in sorted(zip(xs, feet, strict=True), key=lambda p: p[1]):
            height = (foot - self.horizon) * rng.uniform(1.0, 1.15)  # eye-level camera
            self.figure(float(x), float(foot), max(12.0, float(height)))

    def figure(self, x: float, foot: float, size: float) -> None:
        """A standing silhouette with a thin rim of light on the side facing the key light."""
        rng = self.rng
        side = 1 if self.light_x * self.w > x else -1
        stride = size * rng.uniform(-0.05, 0.06)
        shoulder, hip = size * rng.uniform(0.11, 0.15), size * rng.uniform(0.08, 0.11)
        coat = rng.random() < 0.4
        reach = rng.uniform(1.0, 1.4, 2)
        shadow = rgb255(self.c["ground_near"], 0.45)
        self.oval((x, foot), (size * 0.16, size * 0.025), shadow)
        rim_shift = side * max(1.0, size * 0.012)
        for px, colour in (
            (x + rim_shift, rgb255(self.c["rim"], 0.85)),
            (x, rgb255(self.c["figure"])),
        ):
            ys, yh = foot - size * 0.8, foot - size * (0.28 if coat else 0.46)
            for leg in (-1, 1):
                knee_top = (px + leg * hip * 0.5, foot - size * 0.46)
                self.line(knee_top, (px + leg * (hip * 0.6 + stride), foot), colour, size * 0.065)
            flare = hip * (1.6 if coat else 1.0)
            torso = [(px - shoulder, ys), (px + shoulder, ys), (px + flare, yh), (px - flare, yh)]
            self.poly(torso, colour)
            for arm, stretch in zip((-1, 1), reach, strict=True):
                hand = (px + arm * shoulder * stretch, foot - size * 0.42)
                self.line((px + arm * shoulder * 0.9, ys + size * 0.03), hand, colour, size * 0.05)
            self.line((px, ys), (px, ys - size * 0.06), colour, max(2, size * 0.05))
            self.oval((px, foot - size * 0.91), (max(2, size * 0.065), max(2, size * 0.08)), colour)

    def weather(self, cues: SceneCues) -> None:
        rng, w, h = self.rng, self.w, self.h
        if cues.rain:
            n = int(w * h / 1500)
            xs, ys = rng.uniform(-0.1 * w, w, n), rng.uniform(-0.05 * h, h, n)
            drop = h * rng.uniform(0.025, 0.07, n)
            streaks = np.stack(
                [np.stack([xs, ys], 1), np.stack([xs + 0.22 * drop, ys + drop], 1)], 1
            )
            layer = np.zeros_like(self.img)
            cv2.polylines(layer, list(streaks.astype(np.int32)), False, (200, 205, 215), 1, AA)
            self.img = cv2.addWeighted(self.img, 0.92, layer, 0.45, 0)
        if cues.snow:
            n = int(w * h / 2500)
            flakes = zip(
                rng.uniform(0, w, n), rng.uniform(0, h, n), rng.integers(1, 4, n), strict=True
            )
            for x, y, r in flakes:
                self.disc((x, y), r, (235, 238, 242))
        if cues.fog:
            y = np.arange(h, dtype=np.float32)
            alpha = (0.18 + 0.45 * np.exp(-(((y - self.horizon) / (0.22 * h)) ** 2)))[:, None, None]
            fog = mix(self.c["sky_bottom"], (0.7, 0.72, 0.74), 0.5).astype(np.float32) * 255
            self.img = (self.img * (1 - alpha) + fog * alpha).astype(np.uint8)

    def finish(self) -> np.ndarray:
        """The canvas as float32 RGB 0..255 with the soft light added."""
        glow = cv2.resize(cv2.GaussianBlur(self.glow, (0, 0), 1.5), (self.w, self.h))
        return self.img.astype(np.float32) + np.minimum(glow, 1.0) * 255.0
