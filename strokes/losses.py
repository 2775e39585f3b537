"""Losses that compare a painting with its target image.

* :func:`pixel_loss`: mean absolute difference, the workhorse. It is blind
  to a stroke that does not overlap the part of the image it should paint:
  moving such a stroke a little changes nothing, so its gradient is zero.
* :func:`sinkhorn_loss`: an optimal-transport (entropic Wasserstein) distance
  between where paint *is* on the canvas and where it *should be*, which
  tells such a stroke which way to go. Both pictures become mass
  distributions on a coarse grid (:func:`paint_mass`); the transport cost is
  the squared distance in canvas units (the longer side is 1).

The Sinkhorn solver works in the log domain and is *separable*: the cost of
moving mass between grid cells is ``dx^2 + dy^2``, so the Gibbs kernel is a
product of a row kernel and a column kernel and each iteration costs
``O(h w (h + w))`` instead of ``O((h w)^2)``. Tests check it against
``ot.sinkhorn2`` from POT on small grids. Gradients use the converged dual
potentials (the envelope theorem), so backpropagation does not unroll the
iterations: ``d OT / d a = f`` and ``d OT / d b = g``.
"""
from __future__ import annotations

from typing import NamedTuple

import warnings

import torch
import torch.nn.functional as F

__all__ = ["pixel_loss", "paint_mass", "grid_cost", "sinkhorn", "sinkhorn_loss", "transport_loss",
           "SinkhornResult"]


