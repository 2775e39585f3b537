"""The sketcher's loss: squared error of darkness on a Gaussian pyramid, plus optimal transport.

ARIEL's "blurring trick" made systematic: a thin line that does not yet touch
the edge it should draw changes nothing at full resolution, but on the
blurred, halved levels of a Gaussian pyramid the line and the edge overlap,
so the loss has a gradient pulling the line onto the edge. The transport term
(:func:`strokes.losses.sinkhorn_loss`, a separable Sinkhorn) pulls from
further still.

The pyramid's blur is the binomial ``[1, 2, 1] / 4`` in both directions (two
2x2 averages, one of them with stride 2: :func:`halve`), the smallest
Gaussian-like kernel. It gives the same levels as kornia's ``pyrdown`` up to
its wider 5-tap kernel, and its backward pass costs a tenth as much on a CPU
(average pooling instead of a depthwise convolution), which is most of a
sketcher step.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..losses import sinkhorn, sinkhorn_loss

OT_GRID = 32   # transport cells along the longer side


def halve(x: torch.Tensor) -> torch.Tensor:
    """One pyramid level down: ``(B, C, H, W)`` blurred with ``[1, 2, 1] / 4`` and halved, ``(B, C, H // 2, W // 2)``.

    >>> halve(torch.ones(1, 1, 8, 6)).shape
    torch.Size([1, 1, 4, 3])
    """
    x = F.avg_pool2d(F.pad(x, (0, 1, 0, 1), mode="replicate"), 2, stride=1)
    return F.avg_pool2d(x, 2, stride=2)


def pyramid_loss(drawing: torch.Tensor, target: torch.Tensor, weights=(1.0, 1.0, 1.0, 1.0)) -> torch.Tensor:
    """Weighted sum over pyramid levels of the mean squared difference of two ``(H, W)`` darkness maps.

    Level ``k`` is blurred and halved ``k`` times; ``weights[k]`` weighs it; a scalar.

    >>> pyramid_loss(torch.zeros(32, 32), torch.ones(32, 32), weights=(1.0, 1.0)).item()
    2.0
    """
    if drawing.shape != target.shape:
        raise ValueError(f"expected drawing and target of the same shape, got {tuple(drawing.shape)} "
                         f"and {tuple(target.shape)}")
    diff = (drawing - target)[None, None]              # the pyramid is linear: one of the difference
    total = drawing.new_zeros(())
    for k, w in enumerate(weights):
        if k:
            if min(diff.shape[-2:]) < 8:
                break
            diff = halve(diff)
        total = total + w * (diff * diff).mean()
    return total


def drawing_loss(drawing: torch.Tensor, target: torch.Tensor, weights, ot_weight: float,
                 potential: torch.Tensor | None = None) -> torch.Tensor:
    """:func:`pyramid_loss` plus ``ot_weight`` times the transport distance between where the darkness is and should be.

    ``potential``: the transport's dual potential ``(h, w)`` on the drawing's
    side from :func:`transport_potential`, reused for a few steps (its gradient
    is the potential itself, which changes slowly); ``None`` solves it now.
    """
    loss = pyramid_loss(drawing, target, weights)
    if ot_weight > 0:
        mass = darkness_mass(drawing)
        if potential is None:
            loss = loss + ot_weight * sinkhorn_loss(darkness_mass(target), mass, tol=1e-3, warn=False)
        else:
            loss = loss + ot_weight * (potential * mass).sum()
    return loss


def transport_potential(drawing: torch.Tensor, target: torch.Tensor, iters: int = 60) -> torch.Tensor:
    """Dual potential ``(h, w)`` of the transport from the target's darkness to the drawing's (no gradient)."""
    # Solved again every few steps: 1e-3 of the mass gives the pull's direction (as transport_loss).
    return sinkhorn(darkness_mass(target.detach()), darkness_mass(drawing.detach()), iters=iters,
                    with_cost=False, tol=1e-3, warn=False).g


def darkness_mass(darkness: torch.Tensor, grid: int = OT_GRID) -> torch.Tensor:
    """Where the darkness ``(H, W)`` is, as a distribution ``(h, w)`` on a grid of ``grid`` cells along the longer side."""
    H, W = darkness.shape
    cells = (max(1, round(H * grid / max(H, W))), max(1, round(W * grid / max(H, W))))
    mass = F.adaptive_avg_pool2d(darkness[None, None], cells)[0, 0]
    mass = mass + 1e-3 * mass.detach().mean() + 1e-9          # every cell reachable
    return mass / mass.sum()
