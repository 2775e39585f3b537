"""Dark areas shaded with a few parallel hatching lines, as a draughtsman shades, not filled with scribble.

A target filter makes dark areas (a black suit, a shadow) solid dark. Lines
aimed at a solid area have no edge to follow: they cross each other at every
angle and read as scribble, and they spend many lines where the photo has
no contour. So before any line is placed the target is split in two:

* *fill*: what survives a morphological opening (erosion then dilation,
  max-pooling) of ``radius`` pixels, the dark areas wider than a line;
* *lines*: the rest, the contours and thin dark details, kept as they are.

The fill is replaced by its outline (the band where the fill meets the
paper) and by parallel stripes ``spacing`` pixels apart, running at the
hatching angle and as dark as the fill was: a few straight, evenly spaced
lines that the sketcher's candidates find and follow like any other edge.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .placing import HATCHING

CLOSE = 1                 # gaps this many pixels wide inside a dark area are closed first
STRIPE = 1.2              # half width of a hatching stripe, pixels


def _dilate(x: torch.Tensor, radius: int) -> torch.Tensor:
    return F.max_pool2d(x[None, None], 2 * radius + 1, stride=1, padding=radius)[0, 0]


def _erode(x: torch.Tensor, radius: int) -> torch.Tensor:
    return -_dilate(-x, radius)


def fill_of(darkness: torch.Tensor, radius: int) -> torch.Tensor:
    """The part ``(H, W)`` of ``darkness`` ``(H, W)`` in areas wider than ``2 radius + 1`` pixels (an opening).

    >>> d = torch.zeros(32, 32); d[4:28, 4:20] = 0.8; d[:, 26] = 1.0      # a block and a thin line
    >>> f = fill_of(d, 2); float(f[16, 12]), float(f[16, 26])
    (0.800000011920929, 0.0)
    """
    if radius < 1:
        return torch.zeros_like(darkness)
    closed = _erode(_dilate(darkness, CLOSE), CLOSE)          # speckled dark areas (texture) count as areas
    return torch.minimum(_dilate(_erode(closed, radius), radius), closed)


def stripes(size, spacing: float, angle: float = HATCHING, half_width: float = STRIPE) -> torch.Tensor:
    """Parallel stripes ``(H, W)`` in [0, 1], ``spacing`` pixels apart, running at ``angle`` (radians, y down)."""
    H, W = size
    y, x = torch.meshgrid(torch.arange(H) + 0.5, torch.arange(W) + 0.5, indexing="ij")
    across = -x * math.sin(angle) + y * math.cos(angle)                  # distance across the stripes
    off = (across / spacing + 0.5) % 1.0 - 0.5                           # in (-0.5, 0.5] of a spacing
    return (1 - off.abs() * spacing / half_width).clamp(min=0)


def shaded_target(darkness: torch.Tensor, radius: int, spacing: float, angle: float = HATCHING) -> torch.Tensor:
    """``darkness`` ``(H, W)`` with its dark areas replaced by their outline and parallel hatching ``(H, W)``.

    ``radius``: areas wider than ``2 radius + 1`` pixels count as fill (0 keeps
    the target as it is); ``spacing``: pixels between hatching lines.

    >>> d = torch.zeros(40, 40); d[5:35, 5:35] = 0.6
    >>> s = shaded_target(d, 3, 8.0)
    >>> bool(s[20, 20:28].max() > 0.5), bool(s[20, 20:28].min() < 0.05)   # stripes inside: dark and bare
    (True, True)
    """
    if radius < 1:
        return darkness
    fill = fill_of(darkness, radius)
    lines = (darkness - fill).clamp(min=0)
    outline = (fill - _erode(fill, 1)).clamp(min=0)
    hatch = fill * stripes(darkness.shape, spacing, angle)
    return torch.maximum(torch.maximum(lines, outline), hatch).clamp(0, 1)
