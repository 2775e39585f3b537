"""Stroke geometry: where each pixel sits relative to each stroke.

Every style builds on :func:`stroke_frame`, which gives, for every stroke and
every pixel of a window of the canvas, the pixel's position in the stroke's
own frame: how far *along* the centreline it is and how far *across* it.
A style then only says how paint is laid down in that frame.

All lengths are in pixels of the full canvas. The centreline is the quadratic
Bezier P0, P1, P2, approximated by ``segments`` straight pieces (exact for
straight strokes; for curved ones the error is far below a pixel at the
default :data:`SEGMENTS` pieces and canvas sizes up to a few thousand pixels).
"""
from __future__ import annotations

import contextlib
import math
from contextvars import ContextVar
from typing import NamedTuple

import torch

from .layout import COLOR_END, COLOR_START, P, P0, P1, P2, W0, W2, WIDTHS

Window = tuple  # (top, left, height, width) in pixels of the full canvas

SEGMENTS = 16   # straight pieces a centreline is drawn with
EDGE = 2        # pixels past the paint's reach that anti-aliasing may still touch
SCAN_ALL = 4    # centrelines of at most this many pieces are searched piece by piece, without pruning
_FITTED: ContextVar["float | None"] = ContextVar("strokes_fitted_pieces", default=None)


def bezier(p0, p1, p2, t):
    """The quadratic Bezier at ``t`` (torch or numpy, broadcasting): ``(1-t)^2 P0 + 2(1-t)t P1 + t^2 P2``.

    >>> bezier(0.0, 1.0, 0.0, 0.5)
    0.5
    """
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2


def bezier_tangent(p0, p1, p2, t):
    """Derivative of :func:`bezier` in ``t``."""
    return 2 * (1 - t) * (p1 - p0) + 2 * t * (p2 - p1)


def paint_radius(width, unit: float, reach: float = 1.0):
    """How far a stroke's paint may lie from its centreline, pixels: half the ``width`` (a
    fraction of the shorter side, ``unit`` pixels) times the style's ``reach``.

    >>> paint_radius(0.1, 200, reach=1.5)
    15.0
    """
    return 0.5 * width * unit * reach


def polyline_error(params: torch.Tensor, size, segments: int = SEGMENTS) -> torch.Tensor:
    """``(S,)`` pixels: how far the centreline drawn with ``segments`` straight pieces may stray from the Bezier.

    The second derivative of a quadratic Bezier is the constant ``2 (P0 - 2 P1 + P2)``,
    so a chord of parameter length ``1 / segments`` strays at most ``|P0 - 2 P1 + P2| / (4 segments^2)``.
    """
    H, W = size
    bend = (params[:, P0] - 2 * params[:, P1] + params[:, P2]) * params.new_tensor([W, H])
    return bend.norm(dim=1) / (4 * segments ** 2)


class StrokeFrame(NamedTuple):
    """Pixels in stroke coordinates; every field is ``(S, h, w)`` unless noted.

    along:      arc length from P0 to the nearest centreline point, pixels;
                negative before the start, beyond ``length`` after the end.
    across:     signed distance from the centreline, pixels (left is negative).
    dist:       distance to the centreline, pixels (round caps at the ends).
    t:          ``along / length`` clamped to [0, 1]: where colour and width
                are read from.
    half_width: half the stroke width at ``t``, pixels.
    length:     ``(S, 1, 1)`` centreline length, pixels.
    unit:       pixels per canvas-relative unit of width (the shorter side).
    x, y:       ``(1, 1, w)`` and ``(1, h, 1)`` (``(S, 1, w)``, ``(S, h, 1)`` for
                per-stroke windows): pixel centres in canvas-relative units,
                for textures anchored to the canvas.
    """

    along: torch.Tensor
    across: torch.Tensor
    dist: torch.Tensor
    t: torch.Tensor
    half_width: torch.Tensor
    length: torch.Tensor
    unit: float
    x: torch.Tensor
    y: torch.Tensor


