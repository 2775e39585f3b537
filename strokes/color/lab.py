"""CIE Lab colours through kornia, for lists of colours and for pictures.

Lab here is kornia's: L* in [0, 100], a* and b* roughly in [-128, 127], D65
white, sRGB in [0, 1]. Moving a* and b* at a fixed L* can leave the sRGB
gamut; :func:`lab_to_rgb` then shrinks the chroma (never the lightness) until
the colour fits, so a recolouring that keeps L* keeps it exactly.

>>> import torch
>>> rgb = torch.tensor([[1.0, 0.0, 0.0], [0.2, 0.5, 0.9]])
>>> bool((lab_to_rgb(rgb_to_lab(rgb)) - rgb).abs().max() < 1e-4)
True
"""
from __future__ import annotations

import numpy as np
import torch
from kornia.color import lab_to_rgb as _lab_to_rgb_image
from kornia.color import rgb_to_lab as _rgb_to_lab_image

GAMUT_STEPS = 16     # bisection steps on the chroma scale of an out-of-gamut colour (2^-16 of its chroma)


def rgb_to_lab(rgb: torch.Tensor) -> torch.Tensor:
    """``(N, 3)`` sRGB in [0, 1] to ``(N, 3)`` Lab."""
    rgb = torch.as_tensor(rgb, dtype=torch.float32)
    return _rgb_to_lab_image(rgb.T.reshape(1, 3, -1, 1).clamp(0, 1)).reshape(3, -1).T


def image_to_lab(image: torch.Tensor) -> torch.Tensor:
    """``(3, H, W)`` sRGB in [0, 1] to ``(3, H, W)`` Lab."""
    return _rgb_to_lab_image(image.clamp(0, 1)[None])[0]


def _raw_rgb(lab: torch.Tensor) -> torch.Tensor:
    return _lab_to_rgb_image(lab.T.reshape(1, 3, -1, 1), clip=False).reshape(3, -1).T


_WHITE = np.array([0.95047, 1.0, 1.08883])                  # D65, as kornia
_XYZ_TO_LINEAR_RGB = np.array([[3.2404813432005266, -1.5371515162713185, -0.4985363261688878],
                               [-0.9692549499965682, 1.8759900014898907, 0.0415559265582928],
                               [0.0556466391351772, -0.2040413383665112, 1.0573110696453443]])


def _raw_rgb_numpy(L: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """kornia's Lab -> sRGB without the final clamp, in numpy float64 (the gamut search calls it often)."""
    fy = (L + 16.0) / 116.0
    f = np.stack([ab[:, 0] / 500.0 + fy, fy, np.maximum(fy - ab[:, 1] / 200.0, 0.0)], 1)
    xyz = np.where(f > 0.2068966, f ** 3, (f - 4.0 / 29.0) / 7.787) * _WHITE
    lin = xyz @ _XYZ_TO_LINEAR_RGB.T
    return np.where(lin > 0.0031308, 1.055 * np.maximum(lin, 0.0031308) ** (1 / 2.4) - 0.055, 12.92 * lin)


def gamut_scale(L: np.ndarray, ab: np.ndarray, tol: float = 1e-4) -> np.ndarray:
    """``(N,)``: the largest ``s`` in [0, 1] with ``(L, s a, s b)`` inside the sRGB cube (bisection), for
    ``L (N,)`` in [0, 100] and ``ab (N, 2)``."""
    def fits(L, ab, scale: np.ndarray) -> np.ndarray:
        rgb = _raw_rgb_numpy(L, ab * scale[:, None])
        return ((rgb >= -tol) & (rgb <= 1 + tol)).all(1)

    out = np.ones(len(L))
    out_of_gamut = ~fits(L, ab, out)
    if out_of_gamut.any():                       # bisection on those only
        L, ab = L[out_of_gamut], ab[out_of_gamut]
        low, high = np.zeros(len(L)), np.ones(len(L))
        for _ in range(GAMUT_STEPS):
            mid = (low + high) / 2
            good = fits(L, ab, mid)
            low = np.where(good, mid, low)
            high = np.where(good, high, mid)
        out[out_of_gamut] = low
    return out


def lab_to_rgb(lab: torch.Tensor) -> torch.Tensor:
    """``(N, 3)`` Lab to ``(N, 3)`` sRGB in [0, 1], keeping L*: out-of-gamut colours lose chroma, not lightness.

    L* is clamped to [0, 100] first; then a colour outside the sRGB cube has its
    chroma scaled by :func:`gamut_scale`.
    """
    lab = torch.as_tensor(lab, dtype=torch.float32).clone()
    lab[:, 0] = lab[:, 0].clamp(0, 100)
    scale = gamut_scale(lab[:, 0].double().numpy(), lab[:, 1:].double().numpy())
    lab[:, 1:] *= torch.as_tensor(scale, dtype=torch.float32)[:, None]
    return _raw_rgb(lab).clamp(0, 1)


def hex_to_rgb(text: str) -> tuple[float, float, float]:
    """``#rrggbb`` (or ``rrggbb``, or ``#rgb``) to RGB in [0, 1]; a ``ValueError`` names a bad one.

    >>> hex_to_rgb("#ff8000")
    (1.0, 0.5019607843137255, 0.0)
    """
    t = text.strip().lower().lstrip("#")
    if len(t) == 3:
        t = "".join(c * 2 for c in t)
    if len(t) != 6 or any(c not in "0123456789abcdef" for c in t):
        raise ValueError(f"expected a colour as #rrggbb, got {text!r}")
    return tuple(int(t[k:k + 2], 16) / 255 for k in (0, 2, 4))


def rgb_to_hex(rgb) -> str:
    """RGB in [0, 1] to ``#rrggbb``.

    >>> rgb_to_hex((1.0, 0.5, 0.0))
    '#ff8000'
    """
    return "#" + "".join(f"{int(round(float(c) * 255)):02x}" for c in rgb)
