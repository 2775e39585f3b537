"""Random strokes for training and validating a neural renderer.

The mix covers what the painter asks of a renderer: mostly "painterly"
strokes (a chord of any length and angle, a moderate bow, widths from hairline
to fat, short fat dabs included) plus a quarter of wild ones whose three
control points are anywhere on the canvas. Colours are uniform; opacity is
mostly high. All columns end up in [0, 1] (layout of :mod:`strokes.layout`).
"""
from __future__ import annotations

import math

import torch

from ..layout import COLORS, OPACITY, P, P0, P1, P2, W0, W2


def _log_uniform(n, low, high, g):
    return torch.exp(math.log(low) + (math.log(high) - math.log(low)) * torch.rand(n, generator=g))


def random_strokes(n: int, generator: torch.Generator | None = None, wild: float = 0.25) -> torch.Tensor:
    """``(n, 15)`` random strokes, every column in [0, 1].

    >>> g = torch.Generator().manual_seed(0)
    >>> s = random_strokes(100, g)
    >>> tuple(s.shape), bool(((s >= 0) & (s <= 1)).all())
    ((100, 15), True)
    """
    g = generator
    out = torch.empty(n, P)
    # Painterly strokes: centre, chord length (canvas units), angle, bow.
    centre = torch.rand(n, 2, generator=g) * 1.1 - 0.05
    chord = _log_uniform(n, 0.008, 0.8, g)
    angle = torch.rand(n, generator=g) * 2 * math.pi
    d = torch.stack([torch.cos(angle), torch.sin(angle)], 1)
    nrm = torch.stack([-d[:, 1], d[:, 0]], 1)
    along = (torch.rand(n, 1, generator=g) - 0.5) * 0.5
    bow = (torch.rand(n, 1, generator=g) - 0.5) * 1.2
    half = 0.5 * chord.view(-1, 1)
    p0, p2 = centre - half * d, centre + half * d
    p1 = centre + 2 * half * (along * d + bow * nrm)
    out[:, P0], out[:, P1], out[:, P2] = p0, p1, p2
    # Wild strokes: control points anywhere.
    is_wild = torch.rand(n, generator=g) < wild
    out[is_wild, 0:6] = torch.rand(int(is_wild.sum()), 6, generator=g)
    # Widths: hairline to fat; half the strokes taper or swell.
    w0 = _log_uniform(n, 0.004, 0.3, g)
    change = torch.where(torch.rand(n, generator=g) < 0.5,
                         torch.exp((torch.rand(n, generator=g) - 0.5) * 2.0), torch.ones(n))
    out[:, W0], out[:, W2] = w0, w0 * change
    out[:, COLORS] = torch.rand(n, 6, generator=g)
    # Opacity: mostly high, sometimes anything.
    high = torch.rand(n, generator=g) < 0.75
    out[:, OPACITY] = torch.where(high, 0.7 + 0.3 * torch.rand(n, generator=g), torch.rand(n, generator=g))
    return out.clamp(0, 1)