def check_params(params: torch.Tensor) -> None:
    if not isinstance(params, torch.Tensor) or params.ndim != 2 or params.shape[1] != P:
        shape = tuple(params.shape) if isinstance(params, torch.Tensor) else type(params).__name__
        raise ValueError(f"expected stroke parameters of shape (S, {P}), got {shape}")


def full_window(size) -> Window:
    H, W = size
    return (0, 0, int(H), int(W))


@contextlib.contextmanager
def fitted_pieces(tolerance: float = 0.1):
    """Inside this block a centreline is drawn with as few straight pieces as keep every stroke
    of the call within ``tolerance`` pixels of its Bezier (one for straight strokes), not
    :data:`SEGMENTS`: how the painter optimizes, where a working canvas' strokes are a few
    pixels long. Outside it, and wherever ``segments`` is given, nothing changes.

    >>> p = torch.tensor([[.1, .5, .5, .5, .9, .5, .2, .2] + [0.] * 6 + [1.]])
    >>> with fitted_pieces():
    ...     _pieces(p, (10, 10), None)
    1
    """
    token = _FITTED.set(float(tolerance))
    try:
        yield
    finally:
        _FITTED.reset(token)


def _pieces(params: torch.Tensor, size, segments) -> int:
    """How many straight pieces draw ``params``' centrelines: ``segments``, or see :func:`fitted_pieces`."""
    if segments is not None:
        return segments
    tolerance = _FITTED.get()
    if tolerance is None or len(params) == 0:
        return SEGMENTS
    worst = float(polyline_error(params.detach(), size, 1).max())
    return min(SEGMENTS, max(1, math.ceil(math.sqrt(worst / tolerance))))


def centreline(params: torch.Tensor, size, segments: int = SEGMENTS) -> torch.Tensor:
    """Points along each stroke's Bezier centreline, ``(S, segments + 1, 2)`` in pixels (x, y).

    >>> p = torch.zeros(1, 15); p[0, :6] = torch.tensor([0., 0., .5, 0., 1., 0.])
    >>> centreline(p, (10, 20), segments=2)[0, :, 0].tolist()
    [0.0, 10.0, 20.0]
    """
    H, W = size
    t = torch.linspace(0, 1, segments + 1, dtype=params.dtype, device=params.device)[None, :, None]
    scale = params.new_tensor([W, H])
    return bezier(*(params[:, None, k] * scale for k in (P0, P1, P2)), t)


def _pixel_centres(start, n: int, dtype, device) -> torch.Tensor:
    """``(n,)`` or, for a per-stroke ``(S,)`` start, ``(S, n)`` pixel-centre coordinates."""
    ramp = torch.arange(n, dtype=dtype, device=device) + 0.5
    if isinstance(start, torch.Tensor) and start.ndim == 1:
        return start.to(dtype).view(-1, 1) + ramp
    return ramp + float(start)


def stroke_frame(params: torch.Tensor, size, window: Window | None = None, segments: "int | None" = None) -> StrokeFrame:
    """Each pixel of ``window`` in each stroke's frame (see :class:`StrokeFrame`).

    Args:
        params: ``(S, 15)`` strokes in the layout of :mod:`strokes.layout`.
        size: ``(H, W)`` of the full canvas.
        window: ``(top, left, h, w)`` part of the canvas to compute; all of it by default.
            ``top`` and ``left`` may be ``(S,)`` tensors: one window per stroke, all
            of the same ``h, w`` (how small strokes are drawn or painted in batches).
            Or :class:`Pixels`: a list of pixels per stroke (every field then ``(S, 1, P)``).
        segments: straight pieces of the centreline (default :data:`SEGMENTS`, or see
            :func:`fitted_pieces`).

    >>> p = torch.tensor([[.1, .5, .5, .5, .9, .5, .2, .2] + [0.] * 6 + [1.]])
    >>> f = stroke_frame(p, (10, 10))
    >>> round(float(f.length), 3), round(float(f.half_width[0, 5, 5]), 3)
    (8.0, 1.0)
    """
    H, W = size
    xs, ys, length, (best_d2, best_along, best_cross) = _nearest(params, size, window, segments, "frame")
    outside = torch.maximum(-best_along, best_along - length).clamp(min=0)
    across_mag = torch.sqrt((best_d2 - outside ** 2).clamp(min=0) + 1e-12)
    across = torch.where(best_cross < 0, across_mag, -across_mag)
    dist = torch.sqrt(best_d2 + 1e-12)
    t = (best_along / length.clamp(min=1e-6)).clamp(0, 1)
    unit = float(min(H, W))
    w0 = params[:, W0].view(-1, 1, 1)
    w2 = params[:, W2].view(-1, 1, 1)
    half_width = 0.5 * unit * (w0 + (w2 - w0) * t)
    return StrokeFrame(best_along, across, dist, t, half_width, length, unit, xs / W, ys / H)


