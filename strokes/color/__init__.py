"""Colour: recolour stored strokes, paint with a palette, colourize a gray photo, paint like a style image.

POT does the transport (``ot.emd`` plans for the palette assignment and
colourizing; ``ot.sliced_wasserstein_distance`` measures a recolouring and is
the oracle of our torch version; the recolouring itself is sliced transport,
exact 1-D plans along random directions), kornia the colour spaces (CIE Lab)
and filters.

* recolour strokes:      recolor (like= a picture, or palette= / colors=)
* colourize:             colorize
* paint in colour:       paint (palette, colors, colorize_like, style_image)
* pieces:                StyleLoss, PaletteSnap, coverage, parse_palette, ColorError
"""
from importlib import import_module

_WHERE = {
    "recolor": "recolor", "colorize": "colorize", "paint": "painting",
    "StyleLoss": "style_image", "sliced_wasserstein": "style_image",
    "PaletteSnap": "palette", "parse_palette": "palette",
    "coverage": "coverage", "ColorError": "errors",
}

__all__ = sorted(_WHERE)


def __getattr__(name):
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'strokes.color' has no attribute {name!r}")


def __dir__():
    return __all__
