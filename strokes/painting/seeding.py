"""Where new strokes start: where the canvas is most wrong, with the colour and direction found there.

* :func:`pick_places` samples seed points in proportion to the (blurred,
  squared) error between canvas and target, pushing later picks away from
  earlier ones so a batch spreads over the error instead of piling up;
* :func:`flow_angle` reads the local direction of the image's structure
  (the structure tensor of its luminance): strokes start along edges and
  contours, as a painter follows form;
* :func:`initial_strokes` builds ``(S, 15)`` strokes from those.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from kornia.filters import gaussian_blur2d

from ..compositing import luminance
from ..layout import COLOR_END, COLOR_START, OPACITY, P, P0, P1, P2, WIDTHS



def blur(image: torch.Tensor, sigma: float) -> torch.Tensor:
    """Gaussian blur of ``(C, H, W)`` (kornia's separable ``gaussian_blur2d``, kernel radius
    ``ceil(2.5 sigma)``, edges replicated); ``sigma <= 0.3`` px leaves the image as it is."""
    if sigma <= 0.3:
        return image
    k = 2 * max(1, int(math.ceil(2.5 * sigma))) + 1
    return gaussian_blur2d(image[None], (k, k), (sigma, sigma), border_type="replicate")[0]


def flow_angle(target: torch.Tensor, sigma: float) -> torch.Tensor:
    """Direction ``(H, W)`` (radians, image x right / y down) along the local edges of ``target`` ``(3, H, W)``.

    The eigenvector of the smaller eigenvalue of the structure tensor,
    smoothed over ``sigma`` pixels: the way the picture's contours run.
    """
    luma = luminance(target, 0)[None]
    luma = blur(luma, 1.0)
    gy, gx = torch.gradient(luma[0])
    tensor = blur(torch.stack([gx * gx, gx * gy, gy * gy]), sigma)
    jxx, jxy, jyy = tensor
    across = 0.5 * torch.atan2(2 * jxy, jxx - jyy)          # the direction of strongest change
    return across + math.pi / 2


def pick_places(error: torch.Tensor, count: int, spacing: float, rng: np.random.Generator) -> np.ndarray:
    """``count`` seed points ``(count, 2)`` as (x, y) pixel positions on the error map ``(H, W)``.

    Each pick is drawn with probability proportional to the squared error
    (averaged over cells of ``spacing / 3`` pixels); the error around it is then
    damped over about ``spacing`` pixels so the next picks go elsewhere.
    """
    H, W = error.shape
    cell = max(1, int(spacing // 3))                         # work on a coarser grid of cells
    e = F.avg_pool2d(error[None, None].double(), cell, ceil_mode=True)[0, 0].cpu().numpy() ** 2
    gh, gw = e.shape
    ys, xs = np.mgrid[0:gh, 0:gw]
    radius = spacing / cell
    picks = np.empty((count, 2))
    for k in range(count):
        total = e.sum()
        prob = (e / total).ravel() if total > 0 else np.full(e.size, 1.0 / e.size)
        flat = rng.choice(e.size, p=prob)
        cy, cx = divmod(int(flat), gw)
        e = e * (1 - 0.9 * np.exp(-((ys - cy) ** 2 + (xs - cx) ** 2) / (2 * radius ** 2)))
        jitter = rng.random(2)
        picks[k] = (min(W - 0.5, (cx + jitter[0]) * cell), min(H - 0.5, (cy + jitter[1]) * cell))
    return picks


def initial_strokes(places: np.ndarray, target: torch.Tensor, angles: torch.Tensor,
                    width: float, length: float, opacity: float = 1.0) -> torch.Tensor:
    """Straight strokes ``(S, 15)`` centred on ``places`` (pixels, (x, y)), along ``angles``.

    ``width`` and ``length`` are in pixels of the working canvas; the start
    and end colours are the target's (blurred at the stroke's width) at the
    stroke's two ends.
    """
    _, H, W = target.shape
    S = len(places)
    xy = torch.as_tensor(places, dtype=target.dtype, device=target.device)
    ix = xy[:, 0].long().clamp(0, W - 1)
    iy = xy[:, 1].long().clamp(0, H - 1)
    theta = angles[iy, ix]
    d = torch.stack([torch.cos(theta), torch.sin(theta)], 1) * (length / 2)
    p0, p2 = xy - d, xy + d
    scale = target.new_tensor([W, H])
    smooth = blur(target, width / 3)

    def colour_at(p):
        qx = p[:, 0].long().clamp(0, W - 1)
        qy = p[:, 1].long().clamp(0, H - 1)
        return smooth[:, qy, qx].T

    params = target.new_zeros(S, P)
    params[:, P0] = (p0 / scale).clamp(0, 1)
    params[:, P1] = (xy / scale).clamp(0, 1)
    params[:, P2] = (p2 / scale).clamp(0, 1)
    params[:, WIDTHS] = width / min(H, W)
    params[:, COLOR_START] = colour_at(0.7 * p0 + 0.3 * xy)
    params[:, COLOR_END] = colour_at(0.7 * p2 + 0.3 * xy)
    params[:, OPACITY] = opacity
    return params
