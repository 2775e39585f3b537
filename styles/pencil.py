"""Pencil: graphite lines with a grain that follows the paper.

Two looks (the ``look`` option):

* ``"graphite"`` (default): each stroke is one pencil line, as in a drawing.
  The pressure swells in and lifts off at both ends (``taper``), so a line
  is thinner and lighter at its tips; the paper's tooth, fixed to the sheet
  and not to the stroke, breaks up the graphite; lines are translucent, so
  the drawing is darker where lines cross; gray graphite unless
  ``monochrome=False``.
* ``"hatching"``: the coloured-pencil shading of earlier versions, described
  below; this is the look ``strokes paint --style pencil`` paints in (its
  neural renderer was trained on it), see :attr:`PencilStyle.paint_options`.

Graphite catches on the tops of the paper's tooth, so a pencil line is broken
by a fine grain; the harder the pencil is pressed, the more of the tooth it
fills and the darker the line. Following line-drawing work such as ARIEL, a
stroke has a width (its ``w0``/``w2`` columns), an intensity (its opacity,
times the ``pressure`` option) and a decay (the pencil lifts off towards the end
of the stroke: ``decay``).

A thin stroke is one line, darkest along its middle. A wide stroke is shaded
the way an artist shades: with parallel hatching lines running along the
stroke, ``spacing`` apart (canvas units), and the paper showing between them.

``monochrome=True`` draws in pure gray (the luminance of each stroke's colour),
as with a graphite pencil; otherwise each stroke's colour is used, as with a
coloured pencil.
"""
from __future__ import annotations

import math

import torch

from strokes.compositing import luminance
from strokes.geometry import coverage, lerp_color, stroke_frame
from strokes.noise import fractal_noise
from strokes.style import Style
from strokes.layout import OPACITY

LEAD = 0.22   # gray of graphite
LOOKS = ("graphite", "hatching")
GRAPHITE = 0.9   # how much of the paper's light a line pressed fully hides, at most
# ((1 + cos x) / 2)^4 as harmonics: 35/128 + 7/16 cos x + 7/32 cos 2x + 1/16 cos 3x + 1/128 cos 4x.
LINE = (35 / 128, 7 / 16, 7 / 32, 1 / 16, 1 / 128)


def _pixel_average(cycles_per_pixel: float) -> float:
    """How much of a cosine's contrast survives averaging over one pixel (``sinc``, 0 past its first zero).

    >>> _pixel_average(0.0), round(_pixel_average(0.5), 3), _pixel_average(1.5)
    (1.0, 0.637, 0.0)
    """
    x = math.pi * cycles_per_pixel
    return 1.0 if x == 0 else (math.sin(x) / x if cycles_per_pixel < 1 else 0.0)


