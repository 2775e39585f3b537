"""Pencil: thin graphite lines with a grain that follows the paper.

Graphite catches on the tops of the paper's tooth, so a pencil line is broken
by a fine grain: the harder the pencil is pressed, the more of the tooth it
fills and the darker the line. Following line-drawing work such as ARIEL, a
stroke has a width (its ``w0``/``w2`` columns), an intensity (its opacity,
scaled by the ``pressure`` option) and a decay (the pencil lifts off towards
the end of the stroke, ``decay``). The line is a little darker along its middle
where the lead presses most. Wide strokes become shaded bands of fine hatching
along the stroke, as an artist shades with the side of the lead.

``monochrome=True`` draws in pure gray (the luminance of each stroke's colour),
as with a graphite pencil; otherwise the stroke's colour is used, as with a
coloured pencil.
"""
from __future__ import annotations

from strokes.geometry import coverage, lerp_color, stroke_frame
from strokes.noise import fractal_noise
from strokes.style import Style

LUMA = (0.299, 0.587, 0.114)


class PencilStyle(Style):
    """Graphite or coloured pencil lines.

    Options:
        seed: which paper grain.
        monochrome: draw in pure gray (graphite) instead of the stroke's colour.
        pressure: how hard the pencil is pressed (scales each stroke's opacity).
        decay: how much lighter the line gets from start to end, in [0, 1].
        grain: strength of the paper grain, in [0, 1].
    """

    name = "pencil"
    description = "graphite pencil: thin lines with paper grain, darker where pressed, optional monochrome"
    reach = 1.0

    def __init__(self, seed: int = 0, monochrome: bool = False, pressure: float = 1.0,
                 decay: float = 0.35, grain: float = 0.7):
        super().__init__(seed)
        self.monochrome = bool(monochrome)
        self.pressure = float(pressure)
        self.decay = float(decay)
        self.grain = float(grain)

    def rasterize(self, params, size, window=None):
        """``(S, 15)`` strokes to ``fg (S, 3, h, w)`` and ``alpha (S, 1, h, w)`` in [0, 1]."""
        f = stroke_frame(params, size, window)
        u = f.unit
        pixel = 1 / u
        half = f.half_width
        inside = coverage(f.dist - half)
        # Pressure: the stroke's intensity, lifting off along the stroke, heaviest mid-line.
        r = (f.dist / half.clamp(min=1e-6)).clamp(max=1)
        press = (self.pressure * params[:, 14].view(-1, 1, 1)
                 * (1 - self.decay * f.t) * (1 - 0.35 * r ** 2))
        # Grain: the paper's tooth (canvas) and the lead's own streaks (stroke frame).
        paper = fractal_noise(f.x * (350 * size[1] / u), f.y * (350 * size[0] / u), self.seed, octaves=3, pixel=350 * pixel)
        X, Y = f.along.detach() / u, f.across.detach() / u
        hatch = fractal_noise(X * 20, Y * 300, self.seed + 1, octaves=3, pixel=300 * pixel)
        tooth = ((0.55 * paper + 0.45 * hatch) - 0.5) * 2.5 + 0.5           # ~[0, 1], high = bare
        deposit = (press * (1 + 0.6 * self.grain) - self.grain * tooth.clamp(0, 1)).clamp(0, 1)
        alpha = inside * deposit

        color = lerp_color(params, f.t)
        if self.monochrome:
            luma = color.new_tensor(LUMA).view(1, 3, 1, 1)
            color = (color * luma).sum(1, keepdim=True).expand(-1, 3, -1, -1)
        # Graphite reads a little darker than the colour it stands for.
        fg = color * 0.85
        return fg.clamp(0, 1), alpha.clamp(0, 1)[:, None]
