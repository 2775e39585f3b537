"""Plotter-ready SVG: centreline paths, one layer per pen colour, ordered to cut pen-up travel.

A pen plotter draws a path by lowering one pen and following it; it cannot
fill shapes or blend gradients, and each colour is a pen change. So each
stroke becomes its centreline only (the quadratic Bezier ``M P0 Q P1 P2``),
stroked, not filled, at its mean width, in the flat mean of its colours.
Strokes are grouped into one Inkscape layer (``<g inkscape:groupmode="layer">``)
per pen colour (at most ``pens`` colours; more are merged by k-means on RGB),
which vpype, Inkscape and AxiDraw software read as pens.

Inside a layer the drawing order is chosen to shorten the pen-up travel
between the end of one path and the start of the next (:func:`plot_order`):
greedy nearest neighbour over both ends of every path (a path may be drawn
backwards), then 2-opt-style reversals of runs while they help. Travel is
measured in canvas pixels, starting from the origin in each layer.

>>> s = StrokeSet([[.9, .1, .9, .5, .9, .9, .01, .01, 0, 0, 0, 0, 0, 0, 1],
...                [.1, .1, .1, .5, .1, .9, .01, .01, 0, 0, 0, 0, 0, 0, 1]], width=100, height=100)
>>> doc, report = plotter_svg(s)
>>> doc.count("<path"), report.before > report.after
(2, True)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .atomic import write_bytes
from .strokeset import StrokeSet

INKSCAPE = "http://www.inkscape.org/namespaces/inkscape"
MAX_PENS = 8


@dataclass
class TravelReport:
    """Pen-up travel in canvas pixels in the file's stroke order (``before``) and the plotted order (``after``)."""

    before: float
    after: float
    layers: int
    paths: int


def pen_colors(colors: np.ndarray, pens: int = MAX_PENS, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Group ``(S, 3)`` RGB colours into at most ``pens`` pens: ``(pens used (K, 3), label (S,))``.

    Colours equal after rounding to 8 bits are one pen; if there are more than
    ``pens`` of those, k-means (farthest-point start, 20 rounds) merges them.
    """
    q = np.round(np.clip(colors, 0, 1) * 255).astype(np.int64)
    unique, label = np.unique(q, axis=0, return_inverse=True)
    label = label.reshape(-1)
    if len(unique) <= pens:
        return unique / 255.0, label
    x = q.astype(np.float64)
    centres = [x[0]]
    for _ in range(1, pens):
        d = np.min([((x - c) ** 2).sum(1) for c in centres], 0)
        centres.append(x[int(d.argmax())])
    c = np.stack(centres)
    for _ in range(20):
        label = ((x[:, None] - c[None]) ** 2).sum(-1).argmin(1)
        c = np.stack([x[label == k].mean(0) if (label == k).any() else c[k] for k in range(len(c))])
    used = np.unique(label)
    remap = {int(k): i for i, k in enumerate(used)}
    return np.round(c[used]) / 255.0, np.array([remap[int(k)] for k in label])


def travel(starts: np.ndarray, ends: np.ndarray) -> float:
    """Pen-up distance of paths ``(N, 2)`` drawn in order from the origin: ``|start_0| + sum |start_{i+1} - end_i|``."""
    if len(starts) == 0:
        return 0.0
    hops = np.linalg.norm(starts[1:] - ends[:-1], axis=1).sum()
    return float(np.linalg.norm(starts[0]) + hops)


def plot_order(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A drawing order ``(N,)`` of paths and whether each is drawn reversed ``(N,)`` bool, shortening travel.

    Greedy nearest neighbour from the origin over both ends of the paths
    left (on a grid of buckets, so it stays fast for many thousands of paths),
    then reversals of whole runs of the order (2-opt moves) while any helps
    among nearby candidates.
    """
    n = len(starts)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, bool)
    order, flipped = _greedy(starts, ends)
    return _two_opt(order, flipped, starts, ends)


def _greedy(starts, ends):
    n = len(starts)
    pts = np.concatenate([starts, ends])                      # endpoint k: path k % n, reversed if k >= n
    span = max(float(pts.max()) - min(float(pts.min()), 0.0), 1.0)
    cell = span / max(1.0, np.sqrt(n))
    keys = np.floor(pts / cell).astype(np.int64)
    buckets: dict = {}
    for k, key in enumerate(map(tuple, keys)):
        buckets.setdefault(key, []).append(k)
    left = np.ones(n, bool)
    at = np.zeros(2)
    order, flipped = [], []
    for _ in range(n):
        best, best_d = -1, np.inf
        cx, cy = np.floor(at / cell).astype(np.int64)
        ring = 0
        while True:                                               # widen the search ring until a hit is certain
            for gx in range(cx - ring, cx + ring + 1):
                for gy in range(cy - ring, cy + ring + 1):
                    if max(abs(gx - cx), abs(gy - cy)) != ring:
                        continue
                    for k in buckets.get((gx, gy), ()):
                        if left[k % n]:
                            d = float(np.hypot(*(pts[k] - at)))
                            if d < best_d:
                                best, best_d = k, d
            if best >= 0 and best_d <= ring * cell:
                break
            ring += 1
            if ring > 2 * np.sqrt(n) + 4:                         # everything searched
                if best < 0:
                    raise AssertionError("no path left to draw")  # pragma: no cover
                break
        i, rev = best % n, best >= n
        left[i] = False
        order.append(i)
        flipped.append(rev)
        at = starts[i] if rev else ends[i]
    return np.array(order), np.array(flipped)