def centreline_distance(params: torch.Tensor, size, window: Window | None = None,
                        segments: "int | None" = None) -> torch.Tensor:
    """``(S, h, w)`` distance of every pixel of ``window`` to each centreline, pixels.

    The ``dist`` of :func:`stroke_frame` (round caps at the ends) at about half
    the cost, for styles that need nothing else (the marker).

    >>> p = torch.tensor([[.1, .5, .5, .5, .9, .5, .2, .2] + [0.] * 6 + [1.]])
    >>> d = centreline_distance(p, (10, 10))
    >>> torch.allclose(d, stroke_frame(p, (10, 10)).dist)
    True
    """
    _, _, _, (best_d2,) = _nearest(params, size, window, segments, "distance")
    return torch.sqrt(best_d2 + 1e-12)


class Pixels(NamedTuple):
    """A window given as a list of pixels per stroke: each stroke drawn only where its paint can be
    (:func:`strokes.rendering.stroke_pixels`), for styles whose ``rasterize`` works pixel by pixel.

    xs, ys: ``(S, 1, P)`` pixel centres, full-canvas pixels.
    piece:  ``(S, 1, P)`` the centreline piece nearest to each (of ``segments`` pieces), as the
            search of :func:`nearest_pieces` found it: drawing at these pixels need not search again.
    """

    xs: torch.Tensor
    ys: torch.Tensor
    piece: torch.Tensor
    segments: int


def nearest_pieces(params: torch.Tensor, size, window: Window, segments: "int | None" = None):
    """``(d2, piece, segments)`` without gradients: every pixel of ``window``'s squared distance to each
    centreline, pixels, and its nearest piece ``(S, h, w)``, of ``segments`` pieces (see :func:`fitted_pieces`)."""
    with torch.no_grad():
        segments = _pieces(params, size, segments)
        _, _, _, (d2, piece) = _nearest(params.detach(), size, window, segments, "piece")
    return d2, piece, segments


def _polyline(params, size, segments: int):
    """The centreline's ``segments`` pieces: points ``(S, n+1, 2)``, steps ``(S, n, 2)``, their lengths
    ``(S, n)`` and the arc length where each point sits ``(S, n+1)``, pixels."""
    pts = centreline(params, size, segments)
    seg = pts[:, 1:] - pts[:, :-1]
    seg_len = torch.sqrt((seg ** 2).sum(-1) + 1e-12)
    start_at = torch.cat([seg_len.new_zeros(seg_len.shape[0], 1), seg_len.cumsum(1)], 1)
    return pts, seg, seg_len, start_at


