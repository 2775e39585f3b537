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
import torch.nn.functional as F

from ..geometry import full_window

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
    xs = 2 * t * (1 - t) * a.view(-1, 1) + t * t * L.view(-1, 1)
    ys = 2 * t * (1 - t) * h.view(-1, 1)
    pad = 0.5 * params[:, 6:8].amax(1) * unit * reach + margin
    x_lo, x_hi = xs.amin(1) - pad, xs.amax(1) + pad
    y_lo, y_hi = ys.amin(1) - pad, ys.amax(1) + pad
    length, breadth = x_hi - x_lo, y_hi - y_lo
    origin = p0 + u * x_lo.view(-1, 1) + n * y_lo.view(-1, 1)

    def local(x, y):
        return torch.stack([(x - x_lo) / length, (y - y_lo) / breadth], 1)

    zero = torch.zeros_like(a)
    return LocalFrame(origin, u, n, length, breadth, local(zero, zero), local(a, h), local(L, zero))


def sampling_grid(frame: LocalFrame, size, window=None) -> torch.Tensor:
    """``(S, h, w, 2)`` position of every canvas pixel of ``window`` in each local picture.

    In ``grid_sample`` units (-1 .. 1 spans the picture, ``align_corners=False``).
    ``window`` is ``(top, left, h, w)``; ``top``/``left`` may be ``(S,)`` tensors.
    """
    top, left, h, w = window if window is not None else full_window(size)
    dt, dev = frame.origin.dtype, frame.origin.device
    xs = _centres(left, int(w), dt, dev).view(-1, 1, int(w))      # (1 or S, 1, w)
    ys = _centres(top, int(h), dt, dev).view(-1, int(h), 1)       # (1 or S, h, 1)
    # The affine map pixel -> picture, scaled to -1 .. 1: g = 2 (R (q - origin)) / extent - 1.
    ax = (2 * frame.along / frame.length.view(-1, 1)).view(-1, 2, 1, 1)
    ay = (2 * frame.across / frame.breadth.view(-1, 1)).view(-1, 2, 1, 1)
    ox, oy = frame.origin[:, 0].view(-1, 1, 1), frame.origin[:, 1].view(-1, 1, 1)
    gx = ((xs - ox) * ax[:, 0] - 1) + (ys - oy) * ax[:, 1]
    gy = ((xs - ox) * ay[:, 0] - 1) + (ys - oy) * ay[:, 1]
    return torch.stack([gx, gy], -1)


def _centres(start, n: int, dtype, device) -> torch.Tensor:
    ramp = torch.arange(n, dtype=dtype, device=device) + 0.5
    if isinstance(start, torch.Tensor) and start.ndim == 1:
        return start.to(dtype).view(-1, 1) + ramp
    return ramp + float(start)


OUTSIDE = 16.0  # what channel 0 (the mask logit) reads outside a picture: -16, no paint


def place(pictures: torch.Tensor, grid: torch.Tensor) -> torch.Tensor:
    """Warp local pictures ``(S, C, r, c)`` onto canvas pixels: ``(S, C, h, w)``, bilinear.

    Outside its picture a pixel reads 0 in every channel but channel 0 (the mask
    logit), which reads ``-OUTSIDE``. Channel 0 comes back *shifted* by ``+OUTSIDE``
    (so the shift costs one small picture, not the large output); subtract it when
    squashing it: ``sigmoid(out[:, 0] - OUTSIDE)``.
    """
    shifted = torch.cat([pictures[:, :1] + OUTSIDE, pictures[:, 1:]], 1)
    return F.grid_sample(shifted, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
