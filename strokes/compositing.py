"""Compositing: strokes laid over the canvas in order ("over")."""
from __future__ import annotations

import torch


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


def over(canvas: torch.Tensor, foreground: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
    """One layer over a canvas: ``(3, H, W)`` canvas, ``(3, H, W)`` and ``(1, H, W)`` layer."""
    return foreground * alpha + canvas * (1 - alpha)
