"""Optimizing a batch of strokes together against the target.

Each stroke of a batch may move within a square of half side ``reach``
pixels around where it was seeded, and its width may range over
``[width_low, width_high]``; colours and opacity over [0, 1]. The optimizer
works on unconstrained numbers mapped through a sigmoid into those ranges,
so every stroke it produces is valid. At every step each stroke is drawn
only where its paint can be (:func:`strokes.rendering.stroke_pixels`, or a
window that just holds it, :func:`strokes.rendering.stroke_windows`, for a
style that does not draw pixel by pixel), which is what makes a batch cheap.

Loss: :func:`strokes.losses.pixel_loss` plus ``ot_weight`` times
:func:`strokes.losses.transport_loss` (which gives strokes that do not yet
overlap the paint they should match a pull towards it), plus ``bend`` times
:func:`bending`, which keeps strokes straight where the picture does not ask
for a curve.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import torch

from ..compositing import PixelLayout, WindowLayout
from ..geometry import fitted_pieces
from ..layout import COLOR_END, COLOR_START, OPACITY, P0, P1, P2, PAINT, POINTS, WIDTHS
from ..losses import pixel_loss, transport_loss
from ..noise import plain_textures
from ..rendering import draw, stroke_pixels, stroke_windows

_EDGE = 0.01   # sigmoid targets are kept this far inside (0, 1) so no parameter starts stuck


def _logit(x: torch.Tensor) -> torch.Tensor:
    x = x.clamp(_EDGE, 1 - _EDGE)
    return torch.log(x / (1 - x))


@dataclass
class Bounds:
    """Where the strokes of a batch may go, in working-canvas pixels.

    low, high: ``(S, 2)`` (x, y) corners of the square each control point stays in.
    width_low, width_high: width range, fraction of the shorter side.
    flat: one colour per stroke (the end colour is the start colour).
    opaque: opacity 1.
    """

    low: torch.Tensor
    high: torch.Tensor
    width_low: float
    width_high: float
    flat: bool = False
    opaque: bool = False

    @classmethod
    def around(cls, params: torch.Tensor, size, reach: float, width_low: float, width_high: float,
               flat: bool = False, opaque: bool = False) -> "Bounds":
        """Squares of half side ``reach`` px around each stroke's middle control point, clipped to the canvas."""
        H, W = size
        scale = params.new_tensor([W, H])
        centre = params[:, P1] * scale
        return cls((centre - reach).clamp(min=0) .minimum(scale), (centre + reach).minimum(scale).clamp(min=0),
                   width_low, width_high, flat, opaque)

    def decode(self, z: torch.Tensor, size) -> torch.Tensor:
        """Unconstrained ``(S, 15)`` to valid strokes ``(S, 15)``."""
        H, W = size
        scale = z.new_tensor([W, H])
        s = torch.sigmoid(z)
        pts = [(self.low + (self.high - self.low) * s[:, 2 * k:2 * k + 2]) / scale for k in range(3)]
        widths = self.width_low + (self.width_high - self.width_low) * s[:, WIDTHS]
        start = s[:, COLOR_START]
        end = start if self.flat else s[:, COLOR_END]
        opacity = torch.ones_like(s[:, OPACITY]).view(-1, 1) if self.opaque else s[:, OPACITY].reshape(-1, 1)
        return torch.cat(pts + [widths, start, end, opacity], 1)

    def encode(self, params: torch.Tensor, size) -> torch.Tensor:
        """Inverse of :meth:`decode` (values outside the bounds are pulled in)."""
        H, W = size
        scale = params.new_tensor([W, H])
        span = (self.high - self.low).clamp(min=1e-6)
        pts = [_logit((params[:, 2 * k:2 * k + 2] * scale - self.low) / span) for k in range(3)]
        widths = _logit((params[:, WIDTHS] - self.width_low) / max(self.width_high - self.width_low, 1e-9))
        return torch.cat(pts + [widths, _logit(params[:, PAINT])], 1)


# Weight of :func:`bending` next to the pixel loss. Where the picture is flat the pixel
# loss has next to no gradient, and Adam's steps, scaled to the gradient's size,
# curl strokes into concentric arcs; this keeps them straight there unless the
# picture asks for a curve (the comparison is in docs/gallery.md, "Loss").
BEND = 0.1


