"""Paths as quadratic Bezier pieces: as few as the path's shape needs.

:func:`fit_quadratic` fits one piece to points with its ends fixed on the
path's ends (least squares for the control point, chord-length parameters
refined by projection). :func:`fit_pieces` covers a path greedily: from
its start, the longest stretch that one piece fits within ``tolerance``
pixels (found by bisection), then on from there.
"""
from __future__ import annotations

import numpy as np

SAMPLES = 48     # points a fitted piece is sampled at to measure its distance from the path


def _params(pts: np.ndarray) -> np.ndarray:
    steps = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    along = np.concatenate([[0], np.cumsum(steps)])
    return along / along[-1] if along[-1] > 0 else np.linspace(0, 1, len(pts))


def bezier(p0, p1, p2, t: np.ndarray) -> np.ndarray:
    """Points ``(n, 2)`` of a quadratic Bezier at parameters ``t`` ``(n,)``."""
    t = t[:, None]
    return (1 - t) ** 2 * p0 + 2 * t * (1 - t) * p1 + t ** 2 * p2


def fit_quadratic(pts: np.ndarray, refine: int = 2) -> tuple[np.ndarray, float]:
    """One quadratic piece ``(3, 2)`` through the ends of ``pts`` ``(n, 2)``, and its largest
    distance from them in pixels.

    >>> t = np.linspace(0, 1, 20)[:, None]
    >>> pts = (1 - t) ** 2 * [0, 0] + 2 * t * (1 - t) * [5, 8] + t ** 2 * [10, 0]
    >>> ctrl, err = fit_quadratic(pts); bool(err < 0.5), np.round(ctrl[1]).tolist()
    (True, [5.0, 8.0])
    """
    p0, p2 = pts[0], pts[-1]
    if len(pts) < 3:
        return np.stack([p0, 0.5 * (p0 + p2), p2]), 0.0
    t = _params(pts)
    p1 = 0.5 * (p0 + p2)
    for _ in range(refine + 1):
        b = 2 * t * (1 - t)
        rest = pts - (1 - t)[:, None] ** 2 * p0 - (t ** 2)[:, None] * p2
        denom = float((b * b).sum())
        p1 = (b[:, None] * rest).sum(0) / denom if denom > 1e-12 else 0.5 * (p0 + p2)
        # Re-parameterize: each point's nearest sample of the curve.
        ts = np.linspace(0, 1, SAMPLES)
        curve = bezier(p0, p1, p2, ts)
        d2 = ((pts[:, None, :] - curve[None]) ** 2).sum(-1)
        t = ts[d2.argmin(1)]
        t[0], t[-1] = 0.0, 1.0
    ctrl = np.stack([p0, p1, p2])
    return ctrl, _distance(pts, ctrl)


def _distance(pts: np.ndarray, ctrl: np.ndarray) -> float:
    """Largest distance from the points to the curve and from the curve to the points (pixels)."""
    from scipy.spatial import cKDTree

    length = np.linalg.norm(np.diff(pts, axis=0), axis=1).sum()
    curve = bezier(*ctrl, np.linspace(0, 1, max(SAMPLES, int(length) + 2)))
    d_path, _ = cKDTree(curve).query(pts)
    d_curve, _ = cKDTree(pts).query(curve)
    return float(max(d_path.max(), d_curve.max()))


def fit_pieces(pts: np.ndarray, tolerance: float) -> list:
    """Cover a path ``(n, 2)`` with quadratic pieces ``[(3, 2), ...]`` each within ``tolerance`` px."""
    pieces = []
    start = 0
    n = len(pts)
    while start < n - 1:
        ctrl, err = fit_quadratic(pts[start:])
        if err <= tolerance:
            pieces.append(ctrl)
            break
        lo, hi = start + 1, n - 1                 # lo always fits (two points), hi does not
        best = np.stack([pts[start], 0.5 * (pts[start] + pts[lo]), pts[lo]])
        while hi - lo > 1:
            mid = (lo + hi) // 2
            ctrl, err = fit_quadratic(pts[start:mid + 1])
            if err <= tolerance:
                lo, best = mid, ctrl
            else:
                hi = mid
        pieces.append(best)
        start = lo
    return pieces


def piece_points(ctrl: np.ndarray, step: float = 1.0) -> np.ndarray:
    """Points ``(n, 2)`` along a piece about ``step`` px apart, ends included."""
    rough = np.linalg.norm(ctrl[1] - ctrl[0]) + np.linalg.norm(ctrl[2] - ctrl[1])
    return bezier(*ctrl, np.linspace(0, 1, max(2, int(np.ceil(rough / step)) + 1)))


__all__ = ["bezier", "fit_quadratic", "fit_pieces", "piece_points"]
