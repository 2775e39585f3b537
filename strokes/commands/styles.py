"""``strokes styles``: every style that can draw strokes, built-in or plugin, and which ones can paint."""
from __future__ import annotations

import sys
import warnings

HELP = "list the available styles: name, whether it can paint, description"


def add_arguments(parser) -> None:
    parser.add_argument("pattern", nargs="?", default="*",
                        help="only styles whose name matches this shell pattern (default: all)")
    parser.add_argument("--options", action="store_true",
                        help="also list each style's options with their defaults (for --option key=value)")


def run(args) -> int:
    from strokes.neural import has_renderer
    from strokes.registry import ENTRY_POINT_GROUP, BUILTIN_STYLES
    classes = style_classes(args.pattern)
    if not classes:
        print(f"no style matches {args.pattern!r}", file=sys.stderr)
        return 1
    width = max(len(n) for n in classes)
    print(f"{'name':<{width}}  paintable  description")
    for name, cls in classes.items():
        able = "yes" if has_renderer(name) else "no"
        origin = "" if name in BUILTIN_STYLES else f" [plugin: {cls.__module__}]"
        print(f"{name:<{width}}  {able:<9}  {cls.description or '(no description)'}{origin}")
        if args.options:
            opts = ", ".join(f"{k}={v!r}" for k, v in cls.option_defaults().items())
            print(f"{'':<{width}}  {'':<9}  options: {opts}")
    print("\npaintable = a trained neural renderer (a fast, differentiable stand-in for the style) ships "
          "with strokes; make one for any style with `strokes train-renderer --style NAME`")
    print(f"third-party styles register under the entry-point group {ENTRY_POINT_GROUP!r}; see docs/plugins.md")
    return 0


def style_classes(pattern: str = "*") -> dict:
    """Name -> Style class for every available style, plugin warnings printed as one clean line each."""
    from strokes.registry import list_styles, style_class
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        names = list_styles(pattern)
        classes = {n: style_class(n) for n in names}
    report_warnings(caught)
    return classes


def report_warnings(caught) -> None:
    for w in caught:
        print(f"strokes: warning: {w.message}", file=sys.stderr)


