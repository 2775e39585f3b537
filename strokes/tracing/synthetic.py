"""Rough sketches made up here, with the clean strokes they were drawn from.

A clean stroke is one quadratic Bezier (one row of a StrokeSet). The sketch
draws each of them two or three times, as a hand does when it searches for a
line: every pass is offset a little across the line and wobbles slowly, starts
and stops a few pixels early or late, and is laid with grainy pencil (or
crisp ink, or a coloured pen). Specks of dirt, paper grain and a slight blur
finish the scan. Used by the tests and by ``python -m strokes.bench trace``;
nothing here is used to trace.

>>> sketch = rough_sketch(seed=1, width=160, height=120, lines=4)
>>> sketch.image.shape, len(sketch.strokes)
((120, 160, 3), 4)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter
from scipy.spatial import cKDTree

from ..strokeset import StrokeSet

INKS = {
    "pencil": ((0.28, 0.28, 0.30), True),      # colour, grainy
    "ink": ((0.05, 0.05, 0.08), False),
    "colour": (None, False),                   # a colour per line
}
_COLOURS = ((0.75, 0.1, 0.1), (0.1, 0.25, 0.7), (0.1, 0.5, 0.2), (0.55, 0.2, 0.6))


@dataclass
class Sketch:
    """image: ``(H, W, 3)`` float in [0, 1]; strokes: the clean lines (a StrokeSet on the same canvas);
    lines: each clean line as ``(n, 2)`` points (x, y) in pixels, about one pixel apart."""

    image: np.ndarray
    strokes: StrokeSet
    lines: list


def bezier_points(p0, p1, p2, step: float = 1.0) -> np.ndarray:
    """Points ``(n, 2)`` along a quadratic Bezier about ``step`` pixels apart (ends included)."""
    p0, p1, p2 = (np.asarray(p, np.float64) for p in (p0, p1, p2))
    rough = np.linalg.norm(p1 - p0) + np.linalg.norm(p2 - p1)
    t = np.linspace(0, 1, max(2, int(np.ceil(rough / step)) + 1))[:, None]
    return (1 - t) ** 2 * p0 + 2 * t * (1 - t) * p1 + t ** 2 * p2


def _clean_lines(rng, width, height, count):
    """``count`` quadratic Beziers in pixels, long enough and not running along each other."""
    lines, kept = [], []
    margin = 0.06 * min(width, height)
    short = min(width, height)
    tries = 0
    while len(lines) < count and tries < 2000:
        tries += 1
        p0 = rng.uniform([margin, margin], [width - margin, height - margin])
        angle = rng.uniform(0, np.pi)
        length = rng.uniform(0.25, 0.7) * short
        p2 = p0 + length * np.array([np.cos(angle), np.sin(angle)])
        if not (margin <= p2[0] <= width - margin and margin <= p2[1] <= height - margin):
            continue
        bend = rng.uniform(-0.3, 0.3) * length
        normal = np.array([-np.sin(angle), np.cos(angle)])
        p1 = 0.5 * (p0 + p2) + bend * normal
        if not (0 <= p1[0] <= width and 0 <= p1[1] <= height):
            continue                                       # a stored stroke's points lie on the canvas
        pts = bezier_points(p0, p1, p2)
        if kept:
            near, _ = cKDTree(np.concatenate(kept)).query(pts)
            if (near < 0.02 * short).mean() > 0.12:       # would run along another line
                continue
        lines.append((p0, p1, p2))
        kept.append(pts)
    return lines, kept


def _pass_points(rng, p0, p1, p2, scale: float = 1.0):
    """One hand-drawn pass over a clean line: offset, slow wobble, ends early or late."""
    pts = bezier_points(p0, p1, p2, 0.5)
    tangent = np.gradient(pts, axis=0)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True) + 1e-9
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], 1)
    n = len(pts)
    u = np.linspace(0, 1, n)
    wobble = rng.uniform(-1.8, 1.8) * scale + sum(rng.uniform(-0.8, 0.8) * np.sin(np.pi * f * u + rng.uniform(0, 6.3))
                                          for f in (1, 3))
    pts = pts + wobble[:, None] * normal
    start, stop = rng.uniform(-5, 4) * scale, rng.uniform(-5, 4) * scale            # + extends, - stops short
    if start < 0:
        pts = pts[int(-start * 2):]
    else:
        pts = np.concatenate([pts[:1] - tangent[:1] * np.linspace(start, 0, int(start * 2) + 1)[:, None], pts])
    if stop < 0:
        pts = pts[:len(pts) - int(-stop * 2)]
    else:
        pts = np.concatenate([pts, pts[-1:] + tangent[-1:] * np.linspace(0, stop, int(stop * 2) + 1)[:, None]])
    return pts


def _lay(ink_map, pts, half, strength):
    """Add a line of half width ``half`` px through ``pts`` into ``ink_map`` (H, W), anti-aliased."""
    H, W = ink_map.shape
    lo = np.floor(pts.min(0) - half - 2).astype(int).clip(0, [W, H])
    hi = np.ceil(pts.max(0) + half + 2).astype(int).clip(0, [W, H])
    from scipy.ndimage import distance_transform_edt
    h, w = hi[1] - lo[1], hi[0] - lo[0]
    if h <= 0 or w <= 0:
        return
    near = np.ones((h, w), bool)                           # pixels near the line: a rough distance first
    cells = np.floor(pts - lo).astype(int)
    keep = (cells[:, 0] >= 0) & (cells[:, 0] < w) & (cells[:, 1] >= 0) & (cells[:, 1] < h)
    near[cells[keep, 1], cells[keep, 0]] = False
    ys, xs = np.nonzero(distance_transform_edt(near) <= half + 2)
    d, _ = cKDTree(pts).query(np.stack([xs + lo[0] + 0.5, ys + lo[1] + 0.5], 1))
    cover = np.clip(half + 0.5 - d, 0, 1) * strength
    region = ink_map[lo[1]:hi[1], lo[0]:hi[0]]
    region[ys, xs] = 1 - (1 - region[ys, xs]) * (1 - cover)


def rough_sketch(seed: int = 0, width: int = 640, height: int = 480, lines: int = 12, ink: str = "pencil",
                 passes=(2, 3), specks: int = 40, blur: float = 0.7) -> Sketch:
    """A rough sketch of ``lines`` random clean strokes (see the module docstring).

    Args:
        ink: ``"pencil"`` (grey, grainy), ``"ink"`` (black, crisp) or ``"colour"`` (a colour per line).
        passes: fewest and most passes per line.
        specks: dots of dirt, up to 1.5 px in radius.
        blur: Gaussian blur of the scan, pixels.
    """
    rng = np.random.default_rng(seed)
    clean, _ = _clean_lines(rng, width, height, lines)
    return rough_drawing(clean, width, height, ink=ink, passes=passes, specks=specks, blur=blur, rng=rng)


def rough_drawing(clean, width: int, height: int, ink: str = "pencil", passes=(2, 3), specks: int = 40,
                  blur: float = 0.7, seed: int = 0, rng=None) -> Sketch:
    """A rough sketch of the given clean strokes: a list of ``(p0, p1, p2)`` control points in pixels."""
    if ink not in INKS:
        raise ValueError(f"ink: expected one of {', '.join(INKS)}, got {ink!r}")
    rng = np.random.default_rng(seed) if rng is None else rng
    colour, grainy = INKS[ink]
    scale = min(width, height) / 480
    paper = np.array([0.96, 0.95, 0.92])
    img = np.ones((height, width, 3)) * paper
    img += gaussian_filter(rng.normal(0, 0.035, (height, width)), 0.8)[..., None] * grainy
    clean = [tuple(np.asarray(p, np.float64) for p in line) for line in clean]
    sampled = [bezier_points(*line) for line in clean]
    rows = []
    grain = np.clip(1 - np.abs(gaussian_filter(rng.normal(0, 0.6, (height, width)), 0.6)), 0.2, 1) if grainy else 1
    for k, (p0, p1, p2) in enumerate(clean):
        c = np.array(colour if colour is not None else _COLOURS[k % len(_COLOURS)])
        layer = np.zeros((height, width))
        half = rng.uniform(0.7, 1.2) * scale
        for _ in range(rng.integers(passes[0], passes[1] + 1)):
            _lay(layer, _pass_points(rng, p0, p1, p2, scale),
                 half * rng.uniform(0.8, 1.2), rng.uniform(0.55, 0.85) if grainy else 0.95)
        layer = layer * grain
        img = img * (1 - layer[..., None]) + c * layer[..., None]
        w = 2 * half / min(width, height)
        rows.append([p0[0] / width, p0[1] / height, p1[0] / width, p1[1] / height, p2[0] / width,
                     p2[1] / height, w, w, *c, *c, 1.0])
    dots = np.zeros((height, width))
    for _ in range(specks):
        centre = rng.uniform([0, 0], [width, height])
        _lay(dots, centre[None], rng.uniform(0.3, 1.5) * scale, rng.uniform(0.3, 0.7))
    img = img * (1 - dots[..., None]) + np.array(INKS["pencil"][0]) * dots[..., None]
    img = gaussian_filter(img, (blur, blur, 0)) if blur > 0 else img
    strokes = StrokeSet(np.array(rows).reshape(-1, 15), width=width, height=height)
    return Sketch(np.clip(img, 0, 1), strokes, sampled)


def stroke_lines(strokes: StrokeSet) -> list:
    """The centreline of every stroke as ``(n, 2)`` points (x, y) in pixels of its canvas."""
    scale = np.array([strokes.width, strokes.height])
    return [bezier_points(row[0:2] * scale, row[2:4] * scale, row[4:6] * scale) for row in strokes.params]


def centreline_scores(found: list, truth: list, within: float = 3.0) -> tuple[float, float]:
    """Precision and recall of centreline points (lists of ``(n, 2)`` arrays, pixels).

    Precision: the share of found points within ``within`` px of a true line;
    recall: the share of true points within ``within`` px of a found line.
    Nothing found: precision 1 (nothing wrong was said), recall 0.

    >>> line = [np.stack([np.arange(50.0), np.full(50, 10.0)], 1)]
    >>> centreline_scores([l + [0, 2] for l in line], line), centreline_scores([l + [0, 5] for l in line], line)
    ((1.0, 1.0), (0.0, 0.0))
    """
    found = [f for f in found if len(f)]
    true_pts = np.concatenate(truth) if truth else np.zeros((0, 2))
    if not found:
        return 1.0, 0.0 if len(true_pts) else 1.0
    found_pts = np.concatenate(found)
    if not len(true_pts):
        return 0.0, 1.0
    d_found, _ = cKDTree(true_pts).query(found_pts)
    d_true, _ = cKDTree(found_pts).query(true_pts)
    return float((d_found <= within).mean()), float((d_true <= within).mean())


__all__ = ["Sketch", "rough_sketch", "rough_drawing", "bezier_points", "stroke_lines", "centreline_scores"]
