"""Make the bundled example strokes file: a bowl of fruit on a table.

A hand-designed composition of a few hundred strokes: a wall of broad
strokes, a wooden table, a shadow, a blue bowl holding oranges, a red apple,
a pear and grapes, with highlights last. Fruit is modelled with broad strokes
laid across the form (no concentric rings, which read as bullseyes in the
translucent styles); the wall and table strokes run well past the canvas
edges, so no bare canvas shows there in any style. Deterministic (fixed random seed),
written with the ``json`` module in the strokes file format (see docs/).

    python examples/make_still_life.py [OUT.json]

writes ``strokes/examples/still-life.json`` by default.
"""
from __future__ import annotations

import json
import math
import os
import sys

import numpy as np

W, H = 960, 640                     # canvas in pixels; lengths below are pixels of this canvas
UNIT = min(W, H)                    # widths are stored as a fraction of the shorter side
BACKGROUND = [0.96, 0.94, 0.89]
rng = np.random.RandomState(7)
strokes: list[dict] = []


def clip(v, lo=0.0, hi=1.0):
    return float(min(max(v, lo), hi))


def add(p0, p1, p2, width, c0, c2, opacity=1.0):
    """One stroke from pixel points, pixel widths and RGB colours."""
    strokes.append({
        "p0": [round(clip(p0[0] / W), 5), round(clip(p0[1] / H), 5)],
        "p1": [round(clip(p1[0] / W), 5), round(clip(p1[1] / H), 5)],
        "p2": [round(clip(p2[0] / W), 5), round(clip(p2[1] / H), 5)],
        "width": [round(clip(width[0] / UNIT), 5), round(clip(width[1] / UNIT), 5)],
        "color": [[round(clip(c), 4) for c in c0], [round(clip(c), 4) for c in c2]],
        "opacity": round(clip(opacity), 3),
    })


def jitter(c, amount=0.04):
    return [clip(v + rng.uniform(-amount, amount)) for v in c]


def mix(a, b, t):
    return [x + (y - x) * t for x, y in zip(a, b)]


def band(y0, y1, c_top, c_bottom, width, angle=0.0, step=None, length=(140, 260), opacity=1.0):
    """Fill the horizontal band y0..y1 with broad strokes leaning by ``angle`` degrees."""
    step = step or width * 0.5
    y = y0
    while y < y1 + width * 0.3:
        x = -rng.uniform(120, 220)                  # start and end well past the edges: no bare canvas there
        while x < W + 60:
            n = rng.uniform(*length)
            a = math.radians(angle + rng.uniform(-6, 6))
            dx, dy = math.cos(a) * n, math.sin(a) * n
            yy = y + rng.uniform(-step * 0.3, step * 0.3)
            t = clip((yy - y0) / max(y1 - y0, 1))
            c = jitter(mix(c_top, c_bottom, t), 0.03)
            add((x, yy), (x + dx / 2, yy + dy / 2 + rng.uniform(-8, 8)), (x + dx, yy + dy),
                (width * rng.uniform(0.85, 1.1), width * rng.uniform(0.7, 1.0)), c, jitter(c, 0.03), opacity)
            x += n * rng.uniform(0.4, 0.55)         # strokes overlap by half: no slivers between their tails
        y += step


