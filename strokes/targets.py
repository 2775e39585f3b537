"""Line-drawing filters: a photo turned into the gray picture a drawing aims at.

Each function takes anything :func:`strokes.load_image` reads (a path, PIL
image, array or ``(3, H, W)`` / ``(1, H, W)`` tensor in [0, 1]) and returns a
grayscale ``(1, H, W)`` float tensor in [0, 1], white paper = 1, built on
kornia's filters:

* :func:`dodge`: Sketchify's pencil look, grayscale divided by its own
  Gaussian blur (the "colour dodge" of a blurred negative);
* :func:`xdog`: the extended difference of Gaussians (Winnemoeller et al.),
  a soft ink look;
* :func:`adaptive_threshold`: black or white by comparing each pixel with
  its Gaussian-weighted neighbourhood, the binary manga look;
* :func:`edges`: kornia's Canny edges, black lines on white;
* :func:`tone`: plain grayscale (``target="image"``).

>>> t = torch.linspace(0, 1, 64).repeat(3, 64, 1)
>>> [tuple(f(t).shape) for f in (dodge, xdog, adaptive_threshold, edges)]
[(1, 64, 64), (1, 64, 64), (1, 64, 64), (1, 64, 64)]
"""
from __future__ import annotations

import math

import torch

__all__ = ["gray", "dodge", "xdog", "adaptive_threshold", "edges", "tone", "KINDS", "make_target"]


def _sigma_kernel(sigma: float) -> tuple[int, int]:
    k = max(3, 2 * int(math.ceil(3 * sigma)) + 1)
    return (k, k)


def _blur(g: torch.Tensor, sigma: float) -> torch.Tensor:
    """Gaussian blur of ``(1, H, W)`` with replicated borders (any image size, even smaller than the kernel)."""
    from kornia.filters import gaussian_blur2d
    if sigma <= 0:
        return g
    return gaussian_blur2d(g[None], _sigma_kernel(sigma), (float(sigma), float(sigma)), border_type="replicate")[0]


def gray(image) -> torch.Tensor:
    """Luminance ``(1, H, W)`` in [0, 1] of anything :func:`strokes.load_image` reads (kornia's weights)."""
    from kornia.color import rgb_to_grayscale

    from .images import load_image
    if isinstance(image, torch.Tensor) and image.ndim == 3 and image.shape[0] == 1:
        image = image.expand(3, -1, -1)
    rgb = load_image(image)
    return rgb_to_grayscale(rgb[None].float())[0].clamp(0, 1)


def dodge(image, blur: float = 8.0) -> torch.Tensor:
    """Sketchify's pencil sketch: grayscale / its own Gaussian blur (``blur`` = sigma in pixels), ``(1, H, W)``.

    Flat areas come out white (a pixel equals its blur), edges dark on their darker side.

    >>> round(float(dodge(torch.full((3, 16, 16), 0.4)).min()), 3)
    1.0
    """
    _positive("blur", blur)
    g = gray(image)
    return (g / _blur(g, blur).clamp(min=1e-3)).clamp(0, 1)


def xdog(image, sigma: float = 1.0, k: float = 1.6, p: float = 20.0, epsilon: float = 0.1,
         phi: float = 10.0) -> torch.Tensor:
    """Extended difference of Gaussians, ``(1, H, W)`` in [0, 1].

    ``(1 + p) G_sigma - p G_{k sigma}`` of the grayscale, then a soft threshold:
    1 above ``epsilon``, ``1 + tanh(phi (u - epsilon))`` below.
    """
    _positive("sigma", sigma)
    _positive("k", k)
    g = gray(image)
    u = (1 + p) * _blur(g, sigma) - p * _blur(g, k * sigma)
    out = torch.where(u >= epsilon, torch.ones_like(u), 1 + torch.tanh(phi * (u - epsilon)))
    return out.clamp(0, 1)


def adaptive_threshold(image, block: int = 9, offset: float = 2 / 255, smooth: bool = True) -> torch.Tensor:
    """Black where a pixel is darker than its neighbourhood's Gaussian mean minus ``offset``, else white.

    ``block``: odd neighbourhood size in pixels (>= 3); ``offset`` in [0, 1] gray
    levels; ``smooth`` removes salt-and-pepper dots with a 3x3 median
    (kornia's ``median_blur``). Returns ``(1, H, W)`` with values 0 or 1.
    """
    from kornia.filters import median_blur
    block = int(block)
    if block < 3 or block % 2 == 0:
        raise ValueError(f"block: expected an odd number of pixels >= 3, got {block}")
    g = gray(image)
    mean = _blur(g, 0.3 * ((block - 1) * 0.5 - 1) + 0.8)        # the Gaussian that a block of this size stands for
    out = (g > mean - float(offset)).to(g.dtype)
    if smooth:
        out = median_blur(out[None], (3, 3))[0]
    return out


def edges(image, low: float = 0.1, high: float = 0.2, sigma: float = 1.0) -> torch.Tensor:
    """Canny edges (kornia's ``canny``) as black one-pixel lines on white, ``(1, H, W)`` with values 0 or 1.

    ``low``/``high``: hysteresis thresholds on the gradient magnitude of the
    grayscale (in [0, 1] gray levels per pixel), ``sigma``: the pre-blur.
    """
    if not 0 <= low <= high:
        raise ValueError(f"expected 0 <= low <= high, got low={low}, high={high}")
    return 1 - edge_map(gray(image), low, high, sigma)


def edge_map(g: torch.Tensor, low: float = 0.1, high: float = 0.2, sigma: float = 1.0) -> torch.Tensor:
    """Canny edges of a grayscale ``(1, H, W)``: ``(1, H, W)``, 1 on an edge, 0 elsewhere."""
    from kornia.filters import canny
    _positive("sigma", sigma)
    _, e = canny(g[None], low_threshold=low, high_threshold=high, kernel_size=_sigma_kernel(sigma),
                 sigma=(sigma, sigma), hysteresis=True)
    return e[0].clamp(0, 1)


def tone(image) -> torch.Tensor:
    """Plain grayscale, ``(1, H, W)``: the photo's own tones as the aim of a drawing."""
    return gray(image)


KINDS = {"dodge": dodge, "xdog": xdog, "threshold": adaptive_threshold, "edges": edges, "image": tone}


def make_target(image, kind: str = "dodge", **options) -> torch.Tensor:
    """The filter named ``kind`` (one of :data:`KINDS`) applied to ``image``: ``(1, H, W)`` in [0, 1]."""
    if kind not in KINDS:
        raise ValueError(f"target: unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return KINDS[kind](image, **options)


def _positive(name: str, value: float) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name}: expected a positive number, got {value!r}")
