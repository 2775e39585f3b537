"""Colour transfer by optimal transport in CIE Lab, and the mean/variance baseline.

Two steps, both sliced optimal transport (exact 1-D transports along random
directions, :func:`interval_means`; POT's ``ot.sliced_wasserstein_distance``
measures the result):

1. :func:`transport_colours`: the painting's colours (each stroke's start and
   end colour, weighed by the area the stroke shows) are moved onto the
   reference's pixels, a colour-to-colour map.
2. :func:`transport_pixels`: what the eye (and the benchmark) sees is the
   painting's pixels, where strokes overlap and blend; a pixel is about a
   weighted sum of stroke colours (:func:`strokes.color.coverage.weight_matrix`),
   so the pixels are transported onto the reference and each stroke moves by the
   mean residual of the pixels it shows, like colours sharing their steps.

With ``keep_lightness`` only a*, b* move, the way automatic colourization
keeps the photo's own luminance: the transport is fitted with the painting's
L* histogram-matched to the reference's (so dark strokes take the chroma of
the reference's darks), and a colour is kept inside the sRGB gamut at its own
L* by shrinking its chroma (:func:`strokes.color.lab.gamut_scale`), so the
transport spends the chroma a dark or light stroke cannot take on the others.
"""
from __future__ import annotations

import numpy as np
import ot
import torch

from .lab import gamut_scale

REFERENCE_SAMPLES = 8000  # reference pixels the transport is fitted on
ROUNDS = 20              # random bases of the sliced transport
PROJECT_EVERY = 5        # rounds between two returns into the gamut
PIXEL_ROUNDS = 12        # rounds of the transport of the painting's pixels
COHERENCE = 15.0         # Lab distance over which strokes of like colour share a pixel step
PIXEL_STEP = 0.5         # damping of its steps (strokes overlap)
LIGHTNESS_WEIGHT = 0.3   # keep_lightness: how much L* guides which chroma a colour takes (0: chroma alone)
FLOOR = 0.01             # every colour weighs at least this fraction of the mean weight (hidden strokes too)


def rank_lightness(L: np.ndarray, weights: np.ndarray, reference_L: np.ndarray) -> np.ndarray:
    """``L (N,)`` moved to the reference's lightness distribution, keeping order (histogram matching)."""
    order = np.argsort(L, kind="stable")
    cum = np.cumsum(weights[order])
    ranks = np.empty_like(L)
    ranks[order] = (cum - 0.5 * weights[order]) / cum[-1]
    return np.interp(ranks, np.linspace(0.0, 1.0, len(reference_L)), np.sort(reference_L))


def interval_means(x: np.ndarray, weights: np.ndarray, y_sorted: np.ndarray) -> np.ndarray:
    """Exact 1-D optimal transport: where each of ``x (N,)`` (mass ``weights``, summing to 1) lands on ``y_sorted (M,)``.

    In one dimension the plan is monotone: the ``i``-th value in order takes the
    slice ``[F_{i-1}, F_i]`` of the quantiles of ``y`` (``F``: cumulative mass),
    and goes to that slice's mean, the barycentre of where its mass lands.
    """
    order = np.argsort(x, kind="stable")
    mass = weights[order]
    high = np.cumsum(mass)
    high /= high[-1]
    low = np.concatenate([[0.0], high[:-1]])
    grid = np.linspace(0.0, 1.0, len(y_sorted) + 1)
    area = np.concatenate([[0.0], np.cumsum(y_sorted)]) / len(y_sorted)  # integral of y's quantile function
    out = np.empty_like(x)
    out[order] = (np.interp(high, grid, area) - np.interp(low, grid, area)) / np.maximum(high - low, 1e-300)
    return out


def sliced_transport(points: np.ndarray, weights: np.ndarray, reference: np.ndarray, moving: np.ndarray,
                     rounds: int = ROUNDS, seed: int = 0, project=None) -> np.ndarray:
    """``points (N, d)`` of mass ``weights (N,)`` moved onto ``reference (M, d)`` by sliced optimal transport.

    Each round draws a random orthonormal basis; along each of its directions the
    points move to the exact 1-D transport's barycentres (:func:`interval_means`),
    only in the coordinates ``moving (d,)`` (bool). This is the iterative
    distribution transfer of Pitie et al. (2005), with weighted points: every step
    lowers the sliced Wasserstein distance between the weighted points and the
    reference, the quantity the benchmark measures. ``project(y) -> y``, if given,
    puts the points back where they may be every ``PROJECT_EVERY`` rounds (inside the gamut).
    """
    rng = np.random.default_rng(seed)
    y = np.array(points, np.float64)
    w = np.asarray(weights, np.float64) / np.sum(weights)
    d = y.shape[1]
    for r in range(rounds):
        basis, _ = np.linalg.qr(rng.standard_normal((d, d)))
        for theta in basis.T:
            step = interval_means(y @ theta, w, np.sort(reference @ theta)) - y @ theta       # (N,)
            y[:, moving] += step[:, None] * theta[moving]
        if project is not None and ((r + 1) % PROJECT_EVERY == 0 or r == rounds - 1):
            y = project(y)
    return y


