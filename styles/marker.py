"""Marker: flat translucent felt-tip ink of constant width with rounded ends.

The simplest built-in and a good first example for plugin authors: one call to
:func:`strokes.geometry.centreline_distance` gives every pixel's distance to
the stroke's centreline; ink covers what lies within half the width (anti-aliased
over one pixel). The ink is translucent, so where strokes overlap the colour
builds up and darkens, as with a real felt-tip. A faint darker rim imitates the
ink that gathers at the edge of the nib's track.

No texture: the look is the same at every size.
"""
from __future__ import annotations

from strokes.geometry import centreline_distance, coverage
from strokes.style import Style
from strokes.layout import COLOR_END, COLOR_START, OPACITY, W0, W2


class MarkerStyle(Style):
    """Flat translucent felt-tip ink.

    Options:
        seed: unused (the marker has no texture), kept for the common contract.
        ink: how much one layer of ink covers, in [0, 1] (times the stroke's opacity).
        rim: how much darker the ink is right at the edge, in [0, 1].
    """

    name = "marker"
    description = "flat translucent felt-tip ink, constant width, rounded ends; overlaps darken"
    pointwise = True
    points_lr = 0.3   # the painter keeps the place its chooser found (see Style)
    reach = 1.0
    svg_shape = "constant"

    def __init__(self, seed: int = 0, ink: float = 0.75, rim: float = 0.12):
        super().__init__(seed)
        self.ink = float(ink)
        self.rim = float(rim)

    def rasterize(self, params, size, window=None):
        """``(S, 15)`` strokes to ``fg (S, 3, h, w)`` and ``alpha (S, 1, h, w)`` in [0, 1]."""
        dist = centreline_distance(params, size, window)                   # (S, h, w) pixels
        # Constant width: the mean of the start and end widths, in pixels.
        half = 0.25 * min(size) * (params[:, W0] + params[:, W2]).view(-1, 1, 1)
        inside = coverage(dist - half)
        opacity = params[:, OPACITY].view(-1, 1, 1)
        # Ink gathers along the edge: up to ``rim`` darker in the outer ~15% of the width.
        edge = ((dist - 0.85 * half) / (0.15 * half + 1.0)).clamp(0, 1)
        color = 0.5 * (params[:, COLOR_START] + params[:, COLOR_END])                 # flat colour (S, 3)
        fg = color[:, :, None, None] * (1 - self.rim * edge)[:, None]
        alpha = (self.ink * opacity * (1 + 0.5 * self.rim * edge)).clamp(max=1) * inside
        return fg.clamp(0, 1), alpha[:, None]
