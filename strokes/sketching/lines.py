"""Lines as darkness on paper: a small differentiable rasterizer for the sketcher.

A drawing is held as *darkness* ``(H, W)`` in [0, 1] (0 = bare paper). A line
is a slightly bent centreline P0 -> M -> P2 (two straight pieces through the
quadratic Bezier's midpoint ``M``), a width (pixels) and an intensity in
[0, 1]: its darkness at a pixel ``d`` pixels from the centreline is
``intensity * (1 - d^2 / (3 sigma)^2)^3`` for ``d < 3 sigma`` (a bell close to
a Gaussian of deviation ``sigma``, but cheaper and zero past ``3 sigma``), with
``sigma = width / 2.5`` (about the graphite of a solid line of that width). Lines lay over each
other like layers of graphite: ``1 - darkness`` multiplies, so a drawing is
darker where lines cross and the order of lines does not matter.

Each line is drawn only on the pixels near it: a *strip* that follows the
line, one pixel column (or row, for a steep line) at a time, ``2 R + 1``
pixels across (:func:`line_strips`), which for a long line is a few times
fewer pixels than its bounding square. :func:`lay_lines` adds the strips onto
the canvas with one ``index_add``, so a batch of lines costs ``O(S L R + H W)``
per step.
"""
from __future__ import annotations

import math

import torch

SIGMA_PER_WIDTH = 1 / 2.5   # sigma of the line's cross profile, per pixel of width
MIN_SIGMA = 0.6             # thinner profiles alias on the pixel grid
_DARKEST = 0.98             # one line lets at least this much paper through: log(1 - a) stays finite


def line_darkness(ends: torch.Tensor, mid: torch.Tensor, width: torch.Tensor, intensity: torch.Tensor,
                  px: torch.Tensor, py: torch.Tensor) -> torch.Tensor:
    """Darkness of each line at pixel centres ``px``, ``py``; differentiable in every line parameter.

    Args:
        ends: ``(S, 4)`` x0, y0, x2, y2 in canvas pixels (pixel centres at ``i + 0.5``).
        mid: ``(S, 2)`` the centreline's middle point M, pixels.
        width: ``(S,)`` pixels; intensity: ``(S,)`` in [0, 1].
        px, py: pixel centres of each line, broadcasting to ``(S, n, m)``
            (:func:`line_strips`, or :func:`window_pixels` for a square window).

    Returns:
        ``(S, n, m)`` darkness in [0, 1].
    """
    a, b, m = ends[:, 0:2], ends[:, 2:4], mid
    d2 = torch.minimum(_segment_d2(px, py, a, m), _segment_d2(px, py, m, b))
    sigma = (width * SIGMA_PER_WIDTH).clamp(min=MIN_SIGMA).view(-1, 1, 1)
    bell = (1 - d2 / (3 * sigma) ** 2).clamp(min=0)
    return intensity.view(-1, 1, 1) * bell * bell * bell


def _segment_d2(px, py, a, b):
    """Squared distance of pixels ``px (S, 1, w)``, ``py (S, h, 1)`` to segments ``a -> b`` ``(S, 2)``."""
    ax, ay = a[:, 0].view(-1, 1, 1), a[:, 1].view(-1, 1, 1)
    dx, dy = (b[:, 0] - a[:, 0]).view(-1, 1, 1), (b[:, 1] - a[:, 1]).view(-1, 1, 1)
    qx, qy = px - ax, py - ay
    t = ((qx * dx + qy * dy) / (dx * dx + dy * dy + 1e-6)).clamp(0, 1)
    ex, ey = qx - t * dx, qy - t * dy
    return ex * ex + ey * ey


def window_pixels(tops: torch.Tensor, lefts: torch.Tensor, side: int, dtype=torch.float32):
    """Pixel centres ``px (S, 1, side)`` and ``py (S, side, 1)`` of square windows at ``tops``, ``lefts``."""
    ar = torch.arange(side, dtype=dtype, device=tops.device) + 0.5
    return lefts.to(dtype).view(-1, 1, 1) + ar.view(1, 1, -1), tops.to(dtype).view(-1, 1, 1) + ar.view(1, -1, 1)


