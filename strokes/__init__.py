"""strokes: turn an image into a painting of vector strokes, and draw stored
strokes in pluggable styles.

The table of contents (names load on first use, so ``import strokes`` is quick):

* stroke model:   StrokeSet, Stroke, COLUMNS, LAYOUT_VERSION, load, save
* styles:         Style, get_style, list_styles, refresh_styles
* drawing:        render, composite
* images in:      load_image
* painting:       paint, Painting, load_renderer, train_renderer
* drawing lines:  sketch, Drawing (and the filters in strokes.targets)
* tracing:        trace (line art to clean strokes)
* outputs:        frames, animate, export_svg, export_plotter_svg
* colour:         recolor, colorize (and strokes.color)
* errors:         StrokesError (strokes.errors has the rest)
"""
from . import startup as _startup

_startup.guard()  # the `strokes` command only: a signal while it imports torch ends in one line (strokes.startup)

from importlib import import_module  # noqa: E402

from . import threads as _threads  # noqa: F401  (sets OMP_WAIT_POLICY before torch loads; see strokes.threads)

__version__ = "0.1.0"

_WHERE = {
    "StrokeSet": "strokeset", "Stroke": "strokeset",
    "COLUMNS": "layout", "LAYOUT_VERSION": "layout",
    "load": "files", "save": "files", "StrokesFileError": "files",
    "Style": "style",
    "get_style": "registry", "list_styles": "registry", "refresh_styles": "registry",
    "UnknownStyleError": "registry", "ENTRY_POINT_GROUP": "registry",
    "render": "rendering", "render_tensor": "rendering",
    "composite": "compositing",
    "load_image": "images", "ImageError": "images",
    "paint": "painter", "Painting": "painter",
    "sketch": "sketcher", "Drawing": "sketcher",
    "trace": "tracer",
    "load_renderer": "neural", "train_renderer": "neural",
    "frames": "animation", "animate": "animation",
    "export_svg": "svg", "export_plotter_svg": "plotter",
    "recolor": "color.recolor", "colorize": "color.colorize",
    "StrokesError": "errors",
}

__all__ = sorted(_WHERE) + ["__version__"]


def __getattr__(name):
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'strokes' has no attribute {name!r}")


def __dir__():
    return __all__
