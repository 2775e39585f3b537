"""Where each stroke's paint went between two frames: a shift per stroke, by block matching.

:func:`carry` compares frame ``before`` with frame ``now`` where each stroke
*shows* in the painting (:func:`visible_paint`: its alpha times what the
strokes above it let through): for whole-pixel shifts within ``MOST`` of the
shorter side (every second pixel first, then the pixels next to each
stroke's best) it sums how badly ``now`` matches ``before`` moved by that
shift there, takes the best, adds the fraction of a pixel from a parabola
through its neighbours, and keeps no shift where moving does not match
clearly better than staying (``BETTER``) or where staying already matches
exactly. A camera pan moves every stroke the same way; a ball moves the
strokes that paint it, and a stroke of sky behind it stays put. It also
says, per stroke, whether the picture under its box still changed once it
moved (:class:`Carried`), which is what :func:`strokes.coherence.repaint`
re-optimizes.

The matching runs on the frames shrunk to ``MATCH_SIDE`` pixels (longest
side), so its cost hardly grows with the painting's size.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from kornia.geometry.transform import translate

from .geometry import stroke_boxes
from .layout import POINTS
from .painting.seeding import blur

__all__ = ["carry", "Carried", "visible_paint", "shift_picture", "shift_strokes", "box_sums"]

MATCH_SIDE = 64    # frames are matched at this longest side at most
MOST = 0.2         # a stroke may be carried this share of the shorter side from one frame to the next
BETTER = 0.35      # a shift is kept when it leaves at most this share of the mismatch of staying put


@dataclass
class Carried:
    """What :func:`carry` found, per stroke ``(S,)``.

    shifts: ``(S, 2)`` (dx, dy) pixels of the frames' size.
    changed: pixels under the stroke's box that differ from ``before`` once it moved (blurred, over the threshold).
    change: mean difference under the box once moved (sum over RGB).
    mismatch: mean squared difference (sum over RGB) where the stroke shows, once moved.
    """

    shifts: torch.Tensor
    changed: torch.Tensor
    change: torch.Tensor
    mismatch: torch.Tensor


def shift_picture(image: torch.Tensor, shift, padding: str = "border") -> torch.Tensor:
    """``image`` ``(C, H, W)`` moved by ``shift = (dx, dy)`` pixels (right and down), bilinear (kornia ``translate``).

    >>> a = torch.zeros(1, 4, 6); a[0, :, 2] = 1
    >>> [round(v, 3) for v in shift_picture(a, (1.0, 0.0))[0, 0].tolist()]
    [0.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    """
    moved = image.new_tensor([[float(shift[0]), float(shift[1])]])
    return translate(image[None], moved, padding_mode=padding, align_corners=True)[0]


def shift_strokes(params: torch.Tensor, shifts: torch.Tensor, size) -> torch.Tensor:
    """Strokes ``(S, 15)`` (canvas-relative) moved by ``shifts`` ``(S, 2)`` pixels of a canvas of ``size`` ``(H, W)``."""
    H, W = size
    out = params.clone()
    out[:, POINTS] = params[:, POINTS] + (shifts.to(params) / params.new_tensor([W, H])).repeat(1, 3)
    return out


def box_sums(boxes: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    """Sums ``(S,)`` of ``values`` ``(H, W)`` over boxes ``(S, 4)`` (top, left, bottom, right), by an integral image."""
    summed = F.pad(values.double().cumsum(0).cumsum(1), (1, 0, 1, 0))
    t, l, b, r = boxes.unbind(1)
    return summed[b, r] - summed[t, r] - summed[b, l] + summed[t, l]


def _parabola(left: torch.Tensor, mid: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
    """Offset in (-0.5, 0.5) of the minimum of the parabola through three costs at -1, 0, 1."""
    curve = left + right - 2 * mid
    return torch.where(curve > 1e-12, 0.5 * (left - right) / curve.clamp(min=1e-12), torch.zeros_like(mid)).clamp(-0.5, 0.5)


def visible_paint(params: torch.Tensor, style, size) -> torch.Tensor:
    """``(S, H, W)``: how much of each stroke shows in the painting (its alpha, times what lies on top lets through).

    Drawn in one call, each stroke in a window as big as the largest box, without the style's noise textures.
    """
    from .noise import plain_textures
    H, W = size
    S = len(params)
    boxes = stroke_boxes(style.paint_path(params), size, reach=style.reach)
    h = max(1, int((boxes[:, 2] - boxes[:, 0]).max()))
    w = max(1, int((boxes[:, 3] - boxes[:, 1]).max()))
    tops, lefts = boxes[:, 0], boxes[:, 1]
    with plain_textures():
        _, alpha = style.rasterize(params, size, window=(tops, lefts, h, w))
    full = params.new_zeros(S, H + h, W + w)
    rows = (tops[:, None] + torch.arange(h))[:, :, None].expand(S, h, w)
    cols = (lefts[:, None] + torch.arange(w))[:, None, :].expand(S, h, w)
    full[torch.arange(S)[:, None, None].expand(S, h, w), rows, cols] = alpha[:, 0].clamp(0, 1)
    alpha = full[:, :H, :W]
    through = torch.flip(torch.cumprod(torch.flip(1 - alpha, [0]), 0), [0])     # strokes i..S-1 let through
    above = torch.cat([through[1:], torch.ones_like(through[:1])])                # strokes i+1..S-1
    return alpha * above


def carry(params: torch.Tensor, now: torch.Tensor, before: torch.Tensor, style, threshold: float = 0.06,
          most: float = MOST) -> Carried:
    """Per stroke ``(S, 15)``, the shift that carries its paint in ``before`` onto ``now`` (both ``(3, H, W)``).

    A stroke's paint is where it shows in the painting (:func:`visible_paint`), so a
    stroke of sky behind a moving ball matches the sky, not the ball.

    >>> from strokes.registry import get_style
    >>> frame = torch.zeros(3, 24, 32); frame[:, 4:10, 4:10] = 1
    >>> moved = torch.roll(frame, 3, dims=2)
    >>> stroke = torch.tensor([[0.2, 0.3, 0.25, 0.25, 0.3, 0.2, 0.1, 0.1, 1, 1, 1, 1, 1, 1, 1.0]])
    >>> found = carry(stroke, moved, frame, get_style("marker"))
    >>> [round(v) for v in found.shifts[0].tolist()]
    [3, 0]
    """
    H, W = now.shape[-2:]
    reach = style.reach
    scale = min(1.0, MATCH_SIDE / max(H, W))
    h, w = max(1, round(H * scale)), max(1, round(W * scale))
    a, b = now.float(), before.float()
    if (h, w) != (H, W):
        a, b = (F.interpolate(x[None], size=(h, w), mode="bilinear", antialias=True, align_corners=False)[0]
                for x in (a, b))
    R = math.ceil(most * min(h, w))             # 0: no shift looked for
    paint = visible_paint(params.float(), style, (h, w)).flatten(1).double()       # (S, h * w)
    weight = paint.sum(1).clamp(min=1e-6)
    padded = F.pad(a[None], (R + 1, R + 1, R + 1, R + 1), mode="replicate")[0]
    costs: dict[tuple[int, int], torch.Tensor] = {}

    def cost(dx: int, dy: int) -> torch.Tensor:      # (S,): before(x) ~ now(x + shift), x where the stroke shows
        if (dx, dy) not in costs:
            ahead = padded[:, R + 1 + dy:R + 1 + dy + h, R + 1 + dx:R + 1 + dx + w]
            mismatch = paint @ ((ahead - b) ** 2).sum(0).flatten().double() / weight
            costs[dx, dy] = mismatch + 1e-6 * (dx * dx + dy * dy)      # equal matches: the shorter shift
        return costs[dx, dy]

    coarse = sorted({*range(0, R + 1, 2), *range(0, -R - 1, -2)})   # every second pixel first
    grid = torch.tensor([(dx, dy) for dy in coarse for dx in coarse])
    k = torch.stack([cost(dx, dy) for dx, dy in grid.tolist()]).argmin(0)
    best_at = grid[k]                                                  # (S, 2)
    near = torch.tensor([(ox, oy) for oy in (-1, 0, 1) for ox in (-1, 0, 1)])
    for _ in range(2):                                                 # then the pixels next to the best
        around = (best_at[:, None] + near[None]).clamp(-R, R)          # (S, 9, 2)
        values = torch.stack([torch.stack([cost(dx, dy)[n] for dx, dy in around[n].tolist()])
                              for n in range(len(params))])           # (S, 9)
        best_at = around[torch.arange(len(params)), values.argmin(1)]

    def at(ox: int, oy: int) -> torch.Tensor:        # (S,): each stroke's cost next to its best whole shift
        return torch.stack([cost(x + ox, y + oy)[n] for n, (x, y) in enumerate(best_at.tolist())])

    best = at(0, 0)
    shifts = best_at.double()
    if R:                                             # the fraction of a pixel, from a parabola each way
        shifts[:, 0] += _parabola(at(-1, 0), best, at(1, 0))
        shifts[:, 1] += _parabola(at(0, -1), best, at(0, 1))
    staying = cost(0, 0)
    keep = (best <= BETTER * staying) & (staying > 1e-9)       # a stroke whose paint still matches stays put
    shifts[~keep] = 0
    boxes = stroke_boxes(shift_strokes(params.float(), shifts.float(), (h, w)), (h, w), reach=reach)
    changed = torch.zeros(len(params), dtype=torch.float64)
    change = torch.zeros(len(params), dtype=torch.float64)
    quarter = torch.round(shifts * 4) / 4
    for s in torch.unique(quarter, dim=0):                           # each distinct shift, to a quarter pixel
        mine = (quarter == s).all(1)
        diff = blur((a - shift_picture(b, s.tolist())).abs().sum(0, keepdim=True), 1.0)[0]
        changed[mine] = box_sums(boxes[mine], (diff > threshold).float())
        change[mine] = box_sums(boxes[mine], diff) / _area(boxes[mine])
    mismatch = torch.where(keep, best, staying)
    return Carried((shifts / scale).float(), changed, change, mismatch)


def _area(boxes: torch.Tensor) -> torch.Tensor:
    return ((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])).clamp(min=1).double()