def pixel_loss(canvas: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean absolute difference of two images ``(..., 3, H, W)`` in [0, 1]; a scalar.

    >>> pixel_loss(torch.zeros(3, 2, 2), torch.ones(3, 2, 2)).item()
    1.0
    """
    if canvas.shape != target.shape:
        raise ValueError(f"expected canvas and target of the same shape, got {tuple(canvas.shape)} "
                         f"and {tuple(target.shape)}")
    return (canvas - target).abs().mean()


def paint_mass(image: torch.Tensor, background: torch.Tensor, grid: tuple[int, int]) -> torch.Tensor:
    """Where paint is: a probability distribution ``(h, w)`` on a coarse grid.

    The mass of a pixel is how far its colour is from the bare canvas
    (mean absolute difference over RGB, smoothed at 0 so it stays
    differentiable), averaged into ``grid`` cells; a small floor keeps every
    cell reachable. ``image`` is ``(3, H, W)``, ``background`` ``(3,)``.

    >>> m = paint_mass(torch.ones(3, 8, 8), torch.zeros(3), (4, 4))
    >>> m.shape, round(float(m.sum()), 6)
    (torch.Size([4, 4]), 1.0)
    """
    d = image - background.view(3, 1, 1).to(image)
    mass = torch.sqrt(d * d + 1e-6).mean(0, keepdim=True)            # (1, H, W)
    mass = F.adaptive_avg_pool2d(mass[None], grid)[0, 0]             # (h, w)
    mass = mass + 1e-3 * mass.detach().mean() + 1e-9
    return mass / mass.sum()


def grid_cost(h: int, w: int, dtype=torch.float64, device=None) -> tuple[torch.Tensor, torch.Tensor]:
    """Squared distances between cell centres along y ``(h, h)`` and along x ``(w, w)``.

    Canvas units: the longer side of the grid is 1.
    """
    unit = 1.0 / max(h, w)
    ys = (torch.arange(h, dtype=dtype, device=device) + 0.5) * unit
    xs = (torch.arange(w, dtype=dtype, device=device) + 0.5) * unit
    return (ys[:, None] - ys[None]) ** 2, (xs[:, None] - xs[None]) ** 2


def _lse_grid(z: torch.Tensor, ly: torch.Tensor, lx: torch.Tensor) -> torch.Tensor:
    """``log sum_j exp(z_j + ly[yi, yj] + lx[xi, xj])`` for every cell i, one axis at a time.

    ``z`` is ``(h, w)`` over cells j = (yj, xj); ``ly`` ``(h, h)``, ``lx`` ``(w, w)``.
    """
    t = torch.logsumexp(z[:, None, :] + lx[None], dim=2)              # (h, w): [yj, xi]
    return torch.logsumexp(t[None, :, :] + ly[:, :, None], dim=1)      # (h, w): [yi, xi]


CHECK_EVERY = 10   # iterations between two looks at the marginal error


def _scaling_potentials(a, b, cy, cx, reg, iters, tol):
    """Sinkhorn's matrix scaling with the separable kernel ``ky (x) kx``: two small matmuls a step.

    Fast; in float64 it stays finite for ``reg`` down to about 0.003. Returns
    ``(f, g, error)``: the potentials and the last L1 error of the first marginal.
    """
    ky, kx = torch.exp(-cy / reg), torch.exp(-cx / reg)
    ky, kx = ky * (ky > 1e-40), kx * (kx > 1e-40)    # tiny entries matter not, and denormals are slow
    v = torch.ones_like(b)
    error = float("inf")
    flush = torch.set_flush_denormal(True)             # products of small numbers: flush, don't crawl
    try:
        for i in range(iters):
            u = a / (ky @ v @ kx.T)
            v = b / (ky.T @ u @ kx)
            if (i + 1) % CHECK_EVERY == 0 or i + 1 == iters:
                error = float((u * (ky @ v @ kx.T) - a).abs().sum())
                if error < tol:
                    break
    finally:
        if flush:
            torch.set_flush_denormal(False)
    # P = diag(u) K diag(v) = a_i b_j e^((f+g-C)/reg)
    return reg * torch.log(u / a), reg * torch.log(v / b), error


def _log_potentials(log_a, log_b, cy, cx, reg, iters, tol):
    """The same iterations in the log domain: stable for any ``reg``, a few times slower."""
    ky, kx = -cy / reg, -cx / reg
    f, g = torch.zeros_like(log_a), torch.zeros_like(log_b)
    error = float("inf")
    for i in range(iters):
        f = -reg * _lse_grid(log_b + g / reg, ky, kx)
        g = -reg * _lse_grid(log_a + f / reg, ky, kx)
        if (i + 1) % CHECK_EVERY == 0 or i + 1 == iters:
            marginal = (log_a + f / reg + _lse_grid(log_b + g / reg, ky, kx)).exp()
            error = float((marginal - log_a.exp()).abs().sum())
            if error < tol:
                break
    return f, g, error


class SinkhornResult(NamedTuple):
    """Converged dual potentials ``f`` (on ``a``), ``g`` (on ``b``), both ``(h, w)``,
    and the transport cost ``<P, C>`` of the entropic plan (what ``ot.sinkhorn2`` returns)."""

    f: torch.Tensor
    g: torch.Tensor
    cost: torch.Tensor


def sinkhorn(a: torch.Tensor, b: torch.Tensor, reg: float = 0.01, iters: int = 100,
             with_cost: bool = True, tol: float = 1e-6, warn: bool = True) -> SinkhornResult:
    """Entropic optimal transport between two distributions on the same ``(h, w)`` grid.

    Args:
        a, b: ``(h, w)`` non-negative, each summing to 1.
        reg: entropic regularization, in squared canvas units (the grid's
            longer side is 1); ``reg = 0.01`` blurs the plan over about a
            tenth of the canvas.
        iters: Sinkhorn iterations (matrix scaling in float64; if that
            overflows, as it can for ``reg`` below about 0.003, the log domain).
        with_cost: also compute the transport cost (else it is nan).
        tol: stop once the plan's first marginal is within ``tol`` of ``a`` (L1),
            looked at every :data:`CHECK_EVERY` iterations.
        warn: warn when ``iters`` iterations did not reach ``tol`` (as POT does).

    Computed in float64 without gradients; see :func:`sinkhorn_loss` for the
    differentiable loss.

    >>> a = torch.zeros(4, 4); a[0, 0] = 1
    >>> b = torch.zeros(4, 4); b[0, 2] = 1
    >>> round(float(sinkhorn(a, b, reg=0.001).cost), 3)   # moved half the grid: (2/4)^2
    0.25
    """
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f"expected two (h, w) distributions of the same shape, got {tuple(a.shape)} "
                         f"and {tuple(b.shape)}")
    with torch.no_grad():
        h, w = a.shape
        cy, cx = grid_cost(h, w, device=a.device)
        log_a = torch.log(a.double().clamp(min=1e-300))
        log_b = torch.log(b.double().clamp(min=1e-300))
        f, g, error = _scaling_potentials(log_a.exp(), log_b.exp(), cy, cx, reg, iters, tol)
        if not (torch.isfinite(f).all() and torch.isfinite(g).all()):
            f, g, error = _log_potentials(log_a, log_b, cy, cx, reg, iters, tol)   # small reg: slower but safe
        if warn and not error < tol:
            warnings.warn(f"sinkhorn did not converge in {iters} iterations: marginal error {error:.2e} > tol {tol:.0e} "
                          f"(raise iters or reg)", RuntimeWarning, stacklevel=2)
        if not with_cost:
            return SinkhornResult(f.to(a.dtype), g.to(b.dtype), a.new_tensor(float("nan")))
        # <P, C> with P_ij = a_i b_j exp((f_i + g_j - C_ij) / reg) and C = cy (+) cx, in the log domain.
        ky, kx = -cy / reg, -cx / reg
        left, right = log_a + f / reg, log_b + g / reg
        along_y = torch.logsumexp((left + _lse_grid(right, ky + torch.log(cy), kx)).flatten(), 0)
        along_x = torch.logsumexp((left + _lse_grid(right, ky, kx + torch.log(cx))).flatten(), 0)
        cost = along_y.exp() + along_x.exp()
    return SinkhornResult(f.to(a.dtype), g.to(b.dtype), cost.to(a.dtype))


def sinkhorn_loss(a: torch.Tensor, b: torch.Tensor, reg: float = 0.01, iters: int = 100,
                  tol: float = 1e-6, warn: bool = True) -> torch.Tensor:
    """Differentiable entropic OT between ``a`` and ``b`` ``(h, w)`` (each summing to 1); a scalar.

    The value is the dual objective ``<f, a> + <g, b>`` at the converged
    potentials, whose gradient is ``f`` with respect to ``a`` and ``g`` with
    respect to ``b``.

    >>> a = torch.zeros(4, 4); a[0, 0] = 1
    >>> b = torch.full((4, 4), 1 / 16, requires_grad=True)
    >>> sinkhorn_loss(a, b).backward(); b.grad.shape
    torch.Size([4, 4])
    """
    res = sinkhorn(a.detach(), b.detach(), reg, iters, with_cost=False, tol=tol, warn=warn)
    return (res.f.detach() * a).sum() + (res.g.detach() * b).sum()


def transport_loss(canvas: torch.Tensor, target: torch.Tensor, background, grid: int = 32,
                   reg: float = 0.01, iters: int = 60) -> torch.Tensor:
    """OT distance between where paint is on ``canvas`` and where it is in ``target``.

    Args:
        canvas, target: ``(3, H, W)`` images in [0, 1].
        background: ``(3,)`` colour of the bare canvas.
        grid: cells along the longer side (the shorter side keeps the aspect ratio).
    """
    H, W = canvas.shape[-2:]
    scale = grid / max(H, W)
    cells = (max(1, round(H * scale)), max(1, round(W * scale)))
    bg = torch.as_tensor(background, dtype=canvas.dtype, device=canvas.device)
    # Every optimizer step solves again from scratch: stopping at 1e-3 of the mass (or at ``iters``)
    # gives the pull's direction; a warning at every step would say nothing new.
    return sinkhorn_loss(paint_mass(canvas, bg, cells), paint_mass(target, bg, cells), reg, iters,
                         tol=1e-3, warn=False)
