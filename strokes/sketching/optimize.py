"""A batch of lines optimized together against the target darkness.

Each line may move each end up to ``reach`` pixels from where it was placed,
bend its middle sideways by up to ``BEND`` of its length, and choose its
width in ``[min_width, max_width]`` pixels and its intensity in
``[min_intensity, 1]``. The optimizer works on unconstrained numbers mapped
through ``tanh``/``sigmoid`` into those ranges, so every line stays valid and
inside its window (:mod:`.lines`), which is fixed for the batch. In the end
each line gets back the length it was placed with (:func:`_placed_length`).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..painting.optimize import Adam
from .lines import lay_lines, line_darkness, line_strips
from .loss import drawing_loss, transport_potential

BEND = 0.12     # the middle of a line may move sideways this share of its length
OT_EVERY = 4    # the transport potential is solved again every this many steps


@dataclass
class Lines:
    """Lines in canvas pixels: ``ends (S, 4)`` x0, y0, x2, y2; ``mid (S, 2)``; ``width (S,)``; ``intensity (S,)``."""

    ends: torch.Tensor
    mid: torch.Tensor
    width: torch.Tensor
    intensity: torch.Tensor

    def __len__(self) -> int:
        return len(self.ends)

    @classmethod
    def cat(cls, parts) -> "Lines":
        return cls(*(torch.cat([getattr(p, f) for p in parts]) for f in ("ends", "mid", "width", "intensity")))


@dataclass
class LineBounds:
    """How far the lines of a batch may change: ``reach`` px per end, width and intensity ranges."""

    reach: float
    min_width: float
    max_width: float
    min_intensity: float


def _logit(p: torch.Tensor) -> torch.Tensor:
    p = p.clamp(0.02, 0.98)
    return torch.log(p / (1 - p))


def _decode(z, start: Lines, b: LineBounds) -> Lines:
    ends = start.ends + b.reach * torch.tanh(z[:, 0:4])
    a, c = ends[:, 0:2], ends[:, 2:4]
    chord = c - a
    normal = torch.stack([-chord[:, 1], chord[:, 0]], 1)                 # |normal| = length
    mid = 0.5 * (a + c) + BEND * torch.tanh(z[:, 4:5]) * normal
    width = b.min_width + (b.max_width - b.min_width) * torch.sigmoid(z[:, 5])
    intensity = b.min_intensity + (1 - b.min_intensity) * torch.sigmoid(z[:, 6])
    return Lines(ends, mid, width, intensity)


def optimize_lines(start: Lines, bounds: LineBounds, paper: torch.Tensor, target: torch.Tensor,
                   steps: int, lr: float, weights, ot_weight: float) -> tuple[Lines, float]:
    """Adam on the lines ``start`` laid over ``paper`` ``(H, W)`` towards ``target`` ``(H, W)`` (darkness).

    Returns the optimized lines and the last loss.
    """
    size = tuple(paper.shape)
    S = len(start)
    z = torch.zeros(S, 7, dtype=paper.dtype)
    span = max(bounds.max_width - bounds.min_width, 1e-6)
    z[:, 5] = _logit((start.width - bounds.min_width) / span)
    z[:, 6] = _logit((start.intensity - bounds.min_intensity) / max(1 - bounds.min_intensity, 1e-6))
    z.requires_grad_(True)
    adam = Adam(z, lr)
    loss = torch.tensor(float("nan"))
    potential = None
    for step in range(steps):
        lines = _decode(z, start, bounds)
        # The pixels drawn follow the lines as they move (a strip as wide as the widest line allowed).
        px, py, index = line_strips(lines.ends.detach(), lines.mid.detach(), bounds.max_width, size)
        dark = line_darkness(lines.ends, lines.mid, lines.width, lines.intensity, px, py)
        drawing = lay_lines(paper, dark, index)
        if ot_weight > 0 and step % OT_EVERY == 0:
            potential = transport_potential(drawing, target)
        loss = drawing_loss(drawing, target, weights, ot_weight, potential)
        grad, = torch.autograd.grad(loss, z)
        adam.step(grad)
    with torch.no_grad():
        return _placed_length(_decode(z, start, bounds), start), float(loss)


def _placed_length(lines: Lines, start: Lines) -> Lines:
    """``lines`` as long as they were placed (``start``), about their own centre, along their own direction.

    The squared error would rather shorten a line than move it (a line drawn
    beside its edge costs less when shorter), so the optimizer shortens lines
    on their way to the edge; placing already stopped each line where its
    edge ends, so the optimized line gets its placed length back. A line the
    optimizer lengthened keeps its length.
    """
    a, b = lines.ends[:, 0:2], lines.ends[:, 2:4]
    now = (b - a).norm(dim=1, keepdim=True).clamp(min=1e-6)
    placed = (start.ends[:, 2:4] - start.ends[:, 0:2]).norm(dim=1, keepdim=True)
    grow = torch.maximum(placed / now, torch.ones_like(now))
    centre = 0.5 * (a + b)
    half = 0.5 * (b - a) * grow
    return Lines(torch.cat([centre - half, centre + half], 1), centre + (lines.mid - centre) * grow,
                 lines.width, lines.intensity)
