"""Shared pieces of the style tests: stroke sets, PSNR, a 2x-downsampled render."""
from __future__ import annotations

import math
import os

import torch
import torch.nn.functional as F

from strokes.geometry import stroke_boxes
from strokes.layout import COLUMNS
from strokes.registry import list_styles
from strokes.rendering import draw as draw_strokes

# Every available style, built-in or installed plugin: each is held to the same contract.
STYLES = tuple(list_styles())


def psnr_min(style) -> float:
    """2x render downsampled vs 1x render (issue 2): flat styles 35 dB, textured 30 dB."""
    return 30.0 if style.textured else 35.0


def is_straight(style) -> bool:
    """Does the style's paint ignore the control point P1 (tape lies straight from P0 to P2)?"""
    p = scattered(2, seed=1)
    return torch.equal(style.paint_path(p)[:, 2:4], 0.5 * (p[:, 0:2] + p[:, 4:6]))
EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "strokes", "examples", "still-life.json")


def stroke(dtype=torch.float32, **fields) -> torch.Tensor:
    """``(1, 15)``: a red horizontal stroke across the middle, fields overridable by column name."""
    base = dict(x0=.2, y0=.5, x1=.5, y1=.5, x2=.8, y2=.5, w0=.2, w2=.2,
                r0=.85, g0=.15, b0=.1, r2=.85, g2=.15, b2=.1, opacity=1.0)
    base.update(fields)
    return torch.tensor([[base[c] for c in COLUMNS]], dtype=dtype)


def scattered(n: int = 24, seed: int = 0, dtype=torch.float32, straight: bool = False) -> torch.Tensor:
    """``(n, 15)`` strokes of many sizes, bends and colours, covering most of the canvas.

    ``straight`` puts P1 halfway between P0 and P2 (how tape lies anyway).
    """
    g = torch.Generator().manual_seed(seed)
    p = torch.rand(n, 15, generator=g, dtype=torch.float64)
    p[:, 0:6] = 0.1 + 0.8 * p[:, 0:6]
    if straight:
        p[:, 2:4] = 0.5 * (p[:, 0:2] + p[:, 4:6])
    p[:, 6:8] = 0.06 + 0.22 * p[:, 6:8]
    p[:, 14] = 0.6 + 0.4 * p[:, 14]
    return p.to(dtype)


def draw(style, params: torch.Tensor, size, background=(0.95, 0.93, 0.88)) -> torch.Tensor:
    """``(3, H, W)``: strokes laid over a plain canvas, each in its own box (as the library draws)."""
    H, W = size
    canvas = torch.tensor(background, dtype=params.dtype).view(3, 1, 1).repeat(1, H, W)
    with torch.no_grad():
        return draw_strokes(canvas, params, style)


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    mse = float(((a.double() - b.double()) ** 2).mean())
    return math.inf if mse == 0 else 10 * math.log10(1 / mse)


def psnr_2x(style, params: torch.Tensor, size) -> float:
    """PSNR of the 1x render against the 2x render averaged down to 1x."""
    H, W = size
    one = draw(style, params, (H, W))
    two = draw(style, params, (2 * H, 2 * W))
    return psnr(one, F.avg_pool2d(two[None], 2)[0])


def far_mask(style, params: torch.Tensor, size, margin: float = 2.0) -> torch.Tensor:
    """``(S, H, W)`` True where a pixel lies well outside a stroke's reach (of the path its paint follows)."""
    from strokes.geometry import stroke_frame
    f = stroke_frame(style.paint_path(params), size)
    return f.dist > style.reach * f.half_width.amax(dim=(1, 2), keepdim=True) + margin


__all__ = ["STYLES", "psnr_min", "is_straight", "EXAMPLE", "stroke", "scattered", "draw", "psnr", "psnr_2x",
           "far_mask", "stroke_boxes"]