def line_strips(ends: torch.Tensor, mid: torch.Tensor, width: float, size):
    """The pixels near each line: ``px, py`` ``(S, n, m)`` pixel centres and their flat canvas index ``(S * n * m,)``.

    A line runs mostly along x or mostly along y (its *major* axis); its strip
    takes every pixel column (or row) the line spans, plus its profile's
    reach at both ends, and in each the ``m = 2 R + 1`` pixels centred on the
    line, with ``R`` the reach of the profile of a line ``width`` pixels wide
    measured along the minor axis. Off-canvas pixels get the index ``H * W``.
    """
    H, W = size
    S = len(ends)
    with torch.no_grad():
        reach = 3 * max(width * SIGMA_PER_WIDTH, MIN_SIGMA)
        R = int(math.ceil(reach * math.sqrt(2))) + 1
        a, b, m = ends[:, 0:2], ends[:, 2:4], mid
        steep = (b[:, 1] - a[:, 1]).abs() > (b[:, 0] - a[:, 0]).abs()                # major axis y
        major = lambda p: torch.where(steep, p[:, 1], p[:, 0])                       # noqa: E731
        minor = lambda p: torch.where(steep, p[:, 0], p[:, 1])                       # noqa: E731
        ua, ub, um = major(a), major(b), major(m)
        va, vb, vm = minor(a), minor(b), minor(m)
        lo = torch.minimum(ua, ub) - reach
        n = int(math.ceil(float((torch.maximum(ua, ub) - torch.minimum(ua, ub)).max()) + 2 * reach)) + 2 if S else 1
        first = torch.floor(lo)
        u = first.view(-1, 1) + torch.arange(n, dtype=ends.dtype).view(1, -1) + 0.5    # (S, n) centres
        # The centreline's minor coordinate at u: piecewise linear through a, m, b (clamped past the ends).
        v = torch.where(((u - ua.view(-1, 1)) * (um - ua).view(-1, 1)) <= ((um - ua) ** 2).view(-1, 1),
                        _interp(u, ua, va, um, vm), _interp(u, um, vm, ub, vb))
        centre = torch.floor(v).view(S, n, 1)
        vv = centre + torch.arange(-R, R + 1, dtype=ends.dtype).view(1, 1, -1) + 0.5  # (S, n, m)
        uu = u.view(S, n, 1).expand_as(vv)
        st = steep.view(-1, 1, 1)
        px, py = torch.where(st, vv, uu), torch.where(st, uu, vv)
        ix, iy = torch.floor(px).long(), torch.floor(py).long()
        inside = (ix >= 0) & (ix < W) & (iy >= 0) & (iy < H)
        index = torch.where(inside, iy * W + ix, torch.full_like(ix, H * W)).reshape(-1)
    return px, py, index


def _interp(u, u0, v0, u1, v1):
    """Linear interpolation ``v(u)`` through ``(u0, v0)``, ``(u1, v1)`` (each ``(S,)``), clamped to the segment."""
    span = (u1 - u0)
    t = ((u - u0.view(-1, 1)) / torch.where(span.abs() < 1e-6, torch.ones_like(span), span).view(-1, 1)).clamp(0, 1)
    return v0.view(-1, 1) + t * (v1 - v0).view(-1, 1)


def window_index(tops: torch.Tensor, lefts: torch.Tensor, side: int, size) -> tuple[torch.Tensor, torch.Tensor]:
    """Flat canvas index ``(S * side * side,)`` of every window pixel (``H * W`` off the canvas) and the on-canvas mask ``(S, side, side)``."""
    H, W = size
    ar = torch.arange(side, device=tops.device)
    rows = tops.view(-1, 1, 1) + ar.view(1, -1, 1)
    cols = lefts.view(-1, 1, 1) + ar.view(1, 1, -1)
    inside = (rows >= 0) & (rows < H) & (cols >= 0) & (cols < W)
    return torch.where(inside, rows * W + cols, torch.full_like(rows, H * W)).reshape(-1), inside


def lay_lines(paper: torch.Tensor, dark: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """Darkness ``(H, W)`` of the drawing ``paper`` ``(H, W)`` with the lines' darkness ``dark`` ``(S, n, m)`` on it.

    ``index`` is the flat canvas index of every pixel of ``dark`` (:func:`line_strips`). ``1 - result = (1 - paper) * prod_i (1 - dark_i)``.
    """
    H, W = paper.shape
    clear = torch.log1p(-dark.clamp(0, _DARKEST)).reshape(-1)
    through = paper.new_zeros(H * W + 1).index_add(0, index, clear)[:H * W].view(H, W)
    return 1 - (1 - paper) * through.exp()


def draw_lines(paper: torch.Tensor, ends: torch.Tensor, mid: torch.Tensor, width: torch.Tensor,
               intensity: torch.Tensor, chunk: int = 256) -> torch.Tensor:
    """Lay many lines (see :func:`line_darkness` for the arguments) on ``paper`` ``(H, W)``, in chunks; no gradients."""
    H, W = paper.shape
    with torch.no_grad():
        for start in range(0, len(ends), chunk):
            e, m = ends[start:start + chunk], mid[start:start + chunk]
            w, i = width[start:start + chunk], intensity[start:start + chunk]
            px, py, index = line_strips(e, m, float(w.max()), (H, W))
            paper = lay_lines(paper, line_darkness(e, m, w, i, px, py), index)
    return paper


def line_windows(ends: torch.Tensor, mid: torch.Tensor, width: torch.Tensor, margin: float = 0.0):
    """Square windows ``(tops, lefts, side)`` that hold each line, its profile and ``margin`` more pixels."""
    xs = torch.stack([ends[:, 0], ends[:, 2], mid[:, 0]], 1)
    ys = torch.stack([ends[:, 1], ends[:, 3], mid[:, 1]], 1)
    reach = 3 * (width * SIGMA_PER_WIDTH).clamp(min=MIN_SIGMA) + margin + 1
    extent = torch.maximum(xs.amax(1) - xs.amin(1), ys.amax(1) - ys.amin(1)) + 2 * reach
    side = int(torch.ceil(extent.max()).item()) + 1 if len(ends) else 1
    cx = 0.5 * (xs.amin(1) + xs.amax(1))
    cy = 0.5 * (ys.amin(1) + ys.amax(1))
    return torch.floor(cy - side / 2).long(), torch.floor(cx - side / 2).long(), side