def transport_colours(lab: np.ndarray, weights: np.ndarray, reference: np.ndarray, keep_lightness: bool = True,
                      seed: int = 0) -> np.ndarray:
    """Where optimal transport sends each colour.

    Args:
        lab: ``(N, 3)`` Lab colours of the painting; weights: ``(N,)`` >= 0, their mass (area shown).
        reference: ``(M, 3)`` Lab pixels of the reference.
        keep_lightness: return the colours' own L* and move a*, b* only; the transport
            is then fitted with the painting's L* histogram-matched to the reference's
            (so dark strokes take the chroma of the reference's darks), that coordinate
            scaled by ``LIGHTNESS_WEIGHT`` and held still.

    Returns:
        ``(N, 3)`` Lab (L* unchanged with keep_lightness).
    """
    rng = np.random.default_rng(seed)
    lab = np.asarray(lab, np.float64)
    w = np.asarray(weights, np.float64)
    w = w + FLOOR * max(w.mean(), 1e-12)
    ref = np.asarray(reference, np.float64)
    if len(ref) > REFERENCE_SAMPLES:
        ref = ref[rng.choice(len(ref), REFERENCE_SAMPLES, replace=False)]
    source = lab.copy()
    moving = np.array([not keep_lightness, True, True])
    scale = np.array([LIGHTNESS_WEIGHT if keep_lightness else 1.0, 1.0, 1.0])
    if keep_lightness:
        source[:, 0] = rank_lightness(lab[:, 0], w, ref[:, 0])

    def in_gamut(y):                 # chroma a colour cannot have at its L* is shrunk, as lab_to_rgb will
        real_L = lab[:, 0] if keep_lightness else y[:, 0]
        y[:, 1:] *= gamut_scale(np.clip(real_L, 0, 100), y[:, 1:])[:, None]
        return y

    out = sliced_transport(source * scale, w, ref * scale, moving, seed=seed, project=in_gamut) / scale
    if keep_lightness:
        out[:, 0] = lab[:, 0]
    return out


def transport_pixels(lab: np.ndarray, weights, reference: np.ndarray, keep_lightness: bool = True,
                     rounds: int = PIXEL_ROUNDS, seed: int = 0) -> np.ndarray:
    """Shift each stroke's colour so that the painting's *pixels* move onto the reference's colours.

    Args:
        lab: ``(S + 1, 3)`` Lab: each stroke's colour, then the bare canvas's.
        weights: ``(P, S + 1)`` sparse (:func:`strokes.color.coverage.weight_matrix`): pixel
            ``p`` shows about ``weights[p] @ lab``.
        reference: ``(M, 3)`` Lab pixels of the reference.

    Returns:
        ``(S + 1, 3)``: the shift of each colour (L* 0 with keep_lightness).

    Sliced transport of the pixels: along each random direction every pixel has
    an exact 1-D target (the reference's quantile at its rank); each stroke moves
    by the mean residual of the pixels it shows, weighed by how much it shows there
    (a damped Jacobi step of the least-squares fit ``weights @ shift = residual``),
    averaged over the strokes of nearby colour (a Gaussian of ``COHERENCE`` Lab units,
    so that like colours stay alike instead of breaking into confetti), then back into
    the gamut at its own L*.
    """
    rng = np.random.default_rng(seed + 1)
    lab = np.asarray(lab, np.float64)
    ref = np.asarray(reference, np.float64)
    if len(ref) > REFERENCE_SAMPLES:
        ref = ref[rng.choice(len(ref), REFERENCE_SAMPLES, replace=False)]
    scale = np.array([LIGHTNESS_WEIGHT if keep_lightness else 1.0, 1.0, 1.0])
    moving = np.array([not keep_lightness, True, True])
    wt = weights.T.tocsr()
    shown = np.asarray(weights.multiply(weights).sum(0)).ravel().clip(1e-9)     # (S + 1,)
    near = np.exp(-ot.dist(lab, lab) / (2 * COHERENCE ** 2)) * shown[None]          # (S + 1, S + 1)
    near /= near.sum(1, keepdims=True)
    colour = lab.copy()
    pixels = weights @ colour                                                    # (P, 3)
    if keep_lightness:                                # the pixels' L* at the reference's quantiles, held still
        pixels[:, 0] = rank_lightness(pixels[:, 0], np.ones(len(pixels)), ref[:, 0])
    uniform = np.full(len(pixels), 1.0 / len(pixels))
    for _ in range(rounds):
        basis, _ = np.linalg.qr(rng.standard_normal((3, 3)))
        for u in basis.T:                             # a direction in the scaled space
            theta = u * scale
            p = pixels @ theta
            residual = interval_means(p, uniform, np.sort(ref @ theta)) - p              # (P,)
            step = near @ (PIXEL_STEP * (wt @ residual) / shown)                         # (S + 1,)
            colour[:, moving] += step[:, None] * (u / scale)[moving]
            pixels[:, moving] = (weights @ colour)[:, moving]
        colour[:, 0] = colour[:, 0].clip(0, 100)
        colour[:, 1:] *= gamut_scale(colour[:, 0], colour[:, 1:])[:, None]
        pixels[:, moving] = (weights @ colour)[:, moving]
    return colour - lab


def mean_variance_transfer(lab: np.ndarray, weights: np.ndarray, reference: np.ndarray,
                           keep_lightness: bool = True, pixels: np.ndarray | None = None) -> np.ndarray:
    """The baseline (Reinhard et al. 2001, in Lab): each channel's mean and spread moved to the reference's.

    The painting's mean and spread are those of ``pixels (P, 3)`` (its pixels' Lab) if
    given, else of the colours ``lab (N, 3)`` weighed by ``weights (N,)``.
    """
    lab = np.asarray(lab, np.float64)
    if pixels is None:
        source, w = lab, np.asarray(weights, np.float64) + 1e-12
    else:
        source, w = np.asarray(pixels, np.float64), np.ones(len(pixels))
    mean = (source * w[:, None]).sum(0) / w.sum()
    std = np.sqrt(((source - mean) ** 2 * w[:, None]).sum(0) / w.sum()).clip(1e-6)
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
