"""Each stroke's own local frame, and the exact warp that places it on the canvas.

The neural renderer draws every stroke in a small canonical picture whose x
axis runs along the stroke's chord (P0 to P2) and whose y axis runs across it;
the box is just large enough to hold the curve and its paint. Where the stroke
is, how long it is and at which angle are then exact geometry: an affine map
from canvas pixels to that picture, applied with ``grid_sample``. The networks
only see the stroke's *dimensionless* shape (:func:`shape_features`).

Units: canvas pixels unless noted; ``unit`` is the canvas' shorter side.
"""
from __future__ import annotations

from typing import NamedTuple

import torch

from ..geometry import bezier, full_window, paint_radius
from ..layout import WIDTHS

MARGIN = 2.0  # pixels of empty border around the paint, room for anti-aliasing


class LocalFrame(NamedTuple):
    """Where each stroke's local picture sits on the canvas; every field is ``(S,)`` unless noted.

    origin:   ``(S, 2)`` canvas pixel (x, y) of the picture's corner (along = 0, across = 0).
    along:    ``(S, 2)`` unit vector of the chord direction (the picture's x axis).
    across:   ``(S, 2)`` unit normal (the picture's y axis).
    length:   extent of the picture along the chord, pixels.
    breadth:  extent of the picture across the chord, pixels.
    p0, p1, p2: ``(S, 2)`` the control points in picture units, each coordinate in [0, 1].
    """

    origin: torch.Tensor
    along: torch.Tensor
    across: torch.Tensor
    length: torch.Tensor
    breadth: torch.Tensor
    p0: torch.Tensor
    p1: torch.Tensor
    p2: torch.Tensor


def local_frame(params: torch.Tensor, size, reach: float = 1.0, margin: float = MARGIN) -> LocalFrame:
    """The local frame of each stroke of ``params`` ``(S, 15)`` on a canvas of ``size`` ``(H, W)``.

    The box covers the Bezier centreline plus the largest half width times
    ``reach`` plus ``margin`` pixels on every side. A stroke whose chord is
    shorter than a hundredth of a pixel (a dot) gets the x axis as chord.

    >>> p = torch.tensor([[.25, .5, .5, .5, .75, .5, .1, .1] + [0.] * 7])
    >>> f = local_frame(p, (100, 100), margin=0.0)
    >>> [round(float(v), 3) for v in (f.length[0], f.breadth[0], f.p0[0, 0], f.p2[0, 1])]
    [60.0, 10.0, 0.083, 0.5]
    """
    H, W = size
    unit = float(min(H, W))
    scale = params.new_tensor([W, H])
    p0, p1, p2 = (params[:, 2 * i:2 * i + 2] * scale for i in range(3))  # (S, 2) pixels
    chord = p2 - p0
    chord_len = chord.norm(dim=1, keepdim=True)
    is_dot = chord_len < 1e-2
    x_axis = torch.tensor([1.0, 0.0], dtype=params.dtype, device=params.device).expand_as(chord)
    u = torch.where(is_dot, x_axis, chord / chord_len.clamp(min=1e-2))  # (S, 2)
    n = torch.stack([-u[:, 1], u[:, 0]], 1)
    # Control points in chord coordinates (P0 at the origin).
    a = ((p1 - p0) * u).sum(1)
    h = ((p1 - p0) * n).sum(1)
    L = ((p2 - p0) * u).sum(1)
    # Extent of the curve: sampled finely (the extreme across the chord, t = 1/2, is a sample).
    t = torch.linspace(0, 1, 33, dtype=params.dtype, device=params.device).view(1, -1)
    xs = bezier(0.0, a.view(-1, 1), L.view(-1, 1), t)
    ys = bezier(0.0, h.view(-1, 1), 0.0, t)
    pad = paint_radius(params[:, WIDTHS].amax(1), unit, reach) + margin
    x_lo, x_hi = xs.amin(1) - pad, xs.amax(1) + pad
    y_lo, y_hi = ys.amin(1) - pad, ys.amax(1) + pad
    length, breadth = x_hi - x_lo, y_hi - y_lo
    origin = p0 + u * x_lo.view(-1, 1) + n * y_lo.view(-1, 1)

    def local(x, y):
        return torch.stack([(x - x_lo) / length, (y - y_lo) / breadth], 1)

    zero = torch.zeros_like(a)
    return LocalFrame(origin, u, n, length, breadth, local(zero, zero), local(a, h), local(L, zero))


