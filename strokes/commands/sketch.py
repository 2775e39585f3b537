"""``strokes sketch``: draw a photo in N lines; writes OUTDIR/drawing.png and OUTDIR/strokes.json."""
from __future__ import annotations

import sys
from pathlib import Path

HELP = "draw a photo in N pencil or pen lines (writes OUTDIR/drawing.png and OUTDIR/strokes.json)"


def add_arguments(parser) -> None:
    from strokes.targets import KINDS
    parser.add_argument("image", metavar="IMAGE", help="photo to draw (PNG, JPEG, ...; any size, any mode)")
    parser.add_argument("-o", "--out", required=True, metavar="OUTDIR", help="folder for drawing.png and strokes.json")
    parser.add_argument("--lines", type=int, default=800, metavar="N", help="number of lines (default: 800)")
    parser.add_argument("--size", type=int, default=512, metavar="PX",
                        help="longest side of the drawing in pixels (default: 512); the aspect ratio is kept")
    parser.add_argument("--style", default="pencil", metavar="NAME",
                        help="style the lines are drawn in: pencil (graphite), pen (uniform ink) or any style "
                             "(default: pencil)")
    parser.add_argument("--target", default="dodge", choices=tuple(KINDS),
                        help="what the lines aim at: dodge (pencil sketch filter), xdog, threshold, edges (Canny) "
                             "or image (the photo's tones) (default: dodge)")
    parser.add_argument("--color", action="store_true", help="lines take the photo's colours (default: graphite/ink)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    parser.add_argument("--min-width", type=float, default=None, metavar="PX", help="thinnest line in pixels (default: 0.9)")
    parser.add_argument("--max-width", type=float, default=None, metavar="PX", help="widest line in pixels (default: 2.6)")
    parser.add_argument("--resume", action="store_true",
                        help="continue from OUTDIR/strokes.json (left by an interrupted run) up to --lines")
    parser.add_argument("--threads", type=int, default=1, metavar="N",
                        help="torch threads (default: 1; the sketcher works on small tensors, and a second thread "
                             "slows it down badly when the machine is busy with anything else)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def run(args) -> int:
    from strokes.sketcher import SketchError, sketch

    if args.threads < 1:
        raise ValueError(f"--threads {args.threads}: expected at least 1")
    if args.lines < 1:
        raise SketchError(f"--lines {args.lines}: expected a positive number of lines")
    out = Path(args.out)
    checkpoint = out / "strokes.json"
    if args.resume and not checkpoint.exists():
        raise SketchError(f"--resume: {checkpoint} does not exist; nothing to continue from")
    options = {"checkpoint": checkpoint}
    for name in ("min_width", "max_width"):
        if getattr(args, name) is not None:
            options[name] = getattr(args, name)
    if "min_width" in options and "max_width" not in options:
        options["max_width"] = max(options["min_width"], 2.6)
    if "max_width" in options and "min_width" not in options:
        options["min_width"] = min(options["max_width"], 0.9)
    if args.resume:
        options["resume"] = checkpoint
    try:
        drawing = sketch(args.image, lines=args.lines, size=args.size, style=args.style, target=args.target,
                         seed=args.seed, color=args.color, progress=not args.quiet, threads=args.threads, **options)
    except KeyboardInterrupt:
        if checkpoint.exists():
            print(f"strokes sketch: stopped; the lines drawn so far are in {checkpoint} "
                  f"(continue with --resume)", file=sys.stderr)
        raise
    drawing.save(out)
    s = drawing.strokes
    if not args.quiet:
        print(f"wrote {out / 'drawing.png'} ({s.width}x{s.height}) and {checkpoint} "
              f"({len(s)} lines, style {drawing.style.name}, {drawing.seconds:.1f} s)")
    return 0
