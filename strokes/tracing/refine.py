"""All traced strokes settled on the ink together.

The strokes found from the skeleton sit on the centrelines already; what
they lack is the width the ink really has and the last pixel of position
that a wobbly or blobby line hides. :func:`refine` draws them with the
differentiable rasterizer of the chosen style, each in its own window
(:func:`strokes.rendering.draw` with per-stroke windows, as the painter does), and moves their
control points (at most ``reach`` pixels) and widths (within a factor of
two) to match the blurred ink under pixel plus optimal-transport loss
(:mod:`strokes.losses`). Colours and opacity stay those of the ink.

Strokes are refined in chunks of similar window size (so a short stroke
is not drawn in a long stroke's window), each chunk over a canvas that
holds all the other strokes.
"""
from __future__ import annotations

import math

import torch

from ..layout import POINTS, WIDTHS
from ..losses import pixel_loss, transport_loss
from ..painting.optimize import Adam
from ..compositing import WindowLayout, lay_windows
from ..rendering import draw

WIDTH_FACTOR = 2.0      # a width may shrink or grow by up to this factor


def _windows(params: torch.Tensor, size, reach: float, style_reach: float, pad: int = 2):
    """Per-stroke window corners ``(S,)`` and each window's size ``(S, 2)`` holding any refined stroke."""
    H, W = size
    xs = params[:, 0:6:2] * W
    ys = params[:, 1:6:2] * H
    half = 0.5 * WIDTH_FACTOR * params[:, WIDTHS].amax(1) * min(H, W) * style_reach + reach + pad
    tops = torch.floor(ys.amin(1) - half).long()
    lefts = torch.floor(xs.amin(1) - half).long()
    extent = torch.stack([ys.amax(1) + half - tops, xs.amax(1) + half - lefts], 1).ceil().long() + 1
    return tops, lefts, extent


def _chunks(extent: torch.Tensor, budget: int) -> list:
    """Stroke indices in chunks of similar window size, about ``budget`` window pixels each."""
    area = (extent[:, 0] * extent[:, 1]).tolist()
    order = sorted(range(len(area)), key=lambda i: area[i])
    chunks, current, h, w = [], [], 0, 0
    for i in order:
        nh, nw = max(h, int(extent[i, 0])), max(w, int(extent[i, 1]))
        if current and (len(current) + 1) * nh * nw > budget:
            chunks.append(current)
            current, nh, nw = [], int(extent[i, 0]), int(extent[i, 1])
        current.append(i)
        h, w = nh, nw
    if current:
        chunks.append(current)
    return chunks


def refine(params: torch.Tensor, target: torch.Tensor, style, background, reach: float = 2.0,
           steps: int = 10, lr: float = 0.15, ot_weight: float = 0.1, budget: int = 1 << 18) -> torch.Tensor:
    """Settle strokes ``(S, 15)`` (canvas-relative) on ``target`` ``(3, H, W)`` in [0, 1].

    Args:
        background: ``(3,)`` bare-paper colour, RGB in [0, 1].
        reach: how far, in pixels of ``target``, a control point may move.
        steps, lr: Adam steps per chunk and learning rate (on unconstrained numbers).
        ot_weight: weight of :func:`strokes.losses.transport_loss` next to the pixel loss.

    Returns:
        ``(S, 15)`` refined strokes: the same colours and opacity, points within
        ``reach`` px, widths within a factor of :data:`WIDTH_FACTOR`.
    """
    S = len(params)
    if S == 0 or steps <= 0:
        return params.clone()
    H, W = target.shape[-2:]
    bg = torch.as_tensor(background, dtype=target.dtype)
    scale = params.new_tensor([W, H] * 3)
    out = params.clone()
    tops, lefts, extent = _windows(params, (H, W), reach, style.reach)
    bare = bg.view(3, 1, 1).expand(3, H, W).contiguous()
    for chunk in _chunks(extent, budget):
        idx = torch.tensor(chunk)
        others = torch.ones(S, dtype=torch.bool)
        others[idx] = False
        with torch.no_grad():
            canvas = draw(bare.clone(), out[others], style).clamp_(0, 1)
        h, w = int(extent[idx, 0].max()), int(extent[idx, 1].max())
        layout = WindowLayout(tops[idx], lefts[idx], h, w, (H, W))
        start = out[idx].clone()
        z = torch.zeros(len(chunk), 8, requires_grad=True)
        adam = Adam(z, lr)

        def decode(z):
            pts = (start[:, POINTS] * scale + reach * torch.tanh(z[:, :6])) / scale
            widths = start[:, WIDTHS] * torch.exp(math.log(WIDTH_FACTOR) * torch.tanh(z[:, 6:8]))
            return torch.cat([pts.clamp(0, 1), widths.clamp(0, 1), start[:, 8:]], 1)

        for _ in range(steps):
            p = decode(z)
            fg, alpha = style.rasterize(p, (H, W), window=layout.window)
            painted = lay_windows(canvas, fg, alpha, layout)
            loss = pixel_loss(painted, target)
            if ot_weight > 0:
                loss = loss + ot_weight * transport_loss(painted, target, bg)
            grad, = torch.autograd.grad(loss, z)
            adam.step(grad)
        out[idx] = decode(z.detach()).detach()
    return out


__all__ = ["refine", "WIDTH_FACTOR"]