def _nearest(params, size, window, segments, want: str):
    """Pixel centres, centreline length and what :func:`_nearest_piece` finds (``want``) for every
    pixel of ``window``; with gradients wanted, the squared distance and, with ``"frame"``, the
    arc-length position and side, worked out differentiably at the piece found."""
    check_params(params)
    if isinstance(window, Pixels):                         # pieces found when the pixels were chosen
        n = window.segments if segments is None else segments
        pts, seg, seg_len, start_at = _polyline(params, size, n)
        piece = window.piece
        if n != window.segments:                           # asked for other pieces: search them all
            with torch.no_grad():
                _, piece = _scan_all(window.xs, window.ys, pts, seg, seg_len, start_at, n, "piece")
        found = _at_piece(window.xs, window.ys, pts, seg, seg_len, start_at, piece, n, want == "frame")
        return window.xs, window.ys, start_at[:, -1].view(-1, 1, 1), found
    segments = _pieces(params, size, segments)
    top, left, h, w = window if window is not None else full_window(size)
    dt = params.dtype if params.is_floating_point() else torch.float32
    xs = _pixel_centres(left, int(w), dt, params.device).view(-1, 1, int(w))
    ys = _pixel_centres(top, int(h), dt, params.device).view(-1, int(h), 1)
    pts, seg, seg_len, start_at = _polyline(params, size, segments)
    length = start_at[:, -1].view(-1, 1, 1)

    # With gradients wanted, the search runs without autograd and only the chosen
    # piece of each pixel is then worked out again, differentiably: the backward
    # pass follows one piece per pixel instead of every candidate.
    differentiable = torch.is_grad_enabled() and params.requires_grad
    mode = "piece" if differentiable else want
    with torch.no_grad() if differentiable else contextlib.nullcontext():
        if segments <= SCAN_ALL:                           # few pieces: scanning them all is cheaper
            found = _scan_all(xs, ys, pts, seg, seg_len, start_at, segments, mode)
        else:
            found = _nearest_candidate(xs, ys, pts, seg, seg_len, start_at, int(h), int(w), segments, mode)
    if differentiable:
        found = _at_piece(xs, ys, pts, seg, seg_len, start_at, found[1], segments, want == "frame")
    return xs, ys, length, found


def _scan_all(xs, ys, pts, seg, seg_len, start_at, segments: int, want: str):
    """:func:`_nearest_piece` over every piece of every stroke, in order."""
    S = pts.shape[0]
    every = torch.arange(segments, device=pts.device).expand(S, segments)
    return _nearest_piece(xs, ys, pts, seg, seg_len, start_at, every, segments, [S] * segments, want)


def _nearest_candidate(xs, ys, pts, seg, seg_len, start_at, h: int, w: int, segments: int, want: str):
    """:func:`_nearest_piece` over only the pieces that can be the nearest for some pixel of each
    window (see :func:`_candidate_pieces`); windows needing most come first, so the k-th
    candidate is scanned on a leading slice of the windows only."""
    order, count = _candidate_pieces(pts, xs, ys, h, w)          # (S, n), (S,)
    if count.numel() == 0:
        active = []
    else:
        # active[k]: how many windows have a k-th candidate.
        active = torch.bincount(count, minlength=segments + 1).flip(0).cumsum(0).flip(0)[1:int(count.max()) + 1].tolist()
    by_need = torch.argsort(count, descending=True, stable=True)
    per_window = xs.shape[0] > 1
    sort = lambda v: v[by_need]
    found = _nearest_piece(sort(xs) if per_window else xs, sort(ys) if per_window else ys, sort(pts), sort(seg),
                           sort(seg_len), sort(start_at), sort(order)[:, :len(active)], segments, active, want)
    if active and active[-1] != count.numel():
        inverse = torch.argsort(by_need)
        found = tuple(v[inverse] for v in found)
    return found


