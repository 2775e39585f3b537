"""Compositing: strokes laid over the canvas in order, by the one "over" rule.

``over`` lays one layer: ``out = fg * alpha + under * (1 - alpha)``. Everything
else here is the same rule for many strokes at once, exactly, in the shape the
strokes come in:

* :func:`composite`: full-canvas layers ``(S, 3, H, W)`` (a cumulative product).
* :func:`lay_windows`: each stroke drawn only in its own small window
  ``(top_i, left_i, h, w)`` (all windows of a batch share ``h, w``), without
  ever building full-canvas layers:
  ``out = sum_i a_i f_i T_i + canvas * prod_i (1 - a_i)``, where ``T_i`` is the
  light let through by the strokes drawn after stroke ``i``. ``T_i`` is only
  different from 1 where a later window overlaps window ``i``; the overlapping
  pairs are found from the window corners and their ``log(1 - a)`` gathered,
  so the cost is ``O(S h w + pairs h w + H W)``. Differentiable: what the
  painter optimizes through.
* :func:`lay_pixels`: each stroke drawn only at a list of pixels of its own
  (where its paint can be); ``T_i`` from sums over the strokes at the same
  pixel, found by sorting the pixels once per layout.

Tests check both against a plain loop of :func:`over`, one stroke at a time.
"""
from __future__ import annotations

import torch

LUMA = (0.299, 0.587, 0.114)   # Rec. 601 weights of red, green and blue in a colour's luma


def luminance(rgb: torch.Tensor, dim: int) -> torch.Tensor:
    """Rec. 601 luma of ``rgb`` along dimension ``dim`` (of size 3), which the result drops.

    >>> luminance(torch.tensor([[1.0, 1.0, 1.0], [0.0, 1.0, 0.0]]), 1).tolist()
    [1.0, 0.5870000123977661]
    """
    shape = [1] * rgb.dim()
    shape[dim] = 3
    return (rgb * rgb.new_tensor(LUMA).view(shape)).sum(dim)


def composite(foreground: torch.Tensor, alpha: torch.Tensor, background: torch.Tensor) -> torch.Tensor:
    """Lay strokes over a background, first stroke at the bottom, last on top.

    Vectorized over strokes (no Python loop) and differentiable:
    ``out = sum_i a_i f_i prod_{j>i}(1 - a_j) + bg prod_j (1 - a_j)``, which is
    exactly the sequential "over" and exact for opaque strokes.

    Args:
        foreground: ``(S, 3, H, W)`` or batched ``(B, S, 3, H, W)``, colours in [0, 1].
        alpha: ``(S, 1, H, W)`` or ``(B, S, 1, H, W)`` in [0, 1].
        background: ``(3,)`` colour or ``(3, H, W)`` / ``(B, 3, H, W)`` image.

    Returns:
        ``(3, H, W)`` or ``(B, 3, H, W)``.

    >>> fg = torch.stack([torch.zeros(3, 1, 1), torch.ones(3, 1, 1)])
    >>> a = torch.ones(2, 1, 1, 1)
    >>> composite(fg, a, torch.tensor([.5, .5, .5])).flatten().tolist()
    [1.0, 1.0, 1.0]
    """
    if foreground.shape[:-3] != alpha.shape[:-3] or alpha.shape[-3] != 1 or foreground.shape[-3] != 3:
        raise ValueError(f"expected foreground (..., S, 3, H, W) and alpha (..., S, 1, H, W), "
                         f"got {tuple(foreground.shape)} and {tuple(alpha.shape)}")
    s_dim = foreground.ndim - 4                       # the strokes dimension
    if background.ndim == 1:
        background = background.view(3, 1, 1)
    clear = 1 - alpha
    # Transmittance of everything above stroke i: prod_{j>i} (1 - a_j).
    above = torch.flip(torch.cumprod(torch.flip(clear, [s_dim]), s_dim), [s_dim])
    total = above.select(s_dim, 0)                    # through every stroke, down to the background
    ones = torch.ones_like(total).unsqueeze(s_dim)
    above = torch.cat([above.narrow(s_dim, 1, above.shape[s_dim] - 1), ones], s_dim)
    paint = (above * alpha * foreground).sum(s_dim)
    return paint + total * background


