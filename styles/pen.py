"""Pen: a uniform ink line with round caps, as a technical pen or a pen plotter draws.

The line's width is the mean of the stroke's start and end widths, the same
all along (a plotter's pen cannot press harder); round caps at both ends.
Ink is nearly opaque (``ink``, times the stroke's opacity), so where lines
cross the ink hardly builds up, as with a real pen. No texture: the look is
the same at every size, and what the plotter SVG draws (centreline paths of
the same width, :func:`strokes.plotter.plotter_svg`) matches it.
"""
from __future__ import annotations

from strokes.geometry import centreline_distance, coverage
from strokes.style import Style


class PenStyle(Style):
    """Uniform ink line, round caps, for plotter work.

    Options:
        seed: unused (the pen has no texture), kept for the common contract.
        ink: how much one line covers, in [0, 1] (times the stroke's opacity).
        min_width: thinnest line drawn, in pixels (a pen's nib has a size);
            thinner strokes are drawn this wide, lighter, so a drawing keeps its tones.
    """

    name = "pen"
    description = "uniform ink line with round caps, for pen plotters; overlaps hardly darken"
    pointwise = True
    reach = 1.0
    hairline = False        # a line of no width is drawn with no ink (opacity times half / shown = 0)
    svg_shape = "constant"

    def __init__(self, seed: int = 0, ink: float = 0.95, min_width: float = 1.0):
        super().__init__(seed)
        self.ink = float(ink)
        self.min_width = float(min_width)

    def rasterize(self, params, size, window=None):
        """``(S, 15)`` strokes to ``fg (S, 3, h, w)`` and ``alpha (S, 1, h, w)`` in [0, 1]."""
        dist = centreline_distance(params, size, window)                   # (S, h, w) pixels
        half = 0.25 * min(size) * (params[:, 6] + params[:, 7]).view(-1, 1, 1)
        shown = half.clamp(min=max(0.5 * self.min_width, 1e-6))        # min_width 0: no 0 / 0
        inside = coverage(dist - shown)
        opacity = params[:, 14].view(-1, 1, 1) * (half / shown)           # a thin line drawn lighter
        color = 0.5 * (params[:, 8:11] + params[:, 11:14])                 # flat colour (S, 3)
        fg = color[:, :, None, None].expand(-1, -1, *dist.shape[-2:])
        alpha = (self.ink * opacity).clamp(max=1) * inside
        return fg.clamp(0, 1), alpha[:, None]