class PencilStyle(Style):
    """Graphite or coloured pencil lines and hatching.

    Options:
        seed: which paper grain and line wobble.
        look: ``"graphite"`` (lines, the default) or ``"hatching"`` (shading with hatched strokes).
        taper: graphite look: share of a line's length over which the pressure
            swells in at the start and lifts off at the end, in [0, 0.5].
        monochrome: draw in pure gray (graphite) instead of the stroke's colour.
        pressure: how hard the pencil is pressed (scales each stroke's opacity).
        decay: how much lighter a line gets from its start to its end, in [0, 1].
        grain: how strongly the paper's tooth breaks up the graphite, in [0, 1].
        spacing: distance between hatching lines, canvas units (fraction of the shorter side).
        cover: how much of what was drawn below a stroke's paper hides, in [0, 1]
            (0: strokes only add lead, and a light stroke cannot show over a dark one).
        paper: gray level of that paper, in [0, 1] (best near the canvas' background).
        shading: how much the gaps between hatching lines fill in for dark tones, in [0, 1].
    """

    name = "pencil"
    description = ("graphite pencil lines: tapered by pressure, paper grain, darker where they cross "
                   "(look='hatching': coloured-pencil shading)")
    pointwise = True
    reach = 1.0
    textured = True
    # Painting a photo (strokes paint) shades with wide strokes: the hatching look, in colour.
    paint_options = {"look": "hatching", "monochrome": False}
    # Hatching a photo on toned paper: the paper carries the middle tones between the lines.
    # On white, the gallery's paintings scored 0.3-1.1 dB and 0.03-0.12 SSIM lower (docs/gallery.md).
    ground = "auto"

    def __init__(self, seed: int = 0, look: str = "graphite", monochrome: bool = True, pressure: float = 1.0,
                 decay: float = 0.3, grain: float = 0.6, spacing: float = 0.009,
                 cover: float = 0.8, paper: float = 0.96, shading: float = 0.9, taper: float = 0.25):
        super().__init__(seed)
        if look not in LOOKS:
            raise ValueError(f"pencil: look expected one of {', '.join(LOOKS)}, got {look!r}")
        self.look = look
        self.taper = float(taper)
        self.monochrome = bool(monochrome)
        self.pressure = float(pressure)
        self.decay = float(decay)
        self.grain = float(grain)
        self.spacing = float(spacing)
        self.cover = float(cover)
        self.paper = float(paper)
        self.shading = float(shading)

    @property
    def hairline(self) -> bool:
        """Graphite lines thin to nothing at zero width (``half / soft`` is 0); hatching still shades under a pixel."""
        return self.look == "hatching"

    def rasterize(self, params, size, window=None):
        """``(S, 15)`` strokes to ``fg (S, 3, h, w)`` and ``alpha (S, 1, h, w)`` in [0, 1]."""
        if self.look == "graphite":
            return self._graphite(params, size, window)
        return self._hatching(params, size, window)

    def _tooth(self, f, size):
        """The paper's tooth ``(S, h, w)`` in [0, 1], fixed to the canvas (canvas-unit lattice, turned 37 degrees)."""
        H, W = size
        u = f.unit
        px, py = f.x * (W / u), f.y * (H / u)                      # canvas units
        return fractal_noise((0.8 * px - 0.6 * py) * 170, (0.6 * px + 0.8 * py) * 170, self.seed,
                             octaves=2, pixel=170 / u)

    def _graphite(self, params, size, window):
        """One pencil line per stroke: pressure tapering at both ends, paper grain, translucent graphite."""
        f = stroke_frame(params, size, window)
        # Pressure along the line: swells in over the first ``taper`` of its length, lifts off
        # over the last, a smooth step at each end; ``decay`` lightens it from start to end.
        k = max(self.taper, 1e-3)
        ends = (torch.minimum(f.t, 1 - f.t) / k).clamp(0, 1)
        swell = ends * ends * (3 - 2 * ends)
        press = self.pressure * params[:, 14].view(-1, 1, 1) * (0.25 + 0.75 * swell) * (1 - self.decay * f.t)
        # A lighter touch leaves a thinner line; graphite densest along the middle.
        half = f.half_width * (0.55 + 0.45 * swell)
        soft = half.clamp(min=0.5)                                 # sub-pixel lines spread over a pixel, lighter
        body = coverage(f.dist - soft) * (half / soft)
        r = (f.dist / soft.clamp(min=1e-6)).clamp(max=1)
        tooth = self._tooth(f, size)
        density = press * body * (1 - 0.35 * r * r) * (1 + 2.4 * self.grain * (tooth - 0.5))
        alpha = (GRAPHITE * density).clamp(0, 1)
        color = lerp_color(params, f.t)
        if self.monochrome:
            # Gray lead; a stroke of a light colour is drawn with less of it.
            luma = luminance(color, 1)
            alpha = alpha * ((1 - luma) / (1 - LEAD)).clamp(max=1)
            fg = torch.full_like(color, LEAD)
        else:
            fg = color * 0.9
        return fg.clamp(0, 1), alpha[:, None]

    def _hatching(self, params, size, window):
        f = stroke_frame(params, size, window)
        u = f.unit
        X, Y = f.along.detach() / u, f.across.detach() / u          # canvas units, stroke frame
        half = f.half_width
        inside = coverage(f.dist - half)

        # Hatching lines along the stroke, wobbling a little. Their profile
        # ((1 + cos) / 2)^4 is a sum of cosine harmonics; each is averaged over a
        # pixel (times sinc), so lines melt into an even tone, without aliasing,
        # once they get closer than a few pixels.
        wobble = fractal_noise(X * 40, Y * 4, self.seed + 1, octaves=2, pixel=40 / u)
        lane = Y / self.spacing + 0.8 * (wobble - 0.5)               # which hatching line, fractional
        angle = 2 * math.pi * lane
        period = self.spacing * u                                    # pixels between lines
        lines = LINE[0] + sum(a * _pixel_average(k / period) * (k * angle).cos() for k, a in enumerate(LINE[1:], 1))
        # Each line pressed a little differently, varying slowly along it.
        strength = fractal_noise(X * 12, lane / 3, self.seed + 2, octaves=2, pixel=max(12 / u, 1 / (3 * period)))

        # Pressure: the stroke's intensity, lifting off along the stroke, heaviest mid-line.
        r = (f.dist / half.clamp(min=1e-6)).clamp(max=1)
        press = (self.pressure * params[:, OPACITY].view(-1, 1, 1)
                 * (1 - self.decay * f.t) * (1 - 0.3 * r ** 2))
        graphite = press * (0.2 + 0.8 * lines * (0.4 + 0.8 * strength))
        # Paper tooth (fixed to the canvas): the lead catches on the tops of the grain.
        # Textures combine by products and sums only (no thresholds), so a
        # render averaged down to half size equals the render at half size.
        tooth = self._tooth(f, size)
        deposit = (graphite * (1 + 2.4 * self.grain * (tooth - 0.5))).clamp(0, 1)

        color = lerp_color(params, f.t)
        luma = luminance(color, 1)          # (S, h, w)
        if self.monochrome:
            # Graphite: one gray lead whose density gives the tone.
            lead = torch.full_like(color, LEAD)
            density = (1.4 * deposit * (1 - luma) / (1 - LEAD)).clamp(0, 1)
        else:
            lead = color * 0.85             # the lead reads a little darker than the tone it stands for
            density = (1.4 * deposit).clamp(0, 1)
        # Dark tones are shaded in: the gaps between the hatching lines fill with
        # lead too, the more the darker the tone (still broken by the paper's tooth),
        # so a drawing reaches deep shadows, not only the gray of open hatching.
        fill = (self.shading * (1 - luma) ** 2 * press * (1 + 2.4 * self.grain * (tooth - 0.5))).clamp(0, 1)
        density = 1 - (1 - density) * (1 - fill)
        # Pencil cannot lighten what lies below, so each stroke stands for a patch
        # drawn on clean paper: paper covering ``cover`` of what is below, lead on it.
        sheet = self.cover * params[:, OPACITY].view(-1, 1, 1) * (1 - density)         # (S, h, w)
        alpha = inside * (sheet + density)
        fg = (density[:, None] * lead + (sheet * self.paper)[:, None]) / (sheet + density).clamp(min=1e-6)[:, None]
        return fg.clamp(0, 1), alpha.clamp(0, 1)[:, None]
