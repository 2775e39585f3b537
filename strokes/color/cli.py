"""The colour options of ``strokes paint``: --palette, --colors, --colorize-like, --style-image.

:func:`add_paint_arguments` adds them to the parser, :func:`paint_options`
checks them (through :func:`strokes.color.painting.colour_options`, which reads
every file they name before anything is painted, so a bad option writes
nothing) and returns the painter options they need, and :func:`finish` turns
the painted strokes into the final ones.
"""
from __future__ import annotations


def add_paint_arguments(parser) -> None:
    group = parser.add_argument_group("colour")
    group.add_argument("--palette", metavar="COLORS",
                       help="paint with these paints only, e.g. '#264653,#2a9d8f,#e9c46a' (each stroke one paint)")
    group.add_argument("--colors", type=int, metavar="K",
                       help="paint with K paints picked from the image (each stroke one paint)")
    group.add_argument("--colorize-like", metavar="REF",
                       help="the image is grayscale: give the strokes colours from this colour picture, "
                            "keeping each stroke's lightness")
    group.add_argument("--style-image", metavar="REF",
                       help="paint in the manner of this picture (its colours and small-patch texture)")
    group.add_argument("--style-weight", type=float, default=None, metavar="W",
                       help="weight of the style-image term next to the pixel loss (default: 0.3)")


def paint_options(args, image) -> dict:
    """The painter options of the colour arguments; raises :class:`ColorError` before anything is painted.

    The finishing step is kept on ``args`` for :func:`finish`.
    """
    from .painting import colour_options

    options, args._finish = colour_options(
        image, palette=args.palette, colors=args.colors, colorize_like=args.colorize_like,
        style_image=args.style_image, style_weight=args.style_weight, seed=args.seed, flags=True)
    return options


def many_options(args, kind: str) -> dict:
    """The colour arguments for painting a folder or glob, checked once before any image is painted.

    Returns the keyword arguments of :func:`strokes.color.painting.paint` to give every
    image (``{}`` when no colour option is set); ``--colors K`` picks K paints per image.
    """
    from .errors import ColorError
    from .painting import COLOUR_OPTIONS, check_request

    given = {k: getattr(args, k) for k in COLOUR_OPTIONS if getattr(args, k) is not None}
    if not given:
        return {}
    if kind == "video":
        raise ColorError(f"{', '.join('--' + k.replace('_', '-') for k in given)}: not available for a video "
                         "(paint its frames as a folder of images instead)")
    check_request(**given, seed=args.seed, flags=True)
    return {k: str(v) if k in ("colorize_like", "style_image") else v for k, v in given.items()}


def finish(args, painting, image):
    """The painting with its final colours (exact paints, or chroma from --colorize-like)."""
    from ..painter import Painting

    strokes = args._finish(painting.strokes)
    return painting if strokes is painting.strokes else Painting(strokes, painting.style, painting.seconds)