def _oriented(order, flipped, starts, ends):
    s = np.where(flipped[:, None], ends[order], starts[order])
    e = np.where(flipped[:, None], starts[order], ends[order])
    return s, e


def _two_opt(order, flipped, starts, ends, window: int = 24, rounds: int = 3):
    """Reverse runs ``order[i+1..j]`` (drawing each of them backwards) when that shortens the travel."""
    n = len(order)
    for _ in range(rounds):
        improved = False
        s, e = _oriented(order, flipped, starts, ends)
        for i in range(n - 1):
            a_end = e[i]
            for j in range(i + 2, min(n, i + 1 + window)):
                # Old hops: e[i] -> s[i+1] and e[j] -> s[j+1]; new: e[i] -> e[j] and s[i+1] -> s[j+1].
                old = np.hypot(*(s[i + 1] - a_end)) + (np.hypot(*(s[j + 1] - e[j])) if j + 1 < n else 0.0)
                new = np.hypot(*(e[j] - a_end)) + (np.hypot(*(s[j + 1] - s[i + 1])) if j + 1 < n else 0.0)
                if new < old - 1e-9:
                    order[i + 1:j + 1] = order[i + 1:j + 1][::-1].copy()
                    flipped[i + 1:j + 1] = ~flipped[i + 1:j + 1][::-1]
                    s, e = _oriented(order, flipped, starts, ends)
                    a_end = e[i]
                    improved = True
        if not improved:
            break
    return order, flipped


def plotter_svg(stroke_set: StrokeSet, pens: int = MAX_PENS, size: int | None = None) -> tuple[str, TravelReport]:
    """The plotter SVG document of ``stroke_set`` and its :class:`TravelReport`."""
    if not isinstance(stroke_set, StrokeSet):
        raise ValueError(f"expected a StrokeSet, got {type(stroke_set).__name__}")  # noqa: TRY004
    if int(pens) < 1:
        raise ValueError(f"pens: expected at least 1 pen, got {pens}")
    W, H = stroke_set.width, stroke_set.height
    p = np.asarray(stroke_set.params, np.float64).reshape(-1, 15)
    dw, dh = W, H
    if size is not None:
        if int(size) < 1:
            raise ValueError(f"expected a positive SVG size, got {size}")
        scale = int(size) / max(W, H)
        dw, dh = max(1, round(W * scale)), max(1, round(H * scale))
    scale_xy = np.array([W, H], np.float64)
    p0, p1, p2 = p[:, 0:2] * scale_xy, p[:, 2:4] * scale_xy, p[:, 4:6] * scale_xy
    width = 0.5 * (p[:, 6] + p[:, 7]) * min(W, H)
    colours, label = pen_colors(0.5 * (p[:, 8:11] + p[:, 11:14]), pens)
    before = after = 0.0
    layers = []
    for k, colour in enumerate(colours):
        idx = np.nonzero(label == k)[0]
        before += travel(p0[idx], p2[idx])
        order, flipped = plot_order(p0[idx], p2[idx])
        s = np.where(flipped[:, None], p2[idx][order], p0[idx][order])
        e = np.where(flipped[:, None], p0[idx][order], p2[idx][order])
        after += travel(s, e)
        hexc = _hex(colour)
        paths = [f'<path d="M{_n(a[0])} {_n(a[1])} Q{_n(c[0])} {_n(c[1])} {_n(b[0])} {_n(b[1])}" '
                 f'stroke-width="{_n(w)}"/>'
                 for a, c, b, w in zip(s, p1[idx][order], e, width[idx][order])]
        layers.append(f'<g inkscape:groupmode="layer" inkscape:label="{k + 1} pen {hexc}" id="layer{k + 1}" '
                      f'fill="none" stroke="{hexc}" stroke-linecap="round" stroke-linejoin="round">\n'
                      + "\n".join(paths) + "\n</g>")
    doc = "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="{INKSCAPE}" version="1.1" '
        f'width="{dw}" height="{dh}" viewBox="0 0 {W} {H}">',
        f"<title>{len(p)} paths for a pen plotter, {len(layers)} pen(s)</title>",
        *layers, "</svg>", ""])
    return doc, TravelReport(before, after, len(layers), len(p))


def export_plotter_svg(stroke_set: StrokeSet, path, pens: int = MAX_PENS, size: int | None = None) -> TravelReport:
    """Write :func:`plotter_svg` to ``path`` atomically; returns the travel report."""
    doc, report = plotter_svg(stroke_set, pens=pens, size=size)
    write_bytes(Path(path), doc.encode("utf-8"))
    return report


def _n(v: float) -> str:
    return f"{float(v):.2f}".rstrip("0").rstrip(".")


def _hex(c) -> str:
    r, g, b = (int(round(float(v) * 255)) for v in np.clip(c, 0, 1))
    return f"#{r:02x}{g:02x}{b:02x}"