def over(under: torch.Tensor, foreground: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
    """One layer over what is under it: ``(..., 3, H, W)`` under and foreground, ``(..., 1, H, W)`` alpha.

    >>> over(torch.zeros(3, 1, 1), torch.ones(3, 1, 1), torch.full((1, 1, 1), .25)).flatten().tolist()
    [0.25, 0.25, 0.25]
    """
    return foreground * alpha + under * (1 - alpha)


_OPAQUE = 1 - 1e-6   # alpha is clamped here inside log(1 - alpha); an opaque stroke lets 1e-6 through


def grid_index(tops, lefts, h: int, w: int, H: int, W: int):
    """Flat canvas index ``(S, h, w)`` of every window pixel (``H * W`` where it is off the canvas)."""
    rows = tops.view(-1, 1, 1) + torch.arange(h, device=tops.device).view(1, h, 1)
    cols = lefts.view(-1, 1, 1) + torch.arange(w, device=tops.device).view(1, 1, w)
    inside = (rows >= 0) & (rows < H) & (cols >= 0) & (cols < W)
    return torch.where(inside, rows * W + cols, torch.full_like(rows, H * W)), inside


class WindowLayout:
    """Where a batch's windows ``(tops (S,), lefts (S,), h, w)`` sit on an ``(H, W)`` canvas.

    Holds everything :func:`lay_windows` needs that depends only on the
    windows (canvas index of every window pixel, overlapping pairs), so a
    batch optimized for many steps in fixed windows works it out once.
    """

    def __init__(self, tops: torch.Tensor, lefts: torch.Tensor, h: int, w: int, size):
        H, W = size
        self.tops, self.lefts = tops.long().view(-1), lefts.long().view(-1)
        self.h, self.w, self.size = int(h), int(w), (int(H), int(W))
        S = len(self.tops)
        index, self.inside = grid_index(self.tops, self.lefts, h, w, H, W)
        self.index = index.view(-1)
        dt = self.tops.view(1, -1) - self.tops.view(-1, 1)              # [i, j] = top_j - top_i
        dl = self.lefts.view(1, -1) - self.lefts.view(-1, 1)
        later = torch.ones(S, S, dtype=torch.bool, device=self.tops.device).triu(1)
        self.i, self.j = torch.nonzero(later & (dt.abs() < h) & (dl.abs() < w), as_tuple=True)
        rr = torch.arange(h, device=self.tops.device).view(1, h, 1) - dt[self.i, self.j].view(-1, 1, 1)
        cc = torch.arange(w, device=self.tops.device).view(1, 1, w) - dl[self.i, self.j].view(-1, 1, 1)
        self.hit = ((rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)).reshape(len(self.i), h * w)
        self.flat = (rr.clamp(0, h - 1) * w + cc.clamp(0, w - 1)).reshape(len(self.i), h * w)

    @property
    def window(self):
        """The ``window`` argument of :meth:`strokes.style.Style.rasterize`."""
        return (self.tops, self.lefts, self.h, self.w)


def lay_windows(canvas: torch.Tensor, fg: torch.Tensor, alpha: torch.Tensor,
                tops: "torch.Tensor | WindowLayout", lefts: torch.Tensor | None = None) -> torch.Tensor:
    """Composite strokes drawn in per-stroke windows over ``canvas``, first stroke at the bottom.

    Args:
        canvas: ``(3, H, W)`` in [0, 1] (not modified).
        fg: ``(S, 3, h, w)`` colours, alpha: ``(S, 1, h, w)`` in [0, 1], each
            stroke in its own window.
        tops, lefts: ``(S,)`` int64 window corners in canvas pixels (or a
            :class:`WindowLayout` as ``tops``); windows may reach past the
            canvas edge (those pixels are dropped).

    Returns:
        ``(3, H, W)``, equal to compositing full-canvas layers with
        :func:`composite`; differentiable in ``fg`` and ``alpha``.
    """
    S, _, h, w = fg.shape
    H, W = canvas.shape[-2:]
    lay = tops if isinstance(tops, WindowLayout) else WindowLayout(tops, lefts, h, w, (H, W))
    if (lay.h, lay.w, lay.size) != (h, w, (H, W)):
        raise ValueError(f"expected windows of {lay.h}x{lay.w} on a {lay.size} canvas, got {h}x{w} on {(H, W)}")
    clear = torch.log1p(-alpha[:, 0].clamp(0, _OPAQUE)) * lay.inside  # (S, h, w), log(1 - a)
    # Light let through above each stroke: sum of log(1 - a_j) over later strokes j overlapping it.
    if len(lay.i):
        vals = clear.view(S, -1)[lay.j].gather(1, lay.flat) * lay.hit
        through = clear.new_zeros(S, h * w).index_add(0, lay.i, vals).view(S, 1, h, w).exp()
        paint = alpha * fg * through
    else:
        paint = alpha * fg
    paint = (paint * lay.inside[:, None]).permute(1, 0, 2, 3).reshape(3, -1)
    laid = canvas.new_zeros(3, H * W + 1).index_add(1, lay.index, paint)[:, :H * W]
    total = canvas.new_zeros(H * W + 1).index_add(0, lay.index, clear.reshape(-1))[:H * W]
    return laid.view(3, H, W) + canvas * total.exp().view(1, H, W)


class PixelLayout:
    """Where a batch's pixel lists sit on an ``(H, W)`` canvas.

    ``index (S, P)``: each stroke's pixels as flat canvas indices, ``H * W`` for
    padding (a stroke with fewer than ``P`` pixels) and pixels off the canvas.
    ``window``: what :meth:`strokes.style.Style.rasterize` draws at (a
    :class:`strokes.geometry.Pixels`). Holds the pixels sorted by canvas
    position, then by stroke, for :func:`lay_pixels`.
    """

    def __init__(self, index: torch.Tensor, size, window=None):
        H, W = size
        self.size, self.window = (int(H), int(W)), window
        self.shape = tuple(index.shape)
        self.inside = index < H * W                                       # (S, P)
        self.index = torch.where(self.inside, index, H * W).reshape(-1)
        self.order = torch.argsort(self.index, stable=True)               # by pixel, then stroke
        ranked = self.index[self.order]
        self.next = torch.searchsorted(ranked, ranked, right=True)        # where the next pixel starts
        self.unsort = torch.empty_like(self.order)
        self.unsort[self.order] = torch.arange(len(self.order), device=self.order.device)


def clearance(alpha: torch.Tensor, layout: PixelLayout) -> torch.Tensor:
    """``log(1 - alpha)`` of each stroke's pixels ``(S, P)`` (0 for padding): the light it lets through."""
    return torch.log1p(-alpha.clamp(0, _OPAQUE)) * layout.inside


def light_above(clear: torch.Tensor, layout: PixelLayout) -> torch.Tensor:
    """``(S, P)``: at each stroke's pixel, the sum of :func:`clearance` over the later strokes at that
    pixel (its exp is the light they let through), with the pixels sorted by canvas position then
    stroke: a suffix sum (in double precision, as it runs over the whole batch) less the suffix
    from the next pixel on."""
    S, P = layout.shape
    ranked = clear.reshape(-1)[layout.order].double()
    suffix = torch.cat([ranked.flip(0).cumsum(0).flip(0), ranked.new_zeros(1)])
    return (suffix[:-1] - ranked - suffix[layout.next])[layout.unsort].to(clear.dtype).view(S, P)


def lay_pixels(canvas: torch.Tensor, fg: torch.Tensor, alpha: torch.Tensor, layout: PixelLayout) -> torch.Tensor:
    """:func:`lay_windows` for strokes drawn at lists of pixels: ``fg (S, 3, 1, P)``, ``alpha (S, 1, 1, P)``;
    each stroke's paint is dimmed by the light the later strokes at its pixels let through (:func:`light_above`)."""
    S, P = layout.shape
    H, W = layout.size
    if tuple(fg.shape) != (S, 3, 1, P) or tuple(alpha.shape) != (S, 1, 1, P):
        raise ValueError(f"expected fg (S, 3, 1, P) and alpha (S, 1, 1, P) for {S} strokes of {P} pixels, "
                         f"got {tuple(fg.shape)} and {tuple(alpha.shape)}")
    clear = clearance(alpha.reshape(S, P), layout)
    above = light_above(clear, layout)
    paint = (alpha.reshape(S, 1, P) * fg.reshape(S, 3, P) * above.view(S, 1, P).exp()) * layout.inside[:, None]
    laid = canvas.new_zeros(3, H * W + 1).index_add(1, layout.index, paint.permute(1, 0, 2).reshape(3, -1))
    total = canvas.new_zeros(H * W + 1).index_add(0, layout.index, clear.reshape(-1))
    return laid[:, :H * W].view(3, H, W) + canvas * total[:H * W].exp().view(1, H, W)
