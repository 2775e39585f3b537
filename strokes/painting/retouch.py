"""Retouching: once every stroke is laid, all their colours are fitted anew, together.

Each batch's colours were optimized on its level's working canvas, without the
texture, and before the strokes laid over them were known. When the painting
is done, how much of each stroke shows at each pixel is fixed by the shapes
alone, and for a style whose paint is its colour times a texture plus a sheen
(every built-in style) the picture is an affine function of the colours:

    picture = ground seen + sum over strokes of shown * (f0 + s * start + e * end)

where ``shown`` is the stroke's alpha times the light the later strokes let
through, and ``f0``, ``s``, ``e`` are read off the style's ``rasterize`` with
the colours set to 0 and to half of each end. The start and end colours that
bring this picture closest to the image are then found for all strokes at
once: least absolute error, as the painter's own loss (a least-squares fit
would lift blacks and flatten contrast towards the mean, which SSIM punishes),
by a few rounds of reweighted least squares, each solved by conjugate
gradients on its normal equations, pulled gently towards the colours the
strokes have (a stroke that hardly shows keeps its own), then clamped to
[0, 1]. It is done on the last level's working canvas, with the textures, and
kept only if the picture gets closer to the image. A style whose paint is not
affine in its colours (checked on the strokes themselves) is left as it was.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..compositing import PixelLayout, clearance, light_above
from ..geometry import stroke_boxes
from ..layout import COLOR_END, COLOR_START
from ..noise import same_textures
from ..rendering import box_runs, stroke_pixels, stroke_windows

ITERATIONS = 10     # conjugate-gradient steps per round
PULL = 1.0          # weight of a stroke's own colours, in pixels of full paint (keeps hidden strokes as they are)
AFFINE = 0.01       # largest mean misfit of the affine model (alpha-weighted) for the style to be retouched
ROUNDS = 3          # reweighted rounds: least absolute error, as the painter's own loss
ROBUST = 0.005      # ... with misses below this weighed as this (in [0, 1] colour units)
BUDGET = 1 << 20    # strokes are read in runs of at most this many window pixels (memory)
SHOWS = 1e-5        # a stroke's pixel counts where this much of its paint shows (not under opaque paint)
_HALF = 0.5         # the colour the coefficients are read at (below 1, so a bright texture is not clipped)


@dataclass
class _Slopes:
    """The picture's slope in every stroke's colours, at every pixel where the stroke shows."""

    pixel: torch.Tensor      # (K,) flat canvas index of each entry
    stroke: torch.Tensor     # (K,) which stroke
    start: torch.Tensor      # (K, 3) d picture / d start colour
    end: torch.Tensor        # (K, 3) d picture / d end colour
    pixels: int              # canvas pixels (H * W)

    def picture(self, colours: torch.Tensor) -> torch.Tensor:
        """What the colours ``(2, N, 3)`` add to the picture: ``(H * W, 3)``."""
        paint = self.start * colours[0].index_select(0, self.stroke) + self.end * colours[1].index_select(0, self.stroke)
        return colours.new_zeros(self.pixels, 3).index_add_(0, self.pixel, paint)

    def pull(self, residual: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        """The transpose of :meth:`picture`: ``(2, N, 3)`` from a ``(H * W, 3)`` residual."""
        seen = residual.index_select(0, self.pixel)
        out = torch.zeros_like(like)
        out[0].index_add_(0, self.stroke, self.start * seen)
        out[1].index_add_(0, self.stroke, self.end * seen)
        return out


def _pixels(params, size, style):
    """Each stroke's pixels: a :class:`PixelLayout`, and the ``window`` its ``rasterize`` takes."""
    if getattr(style, "pointwise", False):
        layout = stroke_pixels(params, size, style)
        return layout, layout.window
    windows = stroke_windows(params, size, style)        # whole windows (off the canvas: index H * W)
    return PixelLayout(windows.index.view(len(params), -1), size), windows.window


def _paint(params, size, style, window, start, end):
    """``fg (S, 3, P)`` and ``alpha (S, P)`` with the colours set to ``start`` and ``end``."""
    p = params.clone()
    if start is not None:
        p[:, COLOR_START], p[:, COLOR_END] = start, end
    fg, alpha = style.rasterize(p, size, window=window)
    S = len(params)
    return fg.reshape(S, 3, -1), alpha.reshape(S, -1)


