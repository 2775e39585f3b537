"""Conversions between the seed paper's stroke parameterizations and our layout.

*Stylized Neural Painting* (Zou et al., CVPR 2021) describes its brushes with
their own parameter vectors, all normalized to [0, 1] on a square canvas. They
are conversions here, not file formats: everything in the library speaks the
``(S, 15)`` layout of :mod:`strokes.layout`.

Oil-paint brush, ``(..., 12)``, columns :data:`OIL_COLUMNS`
    ``x, y`` the centre (fractions of the canvas width and height), ``h, w``
    the brush rectangle's two sides and ``theta`` its rotation, then a start
    and an end colour and an opacity ``alpha``. Conventions used here: ``w``
    and ``h`` are fractions of the canvas' shorter side (the same as the
    paper's fractions of the side on a square canvas); the ``w`` side points
    along the angle ``theta * pi`` measured from the +x axis towards +y (y
    down, so clockwise on screen) and the ``h`` side across it; the start
    colour sits at the ``-w/2`` end. It becomes a straight stroke along the
    rectangle's *long* axis, as wide as the short side. Parts that stick out
    of the canvas are cut off at the canvas edge (colours follow the cut),
    because our layout keeps every point on the canvas.

Bezier brushes (marker, watercolour), ``(..., 15)`` / ``(..., 12)``
    :data:`BEZIER_COLUMNS`: control points ``x0, y0, x1, y1, x2, y2`` (same
    units as ours), radii ``radius0, radius2`` at the ends, start and end
    colour, ``alpha``. :data:`MARKER_COLUMNS` is the one-colour variant. A
    radius is half a width; both are fractions of the canvas' shorter side
    here (pass ``radius_unit`` when a radius was measured in another unit).

Going back, :func:`strokes_to_oil` drops the curvature (P1) and averages the
two widths; :func:`strokes_to_marker` averages the two colours. All functions
are plain torch code, batched over any leading dimensions and differentiable.
"""
from __future__ import annotations

import math

import torch

from .layout import P

OIL_COLUMNS = ("x", "y", "h", "w", "theta", "r0", "g0", "b0", "r2", "g2", "b2", "alpha")
BEZIER_COLUMNS = ("x0", "y0", "x1", "y1", "x2", "y2", "radius0", "radius2",
                  "r0", "g0", "b0", "r2", "g2", "b2", "alpha")
MARKER_COLUMNS = ("x0", "y0", "x1", "y1", "x2", "y2", "radius0", "radius2", "r", "g", "b", "alpha")


def _check(t: torch.Tensor, n: int, what: str) -> None:
    if not isinstance(t, torch.Tensor) or t.ndim < 1 or t.shape[-1] != n or not t.is_floating_point():
        got = f"{t.dtype} of shape {tuple(t.shape)}" if isinstance(t, torch.Tensor) else type(t).__name__
        raise ValueError(f"expected {what} as a float tensor of shape (..., {n}), got {got}")


def _canvas(canvas) -> tuple[float, float]:
    H, W = (float(v) for v in canvas)
    if H <= 0 or W <= 0:
        raise ValueError(f"expected canvas (H, W) of positive size, got {tuple(canvas)}")
    return H, W


# -- oil brush ----------------------------------------------------------------------------------