def bending(params: torch.Tensor, size) -> torch.Tensor:
    """How much the strokes bend, weighed by the canvas share each covers.

    A stroke's bend is the squared offset of its middle control point from
    its chord's middle over the chord's squared length (0 when straight); it
    is weighed by the stroke's footprint (width times chord over the canvas
    area, held fixed), as the pixel loss weighs the stroke's paint, so the
    balance between the two is the same at any stroke count or canvas size.
    """
    H, W = size
    scale = params.new_tensor([W, H])
    p0, p1, p2 = (params[:, k] * scale for k in (P0, P1, P2))
    off = p1 - 0.5 * (p0 + p2)
    chord = ((p2 - p0) ** 2).sum(1)
    footprint = (chord.sqrt() * params[:, WIDTHS].mean(1) * min(H, W) / (H * W)).detach()
    return (footprint * (off * off).sum(1) / (chord + 1.0)).sum()


def batch_loss(params, canvas, target, style, background, ot_weight: float, layout: "WindowLayout | PixelLayout",
               extra_loss=None, bend: float = BEND):
    """Loss of the canvas with the batch laid on it (plus ``extra_loss(painted)``); also returns the painted canvas."""
    painted = draw(canvas, params, style, window=layout)
    loss = pixel_loss(painted, target)
    if bend > 0:
        loss = loss + bend * bending(params, canvas.shape[-2:])
    if ot_weight > 0:
        loss = loss + ot_weight * transport_loss(painted, target, background)
    if extra_loss is not None:
        loss = loss + extra_loss(painted)
    return loss, painted


def optimize_batch(params: torch.Tensor, bounds: Bounds, canvas: torch.Tensor, target: torch.Tensor, style,
                   background, ot_weight: float = 0.1, steps: int = 60, lr: float = 0.15,
                   plain: bool = True, on_step=None, constrain=None, extra_loss=None, bend: float = BEND,
                   points_lr: "float | None" = None):
    """Adam on a batch of strokes ``(S, 15)`` laid over ``canvas`` ``(3, H, W)`` towards ``target``.

    ``plain``: optimize against the strokes' plain shape and colour, without
    the style's noise textures (:func:`strokes.noise.plain_textures`), which
    carry no gradient and cost a third of a step; the caller lays the
    texture once when it draws the finished batch. ``on_step(k)`` is called
    after every step ``k`` (1 .. steps). ``constrain(strokes) -> strokes`` is applied to the decoded
    batch at every step and at the end; ``extra_loss(painted canvas) -> scalar`` is added to the loss
    (see :class:`strokes.painter.PaintOptions`). ``points_lr``: the control points' share of ``lr``
    (``None``: the style's :attr:`~strokes.style.Style.points_lr`).

    Returns ``(strokes (S, 15), last loss)``; strokes in canvas-relative units.
    """
    size = tuple(canvas.shape[-2:])
    z = bounds.encode(params.detach(), size).requires_grad_(True)
    pointwise = getattr(style, "pointwise", False)
    rates = torch.full((z.shape[1],), lr, dtype=z.dtype, device=z.device)
    rates[POINTS] = lr * (getattr(style, "points_lr", 1.0) if points_lr is None else points_lr)
    adam = Adam(z, rates)
    loss = torch.tensor(float("nan"))
    decode = (lambda z: bounds.decode(z, size)) if constrain is None else (lambda z: constrain(bounds.decode(z, size)))
    with plain_textures() if plain else _nothing(), fitted_pieces():
        for k in range(steps):
            strokes = decode(z)
            layout = (stroke_pixels if pointwise else stroke_windows)(strokes.detach(), size, style)
            loss, _ = batch_loss(strokes, canvas, target, style, background, ot_weight, layout, extra_loss, bend)
            grad, = torch.autograd.grad(loss, z)
            adam.step(grad)
            if on_step is not None:
                on_step(k + 1)
    return decode(z.detach()), float(loss.detach())


@contextmanager
def _nothing():
    yield


class Adam:
    """Adam (Kingma & Ba) on one tensor, in place; ``lr`` a number, or one per column of ``x``.

    Written out because ``torch.optim`` imports ``torch._dynamo`` on first
    use, which costs seconds of start-up on a small machine.
    """

    def __init__(self, x: torch.Tensor, lr: float, betas=(0.9, 0.999), eps: float = 1e-8):
        self.x, self.lr, self.betas, self.eps = x, lr, betas, eps
        self.m = torch.zeros_like(x)
        self.v = torch.zeros_like(x)
        self.t = 0

    @torch.no_grad()
    def step(self, grad: torch.Tensor) -> None:
        b1, b2 = self.betas
        self.t += 1
        self.m.mul_(b1).add_(grad, alpha=1 - b1)
        self.v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
        m_hat = self.m / (1 - b1 ** self.t)
        v_hat = self.v / (1 - b2 ** self.t)
        self.x.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))
