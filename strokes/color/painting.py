"""Painting in colour: :func:`paint` with a palette, a colourizing reference or a style image.

:func:`colour_options` turns a colour request into the painter's options
(``constrain``, ``extra_loss``, see :class:`strokes.painter.PaintOptions`)
and a finishing step for the painted strokes; both ``strokes paint`` and
:func:`paint` use it.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import ColorError


PALETTE_STEPS = 60         # optimizer steps per batch with a palette (the painter's default is 40; docs/colour.md)
PALETTE_BALANCE = 0.5      # balance of the assignment of a given palette's paints (as recolor's default)
COLOUR_OPTIONS = ("palette", "colors", "colorize_like", "style_image", "style_weight")


def check_request(palette=None, colors=None, colorize_like=None, style_image=None, style_weight=None,
                  seed: int = 0, flags: bool = False):
    """Check a colour request before anything is painted: a :class:`ColorError` names the bad option.

    Reads the palette and every picture named; returns ``(paints (K, 3) RGB or None, style loss or None)``.
    """
    name = (lambda n: "--" + n.replace("_", "-")) if flags else (lambda n: n)
    if palette is not None and colors is not None:
        raise ColorError(f"{name('palette')} and {name('colors')}: expected one of them, got both")
    if colorize_like is not None and (palette is not None or colors is not None):
        raise ColorError(f"{name('colorize_like')}: cannot be combined with {name('palette')} or {name('colors')} "
                         "(a palette fixes the colours)")
    if style_weight is not None and style_image is None:
        raise ColorError(f"{name('style_weight')}: needs {name('style_image')}")
    paints = None
    if palette is not None or colors is not None:       # (the palette module imports kornia: only when asked)
        from .palette import check_count, parse_palette
        paints = parse_palette(palette, what=name("palette")) if palette is not None else None
        if colors is not None:
            check_count(colors, what=name("colors"))
    if colorize_like is not None:
        from .recolor import load_reference
        load_reference(colorize_like, what=name("colorize_like"))
    loss = None
    if style_image is not None:
        from .style_image import WEIGHT
        loss = style_loss(style_image, WEIGHT if style_weight is None else style_weight, seed=seed,
                          what=name("style_image"))
    return paints, loss


def colour_options(image, palette=None, colors=None, colorize_like=None, style_image=None, style_weight=None,
                   seed: int = 0, flags: bool = False):
    """``(painter options, finish)`` for a colour request; every file is read and checked here.

    ``finish(strokes) -> strokes`` gives the painted strokes their final colours.
    """
    paints, loss = check_request(palette, colors, colorize_like, style_image, style_weight, seed, flags)
    options = {}
    if colors is not None:
        paints = image_paints(image, colors, seed=seed)
    if paints is not None:                 # a given palette keeps the picture's balance; the image's own paints are its clusters
        from .palette import PaletteSnap
        options["constrain"] = PaletteSnap(paints, balance=PALETTE_BALANCE if colors is None else 0.0)
        options["steps"] = PALETTE_STEPS
    if loss is not None:
        options["extra_loss"] = loss

    def finish(strokes):
        if paints is not None:
            return snap_exactly(strokes, paints)
        if colorize_like is not None:
            from .colorize import colorize
            return colorize(strokes, image, colorize_like, seed=seed)
        return strokes

    return options, finish


def image_paints(image, k: int, seed: int = 0) -> np.ndarray:
    """``k`` paints ``(k, 3)`` RGB picked from a picture's pixels (weighted k-means in Lab)."""
    from .palette import paints_rgb, pick_paints
    from .recolor import REFERENCE_SIZE
    from .lab import image_to_lab
    from ..images import load_image
    from ..painter import resize
    from ..rendering import canvas_size

    picture = load_image(image)
    H, W = canvas_size(picture.shape[2], picture.shape[1], min(REFERENCE_SIZE, max(picture.shape[1:])))
    lab = image_to_lab(resize(picture, (H, W))).reshape(3, -1).T.double().numpy()
    return paints_rgb(pick_paints(lab, np.ones(len(lab)), k, seed=seed))


def style_loss(style_image, weight: float, seed: int = 0, what: str = "style_image"):
    from ..images import load_image
    from .style_image import StyleLoss

    if not np.isfinite(weight) or weight < 0:
        raise ColorError(f"{what}: weight: expected a number >= 0, got {weight}")
    try:
        picture = load_image(style_image)
    except (ValueError, OSError) as exc:
        raise ColorError(f"{what}: cannot read {style_image}: {exc}") from None
    return StyleLoss(picture, weight, seed=seed)


def snap_exactly(stroke_set, paints: np.ndarray):
    """Every stroke's colour (start = end) set exactly to its nearest paint; the palette in ``meta``."""
    import torch

    from ..layout import COLOR_END, COLOR_START, COLORS
    from ..strokeset import StrokeSet
    from .lab import rgb_to_lab
    from .palette import to_hex

    mean = 0.5 * (stroke_set.params[:, COLOR_START] + stroke_set.params[:, COLOR_END])
    near = torch.cdist(rgb_to_lab(torch.as_tensor(mean, dtype=torch.float32)),
                       rgb_to_lab(torch.as_tensor(paints, dtype=torch.float32))).argmin(1).numpy()
    params = stroke_set.params.copy()
    params[:, COLORS] = np.concatenate([paints[near], paints[near]], 1)
    return StrokeSet(params, stroke_set.width, stroke_set.height, stroke_set.background,
                     {**stroke_set.meta, "palette": to_hex(paints)})


def paint(image, palette=None, colors=None, colorize_like=None, style_image=None, style_weight=None,
          seed: int = 0, **kwargs):
    """:func:`strokes.paint` with the colour requests of ``strokes paint``; returns a :class:`~strokes.Painting`.

    palette / colors: paint with these paints / K paints picked from the image (each stroke one
    paint, snapped while painting, exact at the end, listed in ``strokes.meta["palette"]``);
    colorize_like: ``image`` is grayscale, colours come from this picture (:func:`colorize`);
    style_image, style_weight: add the sliced-Wasserstein style term (:class:`StyleLoss`).
    """
    from ..images import load_image
    from ..painter import Painting
    from ..painter import paint as paint_strokes

    image = image if isinstance(image, (str, Path)) else load_image(image)        # a stream is read once
    options, done = colour_options(image, palette, colors, colorize_like, style_image, style_weight, seed)
    painting = paint_strokes(image, seed=seed, **{**options, **kwargs})
    return Painting(done(painting.strokes), painting.style, painting.seconds)