def oil_to_strokes(oil: torch.Tensor, canvas=(1, 1)) -> torch.Tensor:
    """Oil-brush rectangles ``(..., 12)`` (:data:`OIL_COLUMNS`) to straight strokes ``(..., 15)``.

    Args:
        oil: brush parameters in [0, 1].
        canvas: ``(H, W)`` of the canvas (only the aspect ratio matters).

    >>> oil = torch.tensor([[.5, .5, .1, .6, 0., 1, 0, 0, 0, 0, 1, .8]])   # horizontal, red to blue
    >>> s = oil_to_strokes(oil)
    >>> [round(v, 3) for v in s[0, :8].tolist()]
    [0.2, 0.5, 0.5, 0.5, 0.8, 0.5, 0.1, 0.1]
    >>> s[0, 8:].tolist()
    [1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.800000011920929]
    """
    _check(oil, len(OIL_COLUMNS), "oil-brush parameters")
    H, W = _canvas(canvas)
    unit = min(H, W)
    centre = oil[..., 0:2] * oil.new_tensor([W, H])                     # pixels
    h, w, angle = oil[..., 2], oil[..., 3], oil[..., 4] * math.pi
    along = torch.stack([torch.cos(angle), torch.sin(angle)], -1)       # direction of the w side
    across = torch.stack([-torch.sin(angle), torch.cos(angle)], -1)     # direction of the h side
    w_is_long = (w >= h).unsqueeze(-1)
    direction = torch.where(w_is_long, along, across)
    length = torch.maximum(w, h) * unit
    half = 0.5 * length.unsqueeze(-1) * direction
    start, end = (centre - half) / oil.new_tensor([W, H]), (centre + half) / oil.new_tensor([W, H])
    c0, c2 = oil[..., 5:8], oil[..., 8:11]
    t0, t1 = _clip_to_canvas(start, end)
    p0 = start + t0 * (end - start)
    p2 = start + t1 * (end - start)
    width = torch.minimum(w, h).unsqueeze(-1).expand(*oil.shape[:-1], 2)
    return torch.cat([p0, 0.5 * (p0 + p2), p2, width, c0 + t0 * (c2 - c0), c0 + t1 * (c2 - c0),
                      oil[..., 11:12]], -1).clamp(0, 1)


def _clip_to_canvas(a: torch.Tensor, b: torch.Tensor):
    """Parameters ``t0 <= t1`` in [0, 1] of the part of segments a -> b inside the unit square, ``(..., 1)`` each.

    Every segment here passes through its midpoint, which is on the canvas, so the part is never empty.
    """
    d = b - a
    flat = d.abs() < 1e-12
    safe = torch.where(flat, torch.ones_like(d), d)
    ta, tb = (0 - a) / safe, (1 - a) / safe
    lo = torch.where(flat, torch.full_like(d, -math.inf), torch.minimum(ta, tb))
    hi = torch.where(flat, torch.full_like(d, math.inf), torch.maximum(ta, tb))
    t0 = lo.amax(-1, keepdim=True).clamp(0, 1)
    t1 = hi.amin(-1, keepdim=True).clamp(0, 1)
    return t0, torch.maximum(t0, t1)


def strokes_to_oil(params: torch.Tensor, canvas=(1, 1)) -> torch.Tensor:
    """Strokes ``(..., 15)`` to oil-brush rectangles ``(..., 12)``: the P0 -> P2 chord, mean width.

    The inverse of :func:`oil_to_strokes` for brushes whose ``w`` side is the
    long one and that lie inside the canvas; otherwise the closest rectangle.
    Lengths longer than the shorter side of the canvas are clamped to it.

    >>> s = torch.tensor([[.2, .5, .5, .5, .8, .5, .1, .1, 1, 0, 0, 0, 0, 1, .8]])
    >>> [round(v, 3) for v in strokes_to_oil(s)[0, :5].tolist()]
    [0.5, 0.5, 0.1, 0.6, 0.0]
    """
    _check(params, P, "strokes")
    H, W = _canvas(canvas)
    unit = min(H, W)
    scale = params.new_tensor([W, H])
    p0, p2 = params[..., 0:2] * scale, params[..., 4:6] * scale
    chord = p2 - p0
    length = torch.sqrt((chord ** 2).sum(-1) + 1e-24)
    turn = torch.atan2(chord[..., 1], chord[..., 0]) / math.pi        # (-1, 1]
    flipped = (turn < 0) | (turn >= 1)                                  # theta keeps [0, 1): swap the ends
    theta = torch.where(turn < 0, turn + 1, torch.where(turn >= 1, turn - 1, turn))
    c0, c2 = params[..., 8:11], params[..., 11:14]
    f = flipped.unsqueeze(-1)
    start, end = torch.where(f, c2, c0), torch.where(f, c0, c2)
    centre = 0.5 * (params[..., 0:2] + params[..., 4:6])
    h = params[..., 6:8].mean(-1)
    w = (length / unit).clamp(0, 1)
    return torch.cat([centre, h.unsqueeze(-1), w.unsqueeze(-1), theta.unsqueeze(-1), start, end,
                      params[..., 14:15]], -1)


