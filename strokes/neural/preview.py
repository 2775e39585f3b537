"""Pictures for checking a renderer by eye: reference and neural strokes side by side."""
from __future__ import annotations

import torch

from .training import validation_strokes


@torch.no_grad()
def comparison_grid(renderer, style, n: int = 16, size: int = 128, columns: int = 4, seed: int = 7,
                    background=(1.0, 1.0, 1.0)):
    """A PIL image of ``n`` random strokes: each cell is the reference (left) next to the renderer (right).

    Every stroke is drawn alone on a ``size`` x ``size`` canvas over ``background``;
    cells are separated by grey lines.
    """
    from ..rendering import to_image

    params = validation_strokes(n, seed=seed)
    fg_ref, a_ref = style.rasterize(params, (size, size))
    fg, a = renderer(params, (size, size))
    bg = torch.tensor(background).view(1, 3, 1, 1)
    ref = fg_ref * a_ref + bg * (1 - a_ref)
    net = fg * a + bg * (1 - a)
    rows = (n + columns - 1) // columns
    gap = 4
    cell_w = 2 * size + gap
    canvas = torch.full((3, rows * (size + gap) - gap, columns * (cell_w + 2 * gap) - 2 * gap), 0.55)
    for i in range(n):
        r, c = divmod(i, columns)
        top, left = r * (size + gap), c * (cell_w + 2 * gap)
        canvas[:, top:top + size, left:left + size] = ref[i]
        canvas[:, top:top + size, left + size + gap:left + cell_w] = net[i]
        canvas[:, top:top + size, left + size:left + size + gap] = 0.85
    return to_image(canvas)
