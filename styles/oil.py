"""Oil: opaque paint pushed by a bristle brush.

Everything is procedural, made from band-limited noise laid out in the
stroke's own frame (distances along and across the centreline, measured in
the stroke's own width), so the texture travels and scales with the stroke: a
broad stroke has as many bristles across it as a narrow one, and a painting
drawn at 2,048 px shows the same brush marks as at 512 px, only sharper (the
finer octaves of the bristles come in as the pixels get smaller):

* bristle streaks: noise stretched about 25 times along the stroke, so each
  bristle leaves a long groove; the streaks also mix the start and end colours
  a little;
* impasto: the streaks and a ridge of paint squeezed to the stroke's sides form
  a height field, lit from one side (upper left by default) with a soft
  highlight, so the paint stands off the canvas;
* single hairs: a finer relief, twelve hairs across the stroke, lit like the
  rest, that comes in only where the stroke is 25+ pixels wide (a large
  painting): the brush marks stay visible at 2,048 px;
* a dry tail: towards the end the brush runs out of paint and the body breaks
  up into streaks; the edges are slightly ragged along the whole stroke;
* fat over lean: broad strokes, the lay-in, are thinner paint, as a painter
  starts with a big brush and thinned colour: from ``FULL_BODIED`` of the
  canvas' shorter side up to ``LEAN``, their streaks fade to a third of their
  contrast and their dry tail feathers out instead of breaking up. The relief
  stays. A picture's brushwork is in the fine strokes laid over it, and the
  lay-in no longer shows as claws of dry brush (``lean=0`` restores those).
"""
from __future__ import annotations

import math

import torch

from strokes.geometry import coverage, lerp_color, stroke_frame
from strokes.noise import fractal_noise
from strokes.style import Style
from strokes.layout import OPACITY

ACROSS = 5.0      # coarsest bristle noise cells across one stroke width (five octaves, each twice as fine)
STRETCH = 25.0    # bristle cells are this many times longer along the stroke than across
CLUMPS = 3.0      # clumps of bristles across one stroke width
FINE = 12.0       # single hairs across one stroke width: seen only where a stroke is 25+ px wide
FULL_BODIED = 0.04  # strokes up to this wide (share of the shorter side) are full-bodied paint ...
LEAN = 0.15         # ... from this wide, thin paint (in between, a blend)
THIN_STREAKS = 0.35 # thin paint keeps this share of the streaks' contrast ...
THIN_FEATHER = 0.6  # ... and its dry tail fades out softly (the break-up blurred by this much more, at the very end)


def tangent_normal(params: torch.Tensor, size, t: torch.Tensor) -> torch.Tensor:
    """Unit normal ``(S, 2, h, w)`` (x, y) of the centreline at ``t`` ``(S, h, w)``, pointing to positive ``across``."""
    H, W = size
    scale = params.new_tensor([W, H]).view(1, 2, 1, 1)
    p0, p1, p2 = (params[:, 2 * i:2 * i + 2, None, None] * scale for i in range(3))
    tt = t[:, None]
    d = (1 - tt) * (p1 - p0) + tt * (p2 - p1)                    # tangent direction (S, 2, h, w)
    norm = torch.sqrt((d ** 2).sum(1, keepdim=True) + 1e-12)
    return torch.cat([-d[:, 1:2], d[:, 0:1]], 1) / norm


