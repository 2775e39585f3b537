"""``strokes export``: a strokes file as SVG, for browsers, vector editors and pen plotters."""
from __future__ import annotations

import warnings
from pathlib import Path

HELP = "export a strokes file as SVG: one path per stroke, in order, with width, colour gradient and opacity"


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="strokes file, .json or .npz")
    parser.add_argument("-o", "--out", required=True, metavar="OUT.svg", help="SVG file to write")
    parser.add_argument("--style", default=None, metavar="NAME",
                        help="style whose look to approximate (marker: constant width, round caps, translucent; "
                             "tape: straight strips; others: outlines); default: plain flat strokes")
    parser.add_argument("--no-background", action="store_true",
                        help="leave out the canvas rectangle (for pen plotters)")
    parser.add_argument("--plotter", action="store_true",
                        help="for pen plotters: centreline paths only (stroke, no fill), one Inkscape layer per pen "
                             "colour, drawing order optimized for pen-up travel (prints it before and after)")
    parser.add_argument("--pens", type=int, default=8, metavar="N",
                        help="with --plotter: at most N pen colours (more are merged) (default: 8)")
    parser.add_argument("--size", type=int, default=None, metavar="N",
                        help="displayed longest side in pixels (default: the canvas' own size)")


def run(args) -> int:
    from strokes.files import load
    from strokes.registry import get_style
    from strokes.svg import export_svg

    from .styles import report_warnings

    out = Path(args.out)
    if out.suffix.lower() != ".svg":
        raise ValueError(f"{out}: expected an .svg output, got suffix {out.suffix!r}")
    stroke_set = load(args.file)
    if args.plotter:
        from strokes.plotter import export_plotter_svg
        if args.style is not None:
            raise ValueError("--plotter draws centrelines only; it takes no --style")
        report = export_plotter_svg(stroke_set, out, pens=args.pens, size=args.size)
        cut = 100 * (1 - report.after / report.before) if report.before > 0 else 0.0
        print(f"wrote {out} ({report.paths} paths in {report.layers} pen layer(s), canvas "
              f"{stroke_set.width}x{stroke_set.height}); pen-up travel {report.before:.0f} px before, "
              f"{report.after:.0f} px after ({cut:.0f}% less)")
        return 0
    style = None
    if args.style is not None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            style = get_style(args.style)
        report_warnings(caught)
    export_svg(stroke_set, out, style=style, background=not args.no_background, size=args.size)
    print(f"wrote {out} ({len(stroke_set)} strokes, canvas {stroke_set.width}x{stroke_set.height}, "
          f"{'style ' + args.style if args.style else 'flat strokes'})")
    return 0
