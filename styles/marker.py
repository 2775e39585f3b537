"""Marker: flat translucent ink of constant width with rounded ends; overlaps darken."""
from __future__ import annotations

from strokes.geometry import coverage, lerp_color, stroke_frame
from strokes.style import Style


class MarkerStyle(Style):
    name = "marker"
    description = "flat translucent felt-tip ink, constant width, rounded ends; overlaps darken"

    def __init__(self, seed: int = 0, ink: float = 0.8):
        super().__init__(seed)
        self.ink = float(ink)

    def rasterize(self, params, size, window=None):
        f = stroke_frame(params, size, window)
        half = 0.5 * f.unit * params[:, 6].view(-1, 1, 1)          # constant width: the start width
        alpha = coverage(f.dist - half) * (params[:, 14].view(-1, 1, 1) * self.ink)
        return lerp_color(params, f.t), alpha[:, None]