class OilStyle(Style):
    """Opaque oil paint with bristle streaks and impasto.

    Options:
        seed: which bristle pattern.
        bristles: strength of the streaks in the colour, in [0, 1].
        impasto: strength of the relief's light and shade, in [0, 1].
        dry: how much the tail breaks up as the brush runs dry, in [0, 1].
        hairs: strength of the single hairs on wide strokes, in [0, 1].
        lean: how much thinner the paint of broad strokes is (fat over lean), in [0, 1].
        light: direction the light comes from, degrees (0 = from the right, 90 = from above).
    """

    name = "oil"
    description = "opaque oil paint: bristle streaks along the stroke, impasto light and shade, dry ragged tail"
    pointwise = True
    points_lr = 0.3   # the painter keeps the place its chooser found (see Style)
    reach = 1.2  # ragged edges: up to 5% (wobble) + 15% (bristle clumps) past the half width
    textured = True

    def __init__(self, seed: int = 0, bristles: float = 0.3, impasto: float = 0.6,
                 dry: float = 0.6, light: float = 135.0, hairs: float = 1.0, lean: float = 1.0):
        super().__init__(seed)
        self.bristles = float(bristles)
        self.impasto = float(impasto)
        self.dry = float(dry)
        self.hairs = float(hairs)
        self.lean = float(lean)
        self.light = float(light)

    def rasterize(self, params, size, window=None):
        """``(S, 15)`` strokes to ``fg (S, 3, h, w)`` and ``alpha (S, 1, h, w)`` in [0, 1]."""
        f = stroke_frame(params, size, window)
        u = f.unit
        # The stroke frame in stroke widths (its mean width), so the texture scales with the stroke.
        width = (0.5 * (params[:, 6] + params[:, 7])).detach().clamp(min=1e-4).view(-1, 1, 1)
        X, Y = f.along.detach() / (u * width), f.across.detach() / (u * width)
        px = ACROSS / (u * width)                                          # one pixel in noise cells (S, 1, 1)
        thin = self.lean * ((width - FULL_BODIED) / (LEAN - FULL_BODIED)).clamp(0, 1)   # 0: full-bodied paint
        # The streaks, and the slope of their relief across the stroke (per noise cell).
        streak, slope = fractal_noise(X * (ACROSS / STRETCH), Y * ACROSS, self.seed, octaves=5, pixel=px, gain=0.6,
                                      slope=True)
        # Single hairs: a fine relief that comes in only where a stroke is wide in pixels (a large
        # painting); only its slope is used, for light and shade, which average out when shrunk.
        hair_slope = 0.0 if self.hairs == 0 else fractal_noise(
            X * (FINE / STRETCH), Y * FINE, self.seed + 3, octaves=2, pixel=FINE / (u * width), slope=True)[1]
        wobble = fractal_noise(X * 1.5, Y * 1.5, self.seed + 1, octaves=2, pixel=1.5 / (u * width))
        # Clumps of bristles (coarser than single bristles): where the tail breaks up first.
        clumps = fractal_noise(X * 0.5, Y * CLUMPS, self.seed + 2, octaves=1, pixel=CLUMPS / (u * width))

        half = f.half_width
        r = (f.across / half.clamp(min=1e-6)).clamp(-1, 1)                # -1 .. 1 across the stroke
        # Body: ragged edges, and a tail that breaks into streaks as the paint runs out.
        edge = half * (1 + 0.1 * (wobble - 0.5) + 0.12 * (clumps - 0.5))
        body = coverage(f.dist - edge)
        tail = ((f.t - 0.55) / 0.45).clamp(0, 1)
        run_out = self.dry * tail ** 2
        # About a pixel (anti-aliased); thin paint feathers out along its tail.
        soft = (CLUMPS / (u * width)).clamp(min=0.04) + THIN_FEATHER * thin * tail
        paint = ((0.6 * clumps + 0.4 * streak - 0.9 * run_out) / soft + 0.5).clamp(0, 1)
        alpha = params[:, OPACITY].view(-1, 1, 1) * body * paint

        # Colour: start to end colour, the bristles dragging a little of each into the other.
        t_mix = (f.t + 0.25 * (streak - 0.5)).clamp(0, 1)
        # Thin grooves where the bristle relief crosses its middle height.
        # They are fine lines: shown only where the pixels are small enough (band limit).
        shown = ((1 / (2 * px) - 2) / 2).clamp(0, 1)
        groove = shown * (1 - 5 * (streak - 0.5).abs()).clamp(min=0) ** 2
        bristles = self.bristles * (1 - (1 - THIN_STREAKS) * thin)
        color = lerp_color(params, t_mix) * (1 + bristles * (streak - 0.5 - 0.35 * groove))[:, None]

        # Light and shade of the relief: bristle grooves plus paint ridges along the sides.
        a = math.radians(self.light)
        light_dir = params.new_tensor([math.cos(a), -math.sin(a)]).view(1, 2, 1, 1)
        facing = (tangent_normal(params, size, f.t) * light_dir).sum(1)    # (S, h, w)
        tilt = 0.2 * slope + 0.3 * self.hairs * hair_slope + 0.5 * r ** 5
        shade = self.impasto * 0.35 * (tilt * facing).clamp(-1.5, 1.5)
        highlight = (shade - 0.12).clamp(min=0) ** 2 * 2.0
        fg = color * (1 + shade)[:, None] + highlight[:, None]
        return fg.clamp(0, 1), alpha.clamp(0, 1)[:, None]
