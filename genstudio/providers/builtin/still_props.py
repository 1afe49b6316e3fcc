"""Furniture for builtin interior stills, so a kitchen reads as a kitchen and a bar as a bar.

Props stand against the back wall (or on the floor just in front of it): people are drawn
afterwards, in front of them, so nothing covers a character.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    from genstudio.providers.builtin.still_painter import Painter

AA = cv2.LINE_AA
WARM = (1.0, 0.78, 0.45)


def _rgb(colour: np.ndarray | tuple[float, ...], scale: float = 1.0) -> tuple[float, ...]:
    return tuple(float(min(255.0, max(0.0, v * scale * 255.0))) for v in colour)


def _rect(p: Painter, a: tuple[float, float], b: tuple[float, float], colour: tuple) -> None:
    cv2.rectangle(p.img, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), colour, -1)


def _free_span(x0: float, x1: float, window_left: bool) -> tuple[float, float]:
    """The half of the back wall the window does not occupy."""
    mid = (x0 + x1) / 2
    return (
        (mid + (x1 - x0) * 0.05, x1 - (x1 - x0) * 0.04)
        if window_left
        else (
            x0 + (x1 - x0) * 0.04,
            mid - (x1 - x0) * 0.05,
        )
    )


def _shelf_of_things(p: Painter, a: float, b: float, top: float, bottom: float, rows: int) -> None:
    """Books or bottles: many small, varied shapes (fine detail a still should have)."""
    rng, colours = p.rng, (p.c["accent"], p.c["extra"], p.c["wall"] * 0.6, p.c["floor"])
    _rect(p, (a, top), (b, bottom), _rgb(p.c["floor"], 0.5))
    step = (bottom - top) / rows
    for r in range(rows):
        base = top + step * (r + 1) - 2
        x = a + 3
        while x < b - 4:
            width = rng.uniform(0.006, 0.016) * p.w
            height = step * rng.uniform(0.55, 0.9)
            colour = _rgb(colours[int(rng.integers(0, 4))], rng.uniform(0.6, 1.1))
            _rect(p, (x, base - height), (min(b - 3, x + width), base), colour)
            x += width + rng.uniform(0.5, 3)
        cv2.line(p.img, (int(a), int(base)), (int(b), int(base)), _rgb(p.c["floor"], 0.35), 2)


def _kitchen(p: Painter, box: tuple[float, ...], window_left: bool) -> None:
    x0, y0, x1, y1 = box
    top = y1 - (y1 - y0) * 0.32
    cabinet = p.c["extra"] * 0.5 + p.c["wall"] * 0.3
    _rect(p, (x0, top), (x1, y1), _rgb(cabinet, 0.85))
    _rect(p, (x0, top - 4), (x1, top + (y1 - y0) * 0.035), _rgb(p.c["wall"], 1.15))
    for x in np.linspace(x0, x1, 8)[1:-1]:
        cv2.line(p.img, (int(x), int(top + 8)), (int(x), int(y1 - 3)), _rgb(cabinet, 0.5), 2)
        cv2.circle(
            p.img, (int(x - 6), int(top + (y1 - top) * 0.3)), 2, _rgb((0.8, 0.8, 0.75)), -1, AA
        )
    a, b = _free_span(x0, x1, window_left)
    _rect(p, (a, y0 + (y1 - y0) * 0.08), (b, y0 + (y1 - y0) * 0.3), _rgb(cabinet, 0.95))
    for x in np.linspace(a, b, 4)[1:-1]:
        cv2.line(
            p.img,
            (int(x), int(y0 + (y1 - y0) * 0.08)),
            (int(x), int(y0 + (y1 - y0) * 0.3)),
            _rgb(cabinet, 0.55),
            2,
        )
    fridge_x = x1 - (x1 - x0) * 0.13 if window_left else x0
    _rect(
        p,
        (fridge_x, y0 + (y1 - y0) * 0.12),
        (fridge_x + (x1 - x0) * 0.13, y1),
        _rgb((0.82, 0.83, 0.84), 0.5 + 0.5 * p.c["light"].mean()),
    )
    p.add_glow((x0 + x1) / 2, top - (y1 - y0) * 0.25, (x1 - x0) * 0.3, WARM, 0.25)


def _office(p: Painter, box: tuple[float, ...], window_left: bool) -> None:
    x0, y0, x1, y1 = box
    a, b = _free_span(x0, x1, window_left)
    _shelf_of_things(p, a, b, y0 + (y1 - y0) * 0.08, y0 + (y1 - y0) * 0.6, 3)
    desk_top = y1 - (y1 - y0) * 0.28
    da, db = (
        (x0 + (x1 - x0) * 0.1, (x0 + x1) / 2)
        if not window_left
        else ((x0 + x1) / 2, x1 - (x1 - x0) * 0.1)
    )
    _rect(p, (da, desk_top), (db, desk_top + (y1 - y0) * 0.05), _rgb(p.c["floor"], 0.7))
    for x in (da + 6, db - 12):
        _rect(p, (x, desk_top), (x + 6, y1 + (p.h - y1) * 0.05), _rgb(p.c["floor"], 0.45))
    mx, mw = (da + db) / 2, (db - da) * 0.22
    _rect(p, (mx - mw, desk_top - mw * 1.2), (mx + mw, desk_top - 8), _rgb((0.1, 0.1, 0.12)))
    _rect(
        p,
        (mx - mw + 4, desk_top - mw * 1.2 + 4),
        (mx + mw - 4, desk_top - 12),
        _rgb((0.55, 0.75, 0.95)),
    )
    p.add_glow(mx, desk_top - mw * 0.6, mw * 2.5, (0.5, 0.7, 1.0), 0.25)


def _bedroom(p: Painter, box: tuple[float, ...], window_left: bool) -> None:
    x0, y0, x1, y1 = box
    a, b = _free_span(x0, x1, window_left)
    front = y1 + (p.h - y1) * 0.3
    spread = (b - a) * 0.25
    _rect(p, (a, y1 - (y1 - y0) * 0.45), (b, y1), _rgb(p.c["floor"], 0.6))  # headboard
    sheet = _rgb(p.c["accent"], 0.8)
    p.poly(
        [
            (a, y1 - (y1 - y0) * 0.15),
            (b, y1 - (y1 - y0) * 0.15),
            (b + spread, front),
            (a - spread, front),
        ],
        sheet,
    )
    for x in np.linspace(a, b, 3)[:-1] + (b - a) / 4:
        cv2.ellipse(
            p.img,
            (int(x), int(y1 - (y1 - y0) * 0.18)),
            (int((b - a) * 0.18), int((y1 - y0) * 0.06)),
            0,
            0,
            360,
            _rgb((0.92, 0.9, 0.86), 0.8),
            -1,
            AA,
        )
    lamp = (a - (x1 - x0) * 0.08, y1 - (y1 - y0) * 0.35)
    _rect(p, (lamp[0] - 15, lamp[1] + 20), (lamp[0] + 15, y1 + 6), _rgb(p.c["floor"], 0.5))
    p.poly(
        [
            (lamp[0] - 14, lamp[1] + 18),
            (lamp[0] + 14, lamp[1] + 18),
            (lamp[0] + 8, lamp[1]),
            (lamp[0] - 8, lamp[1]),
        ],
        _rgb(WARM),
    )
    p.add_glow(lamp[0], lamp[1] + 10, (x1 - x0) * 0.25, WARM, 0.4)


def _bar(p: Painter, box: tuple[float, ...], window_left: bool) -> None:
    x0, y0, x1, y1 = box
    a, b = _free_span(x0, x1, window_left)
    _shelf_of_things(p, a, b, y0 + (y1 - y0) * 0.2, y0 + (y1 - y0) * 0.62, 2)
    top = y1 - (y1 - y0) * 0.22
    _rect(p, (x0, top), (x1, y1 + (p.h - y1) * 0.1), _rgb(p.c["floor"], 0.55))
    _rect(p, (x0, top - 5), (x1, top + 4), _rgb(p.c["accent"], 0.9))
    for x in np.linspace(x0, x1, 5)[1:-1]:
        y = y0 - (y0 * 0.15)
        cv2.line(p.img, (int(x), 0), (int(x), int(y)), _rgb(p.c["figure"]), 1, AA)
        cv2.circle(p.img, (int(x), int(y)), max(3, int(p.h * 0.012)), _rgb(WARM), -1, AA)
        p.add_glow(x, y, p.h * 0.08, WARM, 0.3)


def _living_room(p: Painter, box: tuple[float, ...], window_left: bool) -> None:
    x0, y0, x1, y1 = box
    a, b = _free_span(x0, x1, window_left)
    _rect(
        p,
        (a + (b - a) * 0.15, y0 + (y1 - y0) * 0.12),
        (b - (b - a) * 0.15, y0 + (y1 - y0) * 0.45),
        _rgb(p.c["floor"], 0.4),
    )
    _rect(
        p,
        (a + (b - a) * 0.18, y0 + (y1 - y0) * 0.15),
        (b - (b - a) * 0.18, y0 + (y1 - y0) * 0.42),
        _rgb(p.c["extra"], 0.9),
    )
    seat = y1 - (y1 - y0) * 0.3
    _rect(p, (a, seat), (b, y1), _rgb(p.c["accent"], 0.6))
    _rect(p, (a - 6, seat + (y1 - seat) * 0.3), (a + 14, y1), _rgb(p.c["accent"], 0.45))
    _rect(p, (b - 14, seat + (y1 - seat) * 0.3), (b + 6, y1), _rgb(p.c["accent"], 0.45))
    rug_y = y1 + (p.h - y1) * 0.35
    cv2.ellipse(
        p.img,
        (int((x0 + x1) / 2), int(rug_y)),
        (int((x1 - x0) * 0.45), int((p.h - y1) * 0.18)),
        0,
        0,
        360,
        _rgb(p.c["extra"], 0.55),
        -1,
        AA,
    )
    p.add_glow(b + (x1 - x0) * 0.05, seat - (y1 - y0) * 0.2, (x1 - x0) * 0.25, WARM, 0.35)


_PROPS = {
    "kitchen": _kitchen,
    "office": _office,
    "bedroom": _bedroom,
    "bar": _bar,
    "room": _living_room,
}


def draw_room_props(
    painter: Painter, room: str, box: tuple[float, float, float, float], window_left: bool
) -> None:
    _PROPS.get(room, _living_room)(painter, box, window_left)
