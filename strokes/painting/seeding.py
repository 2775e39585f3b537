"""Where new strokes start: where the canvas is most wrong, with the colour and direction found there.

* :func:`choose_strokes` (the painter's and the video painter's): strokes laid one by one, each the
  best of a few dozen to a few hundred trial strokes placed where the error is, then
  hill-climbed, as fogleman's *primitive* chooses its shapes, before the optimizer
  refines them together (:func:`search`: how hard, by the painting's stroke count);
* :func:`flow_angle` reads the local direction of the image's structure
  (the structure tensor of its luminance): strokes start along edges and
  contours, as a painter follows form;
* :func:`initial_strokes` builds ``(S, 15)`` straight strokes at given places (the renderer benchmark's).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..compositing import luminance
from ..layout import COLOR_END, COLOR_START, OPACITY, P, P0, P1, P2, WIDTHS

TRIES = 32                  # trial strokes per stroke laid, at the least (:func:`choose_strokes`) ...
TRIALS = 25_600             # ... as a painting's strokes share about this many (a few strokes get more each)
CLIMBS = 6                  # rounds of hill climb on a stroke's best trial, at the most ...
CLIMB = 600                 # ... as a painting's strokes share about this many rounds
NUDGES = 16                 # changes of the best trial tried per round
NUDGE = (0.25, 0.25, 0.3, 0.2, 0.2)  # a nudge's spread: x, y (in widths / lengths), angle (rad), width, length (shares)
SCREEN = 3.0                # trials at least this many pixels wide are screened on every other pixel
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


def search(strokes: int) -> tuple[int, int]:
    """Trial strokes and rounds of hill climb per stroke, for a painting of ``strokes`` strokes.

    A painting of few strokes needs each to be as good as it can be, and each is
    cheap next to what it changes; a painting of many shares about :data:`TRIALS`
    trials and :data:`CLIMB` rounds of hill climb among its strokes, never fewer
    than :data:`TRIES` trials or more than :data:`CLIMBS` rounds a stroke.

    >>> search(100), search(250), search(500), search(2000)
    ((256, 6), (102, 2), (51, 1), (32, 0))
    """
    return min(8 * TRIES, max(TRIES, round(TRIALS / strokes))), min(CLIMBS, round(CLIMB / strokes))


def choose_strokes(canvas: torch.Tensor, target: torch.Tensor, angles: torch.Tensor, count: int,
                   widths: tuple[float, float], length: float, rng: np.random.Generator,
                   opacity: float = 0.98, tries: int = TRIES, where: "torch.Tensor | None" = None,
                   climbs: int = 0) -> torch.Tensor:
    """``count`` straight strokes ``(count, 15)`` laid one by one, each the best of ``tries`` trial strokes.

    A trial stroke is a capsule placed in proportion to the squared error of
    the canvas so far (averaged over cells of half a stroke width), along the
    picture's flow (``angles``) or, for a share :data:`FREE_ANGLE` of the
    trials, at a random angle, with a width drawn from ``widths`` and a
    length from :data:`LENGTHS_TRIED` times ``length`` (pixels of the working
    canvas). Its colours are those that fit the target under it best (a
    straight blend from end to end, least squares, over what is already
    there). The best trial is then nudged, ``climbs`` rounds of
    :data:`NUDGES` changes of its place, angle, width and length, each kept
    if it lowers the error more (primitive's hill climb, cut short). The
    stroke is laid on a copy of ``canvas`` before the next one is chosen, so
    the strokes of a batch share out the error instead of all going for the
    same place; the optimizer refines them together afterwards. ``where``
    ``(H, W)``, if given, is nonzero where a stroke may be centred (the video
    painter's changed parts).
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
    trial = _Trials(both, (H, W), int(math.ceil(0.5 * length * LENGTHS_TRIED[1] + 0.5 * widths[1])) + 1, opacity)
    gen = torch.Generator().manual_seed(int(rng.integers(2 ** 62)))
    draws = torch.rand(count, 6, tries, generator=gen).to(dev, dt)
    out = target.new_zeros(count, P)
    scale = target.new_tensor([W, H])
    # Random trials are compared on every other pixel where a hill climb (on every pixel) follows.
    stride = 2 if climbs > 0 and widths[0] >= SCREEN else 1
    spread = target.new_tensor(NUDGE)
    low = target.new_tensor([0.0, 0.0, -math.inf, widths[0], length * LENGTHS_TRIED[0]])      # a nudged trial's bounds
    high = target.new_tensor([W - 0.5, H - 0.5, math.inf, widths[1], length * LENGTHS_TRIED[1]])
    for k in range(count):
        picked = torch.multinomial((cells + 1e-12 * allowed).flatten(), tries, replacement=True, generator=gen).to(dev)
        r = draws[k]
        cx = (((picked % gw).to(dt) + r[0]) * cell).clamp(0, W - 0.5)
        cy = (((picked // gw).to(dt) + r[1]) * cell).clamp(0, H - 0.5)
        theta = torch.where(r[2] < FREE_ANGLE, r[3] * math.pi, angles[cy.long(), cx.long()])
        wides = widths[0] + (widths[1] - widths[0]) * r[4]
        lengths = length * (LENGTHS_TRIED[0] + (LENGTHS_TRIED[1] - LENGTHS_TRIED[0]) * r[5])
        shape = torch.stack([cx, cy, theta, wides, lengths], 1)                 # (tries, 5)
        best = trial.best(shape, stride=stride)
        if stride > 1:
            best = trial.best(best.shape[None])                # its gain, colours and paint on every pixel
        for _ in range(climbs):                                  # hill climb: nudges of the best so far
            s = best.shape
            size = s.new_tensor([s[3], s[4], 1.0, s[3], s[4]]) * spread
            nudged = s + size * torch.randn(NUDGES, 5, generator=gen).to(dev, dt)
            nudged = torch.cat([s[None], torch.maximum(torch.minimum(nudged, high), low)])
            if where is not None:
                inside = where[nudged[:, 1].long(), nudged[:, 0].long()] != 0
                inside[0] = True                                 # the best so far stays a candidate
                nudged = nudged[inside]
            best = trial.best(nudged, best)
        trial.lay(best)
        # The error cells under the stroke, afresh.
        y0, x0 = max(0, best.top // cell), max(0, best.left // cell)
        y1, x1 = best.bottom // cell + 1, best.right // cell + 1
        there = both.view(6, H, W)[:, y0 * cell:y1 * cell, x0 * cell:x1 * cell]
        cells[y0:y1, x0:x1] = F.avg_pool2d(((there[3:] - there[:3]) ** 2).sum(0)[None, None], cell,
                                           ceil_mode=True)[0, 0].cpu() * allowed[y0:y1, x0:x1]
        cx, cy, theta, wide, long = best.shape
        centre = torch.stack([cx, cy])
        half_chord = torch.stack([torch.cos(theta), torch.sin(theta)]) * (0.5 * long)
        out[k, P0] = ((centre - half_chord) / scale).clamp(0, 1)
        out[k, P1] = (centre / scale).clamp(0, 1)
        out[k, P2] = ((centre + half_chord) / scale).clamp(0, 1)
        out[k, WIDTHS] = wide / min(H, W)
        out[k, COLOR_START], out[k, COLOR_END] = best.start, best.end
        out[k, OPACITY] = opacity
    return out


@dataclass
class _Trial:
    """The best trial stroke so far: its shape ``(cx, cy, angle, width, length)`` (pixels, radians),
    colours, how much it lowers the squared error, and what it paints in its window."""

    shape: torch.Tensor
    gain: float
    start: torch.Tensor
    end: torch.Tensor
    pixels: torch.Tensor    # flat canvas index of its window's pixels on the canvas
    paint: torch.Tensor     # (3, n) the canvas there with the stroke laid
    top: int
    left: int
    bottom: int
    right: int


class _Trials:
    """Scores trial capsules on the canvas of ``both`` ``(6, H * W)`` (target, then canvas so far)."""

    def __init__(self, both: torch.Tensor, size, R: int, opacity: float):
        self.both, self.size, self.opacity = both, size, opacity
        self.offsets = torch.arange(-R, R + 1, device=both.device)

    def best(self, shape: torch.Tensor, so_far: "_Trial | None" = None, stride: int = 1) -> _Trial:
        """The trial of ``shape`` ``(T, 5)`` that lowers the error most (or ``so_far``, if none does more).

        ``stride``: read every ``stride``-th pixel of the windows across and down (an estimate, for
        comparing trials quickly; what is laid is worked out on every pixel).
        """
        H, W = self.size
        dt = shape.dtype
        cx, cy, theta, wides, lengths = shape.unbind(1)
        offsets = self.offsets[self.offsets % stride == 0]
        T, n = len(shape), len(offsets)
        # Each trial's window: (2R + 1)^2 pixels around its centre; those off the canvas count for nothing.
        ys, xs = cy.long()[:, None] + offsets, cx.long()[:, None] + offsets
        inside = (((ys >= 0) & (ys < H))[:, :, None] & ((xs >= 0) & (xs < W))[:, None, :]).to(dt)
        ys, xs = ys.clamp(0, H - 1), xs.clamp(0, W - 1)
        index = (ys[:, :, None] * W + xs[:, None, :]).flatten()
        want, cur = self.both.index_select(1, index).view(2, 3, T, n, n).unbind(0)
        dy = ys.to(dt)[:, :, None] + 0.5 - cy[:, None, None]
        dx = xs.to(dt)[:, None, :] + 0.5 - cx[:, None, None]
        cos, sin = torch.cos(theta)[:, None, None], torch.sin(theta)[:, None, None]
        along, across = dx * cos + dy * sin, dy * cos - dx * sin
        half = 0.5 * lengths[:, None, None]
        u = (along / half).clamp(-1, 1)                                   # where along the stroke, -1 .. 1
        dist = torch.sqrt((along - u * half) ** 2 + across ** 2)
        paint = (0.5 * wides[:, None, None] - dist + 0.5).clamp(0, 1) * (inside * self.opacity)   # (T, n, n)
        # Colours mid + slope * u, least squares: canvas + paint * (colour - canvas) should be the target.
        asked = paint * (want - cur * (1 - paint))
        p2 = paint * paint
        s0, s1, s2 = p2.sum((1, 2)), (p2 * u).sum((1, 2)), (p2 * u * u).sum((1, 2))
        a0, a1 = asked.sum((2, 3)), (asked * u).sum((2, 3))
        det = (s0 * s2 - s1 * s1).clamp(min=1e-9)
        mid, slope = (a0 * s2 - a1 * s1) / det, (a1 * s0 - a0 * s1) / det
        start, end = (mid - slope).clamp(0, 1), (mid + slope).clamp(0, 1)            # (3, T)
        colour = 0.5 * (start + end)[:, :, None, None] + 0.5 * (end - start)[:, :, None, None] * u
        new = cur + paint * (colour - cur)
        gains = ((cur - want) ** 2 - (new - want) ** 2).sum((0, 2, 3))
        j = int(torch.argmax(gains))
        if so_far is not None and not float(gains[j]) > so_far.gain:
            return so_far
        seen = inside[j].flatten() > 0
        return _Trial(shape[j], float(gains[j]), start[:, j], end[:, j], index.view(T, -1)[j][seen],
                      new[:, j].reshape(3, -1)[:, seen], int(ys[j, 0]), int(xs[j, 0]), int(ys[j, -1]), int(xs[j, -1]))

    def lay(self, trial: _Trial) -> None:
        """Put ``trial``'s paint on the canvas."""
        self.both[3:, trial.pixels] = trial.paint
