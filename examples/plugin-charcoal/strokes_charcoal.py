"""Charcoal: an example third-party style for strokes.

Stick charcoal on drawing paper: the black dust catches on the peaks of the
paper's tooth and skips its valleys, so a stroke is grainy and lets specks of
paper through; the stick's broken edge drags streaks along the stroke and
leaves a ragged edge; rubbed with a finger, the dust spreads past the edge in
a soft, uneven smudge. Tone follows the stroke's colour (a light stroke is
a light gray, a dark one deep black), so a painting re-drawn in charcoal keeps
its values; ``tint`` lets a little of the colour through, like coloured
charcoal.

Built only on the public API of strokes: :class:`strokes.Style`,
:func:`strokes.geometry.stroke_frame` (where every pixel sits relative to every
stroke) and :func:`strokes.noise.fractal_noise` (textures that are the same at
any size and in any window). Registered in ``setup.cfg`` under the entry-point
group ``strokes.styles`` as ``charcoal``; ``docs/plugins.md`` of strokes walks
through it.
"""
from __future__ import annotations

import torch

from strokes.geometry import coverage, lerp_color, stroke_frame
from strokes.noise import fractal_noise
from strokes.style import Style

__version__ = "0.1.0"

LUMA = (0.299, 0.587, 0.114)     # luminance weights of R, G, B
TOOTH = 150.0                    # paper-tooth cells per canvas unit (the shorter side)
STREAKS = (2.0, 90.0)            # streak cells per canvas unit along and across the stroke


class CharcoalStyle(Style):
    """Charcoal on paper: dark, grainy strokes with ragged, smudged edges.

    Options (all in [0, 1] except ``seed``):
        seed: which paper, streaks and smudges.
        darkness: how much darker than the stroke's own tone the charcoal is.
        tint: how much of the stroke's colour survives (0 = pure gray charcoal).
        grain: how much paper shows through the charcoal.
        smudge: how far past its edge the dust is rubbed (0 = crisp edge).

    >>> import torch
    >>> p = torch.tensor([[.1, .5, .5, .5, .9, .5, .2, .2, .2, .2, .2, .2, .2, .2, 1.]])
    >>> fg, alpha = CharcoalStyle().rasterize(p, (32, 64))
    >>> fg.shape, alpha.shape
    (torch.Size([1, 3, 32, 64]), torch.Size([1, 1, 32, 64]))
    >>> bool(alpha[0, 0, 16, 32] > 0.5), bool(alpha[0, 0, 0, 0] == 0)
    (True, True)
    """

    name = "charcoal"
    textured = True
    description = "charcoal on paper: dark, grainy strokes with ragged, smudged edges"
    pointwise = True
    reach = 2.5      # the smudge fades out by 2.5 half widths from the centreline

    def __init__(self, seed: int = 0, darkness: float = 0.35, tint: float = 0.15,
                 grain: float = 0.45, smudge: float = 0.4):
        super().__init__(seed)
        for key, value in (("darkness", darkness), ("tint", tint), ("grain", grain), ("smudge", smudge)):
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"charcoal option {key!r}: expected a number in [0, 1], got {value!r}")
        self.darkness = float(darkness)
        self.tint = float(tint)
        self.grain = float(grain)
        self.smudge = float(smudge)

    def rasterize(self, params, size, window=None):
        """``(S, 15)`` strokes to ``fg (S, 3, h, w)`` and ``alpha (S, 1, h, w)`` in [0, 1]."""
        f = stroke_frame(params, size, window)
        H, W = size
        u = f.unit                                               # pixels per canvas unit
        X, Y = f.along.detach() / u, f.across.detach() / u       # stroke frame, canvas units
        half = f.half_width.clamp(min=0.5)                        # a hairline still leaves a mark

        # The stick's broken edge: the half width wanders by up to +-15 %.
        wander = fractal_noise(X * 20, Y * 20, self.seed + 1, octaves=3, pixel=20 / u)
        edge = half * (1 + 0.3 * (wander - 0.5))
        body = coverage(f.dist - edge)

        # Streaks dragged along the stroke, and heavier pressure down the middle.
        streak = fractal_noise(X * STREAKS[0], Y * STREAKS[1], self.seed + 2, octaves=3, pixel=STREAKS[1] / u)
        r = (f.dist / edge).clamp(max=1)
        load = 1.15 * (1 - 0.3 * r ** 2) * (1 + 0.9 * (streak - 0.5))

        # The paper's tooth, fixed to the canvas: valleys (low values) stay bare.
        # Its lattice is turned by 30 degrees so no row or column of the picture lines up with it.
        cx, cy = f.x * (W / u), f.y * (H / u)                     # canvas units
        tx, ty = 0.866 * cx - 0.5 * cy, 0.5 * cx + 0.866 * cy
        tooth = fractal_noise(tx * TOOTH, ty * TOOTH, self.seed, octaves=3, pixel=TOOTH / u)
        valley = ((0.5 - tooth) * 2.0 + 0.5).clamp(0, 1)
        deposit = (load * (1 - self.grain * valley)).clamp(0, 1)

        # Smudge: dust rubbed past the edge, uneven like a fingertip's pass and dragged
        # mostly to one side; it fades to nothing by `reach` half widths from the centreline.
        blotch = fractal_noise(X * 8, Y * 8, self.seed + 3, octaves=2, pixel=8 / u)
        spread = self.smudge * 1.2 * half + 0.5
        outside = (f.dist - edge).clamp(min=0)
        side = 0.55 + 0.45 * torch.tanh(f.across / half)
        fade = (1 - f.dist / (self.reach * half)).clamp(min=0) ** 2
        halo = self.smudge * (0.3 + 0.6 * blotch) * side * fade * torch.exp(-2.0 * (outside / spread) ** 2)
        halo = halo * (1 - self.grain * valley)

        alpha = params[:, 14].view(-1, 1, 1) * (body * deposit + (1 - body) * halo)

        # Colour: the stroke's tone, darkened; a little of its hue if tinted.
        color = lerp_color(params, f.t)                                   # (S, 3, h, w)
        luma = sum(w * color[:, i] for i, w in enumerate(LUMA))           # (S, h, w)
        tone = 0.03 + 0.97 * luma.clamp(0, 1) ** (1 + 2 * self.darkness)
        hue = (color * (tone / luma.clamp(min=1e-3))[:, None]).clamp(0, 1)
        fg = (1 - self.tint) * tone[:, None] + self.tint * hue
        return fg.clamp(0, 1), alpha.clamp(0, 1)[:, None]
