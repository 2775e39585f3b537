"""``strokes trace``: line art to clean vector strokes; writes OUTDIR/strokes.json and OUTDIR/drawing.png."""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

HELP = "trace a line drawing or rough sketch into clean vector strokes (writes OUTDIR/strokes.json, OUTDIR/drawing.png)"


def add_arguments(parser) -> None:
    parser.add_argument("image", metavar="IMAGE", help="line art to trace: pencil scan, ink drawing, binary image, ...")
    parser.add_argument("-o", "--out", required=True, metavar="OUTDIR", help="folder for strokes.json and drawing.png")
    parser.add_argument("--simplify", type=float, default=0.5, metavar="0..1",
                        help="how strongly overdrawn passes and continuing pieces are merged (default: 0.5)")
    parser.add_argument("--size", type=int, default=None, metavar="PX",
                        help="longest side of the traced drawing in pixels (default: the image's, at most 4096)")
    parser.add_argument("--style", default="pen", metavar="NAME",
                        help="style the strokes are refined and drawn in (default: pen; marker until a pen style "
                             "is installed)")
    parser.add_argument("--min-length", type=float, default=8.0, metavar="PX",
                        help="drop specks and lines shorter than this many pixels (default: 8)")
    parser.add_argument("--background", default="white", metavar="COLOR",
                        help="paper of the drawing: white, paper (the scan's own), #rrggbb or r,g,b (default: white)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="the style's seed (default: 0)")
    parser.add_argument("--npz", action="store_true", help="also write OUTDIR/strokes.npz (compact)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors and warnings")


def run(args) -> int:
    from strokes.commands.paint import parse_color
    from strokes.tracer import TraceError, TraceWarning, trace

    if not 0.0 <= args.simplify <= 1.0:
        raise TraceError(f"--simplify {args.simplify}: expected a number in [0, 1]")
    if args.min_length < 0:
        raise TraceError(f"--min-length {args.min_length}: expected a length in pixels >= 0")
    background = "paper" if args.background.strip().lower() == "paper" else parse_color(args.background)
    if background == "auto":
        background = "paper"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TraceWarning)
        drawing = trace(args.image, simplify=args.simplify, size=args.size, style=args.style, seed=args.seed,
                        progress=False, min_length=args.min_length, background=background)
    for w in caught:
        if issubclass(w.category, TraceWarning):
            print(f"strokes trace: {w.message}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    out = Path(args.out)
    drawing.save(out, npz=args.npz)
    s = drawing.strokes
    if not args.quiet:
        print(f"{len(s)} strokes: wrote {out / 'strokes.json'} and {out / 'drawing.png'} ({s.width}x{s.height}, "
              f"style {drawing.style.name}, {drawing.seconds:.1f} s)")
    return 0
