"""A small line drawing made up here: a cup and saucer beside a pear, with a table edge.

Clean strokes as quadratic Bezier control points on a 640 x 480 page, for
the pictures in docs/trace.md (drawn rough with :func:`.synthetic.rough_drawing`).
"""
from __future__ import annotations

import numpy as np

WIDTH, HEIGHT = 640, 480


def _circle(cx, cy, rx, ry, pieces=4, start=0.0):
    """An ellipse as ``pieces`` quadratic pieces (control points on the tangents)."""
    out = []
    step = 2 * np.pi / pieces
    for k in range(pieces):
        a0, a1 = start + k * step, start + (k + 1) * step
        mid = 0.5 * (a0 + a1)
        r = 1 / np.cos(step / 2)
        out.append(((cx + rx * np.cos(a0), cy + ry * np.sin(a0)), (cx + rx * r * np.cos(mid), cy + ry * r * np.sin(mid)),
                    (cx + rx * np.cos(a1), cy + ry * np.sin(a1))))
    return out


def still_life() -> list:
    """The clean strokes: a list of ``(p0, p1, p2)`` in pixels of a 640 x 480 page."""
    lines = [
        ((30, 430), (320, 422), (610, 434)),                      # table edge
        ((150, 180), (152, 300), (175, 350)),                     # cup: left side
        ((330, 180), (328, 300), (305, 350)),                     # right side
        ((175, 350), (240, 362), (305, 350)),                     # bottom
        ((330, 215), (395, 215), (375, 275)),                     # handle
        ((375, 275), (355, 315), (322, 305)),
        ((110, 372), (240, 400), (370, 372)),                     # saucer, front
        ((110, 372), (240, 345), (370, 372)),                     # saucer, back
        ((470, 400), (420, 395), (430, 320)),                     # pear
        ((430, 320), (440, 270), (478, 235)),
        ((478, 235), (500, 220), (515, 240)),
        ((515, 240), (560, 290), (555, 340)),
        ((555, 340), (550, 405), (470, 400)),
        ((495, 228), (490, 200), (502, 180)),                     # stalk
        ((502, 200), (530, 178), (545, 195)),                     # leaf
    ]
    lines += _circle(240, 180, 90, 22)                              # cup rim
    return lines


__all__ = ["still_life", "WIDTH", "HEIGHT"]