def ball(cx, cy, r, base, light, dark, n_rings=5, width=None, highlight=True):
    """A round fruit, modelled as a painter would: broad strokes laid across the form, lit from the upper left.

    Parallel strokes (slightly bent, following the roundness) cover the disc, each
    shading from its lit end to its shadow end; a few strokes of reflected light and
    core shadow along the lower-right edge, then a highlight. No concentric rings.
    ``n_rings`` is how many rows of strokes cover the disc.
    """
    width = width or r * 0.42
    rows = max(3, int(round(2 * r / (width * 0.7))))
    angle = math.radians(-35 + rng.uniform(-5, 5))                      # strokes run up to the right
    ux, uy = math.cos(angle), math.sin(angle)                           # along a stroke
    nx, ny = -uy, ux                                                     # across the rows
    for k in range(rows):
        off = (2 * (k + 0.5) / rows - 1) * (r - width * 0.3)            # row offset from the centre
        half = math.sqrt(max(r * r - off * off, (0.35 * r) ** 2)) * 0.92
        mx, my = cx + nx * off, cy + ny * off
        bulge = 0.18 * half                                              # bent round the form
        p0 = (mx - ux * half, my - uy * half)
        p2 = (mx + ux * half, my + uy * half)
        p1 = (mx + nx * bulge * (1 if off >= 0 else -1), my + ny * bulge * (1 if off >= 0 else -1))

        def tone(x, y):
            lit = ((cx - x) * 0.7 + (cy - y) * 0.7) / r                  # +1 towards the upper left
            return clip(0.5 + 0.5 * lit)
        c0 = jitter(mix(dark, light, tone(*p0)), 0.02)
        c2 = jitter(mix(dark, light, tone(*p2)), 0.02)
        w = width * rng.uniform(0.95, 1.1)
        add(p0, p1, p2, (w, w * 0.9), mix(base, c0, 0.75), mix(base, c2, 0.75))
    # Core shadow hugging the lower-right edge, and a glint of reflected light under it.
    a0, a1 = math.radians(-10), math.radians(110)
    for rr, c, w in ((r * 0.78, mix(dark, base, 0.2), width * 0.55), (r * 0.93, mix(dark, light, 0.35), width * 0.22)):
        pts = [(cx + rr * math.cos(a), cy + rr * math.sin(a)) for a in (a0, (a0 + a1) / 2, a1)]
        mid = (2 * pts[1][0] - (pts[0][0] + pts[2][0]) / 2, 2 * pts[1][1] - (pts[0][1] + pts[2][1]) / 2)
        add(pts[0], mid, pts[2], (w * 0.6, w * 0.6), c, c, 0.85)
    if highlight:
        hx, hy = cx - r * 0.38, cy - r * 0.42
        add((hx - r * 0.12, hy + r * 0.05), (hx, hy - r * 0.04), (hx + r * 0.12, hy + r * 0.02),
            (r * 0.13, r * 0.07), mix(light, [1, 1, 1], 0.6), mix(light, [1, 1, 1], 0.3), 0.9)


def bowl(cx, top, rx, depth):
    """A glazed blue bowl seen from slightly above: its body under the fruit."""
    blue_dark, blue, blue_light = [0.10, 0.20, 0.42], [0.20, 0.38, 0.68], [0.55, 0.70, 0.90]
    rows = 9
    for k in range(rows):
        f = (k + 0.5) / rows
        y = top + depth * f
        half = rx * math.sqrt(max(1 - f ** 2, 0.04))
        w = depth / rows * 1.7
        for side in (-1, 1):
            x_out, x_in = cx + side * half, cx + side * half * 0.05
            sag = depth / rows * 1.2
            c_out = jitter(blue_dark if side > 0 else mix(blue, blue_light, 0.3), 0.03)
            c_in = jitter(mix(blue, blue_light, 0.55 - 0.4 * f), 0.03)
            add((x_out, y), ((x_out + x_in) / 2, y + sag), (x_in, y + sag * 0.8), (w, w * 1.1), c_out, c_in)
    # The rim: a light band along the front edge.
    for side in (-1, 1):
        add((cx + side * rx, top), (cx + side * rx * 0.5, top + depth * 0.22), (cx, top + depth * 0.24),
            (depth * 0.09, depth * 0.08), [0.85, 0.9, 0.97], [0.7, 0.8, 0.95])
    # The foot.
    add((cx - rx * 0.35, top + depth * 1.02), (cx, top + depth * 1.08), (cx + rx * 0.35, top + depth * 1.02),
        (depth * 0.14, depth * 0.14), blue, blue_dark)


