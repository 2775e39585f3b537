"""Colourize a painting of a grayscale photo from a colour reference, keeping every stroke's lightness.

Each stroke gets a small feature from the gray picture under it: its mean
lightness, the spread of lightness under it and its gradient energy (how
much detail it covers). The reference's pixels get the same three numbers
over a neighbourhood the size of a typical stroke. Optimal transport
(``ot.emd``, strokes weighed by the area they show) matches the two feature
clouds, and each stroke takes the mean a*, b* of the reference pixels its
mass goes to; its own L* stays (start and end), as automatic colourization
predicts chroma and keeps the photo's luminance.
"""
from __future__ import annotations

import numpy as np
import ot
import torch
import torch.nn.functional as F
from kornia.filters import gaussian_blur2d, spatial_gradient

from ..layout import COLOR_END, COLOR_START, WIDTHS
from ..strokeset import StrokeSet
from .coverage import COVERAGE_SIZE, coverage
from .errors import ColorError
from .lab import image_to_lab, lab_to_rgb, rgb_to_lab

FIT_COLOURS = 1200                  # most stroke features the ot.emd plan is fitted on (the rest follow their nearest)
FIT_PIXELS = 1500                   # reference pixels the plan is fitted on
FEATURE_WEIGHTS = (1.0, 0.5, 0.5)   # lightness, its spread, gradient energy: lightness counts most


def _blur(t: torch.Tensor, sigma: float) -> torch.Tensor:
    sigma = max(float(sigma), 0.5)
    k = 2 * int(3 * sigma) + 1
    return gaussian_blur2d(t[None], (k, k), (sigma, sigma), border_type="replicate")[0]


def pixel_features(lightness: torch.Tensor) -> torch.Tensor:
    """``(3, H, W)``: L*/100, (L*/100)^2 and squared gradient magnitude of ``lightness (H, W)`` (L* in [0, 100])."""
    L = lightness[None] / 100
    g = spatial_gradient(L[None], mode="sobel")[0, 0]            # (2, H, W)
    return torch.cat([L, L * L, (g ** 2).sum(0, keepdim=True)])


def neighbourhood_features(lightness: torch.Tensor, sigma: float) -> torch.Tensor:
    """``(N, 3)``: mean L, spread of L and gradient energy over a Gaussian neighbourhood ``sigma`` px, per pixel."""
    m = _blur(pixel_features(lightness), sigma)
    spread = (m[1] - m[0] ** 2).clamp(min=0).sqrt()
    return torch.stack([m[0], spread, m[2].clamp(min=0).sqrt()], -1).reshape(-1, 3)


def stroke_features(stroke_set: StrokeSet, lightness: torch.Tensor):
    """Area ``(S,)`` and features ``(S, 3)`` (mean L, spread, gradient energy) of each stroke over ``lightness (H, W)``."""
    area, means = coverage(stroke_set, pixel_features(lightness))
    spread = (means[:, 1] - means[:, 0] ** 2).clamp(min=0).sqrt()
    return area, torch.stack([means[:, 0], spread, means[:, 2].clamp(min=0).sqrt()], -1)


def colorize(stroke_set: StrokeSet, gray, like, seed: int = 0) -> StrokeSet:
    """Strokes painted from the grayscale picture ``gray`` given chroma from the colour picture ``like``.

    Args:
        stroke_set: strokes (any colours; their L* is kept).
        gray: the picture they paint (path, image or ``(3, H, W)`` in [0, 1]); only its lightness is used.
        like: a colour reference (path, image or tensor) with the kind of colours wanted.

    Returns:
        a new StrokeSet: each stroke's start and end keep their L*, and take the a*, b* matched to them.
    """
    from ..images import load_image
    from ..painter import resize
    from ..rendering import canvas_size
    from .recolor import REFERENCE_SIZE, load_reference

    load_reference(like, what="colorize-like")                     # the clear errors for a bad reference
    ref = load_image(like)
    H, W = canvas_size(ref.shape[2], ref.shape[1], min(2 * REFERENCE_SIZE, max(ref.shape[1:])))
    ref_lab = image_to_lab(resize(ref, (H, W)))
    try:
        picture = load_image(gray)
    except (ValueError, OSError) as exc:
        raise ColorError(f"colorize: cannot read the picture {gray}: {exc}") from None
    if len(stroke_set) == 0:
        return stroke_set
    ph, pw = canvas_size(picture.shape[2], picture.shape[1], COVERAGE_SIZE)
    gray_L = image_to_lab(resize(picture, (ph, pw)))[0]
    area, feats = stroke_features(stroke_set, gray_L)
    # A typical stroke's width in reference pixels sets the neighbourhood of the reference's features.
    width = float(np.median(stroke_set.params[:, WIDTHS])) * min(H, W)
    ref_feats = neighbourhood_features(ref_lab[0], sigma=width / 2)
    ref_ab = ref_lab[1:].reshape(2, -1).T
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(ref_feats), min(FIT_PIXELS, len(ref_feats)), replace=False)
    x, y = feats.double().numpy(), ref_feats[pick].double().numpy()
    scale = np.concatenate([x, y]).std(0).clip(1e-6) / np.asarray(FEATURE_WEIGHTS)
    x, y = x / scale, y / scale
    w = area.double().numpy()
    w = w + 0.01 * max(w.mean(), 1e-12)
    fit = np.arange(len(x)) if len(x) <= FIT_COLOURS else np.sort(rng.choice(len(x), FIT_COLOURS, replace=False))
    plan = ot.emd(w[fit] / w[fit].sum(), np.full(len(y), 1 / len(y)), ot.dist(x[fit], y), numItermax=1_000_000)
    ab = (plan @ ref_ab[pick].double().numpy()) / plan.sum(1, keepdims=True).clip(1e-300)
    if len(fit) < len(x):
        ab = ab[np.argmin(ot.dist(x, x[fit]), 1)]
    t = stroke_set.to_tensor()
    params = stroke_set.params.copy()
    for cols in (COLOR_START, COLOR_END):
        lab = rgb_to_lab(t[:, cols]).double().numpy()
        lab[:, 1:] = ab
        params[:, cols] = lab_to_rgb(torch.as_tensor(lab, dtype=torch.float32)).double().numpy()
    bg = rgb_to_lab(torch.tensor([stroke_set.background])).double().numpy()
    bg[0, 1:] = (ab * w[:, None]).sum(0) / w.sum()                      # the bare canvas: the strokes' mean chroma
    background = tuple(lab_to_rgb(torch.as_tensor(bg, dtype=torch.float32))[0].double().tolist())
    return StrokeSet(params, stroke_set.width, stroke_set.height, background,
                     {**stroke_set.meta, "colorized_like": str(like) if not isinstance(like, torch.Tensor) else "tensor"})
