"""Where the next lines go: many random candidates where the drawing is most wrong, the best kept.

ARIEL draws one line at a time, each the best of 100-200 random lines. Here a
whole batch is chosen at once: slots are drawn on the pixels where the
drawing is most too light (the residual ``target - drawing``, both
darkness), a few more than the batch needs; each slot gets ``tries``
candidate lines running along the local edge direction (with some scatter in
angle and position), and each candidate is scored in closed form from the
residual along its centreline: laying darkness ``i`` on a pixel whose
residual is ``r`` lowers the squared error by ``2 i r - i^2``, so a line's
score is the sum of ``2 r - i`` along it. Each half of a candidate stops
where that sum, from the centre out, is largest: the line ends where its
edge ends. Scoring a candidate reads a few samples of the residual; no
candidate is ever rasterized. The best-scoring slots make the batch.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

SAMPLES = 32            # residual samples along a candidate line (half on each side of its centre)
SHORTEST = 0.5          # a line is at least this share of the batch's length
OUTREACH = 1.5          # and at most this many times its half length, if its edge runs on
ANGLE_SCATTER = 0.3     # radians of scatter around the local edge direction
HATCHING = -math.pi / 4  # shading runs from lower left to upper right, as a right hand hatches


def edge_direction(darkness: torch.Tensor, sigma: float, coherence: float = 0.45,
                   hatching: float = HATCHING) -> tuple[torch.Tensor, torch.Tensor]:
    """Angle ``(H, W)`` (radians, x right, y down) along which the lines of ``darkness`` ``(H, W)`` should run,
    and how clear that direction is ``(H, W)`` in [0, 1].

    Along the edges where there are edges: the structure tensor's minor
    eigenvector, smoothed over ``sigma`` pixels (kornia's Sobel gradient and
    Gaussian blur). Its coherence ``(l1 - l2) / (l1 + l2)`` (1 on a clean
    edge, near 0 in flat tone and texture) is the second result. Where it is
    below ``coherence`` lines run at the ``hatching`` angle, as an artist
    shades with parallel strokes rather than with scribble.
    """
    from kornia.filters import gaussian_blur2d, spatial_gradient
    g = spatial_gradient(darkness[None, None], mode="sobel")[0, 0]          # (2, H, W): d/dx, d/dy
    gx, gy = g[0], g[1]
    k = max(3, 2 * int(math.ceil(2.5 * sigma)) + 1)
    J = gaussian_blur2d(torch.stack([gx * gx, gx * gy, gy * gy])[None], (k, k), (sigma, sigma),
                        border_type="reflect")[0]
    jxx, jxy, jyy = J
    across = 0.5 * torch.atan2(2 * jxy, jxx - jyy)                           # strongest change
    spread = torch.sqrt((jxx - jyy) ** 2 + 4 * jxy ** 2)
    coherent = (spread / (jxx + jyy).clamp(min=1e-8)).clamp(0, 1)
    angle = torch.where(coherent >= coherence, across + math.pi / 2, torch.full_like(across, hatching))
    return angle, coherent


def pick_slots(residual: torch.Tensor, count: int, cell: int, generator: torch.Generator) -> torch.Tensor:
    """``(count, 2)`` (x, y) pixel centres where the drawing is most too light: on the edges still to draw.

    A ``cell`` px cell is drawn with probability ~ its mean positive residual
    squared (without replacement while enough cells hold a tenth of the
    worst one's, so a batch spreads out over the picture rather than over the
    paper's specks), then a pixel inside it with probability ~ its own
    positive residual squared, so a slot lies on the edge, not near it.
    """
    H, W = residual.shape
    cell = max(1, int(cell))
    positive = residual.clamp(min=0)
    e = F.avg_pool2d(positive[None, None], cell, ceil_mode=True)[0, 0]
    gh, gw = e.shape
    weight = (e * e).reshape(-1)
    weight = weight + 1e-6 * float(weight.max().clamp(min=1e-12))               # every cell reachable
    enough = int((weight > 1e-2 * float(weight.max())).sum()) >= count
    flat = torch.multinomial(weight, count, replacement=not enough, generator=generator)
    padded = F.pad(positive, (0, gw * cell - W, 0, gh * cell - H))
    cells = padded.view(gh, cell, gw, cell).permute(0, 2, 1, 3).reshape(gh * gw, cell * cell)
    inside = cells[flat] ** 2
    inside = inside + 1e-6 * inside.amax(1, keepdim=True).clamp(min=1e-12)
    pixel = torch.multinomial(inside, 1, generator=generator)[:, 0]
    jitter = torch.rand(count, 2, generator=generator, dtype=residual.dtype)
    x = ((flat % gw) * cell + pixel % cell).to(residual.dtype) + jitter[:, 0]
    y = ((flat // gw) * cell + pixel // cell).to(residual.dtype) + jitter[:, 1]
    return torch.stack([x.clamp(0, W - 0.5), y.clamp(0, H - 0.5)], 1)


def _soften(residual: torch.Tensor) -> torch.Tensor:
    """``residual`` ``(H, W)`` blurred by ``[1, 2, 1] / 4`` both ways: a candidate a pixel off its edge still sees it."""
    k = residual.new_tensor([0.25, 0.5, 0.25])
    x = F.pad(residual[None, None], (1, 1, 1, 1), mode="replicate")
    return F.conv2d(x, (k.view(-1, 1) * k.view(1, -1))[None, None])[0, 0]


def best_lines(residual: torch.Tensor, angle: torch.Tensor, slots: torch.Tensor, length: float,
               tries: int, intensity: float, generator: torch.Generator,
               shortest: float = SHORTEST) -> tuple[torch.Tensor, torch.Tensor]:
    """The best of ``tries`` random straight lines through each slot, each end stopped where its edge ends.

    A candidate passes near the slot (slid along the local edge direction by
    up to a quarter of ``length``, and up to a pixel and a half across it) at
    the local edge direction give or take ``ANGLE_SCATTER``. Each of its two
    halves reaches out at most ``OUTREACH * length / 2`` and stops where the
    gain summed from the centre outward is largest: a line ends where its
    edge ends instead of running on over bare paper, but the two together make
    a line at least ``shortest`` of ``length``.

    Args:
        residual: ``(H, W)`` target darkness minus drawing darkness.
        angle: ``(H, W)`` edge direction (:func:`edge_direction`).
        slots: ``(S, 2)`` pixel centres; length: the longest line, pixels.
        intensity: the darkness a new line is scored with.

    Returns:
        ``ends (S, 4)`` (x0, y0, x2, y2 in pixels) and ``score (S,)`` (the fall of the squared error, ~ pixels).
    """
    H, W = residual.shape
    S, K = len(slots), int(tries)
    dt = residual.dtype
    ix = slots[:, 0].long().clamp(0, W - 1)
    iy = slots[:, 1].long().clamp(0, H - 1)
    theta = angle[iy, ix].view(-1, 1) + ANGLE_SCATTER * torch.randn(S, K, generator=generator, dtype=dt)
    along = torch.stack([theta.cos(), theta.sin()], -1)                         # (S, K, 2)
    across = torch.stack([-along[..., 1], along[..., 0]], -1)
    slide = (torch.rand(S, K, 1, generator=generator, dtype=dt) - 0.5) * (0.5 * length)
    shift = (torch.rand(S, K, 1, generator=generator, dtype=dt) - 0.5) * 3.0
    centre = slots[:, None, :] + slide * along + shift * across                 # (S, K, 2)
    n = SAMPLES // 2
    step = OUTREACH * 0.5 * length / n
    t = (torch.arange(n, dtype=dt) + 0.5) * step                                # distance from the centre
    sides = torch.stack([centre[:, :, None, :] - t.view(1, 1, -1, 1) * along[:, :, None, :],
                         centre[:, :, None, :] + t.view(1, 1, -1, 1) * along[:, :, None, :]], 2)   # (S, K, 2, n, 2)
    grid = torch.stack([sides[..., 0] / W * 2 - 1, sides[..., 1] / H * 2 - 1], -1)
    soft = _soften(residual)
    r = F.grid_sample(soft[None, None], grid.view(1, S, K * 2 * n, 2), align_corners=False,
                      padding_mode="border")[0, 0].view(S, K, 2, n)
    inside = ((sides[..., 0] >= 0) & (sides[..., 0] <= W) & (sides[..., 1] >= 0) & (sides[..., 1] <= H)).to(dt)
    gain = step * ((2 * r - intensity) * inside - intensity * (1 - inside))     # (S, K, 2, n)
    total = gain.cumsum(-1)
    # The best pair of reaches (one per half) that makes a line at least ``shortest`` of ``length``:
    # too short a line reads as a dot.
    pair = total[:, :, 0, :, None] + total[:, :, 1, None, :]                   # (S, K, n, n)
    k = torch.arange(1, n + 1, dtype=dt)
    long_enough = (k.view(-1, 1) + k.view(1, -1)) * step >= min(shortest * length, 2 * n * step)
    score, flat = torch.where(long_enough, pair, torch.full_like(pair, -math.inf)).flatten(2).max(-1)
    reach = torch.stack([flat // n + 1, flat % n + 1], -1).to(dt) * step      # (S, K, 2)
    best = score.argmax(1)
    pick = torch.arange(S)
    c, d = centre[pick, best], along[pick, best]
    r0, r1 = reach[pick, best, 0:1], reach[pick, best, 1:2]
    ends = torch.cat([c - r0 * d, c + r1 * d], 1)
    return ends, score[pick, best]
