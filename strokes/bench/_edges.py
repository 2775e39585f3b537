"""Edge F-score of a drawing against a photo's Canny edges, with a pixel tolerance (for the sketch benchmark).

Both the drawing's lines and the reference edges are thinned to one-pixel
skeletons (scikit-image), so a wide line counts once. Precision: the share of
drawn skeleton pixels within ``tolerance`` pixels of a reference edge;
recall: the share of reference edge pixels within ``tolerance`` of a drawn
one; F = their harmonic mean.
"""
from __future__ import annotations

import numpy as np
import torch


def canny_reference(photo: torch.Tensor) -> np.ndarray:
    """Canny edges ``(H, W)`` bool of a photo ``(3, H, W)`` in [0, 1] (:func:`strokes.targets.edge_map`)."""
    from strokes.targets import edge_map, gray
    return edge_map(gray(photo))[0].numpy() > 0.5


def inked(picture: torch.Tensor, threshold: float = 0.35) -> np.ndarray:
    """Where a drawing ``(C, H, W)`` in [0, 1] (white paper) is inked: darker than ``1 - threshold``, skeletonized."""
    from skimage.morphology import skeletonize
    g = picture.float().mean(0).numpy()
    return skeletonize(g < 1 - threshold)


def edge_fscore(drawn: np.ndarray, reference: np.ndarray, tolerance: float = 3.0) -> dict:
    """``{"precision", "recall", "f"}`` of bool maps ``drawn`` and ``reference`` ``(H, W)``.

    >>> e = np.zeros((20, 20), bool); e[10] = True
    >>> d = np.zeros((20, 20), bool); d[12] = True
    >>> edge_fscore(d, e)["f"]
    1.0
    """
    from scipy.ndimage import distance_transform_edt
    if drawn.shape != reference.shape:
        raise ValueError(f"expected maps of the same shape, got {drawn.shape} and {reference.shape}")
    if not drawn.any() or not reference.any():
        return {"precision": 0.0, "recall": 0.0, "f": 0.0}
    to_ref = distance_transform_edt(~reference)
    to_drawn = distance_transform_edt(~drawn)
    precision = float((to_ref[drawn] <= tolerance).mean())
    recall = float((to_drawn[reference] <= tolerance).mean())
    f = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return {"precision": precision, "recall": recall, "f": f}
