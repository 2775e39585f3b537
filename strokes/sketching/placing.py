"""Where the next lines go: many random candidates where the drawing is most wrong, the best kept.

ARIEL draws one line at a time, each the best of 100-200 random lines. Here a
whole batch is chosen at once: ``count`` slots are drawn where the drawing is
most too light (the residual ``target - drawing``, both darkness), each slot
gets ``tries`` candidate lines running along the local edge direction (with
some scatter in angle, position and length), and each candidate is scored in
closed form from the residual along its centreline: laying darkness ``i`` on
a pixel whose residual is ``r`` lowers the squared error by ``2 i r - i^2``,
so the score is ``length * mean(2 r - i)``. Scoring a candidate reads a few
samples of the residual; no candidate is ever rasterized.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

SAMPLES = 16            # residual samples along a candidate line
ANGLE_SCATTER = 0.3     # radians of scatter around the local edge direction
HATCHING = -math.pi / 4  # shading runs from lower left to upper right, as a right hand hatches


def edge_direction(darkness: torch.Tensor, sigma: float, coherence: float = 0.25,
                   hatching: float = HATCHING) -> torch.Tensor:
    """Angle ``(H, W)`` (radians, x right, y down) along which the lines of ``darkness`` ``(H, W)`` should run.

    Along the edges where there are edges: the structure tensor's minor
    eigenvector, smoothed over ``sigma`` pixels (kornia's Sobel gradient and
    Gaussian blur). Where the local structure has no clear direction (its
    coherence ``(l1 - l2) / (l1 + l2)`` is below ``coherence``: flat tone,
    texture) lines run at the ``hatching`` angle, as an artist shades with
    parallel strokes rather than with scribble.
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
    coherent = spread / (jxx + jyy).clamp(min=1e-8)
    return torch.where(coherent >= coherence, across + math.pi / 2, torch.full_like(across, hatching))


def pick_slots(residual: torch.Tensor, count: int, cell: int, generator: torch.Generator) -> torch.Tensor:
    """``(count, 2)`` (x, y) pixel centres drawn with probability ~ positive residual squared, per ``cell`` px cell.

    Cells are drawn without replacement while there are enough of them, so a batch spreads out.
    """
    H, W = residual.shape
    cell = max(1, int(cell))
    e = F.avg_pool2d(residual.clamp(min=0)[None, None], cell, ceil_mode=True)[0, 0]
    gh, gw = e.shape
    weight = (e * e).reshape(-1)
    weight = weight + 1e-6 * float(weight.max().clamp(min=1e-12))               # every cell reachable
    enough = int((weight > 1e-3 * float(weight.max())).sum()) >= count
    flat = torch.multinomial(weight, count, replacement=not enough, generator=generator)
    cy, cx = (flat // gw).to(residual.dtype), (flat % gw).to(residual.dtype)
    jitter = torch.rand(count, 2, generator=generator, dtype=residual.dtype)
    x = ((cx + jitter[:, 0]) * cell).clamp(0, W - 0.5)
    y = ((cy + jitter[:, 1]) * cell).clamp(0, H - 0.5)
    return torch.stack([x, y], 1)


def best_lines(residual: torch.Tensor, angle: torch.Tensor, slots: torch.Tensor, length: float,
               tries: int, intensity: float, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """The best of ``tries`` random straight lines around each slot.

    Args:
        residual: ``(H, W)`` target darkness minus drawing darkness.
        angle: ``(H, W)`` edge direction (:func:`edge_direction`).
        slots: ``(S, 2)`` pixel centres; length: the longest line, pixels.
        intensity: the darkness a new line is scored with.

    Returns:
        ``ends (S, 4)`` (x0, y0, x2, y2 in pixels) and ``score (S,)``.
    """
    H, W = residual.shape
    S, K = len(slots), int(tries)
    dt = residual.dtype
    offset = (torch.rand(S, K, 2, generator=generator, dtype=dt) - 0.5) * (0.5 * length)
    centre = slots[:, None, :] + offset                                          # (S, K, 2)
    centre = torch.stack([centre[..., 0].clamp(0, W - 1e-3), centre[..., 1].clamp(0, H - 1e-3)], -1)
    ix, iy = centre[..., 0].long(), centre[..., 1].long()
    theta = angle[iy, ix] + ANGLE_SCATTER * torch.randn(S, K, generator=generator, dtype=dt)
    half = 0.5 * length * (0.4 + 0.6 * torch.rand(S, K, generator=generator, dtype=dt))
    d = torch.stack([theta.cos(), theta.sin()], -1) * half[..., None]
    a, b = centre - d, centre + d                                                # (S, K, 2)
    t = torch.linspace(0, 1, SAMPLES, dtype=dt)
    pts = a[..., None, :] + (b - a)[..., None, :] * t.view(1, 1, -1, 1)          # (S, K, n, 2)
    grid = torch.stack([pts[..., 0] / W * 2 - 1, pts[..., 1] / H * 2 - 1], -1)
    r = F.grid_sample(residual[None, None], grid.view(1, S, K * SAMPLES, 2), align_corners=False,
                      padding_mode="border")[0, 0].view(S, K, SAMPLES)
    inside = ((pts[..., 0] >= 0) & (pts[..., 0] <= W) & (pts[..., 1] >= 0) & (pts[..., 1] <= H)).to(dt)
    score = 2 * half * ((2 * r - intensity) * inside - intensity * (1 - inside)).mean(-1)    # (S, K)
    best = score.argmax(1)
    pick = torch.arange(S)
    ends = torch.cat([a[pick, best], b[pick, best]], 1)
    return ends, score[pick, best]