def _nearest_piece(xs, ys, pts, seg, seg_len, start_at, idx, segments: int, active, want: str = "frame"):
    """Each pixel's nearest piece among ``idx`` ``(S, K)``.

    ``want`` says what comes back, each ``(S, h, w)``: ``"distance"``, the squared
    distance; ``"frame"``, also the arc-length position and the side (sign of the
    cross product); ``"piece"``, the squared distance and the piece's index.

    Pieces are scanned in the order of ``idx`` (ascending), a later one winning
    only when strictly closer, as a scan over all pieces would. ``active[k]``
    (non-increasing) says how many leading windows have a ``k``-th candidate.
    """
    K = idx.shape[1]
    if K == 0 or idx.shape[0] == 0:                           # no strokes
        empty = xs.new_zeros((idx.shape[0], ys.shape[-2], xs.shape[-1]))
        return {"distance": (empty,), "frame": (empty, empty.clone(), empty.clone()),
                "piece": (empty, empty.long())}[want]
    take = lambda t: t.gather(1, idx).view(-1, K, 1, 1)                   # (S, K, 1, 1)
    ax_k, ay_k = take(pts[:, :-1, 0]), take(pts[:, :-1, 1])
    sx_k, sy_k = take(seg[..., 0]), take(seg[..., 1])
    l_k, start_k = take(seg_len), take(start_at[:, :-1])
    lo_k, hi_k = _extensions(idx.view(-1, K, 1, 1), segments, pts.dtype)

    best = None
    for k in range(K):
        m = active[k]                                        # windows with a k-th candidate
        px = xs[:m] if xs.shape[0] > 1 else xs
        py = ys[:m] if ys.shape[0] > 1 else ys
        d2, along, cross = _to_piece(px, py, ax_k[:m, k], ay_k[:m, k], sx_k[:m, k], sy_k[:m, k], l_k[:m, k],
                                     start_k[:m, k], lo_k[:m, k], hi_k[:m, k], want == "frame")
        found = {"distance": (d2,), "frame": (d2, along, cross), "piece": (d2, idx[:m, k].view(-1, 1, 1))}[want]
        if best is None:
            best = tuple(v.expand_as(d2).contiguous() for v in found)
        else:
            closer = d2 < best[0][:m]
            for kept, new in zip(best, found):
                kept[:m] = torch.where(closer, new, kept[:m])
    return best


def _to_piece(px, py, ax, ay, sx, sy, lk, start, lo, hi, side: bool):
    """Squared distance from pixels to a piece A + s (sx, sy), s in [0, 1], of length ``lk``
    starting ``start`` along the centreline; with ``side`` also the pixels' arc-length
    position (``s`` clamped to ``[lo, hi]``) and cross product (else ``None``)."""
    dx, dy = px - ax, py - ay                                # (m, 1, w), (m, h, 1) or (m, h, w)
    s = dx * (sx / (lk * lk)) + dy * (sy / (lk * lk))        # (m, h, w) position on the piece
    sc = s.clamp(0, 1)
    d2 = (dx - sc * sx) ** 2 + (dy - sc * sy) ** 2
    if not side:
        return d2, None, None
    along = start + torch.clamp(s, lo, hi) * lk
    cross = dx * sy - dy * sx                                # sign: which side of the piece
    return d2, along, cross


def _extensions(piece: torch.Tensor, segments: int, dtype):
    """Clamp range of ``s`` on ``piece``: the first and last pieces extend past the ends (flat caps)."""
    inf = torch.tensor(float("inf"), dtype=dtype, device=piece.device)
    return torch.where(piece == 0, -inf, 0.0).to(dtype), torch.where(piece == segments - 1, inf, 1.0).to(dtype)


def _at_piece(xs, ys, pts, seg, seg_len, start_at, piece, segments: int, side: bool):
    """What :func:`_nearest_piece` gives, worked out at a known ``piece`` ``(S, h, w)`` per pixel (differentiable)."""
    S, h, w = piece.shape
    flat = piece.reshape(S, h * w)
    at = lambda t: t.gather(1, flat).view(S, h, w)
    d2, along, cross = _to_piece(xs, ys, at(pts[:, :-1, 0]), at(pts[:, :-1, 1]), at(seg[..., 0]), at(seg[..., 1]),
                                 at(seg_len), at(start_at[:, :-1]), *_extensions(piece, segments, pts.dtype), side)
    return (d2, along, cross) if side else (d2,)


