"""How many strokes a painting needs when the user does not say: ``strokes="auto"``.

The rule::

    strokes = round(BASE * detail * sqrt(H * W / REFERENCE_AREA) * busy(image))

* ``BASE`` strokes on a 512 x 512 canvas of an average photo;
* the count grows with the square root of the canvas area (twice the side,
  twice the strokes): a bigger canvas gets more, finer strokes, and the
  strokes stay about as wide in pixels as the canvas' side grows;
* ``busy(image)``: how much is going on in the picture, the mean luminance
  gradient (on a 256 px copy) relative to an average photo's, square-rooted
  and kept in ``BUSY_RANGE``: a flat graphic gets fewer strokes, a busy
  photo more;
* ``detail`` (default 1) scales the whole count.

>>> import torch
>>> flat = torch.full((3, 64, 64), 0.5)
>>> auto_strokes(flat, (512, 512)) == round(BASE * BUSY_RANGE[0])
True
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ..compositing import luminance

BASE = 500                  # strokes at 512 x 512 for an average photo, detail 1
REFERENCE_AREA = 512 * 512
REFERENCE_GRADIENT = 0.035  # mean luminance gradient per pixel of an average photo at 256 px
BUSY_RANGE = (0.6, 1.5)


def busyness(image: torch.Tensor) -> float:
    """How busy ``image`` ``(3, H, W)`` in [0, 1] is, 1.0 for an average photo (in :data:`BUSY_RANGE`)."""
    _, h, w = image.shape
    scale = 256 / max(h, w)
    small = image[None].float()
    if scale < 1:
        small = F.interpolate(small, size=(max(2, round(h * scale)), max(2, round(w * scale))),
                              mode="bilinear", antialias=True, align_corners=False)
    luma = luminance(small[0], 0)
    if min(luma.shape) < 2:
        return BUSY_RANGE[0]
    gy, gx = torch.gradient(luma)
    g = float(torch.sqrt(gx * gx + gy * gy).mean())
    return min(max(math.sqrt(g / REFERENCE_GRADIENT), BUSY_RANGE[0]), BUSY_RANGE[1])


def auto_strokes(image: torch.Tensor, size: tuple[int, int], detail: float = 1.0) -> int:
    """Stroke count for painting ``image`` ``(3, h, w)`` on a canvas of ``size`` ``(H, W)`` (the rule above)."""
    if not (isinstance(detail, (int, float)) and detail > 0 and math.isfinite(detail)):
        raise ValueError(f"detail: expected a positive number, got {detail!r}")
    H, W = size
    n = BASE * detail * math.sqrt(H * W / REFERENCE_AREA) * busyness(image)
    return max(1, round(n))