def make() -> dict:
    # Wall: deep gray-green, lighter to the upper left, with soft broad strokes.
    band(-10, 250, [0.44, 0.49, 0.44], [0.33, 0.36, 0.31], 70, angle=-12, length=(180, 320))
    band(250, 380, [0.33, 0.36, 0.31], [0.24, 0.25, 0.22], 55, angle=8, length=(150, 260))
    # Light falling on the wall from a window to the upper left.
    for i in range(14):
        x, y = rng.uniform(20, 300), rng.uniform(20, 200)
        add((x, y), (x + 60, y - 18), (x + 130, y - 20), (40, 28), [0.74, 0.74, 0.64], [0.62, 0.64, 0.55], 0.55)
    # Table: wood, strokes along the grain, darker towards the front.
    band(392, 660, [0.70, 0.50, 0.31], [0.50, 0.32, 0.18], 44, angle=0, length=(220, 380))
    # The table's back edge.
    for i in range(6):
        x = i * 180 - 30
        add((x, 388), (x + 100, 386), (x + 210, 389), (12, 12), [0.72, 0.52, 0.32], [0.70, 0.50, 0.30])
    # Cast shadow of the bowl, to the lower right.
    for i in range(7):
        y = 520 + i * 9
        add((390 + i * 6, y), (560, y + 14), (760 - i * 12, y - 4), (26, 14),
            [0.26, 0.15, 0.09], [0.32, 0.2, 0.12], 0.75)
    # Fruit in and above the bowl (back to front).
    ball(420, 300, 66, [0.95, 0.55, 0.12], [1.0, 0.78, 0.35], [0.62, 0.26, 0.05])              # orange
    ball(565, 305, 60, [0.95, 0.60, 0.10], [1.0, 0.82, 0.40], [0.60, 0.28, 0.05])              # orange
    # Pear: two stacked balls with a stem.
    ball(680, 330, 52, [0.72, 0.74, 0.22], [0.93, 0.92, 0.52], [0.38, 0.42, 0.08], width=24)
    ball(668, 262, 34, [0.72, 0.74, 0.22], [0.93, 0.92, 0.52], [0.38, 0.42, 0.08], n_rings=4, width=18)
    add((668, 228), (672, 212), (682, 198), (7, 5), [0.30, 0.20, 0.10], [0.25, 0.18, 0.08])
    # Grapes hanging over the left rim.
    for i, (gx, gy) in enumerate([(300, 350), (330, 362), (284, 384), (316, 392), (348, 392),
                                  (300, 420), (332, 424), (316, 452), (270, 412)]):
        ball(gx, gy, 19, [0.40, 0.20, 0.45], [0.70, 0.52, 0.78], [0.16, 0.06, 0.20], n_rings=2, width=12)
    bowl(480, 345, 210, 150)
    # Apple in front of the bowl, and its leaf and stem.
    ball(500, 420, 64, [0.78, 0.12, 0.10], [0.98, 0.45, 0.30], [0.40, 0.04, 0.05])
    add((502, 362), (504, 346), (512, 334), (7, 5), [0.28, 0.18, 0.08], [0.22, 0.14, 0.06])
    add((514, 350), (540, 326), (566, 338), (22, 6), [0.25, 0.45, 0.15], [0.40, 0.60, 0.22])
    # A lemon lying on the table to the right.
    for k in range(4):
        y = 470 + k * 14
        add((770, y), (815, y - 12 + k * 6), (862, y + 2), (22, 18),
            [0.95, 0.85, 0.25], [0.80, 0.65, 0.10] if k > 1 else [0.98, 0.92, 0.45])
    add((790, 468), (815, 460), (840, 466), (8, 5), [1.0, 0.97, 0.75], [1.0, 0.95, 0.7], 0.9)
    return {"format": "strokes", "version": 1,
            "canvas": {"width": W, "height": H, "background": BACKGROUND},
            "meta": {"kind": "painting"},         # drawn in each style's painting look
            "strokes": strokes}


def main(argv) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    out = argv[0] if argv else os.path.join(here, "..", "strokes", "examples", "still-life.json")
    data = make()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(data, fh, indent=None, separators=(",", ":"))
        fh.write("\n")
    os.replace(tmp, out)
    print(f"wrote {len(data['strokes'])} strokes to {os.path.normpath(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