def _candidate_pieces(pts: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, h: int, w: int):
    """Which centreline pieces may be nearest to some pixel of each window.

    Returns ``order (S, n)``, piece indices with the candidates first (ascending,
    so ties resolve as in a scan over all pieces) and ``count (S,)``, how many
    candidates each window has. Every pixel centre lies in the rectangle ``R``
    spanned by the window's first and last pixel centres; distance to a piece is
    convex, so no pixel is farther from piece ``k`` than ``R``'s farthest corner,
    and none is nearer than ``dist(piece, R)``. A piece whose ``dist(piece, R)``
    exceeds ``min_k max_corner d_k`` is never the nearest one.
    """
    with torch.no_grad():
        p = pts.detach()
        x0 = xs.detach()[:, 0, 0].view(-1, 1)                 # (S, 1) or (1, 1)
        y0 = ys.detach()[:, 0, 0].view(-1, 1)
        x1, y1 = x0 + (w - 1), y0 + (h - 1)
        ax, ay, bx, by = p[:, :-1, 0], p[:, :-1, 1], p[:, 1:, 0], p[:, 1:, 1]  # (S, n)
        vx, vy = bx - ax, by - ay
        vv = (vx * vx + vy * vy).clamp(min=1e-12)

        def to_piece(qx, qy):                                 # distance from points to each piece
            u = (((qx - ax) * vx + (qy - ay) * vy) / vv).clamp(0, 1)
            return torch.hypot(qx - ax - u * vx, qy - ay - u * vy)

        corners = [to_piece(cx, cy) for cx in (x0, x1) for cy in (y0, y1)]
        farthest = torch.stack(corners).amax(0)                # (S, n)
        to_rect = lambda qx, qy: torch.hypot((x0 - qx).clamp(min=0) + (qx - x1).clamp(min=0),
                                             (y0 - qy).clamp(min=0) + (qy - y1).clamp(min=0))
        near = torch.stack(corners + [to_rect(ax, ay), to_rect(bx, by)]).amin(0)
        # Does the piece cross the rectangle? (Liang-Barsky clipping of the piece.)
        lo = torch.zeros_like(vx)
        hi = torch.ones_like(vx)
        for a, v, e0, e1 in ((ax, vx, x0, x1), (ay, vy, y0, y1)):
            flat = v.abs() < 1e-12
            safe = torch.where(flat, torch.ones_like(v), v)
            t0, t1 = (e0 - a) / safe, (e1 - a) / safe
            lo = torch.where(flat, torch.where((a >= e0) & (a <= e1), lo, lo.new_tensor(2.0)), torch.maximum(lo, torch.minimum(t0, t1)))
            hi = torch.where(flat, hi, torch.minimum(hi, torch.maximum(t0, t1)))
        near = torch.where(lo <= hi, torch.zeros_like(near), near)
        slack = 1e-3 * (1 + farthest.amax(1, keepdim=True))   # float safety
        keep = near <= farthest.amin(1, keepdim=True) + slack
        order = torch.sort((~keep).to(torch.uint8), dim=1, stable=True).indices
        return order, keep.sum(1)

def lerp_color(params: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Colour running from the start to the end colour: ``(S, 3, h, w)`` from ``t`` ``(S, h, w)``."""
    c0 = params[:, COLOR_START, None, None]
    c2 = params[:, COLOR_END, None, None]
    return c0 + (c2 - c0) * t[:, None]


def coverage(signed_distance: torch.Tensor, softness: float = 1.0) -> torch.Tensor:
    """Anti-aliased inside-ness from a signed distance in pixels (negative = inside).

    A linear ramp ``softness`` pixels wide centred on the edge: the area of a
    pixel covered by a straight edge.
    """
    return (0.5 - signed_distance / softness).clamp(0, 1)


def stroke_boxes(params: torch.Tensor, size, reach: float = 1.0, pad: int = EDGE) -> torch.Tensor:
    """Pixel box of every stroke, ``(S, 4)`` int64 as (top, left, bottom, right), clipped to the canvas.

    The Bezier lies in the hull of its control points; ``reach`` scales the
    largest half width for styles whose paint spreads past the nominal width.
    """
    H, W = size
    xs = params[:, 0:6:2] * W
    ys = params[:, 1:6:2] * H
    r = paint_radius(params[:, WIDTHS].amax(1), min(H, W), reach) + pad
    box = torch.stack([ys.amin(1) - r, xs.amin(1) - r, ys.amax(1) + r, xs.amax(1) + r], 1)
    box = torch.stack([box[:, 0].floor().clamp(0, H), box[:, 1].floor().clamp(0, W),
                       box[:, 2].ceil().clamp(0, H), box[:, 3].ceil().clamp(0, W)], 1)
    return box.long()