def picture_map(frame: LocalFrame, size, window=None):
    """The affine map from a pixel of ``window`` to its position in each local picture: ``theta`` ``(S, 2, 3)``, h, w.

    Pixel (column j, row i) of the window lands at ``theta @ (j, i, 1)``, in
    ``grid_sample`` units (-1 .. 1 spans the picture, ``align_corners=False``).
    ``window`` is ``(top, left, h, w)``; ``top``/``left`` may be ``(S,)`` tensors.
    Differentiable with respect to the frame.
    """
    top, left, h, w = window if window is not None else full_window(size)
    dt = frame.origin.dtype
    # Canvas pixel -> picture, scaled to -1 .. 1: g = A (q - origin) - 1, A's rows 2 along / length, 2 across / breadth.
    A = torch.stack([2 * frame.along / frame.length.view(-1, 1), 2 * frame.across / frame.breadth.view(-1, 1)], 1)
    # The window's first pixel centre q = (left + 1/2, top + 1/2), relative to the origin.
    cx = (left.to(dt) if isinstance(left, torch.Tensor) else float(left)) + 0.5 - frame.origin[:, 0]
    cy = (top.to(dt) if isinstance(top, torch.Tensor) else float(top)) + 0.5 - frame.origin[:, 1]
    shift = A[:, :, 0] * cx.view(-1, 1) + A[:, :, 1] * cy.view(-1, 1) - 1
    return torch.cat([A, shift[:, :, None]], 2), int(h), int(w)


def affine_grid(theta: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """``(S, h, w, 2)``: ``theta`` ``(S, 2, 3)`` applied to every pixel (column, row, 1) of an h x w window.

    Values only (no gradient): :func:`affine_grid_backward` is its gradient.
    Each coordinate is one broadcast sum of a row term and a column term,
    written straight into the grid.
    """
    theta = theta.detach()
    cols = torch.arange(w, dtype=theta.dtype, device=theta.device)
    rows = torch.arange(h, dtype=theta.dtype, device=theta.device)
    grid = theta.new_empty(theta.shape[0], h, w, 2)
    for k in range(2):  # x, then y
        along = cols * theta[:, k, 0:1] + theta[:, k, 2:3]   # (S, w)
        down = rows * theta[:, k, 1:2]                       # (S, h)
        torch.add(along[:, None, :], down[:, :, None], out=grid[..., k])
    return grid


def affine_grid_backward(grad_grid: torch.Tensor) -> torch.Tensor:
    """Gradient ``(S, 2, 3)`` of ``theta`` from that of :func:`affine_grid`'s grid ``(S, h, w, 2)``."""
    _, h, w, _ = grad_grid.shape
    cols = torch.arange(w, dtype=grad_grid.dtype, device=grad_grid.device).view(-1, 1)
    rows = torch.arange(h, dtype=grad_grid.dtype, device=grad_grid.device).view(-1, 1)
    per_col = grad_grid.sum(1)   # (S, w, 2)
    per_row = grad_grid.sum(2)   # (S, h, 2)
    return torch.stack([(per_col * cols).sum(1), (per_row * rows).sum(1), per_col.sum(1)], 2)


def sampling_grid(frame: LocalFrame, size, window=None) -> torch.Tensor:
    """``(S, h, w, 2)`` position of every canvas pixel of ``window`` in each local picture (values only).

    In ``grid_sample`` units (-1 .. 1 spans the picture, ``align_corners=False``).
    ``window`` is ``(top, left, h, w)``; ``top``/``left`` may be ``(S,)`` tensors.
    """
    return affine_grid(*picture_map(frame, size, window))


OUTSIDE = 16.0  # what the mask logit reads outside a picture: -16, no paint
