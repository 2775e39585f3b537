"""Watercolor: a transparent wash with pigment pooled at its edges.

* the wash is transparent (a single layer lets most of the paper through) and
  its density wanders a little, as the water dried unevenly;
* pigment gathers where the wet edge dried last, so a darker rim runs along
  the stroke's outline;
* the outline itself is irregular and soft, with a faint bleed past it (the
  style's ``reach`` lets paint spread beyond the nominal width);
* granulation: pigment settles in a fine, soft grain in the stroke's frame, and
  a faint paper texture fixed to the canvas shows through every stroke.
"""
from __future__ import annotations

import torch

from strokes.compositing import luminance
from strokes.geometry import coverage, lerp_color, stroke_frame
from strokes.noise import fractal_noise
from strokes.style import Style
from strokes.layout import OPACITY



class WatercolorStyle(Style):
    """Transparent watercolour washes.

    Options:
        seed: which edge shape, grain and paper.
        wash: opacity of the wash inside the stroke, in [0, 1] (times the stroke's opacity).
        pooling: extra pigment at the rim, in [0, 1].
        granulation: strength of the pigment grain, in [0, 1].
        bleed: how far (fraction of the half width) paint bleeds past the edge.
        paper: strength of the canvas-fixed paper texture, in [0, 1].
    """

    name = "watercolor"
    description = "transparent watercolour wash: pooled darker rims, soft granulation, irregular bleeding edges"
    pointwise = True
    reach = 1.9  # outline wander (up to +40%), soft edge plus the default bleed; see __init__
    textured = True
    # Painted through this rasterizer, not "mixed": the neural renderer's small errors, exploited by the
    # optimizer at the broad levels, left gray worm-shaped strokes over flat light areas (docs/gallery.md).
    paint_renderer = "style"

    def __init__(self, seed: int = 0, wash: float = 0.4, pooling: float = 0.45,
                 granulation: float = 0.25, bleed: float = 0.2, paper: float = 0.04):
        super().__init__(seed)
        self.wash = float(wash)
        self.pooling = float(pooling)
        self.granulation = float(granulation)
        self.bleed = float(bleed)
        self.paper = float(paper)
        # Paint may reach past the half width by the wander of the edge and the bleed.
        self.reach = 1.7 + max(self.bleed, 0.0)

    def rasterize(self, params, size, window=None):
        """``(S, 15)`` strokes to ``fg (S, 3, h, w)`` and ``alpha (S, 1, h, w)`` in [0, 1]."""
        f = stroke_frame(params, size, window)
        u = f.unit
        X, Y = f.along.detach() / u, f.across.detach() / u      # canvas units, stroke frame
        pixel = 1 / u
        half = f.half_width

        # Irregular outline: the edge wanders in and out by up to 40% of the half width.
        wander = fractal_noise(X * 8, Y * 8, self.seed, octaves=3, pixel=8 * pixel, gain=0.45)
        edge = half * (1 + 0.8 * (wander - 0.5))
        outside = f.dist - edge                                  # pixels, negative inside
        # Along some stretches of the edge pigment pooled as it dried (a soft, darker
        # band); along others the wash ran out softly into the paper.
        pooled = ((fractal_noise(X * 6, Y * 6, self.seed + 4, octaves=2, pixel=6 * pixel) - 0.2) * 3).clamp(0, 1)
        # The round ends stay soft: the brush lifted off there, nothing dried against an edge.
        cap = (torch.maximum(-f.along, f.along - f.length) / (0.5 * half).clamp(min=1e-6)).clamp(0, 1)
        pooled = pooled * (1 - cap)
        soft = 1.0 + (0.02 + 0.25 * (1 - pooled) + 0.2 * cap) * half   # one pixel plus a share of the width
        inside = coverage(outside, soft)
        rim_width = 0.18 * half + 0.0015 * u                   # sizes in canvas units, never pixels
        rim = pooled * torch.exp(-(-outside).clamp(min=0) / rim_width)
        # Uneven drying and granulation (stroke frame), faint paper (canvas).
        blotch = fractal_noise(X * 7, Y * 7, self.seed + 1, octaves=3, pixel=7 * pixel)
        # (turned 30 degrees off the stroke so the noise lattice does not line up with it)
        grain = fractal_noise((0.866 * X - 0.5 * Y) * 90, (0.5 * X + 0.866 * Y) * 90, self.seed + 2,
                              octaves=3, pixel=90 * pixel)
        H, W = size
        paper = fractal_noise(f.x * (150 * W / u), f.y * (150 * H / u), self.seed + 3, octaves=2, pixel=150 * pixel)
        color = lerp_color(params, f.t)
        # Pigment load: a dark wash carries more pigment, so it covers more of the paper.
        load = 1 - luminance(color, 1)
        wash = self.wash + (1 - self.wash) * 0.5 * load
        density = (wash * (1 + 1.2 * (blotch - 0.5)) + 0.6 * self.pooling * rim
                   ) * (1 + self.granulation * 3 * (grain - 0.5)) * (1 + self.paper * 4 * (paper - 0.5))

        # Faint bleed past the edge, reaching ``bleed`` of the half width further and ending at zero.
        reach_px = self.bleed * half + 1e-6
        feather = (1 - (outside - 0.5 * soft).clamp(min=0) / reach_px).clamp(min=0, max=1) ** 2
        opacity = params[:, OPACITY].view(-1, 1, 1)
        alpha = opacity * (density * inside + 0.3 * self.wash * feather * (1 - inside))

        fg = color * (1 - 0.3 * self.pooling * rim)[:, None]          # pooled pigment is deeper
        return fg.clamp(0, 1), alpha.clamp(0, 1)[:, None]
