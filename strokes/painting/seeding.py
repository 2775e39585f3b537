"""Where new strokes start: where the canvas is most wrong, with the colour and direction found there.

* :func:`choose_strokes` (the painter's and the video painter's): strokes laid one by one, each the
  best of a few dozen trial strokes placed where the error is, as fogleman's
  *primitive* chooses its shapes, before the optimizer refines them together;
* :func:`flow_angle` reads the local direction of the image's structure
  (the structure tensor of its luminance): strokes start along edges and
  contours, as a painter follows form;
* :func:`initial_strokes` builds ``(S, 15)`` straight strokes at given places (the renderer benchmark's).
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from ..compositing import luminance
from ..layout import COLOR_END, COLOR_START, OPACITY, P, P0, P1, P2, WIDTHS

TRIES = 32                  # trial strokes per stroke laid (:func:`choose_strokes`)
LENGTHS_TRIED = (0.3, 1.2)  # a trial stroke is this many times the level's stroke length
FREE_ANGLE = 0.5            # share of the trials at a random angle rather than along the flow


def blur(image: torch.Tensor, sigma: float) -> torch.Tensor:
    """Gaussian blur of ``(C, H, W)``: separable, kernel radius ``ceil(2.5 sigma)``, edges
    replicated; ``sigma <= 0.3`` px leaves the image as it is.

    The same numbers as kornia's ``gaussian_blur2d`` with that kernel (a test
    checks it), written out because every painting blurs and importing kornia
    costs a 100-stroke painting about 5% of its time.
    """
    if sigma <= 0.3:
        return image
    r = max(1, int(math.ceil(2.5 * sigma)))
    x = torch.arange(-r, r + 1, dtype=image.dtype, device=image.device)
    g = torch.exp(-x * x / (2 * sigma * sigma))
    g = g / g.sum()
    C = image.shape[0]
    out = F.pad(image[None], (r, r, r, r), mode="replicate")
    out = F.conv2d(out, g.view(1, 1, 1, -1).expand(C, 1, 1, -1), groups=C)
    return F.conv2d(out, g.view(1, 1, -1, 1).expand(C, 1, -1, 1), groups=C)[0]


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


def choose_strokes(canvas: torch.Tensor, target: torch.Tensor, angles: torch.Tensor, count: int,
                   widths: tuple[float, float], length: float, rng: np.random.Generator,
                   opacity: float = 0.98, tries: int = TRIES, where: "torch.Tensor | None" = None) -> torch.Tensor:
    """``count`` straight strokes ``(count, 15)`` laid one by one, each the best of ``tries`` trial strokes.

    A trial stroke is a capsule placed in proportion to the squared error of
    the canvas so far (averaged over cells of half a stroke width), along the
    picture's flow (``angles``) or, for a share :data:`FREE_ANGLE` of the
    trials, at a random angle, with a width drawn from ``widths`` and a
    length from :data:`LENGTHS_TRIED` times ``length`` (pixels of the working
    canvas). Its colours are those that fit the target under it best (a
    straight blend from end to end, least squares, over what is already
    there); the trial that lowers the squared error most is kept and laid on a
    copy of ``canvas`` before the next stroke is chosen, so the strokes of a
    batch share out the error instead of all going for the same place. This is
    primitive's best-of-random-shapes search, cut short: the optimizer refines
    the strokes afterwards. ``where`` ``(H, W)``, if given, is nonzero where a
    stroke may be centred (the video painter's changed parts).
    """
    _, H, W = target.shape
    dev, dt = target.device, target.dtype
    both = torch.cat([target, canvas]).reshape(6, H * W)       # the target and (a copy of) the canvas so far
    cell = max(1, int(0.25 * (widths[0] + widths[1])))
    error = ((canvas - target) ** 2).sum(0)
    cells = F.avg_pool2d(error[None, None], cell, ceil_mode=True)[0, 0].cpu()
    allowed = torch.ones_like(cells) if where is None else \
        (F.max_pool2d(where[None, None].to(dt), cell, ceil_mode=True)[0, 0].cpu() > 0).to(cells)
    if not allowed.any():
        raise ValueError("choose_strokes: 'where' allows no place on the canvas")
    cells = cells * allowed
    gw = cells.shape[1]
    R = int(math.ceil(0.5 * length * LENGTHS_TRIED[1] + 0.5 * widths[1])) + 1
    offsets = torch.arange(-R, R + 1, device=dev)
    gen = torch.Generator().manual_seed(int(rng.integers(2 ** 62)))
    draws = torch.rand(count, 6, tries, generator=gen).to(dev, dt)
    out = target.new_zeros(count, P)
    scale = target.new_tensor([W, H])
    for k in range(count):
        picked = torch.multinomial((cells + 1e-12 * allowed).flatten(), tries, replacement=True, generator=gen).to(dev)
        r = draws[k]
        cx = (((picked % gw).to(dt) + r[0]) * cell).clamp(0, W - 0.5)
        cy = (((picked // gw).to(dt) + r[1]) * cell).clamp(0, H - 0.5)
        theta = torch.where(r[2] < FREE_ANGLE, r[3] * math.pi, angles[cy.long(), cx.long()])
        wides = widths[0] + (widths[1] - widths[0]) * r[4]
        lengths = length * (LENGTHS_TRIED[0] + (LENGTHS_TRIED[1] - LENGTHS_TRIED[0]) * r[5])
        # Each trial's window: (2R + 1)^2 pixels around its centre; those off the canvas count for nothing.
        ys, xs = cy.long()[:, None] + offsets, cx.long()[:, None] + offsets
        inside = (((ys >= 0) & (ys < H))[:, :, None] & ((xs >= 0) & (xs < W))[:, None, :]).to(dt)
        ys, xs = ys.clamp(0, H - 1), xs.clamp(0, W - 1)
        index = (ys[:, :, None] * W + xs[:, None, :]).flatten()
        want, cur = both.index_select(1, index).view(2, 3, tries, 2 * R + 1, 2 * R + 1).unbind(0)
        dy = ys.to(dt)[:, :, None] + 0.5 - cy[:, None, None]
        dx = xs.to(dt)[:, None, :] + 0.5 - cx[:, None, None]
        cos, sin = torch.cos(theta)[:, None, None], torch.sin(theta)[:, None, None]
        along, across = dx * cos + dy * sin, dy * cos - dx * sin
        half = 0.5 * lengths[:, None, None]
        u = (along / half).clamp(-1, 1)                                   # where along the stroke, -1 .. 1
        dist = torch.sqrt((along - u * half) ** 2 + across ** 2)
        paint = (0.5 * wides[:, None, None] - dist + 0.5).clamp(0, 1) * (inside * opacity)   # (tries, n, n)
        # Colours mid + slope * u, least squares: canvas + paint * (colour - canvas) should be the target.
        asked = paint * (want - cur * (1 - paint))
        p2 = paint * paint
        s0, s1, s2 = p2.sum((1, 2)), (p2 * u).sum((1, 2)), (p2 * u * u).sum((1, 2))
        a0, a1 = asked.sum((2, 3)), (asked * u).sum((2, 3))
        det = (s0 * s2 - s1 * s1).clamp(min=1e-9)
        mid, slope = (a0 * s2 - a1 * s1) / det, (a1 * s0 - a0 * s1) / det
        start, end = (mid - slope).clamp(0, 1), (mid + slope).clamp(0, 1)            # (3, tries)
        colour = 0.5 * (start + end)[:, :, None, None] + 0.5 * (end - start)[:, :, None, None] * u
        new = cur + paint * (colour - cur)
        j = int(torch.argmax(((cur - want) ** 2 - (new - want) ** 2).sum((0, 2, 3))))
        seen = inside[j].flatten() > 0
        both[3:, index.view(tries, -1)[j][seen]] = new[:, j].reshape(3, -1)[:, seen]
        # The error cells under the stroke, afresh.
        y0, x0 = max(0, int(ys[j, 0]) // cell), max(0, int(xs[j, 0]) // cell)
        y1, x1 = int(ys[j, -1]) // cell + 1, int(xs[j, -1]) // cell + 1
        there = both.view(6, H, W)[:, y0 * cell:y1 * cell, x0 * cell:x1 * cell]
        cells[y0:y1, x0:x1] = F.avg_pool2d(((there[3:] - there[:3]) ** 2).sum(0)[None, None], cell,
                                           ceil_mode=True)[0, 0].cpu() * allowed[y0:y1, x0:x1]
        centre = torch.stack([cx[j], cy[j]])
        half_chord = torch.stack([torch.cos(theta[j]), torch.sin(theta[j])]) * (0.5 * lengths[j])
        out[k, P0] = ((centre - half_chord) / scale).clamp(0, 1)
        out[k, P1] = (centre / scale).clamp(0, 1)
        out[k, P2] = ((centre + half_chord) / scale).clamp(0, 1)
        out[k, WIDTHS] = wides[j] / min(H, W)
        out[k, COLOR_START], out[k, COLOR_END] = start[:, j], end[:, j]
        out[k, OPACITY] = opacity
    return out