def retouch(params: torch.Tensor, style, target: torch.Tensor, background, flat: bool = False,
            keep: "int | torch.Tensor" = 0):
    """``params (N, 15)`` with every start and end colour fitted anew against ``target (3, H, W)``.

    ``flat``: keep one colour per stroke; ``keep``: strokes that keep their colours, the first
    ``keep`` (a finished painting continued) or where a mask ``(N,)`` is true (a video frame's
    strokes that nothing moved). Returns ``params`` unchanged (the same tensor) if the style's paint
    is not affine in its colours or the fit would not bring the picture closer to ``target``.
    """
    with torch.no_grad():
        size = tuple(target.shape[-2:])
        if not isinstance(keep, torch.Tensor):
            keep = torch.arange(len(params), device=params.device) < keep
        found = _slopes(params, style, size, background, _runs(params, size, style), keep.to(params.device))
        if found is None:
            return params
        slopes, known = found
        wanted = (target.reshape(3, -1) - known).T.contiguous()                  # (H * W, 3)
        now = torch.stack([params[:, COLOR_START], params[:, COLOR_END]])      # (2, N, 3)
        fitted, weight = now, torch.ones_like(wanted)
        for _ in range(ROUNDS):                        # least absolute error, by reweighted least squares
            fitted = _solve(slopes, wanted, fitted, now, weight, flat)
            weight = 1 / (slopes.picture(fitted) - wanted).abs().clamp(min=ROBUST)
            weight = weight / weight.mean()
        if flat:
            fitted[1] = fitted[0]
        before, after = (float((slopes.picture(c) - wanted).abs().sum()) for c in (now, fitted))
        if not after < before:
            return params
        out = params.clone()
        out[:, COLOR_START], out[:, COLOR_END] = fitted[0], fitted[1]
        return out


def _runs(params, size, style) -> list[tuple[int, int]]:
    """``(first, count)``: the strokes in order, in runs whose shared window (as :func:`stroke_pixels`
    reads them) stays within ``BUDGET`` pixels."""
    boxes = stroke_boxes(style.paint_path(params), size, reach=style.reach)
    return [(start, stop - start) for start, stop, _, _ in box_runs(boxes, BUDGET)]


def _slopes(params, style, size, background, runs, keep: torch.Tensor) -> "tuple[_Slopes, torch.Tensor] | None":
    """The picture's slopes in the colours of the strokes not in ``keep`` ``(N,)``, and the picture
    with all those colours 0 ``(3, H * W)``; ``None`` if the style's paint is not affine in its colours."""
    H, W = size
    later = params.new_ones(H * W + 1)                 # light let through by the runs above
    known = params.new_zeros(3, H * W + 1)
    entries = []
    for first, count in reversed(runs):
        p = params[first:first + count]
        layout, window = _pixels(p, size, style)
        kept = keep[first:first + count]
        with same_textures():                          # the shapes are the same: their texture too
            f0, alpha = _paint(p, size, style, window, 0.0, 0.0)
            fs, a_s = _paint(p, size, style, window, _HALF, 0.0)
            fe, a_e = _paint(p, size, style, window, 0.0, _HALF)
            if not entries or kept.any():
                fg, a = _paint(p, size, style, window, None, None)
        if not entries:                                # the last run: is the paint affine in the colours?
            model = f0 + (fs - f0) * (p[:, COLOR_START] / _HALF)[..., None] + \
                (fe - f0) * (p[:, COLOR_END] / _HALF)[..., None]
            misfit = float(((model - fg).abs() * a[:, None]).sum() / (3 * a.sum()).clamp(min=1e-9))
            if misfit > AFFINE or not (torch.equal(alpha, a_s) and torch.equal(alpha, a_e)):
                return None
        if kept.any():
            f0 = torch.where(kept.view(-1, 1, 1), fg, f0)       # strokes kept: their paint, as it is
        clear = clearance(alpha, layout)
        index = layout.index.view(layout.shape)
        shown = alpha * light_above(clear, layout).exp() * later[index]
        seen = layout.inside & (shown > SHOWS)
        known.index_add_(1, index[seen], (shown[:, None] * f0).permute(1, 0, 2)[:, seen])
        seen &= ~kept.view(-1, 1)
        strokes = torch.arange(first, first + count, device=index.device).view(-1, 1).expand_as(index)
        slope = lambda f: (shown[:, None] * (f - f0) / _HALF).permute(0, 2, 1)[seen]  # noqa: E731
        entries.append((index[seen], strokes[seen], slope(fs), slope(fe)))
        later = later * params.new_zeros(H * W + 1).index_add_(0, index.reshape(-1), clear.reshape(-1)).exp()
    pixel, stroke, d_start, d_end = (torch.cat(t) for t in zip(*entries))
    ground = torch.as_tensor(background, dtype=params.dtype, device=params.device).view(3, 1)
    return _Slopes(pixel, stroke, d_start, d_end, H * W), known[:, :-1] + later[:-1] * ground


def _solve(slopes: _Slopes, wanted, start, now, weight, flat: bool) -> torch.Tensor:
    """Weighted least squares ``weight |picture(c) - wanted|^2 + PULL |c - now|^2`` by conjugate
    gradients from ``start``, clamped to [0, 1]."""
    def normal(c):
        g = slopes.pull(weight * slopes.picture(c), c) + PULL * c
        return g + g.flip(0) if flat else g               # one colour: both ends move together

    rhs = slopes.pull(weight * wanted, now) + PULL * now
    if flat:
        rhs = rhs + rhs.flip(0)
    c = start.clone()
    r = rhs - normal(c)
    d = r.clone()
    rr = float((r * r).sum())
    for _ in range(ITERATIONS):
        if rr < 1e-12:
            break
        q = normal(d)
        step = rr / max(float((d * q).sum()), 1e-30)
        c = c + step * d
        r = r - step * q
        rr, last = float((r * r).sum()), rr
        d = r + (rr / last) * d
    return c.clamp(0, 1)
