"""A limited palette: parse paints, pick K paints from a picture, give each stroke one paint.

Giving every stroke its nearest paint floods a painting with the one paint
nearest its average colour when the palette lies away from the picture's
colours. :func:`assign` instead sets how much area each paint covers
(``balance`` between the nearest-colour shares, 0, and even shares, 1) and
solves the exact optimal-transport assignment with those shares (``ot.emd``);
each stroke takes the paint that receives most of its mass. So the painting's
overall balance of light and dark, warm and cool survives the palette.
:func:`pick_paints` chooses K paints itself by weighted k-means in Lab
(k-means++ start, fixed seed), and with its own paints the shares are the
clusters' areas.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from .errors import ColorError
from .lab import hex_to_rgb, lab_to_rgb, rgb_to_hex, rgb_to_lab

MAX_PAINTS = 256
KMEANS_ROUNDS = 25
LOWEST_OPACITY = 0.15   # the most translucent a palette stroke is seeded (PaletteSnap.seed)


def parse_palette(palette, what: str = "palette") -> np.ndarray:
    """Paints as ``(K, 3)`` RGB in [0, 1], from ``"#264653,#2a9d8f"``, a list of ``#rrggbb`` or of RGB triples.

    >>> parse_palette("#000000, #ff0000").tolist()
    [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    """
    items = [p for p in palette.split(",")] if isinstance(palette, str) else list(palette)
    if isinstance(palette, str) and not palette.strip():
        items = []
    if not items:
        raise ColorError(f"{what}: expected at least one colour (#rrggbb,...), got an empty palette")
    if len(items) > MAX_PAINTS:
        raise ColorError(f"{what}: expected at most {MAX_PAINTS} colours, got {len(items)}")
    out = []
    for i, item in enumerate(items):
        try:
            if isinstance(item, str):
                rgb = hex_to_rgb(item)
            else:
                rgb = tuple(float(c) for c in item)
                if len(rgb) != 3 or not all(0.0 <= c <= 1.0 for c in rgb):
                    raise ValueError
        except (ValueError, TypeError):
            raise ColorError(f"{what}: colour {i + 1}: expected #rrggbb or three numbers in [0, 1], "
                             f"got {item!r}") from None
        out.append(rgb)
    return np.array(out, dtype=np.float64)


def check_count(colors, what: str = "colors") -> int:
    if isinstance(colors, bool) or not isinstance(colors, (int, np.integer)) or not 1 <= colors <= MAX_PAINTS:
        raise ColorError(f"{what}: expected a whole number of paints from 1 to {MAX_PAINTS}, got {colors!r}")
    return int(colors)


def pick_paints(lab: np.ndarray, weights: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """``k`` paints ``(k, 3)`` Lab for colours ``lab (N, 3)`` of mass ``weights (N,)``: weighted k-means.

    Fewer than ``k`` distinct colours give as many paints as there are colours.
    """
    rng = np.random.default_rng(seed)
    lab = np.asarray(lab, np.float64)
    w = np.asarray(weights, np.float64) + 1e-12
    distinct = np.unique(np.round(lab, 6), axis=0)
    if len(distinct) <= k:
        return distinct
    centres = [lab[rng.choice(len(lab), p=w / w.sum())]]
    d2 = ((lab - centres[0]) ** 2).sum(1)
    for _ in range(1, k):                                   # k-means++ start
        p = w * d2
        centres.append(lab[rng.choice(len(lab), p=p / p.sum())])
        d2 = np.minimum(d2, ((lab - centres[-1]) ** 2).sum(1))
    centres = np.array(centres)
    import ot     # here, not at the top: POT's import costs half a second of every `strokes paint`

    for _ in range(KMEANS_ROUNDS):
        label = np.argmin(ot.dist(lab, centres), 1)
        moved = centres.copy()
        for j in range(k):
            mine = label == j
            if mine.any():
                moved[j] = (lab[mine] * w[mine, None]).sum(0) / w[mine].sum()
        if np.allclose(moved, centres):
            break
        centres = moved
    return centres


def assign(lab: np.ndarray, weights: np.ndarray, paints: np.ndarray, balance: float = 0.5) -> np.ndarray:
    """Which paint each colour gets, ``(N,)`` indices into ``paints (K, 3)`` (both Lab).

    The area of paint ``k`` is set to ``(1 - balance) * nearest_k + balance / K``
    (``nearest_k``: the area nearest-colour would give it) and the exact
    transport plan with those shares decides; ``balance=0`` is nearest colour.
    """
    lab = np.asarray(lab, np.float64)
    paints = np.asarray(paints, np.float64)
    w = np.asarray(weights, np.float64)
    import ot

    w = w + 0.01 * max(w.mean(), 1e-12)
    a = w / w.sum()
    cost = ot.dist(lab, paints)
    nearest = np.argmin(cost, 1)
    if balance <= 0 or len(paints) == 1:
        return nearest
    share = np.bincount(nearest, weights=a, minlength=len(paints))
    b = (1 - balance) * share + balance / len(paints)
    plan = ot.emd(a, b / b.sum(), cost, numItermax=1_000_000)
    return np.argmax(plan, 1)


def to_hex(paints_rgb: np.ndarray) -> list[str]:
    return [rgb_to_hex(c) for c in paints_rgb]


def paints_rgb(paints_lab: np.ndarray) -> np.ndarray:
    """Lab paints to RGB ``(K, 3)`` in [0, 1], exactly representable in a file (rounded to 8 bits)."""
    rgb = lab_to_rgb(torch.as_tensor(paints_lab, dtype=torch.float32)).double().numpy()
    return np.round(rgb * 255) / 255


class PaletteSnap:
    """The painter's palette constraint: every stroke's colour (start = end) snapped to a paint.

    Called on decoded strokes ``(S, 15)`` at every optimizer step. Each stroke takes the paint
    of the colour it was seeded with (the picture's colour where it is placed): the nearest
    paint, or with ``balance > 0`` the balanced assignment of :func:`assign` over the batch.
    The snapped colour carries no gradient, so the colour stays that paint and the optimizer
    moves the stroke's position, shape, width and opacity around it (snap, then re-optimize).
    """

    def __init__(self, paints: Sequence, balance: float = 0.0):
        self.rgb = torch.as_tensor(np.asarray(paints, np.float64), dtype=torch.float32)
        self.lab = rgb_to_lab(self.rgb)
        self.balance = float(balance)

    def seed(self, params: torch.Tensor, canvas: torch.Tensor, lowest: float = LOWEST_OPACITY) -> torch.Tensor:
        """New strokes ``(S, 15)`` given the paint and opacity that bring the canvas closest to their colour.

        A translucent stroke of paint ``p`` at opacity ``a`` turns the canvas colour ``C`` under it
        into ``C + a (p - C)``: paints mix by layering, so the best paint for a stroke's seeded
        colour ``T`` is not always the nearest one but the one whose line from ``C`` passes
        closest to ``T`` (``a`` from ``lowest`` up to the seeded opacity). ``canvas`` is the
        ``(3, h, w)`` working canvas the strokes are painted on, read at each stroke's middle.
        """
        from ..layout import COLOR_END, COLOR_START, COLORS, OPACITY, P1, WIDTHS
        from ..painting.seeding import blur
        _, h, w = canvas.shape
        with torch.no_grad():
            canvas = blur(canvas, float(params[:, WIDTHS].mean()) * min(h, w) / 3) if len(params) else canvas
            want = 0.5 * (params[:, COLOR_START] + params[:, COLOR_END])                # (S, 3)
            ix = (params[:, P1][:, 0] * w).long().clamp(0, w - 1)
            iy = (params[:, P1][:, 1] * h).long().clamp(0, h - 1)
            under = canvas[:, iy, ix].T                                                  # (S, 3)
            paints = self.rgb.to(params)                                                 # (K, 3)
            towards = paints[None] - under[:, None]                                      # (S, K, 3)
            need = ((want - under)[:, None] * towards).sum(2) / (towards ** 2).sum(2).clamp(min=1e-8)
            alpha = torch.minimum(need.clamp(min=lowest), params[:, OPACITY, None])       # (S, K)
            miss = ((under[:, None] + alpha[..., None] * towards - want[:, None]) ** 2).sum(2)
            which = miss.argmin(1)
            paint = paints[which]
            out = params.clone()
            out[:, COLORS] = torch.cat([paint, paint], 1)
            out[:, OPACITY] = alpha.gather(1, which[:, None])[:, 0]
        return out

    def __call__(self, params: torch.Tensor) -> torch.Tensor:
        from ..layout import COLOR_END, COLOR_START, COLORS
        with torch.no_grad():
            free = rgb_to_lab((0.5 * (params[:, COLOR_START] + params[:, COLOR_END])).cpu())       # (S, 3)
            if self.balance > 0:
                which = torch.as_tensor(assign(free.double().numpy(), np.ones(len(free)),
                                               self.lab.double().numpy(), self.balance))
            else:
                which = torch.cdist(free, self.lab).argmin(1)
            paint = self.rgb[which].to(params)
        out = params.clone()
        out[:, COLORS] = torch.cat([paint, paint], 1)
        return out
