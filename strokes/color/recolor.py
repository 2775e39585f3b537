"""``recolor``: new colours for stored strokes, from a reference picture or a palette; nothing else changes.

>>> from strokes.strokeset import StrokeSet
>>> s = StrokeSet([[.1, .5, .5, .4, .9, .5, .1, .1, .9, .9, .6, .8, .9, .7, 1],     # light yellow
...                [.5, .1, .5, .5, .5, .9, .1, .1, .1, .1, .3, .2, .1, .4, 1]],    # dark blue
...               width=64, height=64)
>>> two = recolor(s, palette=["#000000", "#ffffff"], balance=0)
>>> two.params[:, 8:14].tolist(), two.meta["palette"]
([[1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], ['#000000', '#ffffff'])
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ..layout import COLOR_END, COLOR_START, COLORS
from ..strokeset import StrokeSet
from .coverage import coverage, weight_matrix
from .errors import ColorError
from .lab import image_to_lab, lab_to_rgb, rgb_to_lab
from .palette import assign, check_count, paints_rgb, parse_palette, pick_paints, to_hex
from .transfer import mean_variance_transfer, transport_colours, transport_pixels

REFERENCE_SIZE = 128      # longest side the reference is read at (its colour distribution, not its detail)
PIXELS_SIZE = 72          # longest side of the canvas on which the painting's pixels are transported
ONE_COLOUR = 1.0          # a reference whose Lab spread is below this (in every channel) has one colour


def load_reference(like, what: str = "like") -> torch.Tensor:
    """The reference's pixels as ``(N, 3)`` Lab; a clear :class:`ColorError` for an unreadable or one-colour one."""
    from ..images import load_image
    from ..painter import resize
    from ..rendering import canvas_size

    name = like if isinstance(like, (str, Path)) else "the reference image"
    try:
        image = load_image(like)
    except (ValueError, OSError) as exc:
        raise ColorError(f"{what}: cannot read the reference {name}: {exc}") from None
    H, W = canvas_size(image.shape[2], image.shape[1], min(REFERENCE_SIZE, max(image.shape[1:])))
    lab = image_to_lab(resize(image, (H, W))).reshape(3, -1).T
    if float(lab.std(0).max()) < ONE_COLOUR:
        raise ColorError(f"{what}: the reference {name} has a single colour; there is no colour distribution "
                         "to transfer (use --palette for flat colours)")
    return lab


def stroke_colours(stroke_set: StrokeSet, pixels=None) -> tuple[np.ndarray, np.ndarray]:
    """The painting's colours ``(2S + 1, 3)`` Lab and their mass ``(2S + 1,)``.

    All start colours, then all end colours (half its visible area each), then the
    bare canvas (the area no stroke covers). ``pixels``: the strokes' :func:`weight_matrix`, if made already.
    """
    if pixels is None:
        area, _ = coverage(stroke_set)
    else:
        area = torch.as_tensor(np.asarray(pixels.sum(0)).ravel()[:-1] / pixels.shape[0])
    t = stroke_set.to_tensor()
    bg = torch.tensor([stroke_set.background], dtype=torch.float32)
    lab = rgb_to_lab(torch.cat([t[:, COLOR_START], t[:, COLOR_END], bg])).double().numpy()
    w = area.double().numpy() / 2
    return lab, np.concatenate([w, w, [max(0.0, 1.0 - 2 * w.sum())]])


def with_colours(stroke_set: StrokeSet, lab: np.ndarray, meta: dict | None = None) -> StrokeSet:
    """The strokes with new colours ``(2S + 1, 3)`` Lab: starts, ends, then the bare canvas."""
    S = len(stroke_set)
    rgb = lab_to_rgb(torch.as_tensor(lab, dtype=torch.float32)).double().numpy()
    params = stroke_set.params.copy()
    params[:, COLOR_START], params[:, COLOR_END] = rgb[:S], rgb[S:2 * S]
    return StrokeSet(params, stroke_set.width, stroke_set.height, tuple(rgb[2 * S]),
                     {**stroke_set.meta, **(meta or {})})


