"""Colour transfer by optimal transport in CIE Lab, and the mean/variance baseline.

The colours of a painting (each stroke's start and end colour, weighed by the
area the stroke shows) and the pixels of a reference are two distributions
in Lab; ``ot.emd`` (POT) finds the plan that moves one onto the other at the
least squared-distance cost, and each colour goes to the barycentre of where
its mass lands. With ``keep_lightness`` the plan is fitted on lightness ranks
(the painting's L* matched to the reference's quantiles, so dark strokes take
the chroma of the reference's darks) and only a*, b* move, the way automatic
colourization keeps the photo's own luminance.
"""
from __future__ import annotations

import numpy as np
import ot
import torch

FIT_COLOURS = 1200       # most painting colours the plan is fitted on (the rest follow their nearest one)
FIT_PIXELS = 1500        # reference pixels the plan is fitted on
FLOOR = 0.01             # every colour weighs at least this fraction of the mean weight (hidden strokes too)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Quantiles ``q`` in [0, 1] of ``values (N,)`` weighed by ``weights (N,)``."""
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    cum = (cum - 0.5 * weights[order]) / cum[-1]
    return np.interp(q, cum, values[order])


def rank_lightness(L: np.ndarray, weights: np.ndarray, reference_L: np.ndarray) -> np.ndarray:
    """``L (N,)`` moved to the reference's lightness distribution, keeping order (histogram matching)."""
    order = np.argsort(L, kind="stable")
    cum = np.cumsum(weights[order])
    ranks = np.empty_like(L)
    ranks[order] = (cum - 0.5 * weights[order]) / cum[-1]
    return np.quantile(reference_L, ranks)


def transport_colours(lab: np.ndarray, weights: np.ndarray, reference: np.ndarray, keep_lightness: bool = True,
                      seed: int = 0) -> np.ndarray:
    """Where optimal transport sends each colour.

    Args:
        lab: ``(N, 3)`` Lab colours of the painting; weights: ``(N,)`` >= 0, their mass.
        reference: ``(M, 3)`` Lab pixels of the reference.
        keep_lightness: fit on lightness ranks and return the colours' own L*.

    Returns:
        ``(N, 3)`` Lab: the barycentre of each colour's share of the plan (L* unchanged with keep_lightness).
    """
    rng = np.random.default_rng(seed)
    lab = np.asarray(lab, np.float64)
    w = np.asarray(weights, np.float64)
    w = w + FLOOR * max(w.mean(), 1e-12)
    ref = np.asarray(reference, np.float64)
    if len(ref) > FIT_PIXELS:
        ref = ref[rng.choice(len(ref), FIT_PIXELS, replace=False)]
    fit = np.arange(len(lab)) if len(lab) <= FIT_COLOURS else \
        np.sort(rng.choice(len(lab), FIT_COLOURS, replace=False, p=w / w.sum()))
    source = lab[fit].copy()
    if keep_lightness:
        source[:, 0] = rank_lightness(lab[fit, 0], w[fit], ref[:, 0])
    a = w[fit] / w[fit].sum()
    b = np.full(len(ref), 1.0 / len(ref))
    plan = ot.emd(a, b, ot.dist(source, ref), numItermax=1_000_000)
    moved = (plan @ ref) / plan.sum(1, keepdims=True).clip(1e-300)
    shift = moved - lab[fit]                                         # (n, 3)
    if len(fit) < len(lab):                                          # the rest follow their nearest fitted colour
        nearest = np.argmin(ot.dist(lab, lab[fit]), 1)
        shift = shift[nearest]
        shift[fit] = (moved - lab[fit])
    out = lab + shift
    if keep_lightness:
        out[:, 0] = lab[:, 0]
    return out


def mean_variance_transfer(lab: np.ndarray, weights: np.ndarray, reference: np.ndarray,
                           keep_lightness: bool = True) -> np.ndarray:
    """The baseline (Reinhard et al. 2001, in Lab): each channel's weighted mean and spread moved to the reference's."""
    lab = np.asarray(lab, np.float64)
    w = np.asarray(weights, np.float64) + 1e-12
    mean = (lab * w[:, None]).sum(0) / w.sum()
    std = np.sqrt(((lab - mean) ** 2 * w[:, None]).sum(0) / w.sum()).clip(1e-6)
    ref = np.asarray(reference, np.float64)
    out = (lab - mean) / std * ref.std(0) + ref.mean(0)
    if keep_lightness:
        out[:, 0] = lab[:, 0]
    return out


def sliced_distance(x: np.ndarray, y: np.ndarray, projections: int = 200, seed: int = 0, samples: int = 4000,
                    x_weights: np.ndarray | None = None) -> float:
    """Sliced Wasserstein-2 distance (POT) between two colour clouds ``(N, d)`` and ``(M, d)``, subsampled."""
    rng = np.random.default_rng(seed)
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    a = None
    if len(x) > samples:
        keep = rng.choice(len(x), samples, replace=False)
        x = x[keep]
        x_weights = None if x_weights is None else x_weights[keep]
    if x_weights is not None:
        a = np.asarray(x_weights, np.float64) / np.sum(x_weights)
    if len(y) > samples:
        y = y[rng.choice(len(y), samples, replace=False)]
    return float(ot.sliced_wasserstein_distance(x, y, a=a, n_projections=projections, seed=seed))


def as_numpy(t) -> np.ndarray:
    return t.detach().cpu().double().numpy() if isinstance(t, torch.Tensor) else np.asarray(t, np.float64)
