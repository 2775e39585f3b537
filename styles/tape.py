"""Tape: a flat rectangular strip laid straight from P0 to P2, crisp edges.

Like strips of coloured masking tape: the control point P1 is ignored (tape
does not bend), the width is the start width ``w0``, the colour is flat (the
mean of the start and end colours) and every edge, sides and cut ends, is a
sharp step anti-aliased over exactly one pixel.
"""
from __future__ import annotations

import torch

from strokes.geometry import coverage, stroke_frame
from strokes.style import Style
from strokes.layout import COLOR_END, COLOR_START, OPACITY, P0, P2, W0


class TapeStyle(Style):
    """Flat strips of tape.

    Options:
        seed: unused (tape has no texture), kept for the common contract.
        sheen: how much lighter a narrow band along the middle of the strip is, in [0, 1].
    """

    name = "tape"
    description = "flat rectangular strips of tape from P0 to P2, crisp edges, flat colour"
    pointwise = True
    points_lr = 0.3   # the painter keeps the place its chooser found (see Style)
    reach = 1.0
    svg_shape = "strip"

    def __init__(self, seed: int = 0, sheen: float = 0.0):
        super().__init__(seed)
        self.sheen = float(sheen)

    @staticmethod
    def paint_path(params: torch.Tensor) -> torch.Tensor:
        """The strokes as the tape lies: P1 moved halfway between P0 and P2, ``(S, 15)``.

        Paint lies within ``reach`` half widths of *this* centreline, not of the
        stored Bezier (a library that plans where to draw from the centreline
        should ask the style for it).
        """
        middle = 0.5 * (params[:, P0] + params[:, P2])
        return torch.cat([params[:, P0], middle, params[:, 4:]], 1)

    def rasterize(self, params, size, window=None):
        """``(S, 15)`` strokes to ``fg (S, 3, h, w)`` and ``alpha (S, 1, h, w)`` in [0, 1]."""
        # Straight: with P1 halfway between P0 and P2 one straight piece is exact.
        f = stroke_frame(self.paint_path(params), size, window, segments=1)
        half = 0.5 * f.unit * params[:, W0].view(-1, 1, 1)
        # A rectangle is where all four half-planes agree; each edge one pixel wide.
        inside = (coverage(f.across.abs() - half) * coverage(-f.along) * coverage(f.along - f.length))
        color = 0.5 * (params[:, COLOR_START] + params[:, COLOR_END])
        fg = color[:, :, None, None].expand(-1, -1, *inside.shape[-2:])
        if self.sheen:
            band = (1 - (f.across / half.clamp(min=1e-6)) ** 2).clamp(min=0)
            fg = fg + self.sheen * band[:, None] * (1 - fg)
        alpha = params[:, OPACITY].view(-1, 1, 1) * inside
        return fg.clamp(0, 1), alpha[:, None]
