"""``strokes render``: draw a strokes file in any style, at any size, as an image."""
from __future__ import annotations

import warnings
from pathlib import Path

HELP = "draw a strokes file (.json or .npz) in a style as an image (PNG, JPEG, WebP, ...)"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="strokes file, .json or .npz")
    parser.add_argument("--style", default="oil", metavar="NAME",
                        help="style to draw with (default: oil); `strokes styles` lists them")
    parser.add_argument("--size", type=int, default=1024, metavar="N",
                        help="longest side of the image in pixels (default: 1024); the aspect ratio is kept")
    parser.add_argument("--seed", type=int, default=0, metavar="S",
                        help="seed of the style's textures (default: 0); same seed, same picture")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a style option, repeatable; `strokes styles --options` lists them")
    parser.add_argument("-o", "--out", required=True, metavar="OUT",
                        help="image to write; the format follows the suffix (.png, .jpg, .webp, ...)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar (shown when drawing takes more than a few seconds) and no summary line")


def run(args) -> int:
    from strokes.atomic import save_image
    from strokes.files import load
    from strokes.rendering import render

    out = Path(args.out)
    check_image_suffix(out)
    stroke_set = load(args.file)
    options = style_options(args)
    image = render(stroke_set, style=args.style, size=args.size, seed=args.seed, progress=not args.quiet, **options)
    save_image(image, out)
    if not args.quiet:
        print(f"wrote {out} ({image.width}x{image.height}, {len(stroke_set)} strokes, style {args.style})")
    return 0


def style_options(args) -> dict:
    """The ``--option key=value`` pairs of ``args.style``, typed; plugin warnings shown as one line each."""
    from strokes.registry import style_class

    from .styles import report_warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cls = style_class(args.style)
    report_warnings(caught)
    options = parse_options(args.option, cls)
    if "seed" in options:
        raise ValueError("give the seed with --seed, not --option seed=...")
    return options


def check_image_suffix(path: Path) -> None:
    """Refuse, before any work, an output whose suffix no image writer knows."""
    from PIL import Image
    Image.init()
    fmt = Image.EXTENSION.get(path.suffix.lower())
    if fmt is None or fmt not in Image.SAVE:
        raise ValueError(f"{path}: unknown image suffix {path.suffix!r}; use .png, .jpg, .webp, .tif, ...")


def parse_options(pairs, style_cls) -> dict:
    """``["key=value", ...]`` to keyword arguments, each value read as the type of the option's default.

    >>> from strokes.styles.marker import MarkerStyle
    >>> parse_options(["ink=0.5"], MarkerStyle)
    {'ink': 0.5}
    """
    defaults = style_cls.option_defaults()
    listing = ", ".join(f"{k}={v!r}" for k, v in defaults.items())
    options = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"--option {pair!r}: expected KEY=VALUE")
        if key not in defaults:
            raise ValueError(f"--option {pair!r}: style {style_cls.name!r} has no option {key!r}; "
                             f"its options are: {listing}")
        options[key] = parse_value(text.strip(), defaults[key], f"--option {key}")
    return options


def parse_value(text: str, default, where: str):
    """``text`` as the type of ``default`` (bool, int, float, str; a guess when the default is None).

    >>> parse_value("yes", False, "x"), parse_value("3", 1.5, "x"), parse_value("2", None, "x")
    (True, 3.0, 2)
    """
    if isinstance(default, bool):
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(f"{where}: expected true or false, got {text!r}")
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{where}: expected an integer, got {text!r}") from None
    if isinstance(default, float):
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{where}: expected a number, got {text!r}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{where}: expected a finite number, got {text!r}")
        return value
    if isinstance(default, (tuple, list)) and default:
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != len(default):
            raise ValueError(f"{where}: expected {len(default)} comma-separated values, got {text!r}")
        return type(default)(parse_value(p, d, where) for p, d in zip(parts, default))
    if default is None:
        for kind in (int, float):
            try:
                return kind(text)
            except ValueError:
                pass
    return text