def recolor(stroke_set: StrokeSet, like=None, keep_lightness: bool = True, amount: float = 1.0, palette=None,
            colors: int | None = None, balance: float = 0.5, method: str = "transport", seed: int = 0) -> StrokeSet:
    """New colours for ``stroke_set``; geometry, order, opacity and canvas stay.

    Exactly one of:
        like: a reference picture (path, PIL image, array or ``(3, H, W)`` tensor): the strokes'
            colours are moved onto its colour distribution by optimal transport in Lab
            (:mod:`strokes.color.transfer`); ``keep_lightness`` keeps each colour's L* and moves
            a*, b* only; ``amount`` in [0, 1] goes part of the way. ``method="mean-variance"``
            is the Reinhard-style baseline instead.
        palette: paints (``"#264653,#2a9d8f"``, a list of ``#rrggbb`` or RGB triples): every stroke
            gets one paint (start = end), by the balanced assignment of :func:`strokes.color.palette.assign`.
        colors: pick this many paints from the strokes' own colours, then as with ``palette``.

    Returns:
        a new :class:`StrokeSet`; with a palette its ``meta["palette"]`` lists the paints (``#rrggbb``).
    """
    chosen = [name for name, v in (("like", like), ("palette", palette), ("colors", colors)) if v is not None]
    if len(chosen) != 1:
        raise ColorError(f"recolor: expected exactly one of like=, palette=, colors=, got "
                         f"{', '.join(chosen) if chosen else 'none'}")
    if not 0.0 <= float(amount) <= 1.0:
        raise ColorError(f"amount: expected a number in [0, 1], got {amount!r}")
    if not 0.0 <= float(balance) <= 1.0:
        raise ColorError(f"balance: expected a number in [0, 1], got {balance!r}")
    if palette is not None or colors is not None:
        paints = parse_palette(palette) if palette is not None else None
        k = check_count(colors) if colors is not None else None
        return _with_palette(stroke_set, paints, k, balance, seed)
    if method not in ("transport", "mean-variance"):
        raise ColorError(f"method: expected 'transport' or 'mean-variance', got {method!r}")
    reference = load_reference(like).double().numpy()
    pixels = weight_matrix(stroke_set, size=PIXELS_SIZE)
    lab, weights = stroke_colours(stroke_set, pixels)
    S = len(stroke_set)
    mean = lambda c: np.concatenate([0.5 * (c[:S] + c[S:2 * S]), c[2 * S:]])      # noqa: E731  (S + 1, 3)
    if method == "mean-variance":                  # the painting's statistics: those of its pixels, as for OT
        moved = mean_variance_transfer(lab, weights, reference, keep_lightness, pixels=pixels @ mean(lab))
    else:
        moved = transport_colours(lab, weights, reference, keep_lightness, seed=seed)
        shift = transport_pixels(mean(moved), pixels, reference, keep_lightness, seed=seed)
        moved = moved + np.concatenate([shift[:S], shift[:S], shift[S:]])
    return with_colours(stroke_set, lab + float(amount) * (moved - lab))


def _with_palette(stroke_set: StrokeSet, paints_rgb_given, k, balance: float, seed: int) -> StrokeSet:
    if len(stroke_set) == 0:
        paints = paints_rgb_given if paints_rgb_given is not None else np.zeros((0, 3))
        return StrokeSet(stroke_set.params, stroke_set.width, stroke_set.height, stroke_set.background,
                         {**stroke_set.meta, "palette": to_hex(paints)})
    _, weights = stroke_colours(stroke_set)
    S = len(stroke_set)
    mean_lab = rgb_to_lab(torch.as_tensor(
        0.5 * (stroke_set.params[:, COLOR_START] + stroke_set.params[:, COLOR_END]), dtype=torch.float32)).double().numpy()
    area = weights[:S] * 2
    if paints_rgb_given is None:
        paints = paints_rgb(pick_paints(mean_lab, area, k, seed=seed))
        balance = 0.0                                   # the paints are the strokes' own clusters
    else:
        paints = paints_rgb_given
    paints_lab = rgb_to_lab(torch.as_tensor(paints, dtype=torch.float32)).double().numpy()
    which = assign(mean_lab, area, paints_lab, balance=balance)
    params = stroke_set.params.copy()
    params[:, COLORS] = np.concatenate([paints[which], paints[which]], 1)
    return StrokeSet(params, stroke_set.width, stroke_set.height, stroke_set.background,
                     {**stroke_set.meta, "palette": to_hex(paints)})
