"""Overdrawn passes and continuing pieces merged into one stroke.

Two things a rough sketch needs undone:

* a line drawn twice side by side leaves two near-parallel pieces:
  :func:`drop_overdrawn` keeps the longer one where the shorter runs along it;
* a line broken by a gap, a junction or a wobble leaves pieces that continue
  each other: :func:`join_continuing` replaces two of them by one piece where
  one quadratic Bezier fits both within a tolerance.

How far apart passes may lie, how big a gap may be bridged and how loosely a
joined piece may fit all grow with ``simplify`` (see :class:`Merging`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .fitting import fit_quadratic, piece_points


@dataclass
class Piece:
    """A quadratic piece ``ctrl`` ``(3, 2)`` in pixels, from path ``path``, ``index``-th along it."""

    ctrl: np.ndarray
    path: int
    index: float

    def points(self) -> np.ndarray:
        return piece_points(self.ctrl)

    @property
    def length(self) -> float:
        return float(np.linalg.norm(np.diff(self.points(), axis=0), axis=1).sum())


@dataclass
class Merging:
    """How strongly to merge, in pixels and degrees, from the line width and ``simplify`` in [0, 1]."""

    beside: float      # passes whose centrelines lie this close count as one line
    gap: float         # pieces whose ends lie this close may be joined
    angle: float       # ... if their directions differ by less than this
    tolerance: float   # ... and one piece fits both this closely

    @classmethod
    def for_lines(cls, width: float, simplify: float, scale: float = 1.0) -> "Merging":
        """``width``: line width in pixels; ``scale``: the page's longest side over 640 px (a hand's
        wobble grows with the drawing, so distances grow with the page)."""
        return cls(beside=0.6 * width + (1.0 + 5.0 * simplify) * scale, gap=width + (1.0 + 10.0 * simplify) * scale,
                   angle=15.0 + 25.0 * simplify, tolerance=0.25 * width + (1.0 + 2.5 * simplify) * scale)


def _tangents(pts: np.ndarray) -> np.ndarray:
    t = np.gradient(pts, axis=0)
    return t / (np.linalg.norm(t, axis=1, keepdims=True) + 1e-9)


def drop_overdrawn(pieces: list, beside: float, parallel: float = 25.0, share: float = 0.8,
                   to_ink: np.ndarray | None = None, bridge: float = 1.5) -> list:
    """Drop every piece of which ``share`` of the points lie within ``beside`` px of a longer
    piece running the same way (within ``parallel`` degrees).

    With ``to_ink`` ``(H, W)`` (every pixel's distance to the nearest ink, pixels),
    two pieces count as passes of one line only where the ink between them is
    continuous (the point half way lies within ``bridge`` px of ink): two lines
    drawn close with paper between them both stay.
    """
    if len(pieces) < 2:
        return pieces
    order = sorted(range(len(pieces)), key=lambda i: -pieces[i].length)
    kept_pts, kept_tan, kept = [], [], []
    cos = np.cos(np.radians(parallel))
    for i in order:
        pts = pieces[i].points()
        tan = _tangents(pts)
        if kept_pts:
            allp = np.concatenate(kept_pts)
            allt = np.concatenate(kept_tan)
            d, j = cKDTree(allp).query(pts)
            along = (d <= beside) & (np.abs((tan * allt[j]).sum(1)) >= cos)
            if to_ink is not None:
                half_way = np.round(0.5 * (pts + allp[j])).astype(int)
                H, W = to_ink.shape
                gap = to_ink[half_way[:, 1].clip(0, H - 1), half_way[:, 0].clip(0, W - 1)]
                along &= gap <= bridge
            if along.mean() >= share:
                continue
        kept.append(i)
        kept_pts.append(pts)
        kept_tan.append(tan)
    return [pieces[i] for i in sorted(kept)]


def _ends(piece: Piece):
    """The two ends of a piece: (position, outward direction) at t = 0 and t = 1."""
    pts = piece.points()
    k = min(len(pts) - 1, max(1, len(pts) // 5))
    out0 = pts[0] - pts[k]
    out1 = pts[-1] - pts[-1 - k]
    unit = lambda v: v / (np.linalg.norm(v) + 1e-9)  # noqa: E731
    return [(pts[0], unit(out0)), (pts[-1], unit(out1))]


def join_continuing(pieces: list, gap: float, angle: float, tolerance: float) -> list:
    """Join pairs of pieces that continue each other (ends within ``gap`` px, facing each
    other within ``angle`` degrees) wherever one quadratic fits both within ``tolerance`` px;
    best fits first, until none is left."""
    pieces = list(pieces)
    cos = np.cos(np.radians(angle))
    fits: dict = {}                                       # (piece, end, piece, end) -> (ctrl, err)
    alive = list(pieces)                                  # every piece keyed in ``fits`` stays alive (ids unique)
    while len(pieces) > 1:
        ends = [e for p in pieces for e in _ends(p)]
        pos = np.array([e[0] for e in ends])
        tree = cKDTree(pos)
        best = None
        for a, b in tree.query_pairs(gap):
            i, ei, j, ej = a // 2, a % 2, b // 2, b % 2
            if i == j:
                continue
            (pa, da), (pb, db) = ends[a], ends[b]
            if float(da @ -db) < cos:                      # not facing each other
                continue
            gap_v = pb - pa
            if np.linalg.norm(gap_v) > 1.0 and float(da @ gap_v) < 0.5 * np.linalg.norm(gap_v):
                continue                                   # side by side, not end to end
            key = (id(pieces[i]), ei, id(pieces[j]), ej)
            if key not in fits:
                first = pieces[i].points() if ei == 1 else pieces[i].points()[::-1]
                second = pieces[j].points() if ej == 0 else pieces[j].points()[::-1]
                steps = int(np.ceil(np.linalg.norm(second[0] - first[-1])))
                bridge = first[-1] + (second[0] - first[-1]) * np.linspace(0, 1, steps + 1)[1:-1, None]
                fits[key] = fit_quadratic(np.concatenate([first, bridge, second]))
            ctrl, err = fits[key]
            if err <= tolerance and (best is None or err < best[0]):
                best = (err, i, j, ctrl)
        if best is None:
            break
        _, i, j, ctrl = best
        keep = pieces[i] if (pieces[i].path, pieces[i].index) <= (pieces[j].path, pieces[j].index) else pieces[j]
        merged = Piece(ctrl, keep.path, keep.index)
        alive.append(merged)
        pieces = [p for k, p in enumerate(pieces) if k not in (i, j)] + [merged]
    return pieces


__all__ = ["Piece", "Merging", "drop_overdrawn", "join_continuing"]
