"""Ink separated from paper.

:func:`ink_strength` says how much ink each pixel holds, from its colour
distance (CIELAB, kornia) to the paper around it; the paper is what a
morphological closing leaves once the thin dark lines are taken out, so
uneven lighting and tinted paper do not count as ink, and coloured lines do.
:func:`ink_mask` thresholds it (Otsu, then hysteresis so faint stretches of a
line that touch strong ones are kept), closes small gaps between overdrawn
passes, fills pinholes and drops specks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

NOISE_FLOOR = 0.12       # ink strength below this is paper grain, whatever Otsu says
LAB_SCALE = 50.0         # a colour distance (Delta E) of this much is full-strength ink
LINE_ART_COVER = 0.3     # more ink than this fraction of the page: not line art


def _disk(radius: int) -> torch.Tensor:
    r = int(radius)
    y, x = torch.meshgrid(torch.arange(-r, r + 1), torch.arange(-r, r + 1), indexing="ij")
    return ((x * x + y * y) <= r * r + r).float()


def paper_colour(image: torch.Tensor, reach: int = 12) -> torch.Tensor:
    """The paper under the lines, ``(3, H, W)`` in [0, 1]: a closing that removes dark
    features thinner than about ``2 reach`` pixels (worked out at an eighth of the size), smoothed."""
    import kornia

    H, W = image.shape[-2:]
    factor = max(1, min(8, min(H, W) // 32))
    small = F.avg_pool2d(image[None], factor, ceil_mode=True) if factor > 1 else image[None]
    k = max(1, round(reach / factor))
    closed = kornia.morphology.closing(small, _disk(k), engine="unfold")
    closed = kornia.filters.gaussian_blur2d(closed, (2 * k + 1, 2 * k + 1), (k / 2 + 0.5, k / 2 + 0.5),
                                            border_type="replicate")
    return F.interpolate(closed, size=(H, W), mode="bilinear", align_corners=False)[0].clamp(0, 1)


def ink_strength(image: torch.Tensor, paper: torch.Tensor | None = None) -> torch.Tensor:
    """How much ink each pixel holds, ``(H, W)`` in [0, 1], from ``image`` ``(3, H, W)`` in [0, 1].

    The CIELAB distance to the paper, counting only the part that is darker
    than the paper or of another hue (a highlight is not ink).

    >>> img = torch.ones(3, 8, 8); img[:, 4, :] = 0.2
    >>> s = ink_strength(img); bool(s[4].min() > 0.9), bool(s[0].max() < 0.05)
    (True, True)
    """
    import kornia

    if paper is None:
        paper = paper_colour(image)
    lab = kornia.color.rgb_to_lab(image[None])[0]
    lab_paper = kornia.color.rgb_to_lab(paper[None])[0]
    darker = (lab_paper[0] - lab[0]).clamp(min=0)
    hue = lab[1:] - lab_paper[1:]
    return (torch.sqrt(darker ** 2 + (hue ** 2).sum(0)) / LAB_SCALE).clamp(0, 1)


@dataclass
class Ink:
    """The ink of a page.

    strength: ``(H, W)`` float tensor in [0, 1]; mask: ``(H, W)`` bool numpy array
    (the lines, specks dropped); paper: ``(3, H, W)``; threshold: the strength
    that counts as ink; cover: fraction of the page clearly not paper (a photo's
    shapes count, a shadow on the scan does not); width: median
    line width in pixels (0 for an empty page).
    """

    strength: torch.Tensor
    mask: np.ndarray
    paper: torch.Tensor
    threshold: float
    cover: float
    width: float

    @property
    def empty(self) -> bool:
        return not self.mask.any()

    def looks_like_line_art(self) -> str | None:
        """``None`` for line art, else a sentence saying what was found."""
        if self.cover > LINE_ART_COVER:
            return (f"ink covers {100 * self.cover:.0f}% of the page: this does not look like line art; "
                    f"try `strokes sketch` or `strokes paint`")
        return None


def ink_mask(image: torch.Tensor, close: int = 1, min_length: float = 6.0) -> Ink:
    """Separate the lines of ``image`` ``(3, H, W)`` in [0, 1] from the paper.

    Args:
        close: radius in pixels of the closing that joins overdrawn passes
            lying side by side (and of the pinholes it fills).
        min_length: specks whose longest extent is below this many pixels are dropped.
    """
    import kornia
    from scipy import ndimage
    from skimage.filters import apply_hysteresis_threshold

    paper = paper_colour(image)
    strength = _less_grain(ink_strength(image, paper))
    smooth = kornia.filters.gaussian_blur2d(strength[None, None], (5, 5), (0.8, 0.8), border_type="reflect")[0, 0]
    high = NOISE_FLOOR
    if float(smooth.max()) > NOISE_FLOOR:
        otsu, _ = kornia.filters.otsu_threshold(smooth[smooth > 0.5 * NOISE_FLOOR].view(1, -1).contiguous())
        high = max(NOISE_FLOOR, float(otsu.view(-1)[0]))
    s = smooth.numpy()
    mask = apply_hysteresis_threshold(s, 0.5 * high, high) if s.max() > high else np.zeros(s.shape, bool)
    if close > 0 and mask.any():
        mask = binary_closing(mask, close) | mask
    if mask.any():
        mask = _fill_pinholes(mask, area=max(4, (2 * close + 1) ** 2))
        mask = _drop_specks(mask, min_length)
    cover = _cover(image, paper)
    width = 0.0
    if mask.any():
        from skimage.morphology import skeletonize
        dist = ndimage.distance_transform_edt(mask)
        width = float(2 * np.median(dist[skeletonize(mask)]) - 1) if mask.any() else 0.0
    return Ink(strength, mask, paper, high, cover, max(width, 1.0) if mask.any() else 0.0)


def _cover(image: torch.Tensor, paper: torch.Tensor, level: float = 0.2) -> float:
    """Share of the page that is clearly not paper, against the paper smoothed over a sixteenth
    of the page: a shadow stays paper, the light and dark regions of a photo do not."""
    import kornia

    H, W = image.shape[-2:]
    shrink = min(1.0, 256 / max(H, W))                    # a share of the page: a small copy says it
    if shrink < 1:
        size = (max(1, round(H * shrink)), max(1, round(W * shrink)))
        image = F.interpolate(image[None], size=size, mode="area")[0]
        paper = F.interpolate(paper[None], size=size, mode="area")[0]
        H, W = size
    sigma = max(H, W) / 16
    k = min(2 * int(2 * sigma) + 1, 2 * (min(H, W) // 2) - 1)
    smooth = kornia.filters.gaussian_blur2d(paper[None], (k, k), (sigma, sigma), border_type="replicate")[0]
    return float((ink_strength(image, smooth) > level).float().mean())


def _less_grain(strength: torch.Tensor) -> torch.Tensor:
    """Strength less the paper's own grain: the paper estimate is the grain's upper envelope, so
    most of the page reads a little inked; its median and spread (most pixels are paper) are taken off."""
    sample = strength.flatten()[::max(1, strength.numel() // 100_000)]
    base = sample.median()
    spread = 1.4826 * (sample - base).abs().median()
    return (strength - base - 3 * spread).clamp(0, 1)


def binary_closing(mask: np.ndarray, radius: int) -> np.ndarray:
    """Closing of a bool mask ``(H, W)`` by a disk: dilation and erosion as counting convolutions.

    The same result as :func:`kornia.morphology.closing` on a 0/1 image, but
    one convolution a step instead of one comparison per kernel element
    (a twentieth of the time on a 640 x 480 page).
    """
    disk = _disk(radius)[None, None]
    r = int(radius)
    x = torch.from_numpy(mask).float()[None, None]
    grown = (F.conv2d(F.pad(x, (r, r, r, r)), disk) > 0.5).float()
    kept = F.conv2d(F.pad(grown, (r, r, r, r), value=1.0), disk) > disk.sum() - 0.5
    return kept[0, 0].numpy()


def _fill_pinholes(mask: np.ndarray, area: int) -> np.ndarray:
    from scipy import ndimage
    holes, n = ndimage.label(~mask)
    if n == 0:
        return mask
    sizes = np.bincount(holes.ravel())
    small = sizes <= area
    small[0] = False
    return mask | small[holes]


def _drop_specks(mask: np.ndarray, min_length: float) -> np.ndarray:
    from scipy import ndimage
    labels, n = ndimage.label(mask, structure=np.ones((3, 3)))
    if n == 0:
        return mask
    keep = np.zeros(n + 1, bool)
    for k, box in enumerate(ndimage.find_objects(labels), start=1):
        h, w = box[0].stop - box[0].start, box[1].stop - box[1].start
        keep[k] = np.hypot(h, w) >= min_length
    return keep[labels]


def ink_colour(image: torch.Tensor, strength: torch.Tensor, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The colour of the ink along points ``(x, y)`` in pixels: RGB ``(3,)`` in [0, 1].

    The median colour of the most strongly inked pixels at those points (the
    core of the line, not its anti-aliased rim).
    """
    H, W = strength.shape
    xi = np.clip(np.round(xs).astype(int), 0, W - 1)
    yi = np.clip(np.round(ys).astype(int), 0, H - 1)
    s = strength.numpy()[yi, xi]
    core = s >= np.quantile(s, 0.5) if len(s) > 4 else np.ones(len(s), bool)
    colours = image.numpy()[:, yi[core], xi[core]]
    return np.median(colours, axis=1).clip(0, 1)


__all__ = ["Ink", "ink_mask", "ink_strength", "paper_colour", "ink_colour", "LINE_ART_COVER"]
