"""Painting in the manner of a style image: a sliced-Wasserstein term on colours and small patches.

:class:`StyleLoss` is the painter's ``extra_loss``: at each of a few scales
(the canvas as it is, and average-pooled by 2 and 4) it samples pixels of the
working canvas and compares, by the sliced Wasserstein-2 distance, their
colours ``(N, 3)`` and their 3x3 neighbourhoods ``(N, 27)`` with those of the
style image at the same scale and canvas size. The pixel loss keeps the
content; this term pulls the painting's palette and local texture towards the
style image's. :func:`sliced_wasserstein` is a torch version of POT's
``ot.sliced_wasserstein_distance`` (same projections, same value for equal,
uniformly weighted samples; checked against POT in the tests) that carries
gradients and compares samples of different sizes by their quantiles.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

SCALES = (1, 2, 4)        # average-pooling factors the statistics are compared at
SAMPLES = 768             # canvas pixels sampled per scale and step
STYLE_SAMPLES = 4096      # style-image pixels per scale (fixed)
WEIGHT = 0.3              # default weight of the term next to the painter's pixel loss
PROJECTIONS = 32          # random directions per distance


def projections(dim: int, count: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """``(dim, count)`` unit directions, uniformly random (the layout POT's ``projections`` takes)."""
    p = torch.randn(dim, count, generator=generator, dtype=torch.float64)
    return p / p.norm(dim=0, keepdim=True)


def sliced_wasserstein(x: torch.Tensor, y: torch.Tensor, directions: torch.Tensor,
                       y_sorted: torch.Tensor | None = None) -> torch.Tensor:
    """Sliced Wasserstein-2 distance of ``x (N, d)`` and ``y (M, d)`` (uniform weights) along ``directions (d, P)``.

    ``sqrt(mean over directions of W2^2 of the projected samples)``; for ``N != M`` the sorted
    projections of ``y`` are read at the quantiles of ``x``'s. ``y_sorted`` (``(P, M)``, from
    :func:`sorted_projections`) stands in for ``y`` when it is fixed. Differentiable in ``x`` and ``y``.
    """
    d = directions.to(x)
    px = _sort_rows(d.T @ x.T)                             # (P, N)
    py = sorted_projections(y.to(x), d) if y_sorted is None else y_sorted.to(x)
    N, M = px.shape[1], py.shape[1]
    if M != N:
        q = (torch.arange(N, device=x.device, dtype=x.dtype) + 0.5) / N * M - 0.5
        low = q.floor().clamp(0, M - 1).long()
        high = (low + 1).clamp(max=M - 1)
        t = (q - low.to(q)).clamp(0, 1)
        py = py[:, low] * (1 - t) + py[:, high] * t
    return ((px - py) ** 2).mean().sqrt()


def sorted_projections(y: torch.Tensor, directions: torch.Tensor) -> torch.Tensor:
    """``(P, M)``: samples ``y (M, d)`` projected on ``directions (d, P)``, sorted along each direction."""
    return _sort_rows(directions.to(y).T @ y.T)


def _sort_rows(t: torch.Tensor) -> torch.Tensor:
    """Each row of ``t (P, N)`` sorted, differentiably; on a CPU numpy's sort finds the order (it is ~10x faster)."""
    if t.device.type != "cpu":
        return torch.sort(t, dim=1).values
    order = torch.from_numpy(t.detach().numpy().argsort(axis=1))
    return t.gather(1, order)


def _patches(image: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor) -> torch.Tensor:
    """3x3 neighbourhoods ``(N, 27)`` of ``image (3, H, W)`` at pixels ``rows, cols (N,)`` (edges replicated)."""
    _, H, W = image.shape
    flat = image.reshape(3, -1)
    r = (rows.view(-1, 1) + torch.tensor([-1, -1, -1, 0, 0, 0, 1, 1, 1], device=rows.device)).clamp(0, H - 1)
    c = (cols.view(-1, 1) + torch.tensor([-1, 0, 1, -1, 0, 1, -1, 0, 1], device=rows.device)).clamp(0, W - 1)
    picked = flat[:, (r * W + c).view(-1)].view(3, len(rows), 9)                         # (3, N, 9)
    return picked.permute(1, 2, 0).reshape(len(rows), 27)                                # pixel-major


class StyleLoss:
    """``weight`` x the sliced-Wasserstein distance of colours and 3x3 patches to a style image, over :data:`SCALES`.

    Args:
        style_image: ``(3, H, W)`` in [0, 1].
        weight: its weight next to the painter's pixel loss.
        seed: fixes the projections and the canvas samples (a new sample every call, from this seed).

    Called with a working canvas ``(3, h, w)`` in [0, 1]; returns a scalar tensor.
    """

    def __init__(self, style_image: torch.Tensor, weight: float = WEIGHT, seed: int = 0):
        self.style = style_image.float().clamp(0, 1)
        self.weight = float(weight)
        self.generator = torch.Generator().manual_seed(seed)
        self.colour_dirs = projections(3, PROJECTIONS, self.generator).float()
        self.patch_dirs = projections(27, PROJECTIONS, self.generator).float()
        self._cache: dict = {}

    def _style_at(self, size, scale: int):
        key = (tuple(size), scale)
        if key not in self._cache:
            from ..painter import resize
            h, w = max(1, size[0] // scale), max(1, size[1] // scale)
            small = resize(self.style, (h, w))
            g = torch.Generator().manual_seed(1000 + scale)
            n = min(STYLE_SAMPLES, h * w)
            flat = torch.randperm(h * w, generator=g)[:n]
            patches = _patches(small, flat // w, flat % w)
            self._cache[key] = (sorted_projections(patches[:, 12:15], self.colour_dirs.float()),  # centre pixel
                                sorted_projections(patches, self.patch_dirs.float()))            # whole patch
        return self._cache[key]

    def distance(self, canvas: torch.Tensor) -> torch.Tensor:
        """The unweighted term: mean over scales of colour plus patch distances."""
        total = canvas.new_zeros(())
        for scale in SCALES:
            image = canvas if scale == 1 else F.avg_pool2d(canvas[None], scale)[0]
            h, w = image.shape[-2:]
            if h < 3 or w < 3:
                continue
            n = min(SAMPLES, h * w)
            flat = torch.randint(0, h * w, (n,), generator=self.generator).to(canvas.device)
            patches = _patches(image, flat // w, flat % w)
            colours_ref, patches_ref = self._style_at(canvas.shape[-2:], scale)
            total = total + sliced_wasserstein(patches[:, 12:15], None, self.colour_dirs, colours_ref) \
                + sliced_wasserstein(patches, None, self.patch_dirs, patches_ref)
        return total / len(SCALES)

    def __call__(self, canvas: torch.Tensor) -> torch.Tensor:
        return self.weight * self.distance(canvas)