# -- Bezier brushes -----------------------------------------------------------------------------

def bezier_to_strokes(bezier: torch.Tensor, radius_unit: float = 1.0) -> torch.Tensor:
    """Watercolour-style Bezier brushes ``(..., 15)`` (:data:`BEZIER_COLUMNS`) to strokes ``(..., 15)``.

    ``width = 2 * radius * radius_unit``, clamped to [0, 1] (``radius_unit``:
    the size of one radius unit as a fraction of the canvas' shorter side).

    >>> b = torch.tensor([[.1, .2, .3, .4, .5, .6, .05, .02, 1, 0, 0, 0, 1, 0, .5]])
    >>> [round(v, 3) for v in bezier_to_strokes(b)[0, 6:8].tolist()]
    [0.1, 0.04]
    """
    _check(bezier, len(BEZIER_COLUMNS), "Bezier-brush parameters")
    width = (2.0 * radius_unit * bezier[..., 6:8]).clamp(0, 1)
    return torch.cat([bezier[..., 0:6], width, bezier[..., 8:15]], -1)


def strokes_to_bezier(params: torch.Tensor, radius_unit: float = 1.0) -> torch.Tensor:
    """Strokes ``(..., 15)`` to Bezier brushes ``(..., 15)``: the exact inverse of :func:`bezier_to_strokes`.

    >>> s = torch.rand(4, 15)
    >>> torch.allclose(bezier_to_strokes(strokes_to_bezier(s)), s)
    True
    """
    _check(params, P, "strokes")
    return torch.cat([params[..., 0:6], params[..., 6:8] / (2.0 * radius_unit), params[..., 8:15]], -1)


def marker_to_strokes(marker: torch.Tensor, radius_unit: float = 1.0) -> torch.Tensor:
    """One-colour Bezier brushes ``(..., 12)`` (:data:`MARKER_COLUMNS`) to strokes ``(..., 15)``.

    >>> m = torch.tensor([[.1, .2, .3, .4, .5, .6, .05, .05, .2, .4, .6, 1.]])
    >>> marker_to_strokes(m)[0, 8:].tolist() == m[0, 8:11].tolist() * 2 + [1.0]
    True
    """
    _check(marker, len(MARKER_COLUMNS), "marker parameters")
    color = marker[..., 8:11]
    return bezier_to_strokes(torch.cat([marker[..., 0:8], color, color, marker[..., 11:12]], -1), radius_unit)


def strokes_to_marker(params: torch.Tensor, radius_unit: float = 1.0) -> torch.Tensor:
    """Strokes ``(..., 15)`` to one-colour Bezier brushes ``(..., 12)``; the colour is the mean of both ends.

    >>> s = torch.tensor([[.1, .2, .3, .4, .5, .6, .1, .1, 1, 0, 0, 0, 0, 1, 1.]])
    >>> strokes_to_marker(s)[0, 8:11].tolist()
    [0.5, 0.0, 0.5]
    """
    b = strokes_to_bezier(params, radius_unit)
    color = 0.5 * (b[..., 8:11] + b[..., 11:14])
    return torch.cat([b[..., 0:8], color, b[..., 14:15]], -1)


__all__ = ["OIL_COLUMNS", "BEZIER_COLUMNS", "MARKER_COLUMNS", "oil_to_strokes", "strokes_to_oil",
           "bezier_to_strokes", "strokes_to_bezier", "marker_to_strokes", "strokes_to_marker"]
