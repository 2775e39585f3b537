"""``strokes paint``: paint an image into N strokes; writes OUTDIR/painting.png and OUTDIR/strokes.json."""
from __future__ import annotations

import sys
from pathlib import Path

from . import many_options

HELP = "paint an image into vector strokes (writes OUTDIR/painting.png and OUTDIR/strokes.json)"

_NAMED = {"white": (1.0, 1.0, 1.0), "black": (0.0, 0.0, 0.0), "gray": (0.5, 0.5, 0.5), "grey": (0.5, 0.5, 0.5)}


def add_arguments(parser) -> None:
    parser.add_argument("image", metavar="IMAGE", help="picture to paint (PNG, JPEG, ...; any size, any mode); "
                        "a folder or glob paints every image into OUTDIR/<name>/, a video every frame")
    parser.add_argument("-o", "--out", required=True, metavar="OUTDIR", help="folder for painting.png and strokes.json")
    parser.add_argument("--style", default="oil", metavar="NAME", help="style to paint in (default: oil)")
    parser.add_argument("--strokes", type=_count, default="auto", metavar="N",
                        help="number of strokes, or auto (default): about 500 at 512 px for an average photo, "
                             "growing with the square root of the canvas area and with the image's detail")
    parser.add_argument("--detail", type=float, default=1.0, metavar="X",
                        help="scale the automatic stroke count (default: 1.0; 2 = twice the strokes)")
    parser.add_argument("--min-width", type=float, default=None, metavar="PX",
                        help="narrowest stroke, in pixels of the painting (default: no limit)")
    parser.add_argument("--max-width", type=float, default=None, metavar="PX",
                        help="widest stroke, in pixels of the painting (default: no limit)")
    parser.add_argument("--flat", action="store_true", help="one colour per stroke (no colour change along it)")
    parser.add_argument("--opaque", action="store_true", help="every stroke at opacity 1")
    parser.add_argument("--no-retouch", dest="retouch", action="store_false",
                        help="keep each batch's colours as optimized (by default, once every stroke is laid, all "
                             "colours are fitted anew together against the picture)")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a style option, repeatable, as in `strokes render`; `strokes styles --options` lists them")
    parser.add_argument("--size", type=int, default=512, metavar="PX",
                        help="longest side of the painting in pixels (default: 512); the aspect ratio is kept")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0); same seed, same strokes")
    parser.add_argument("--background", default=None, metavar="COLOR",
                        help="the ground: white, black, gray, #rrggbb, r,g,b in [0, 1], or auto (the image's "
                             "mean colour, a toned ground) (default: the style's ground, white but for pencil; a video: auto)")
    parser.add_argument("--ot-weight", type=float, default=None, metavar="W",
                        help="weight of the optimal-transport loss next to the pixel loss (default: 0.1)")
    parser.add_argument("--steps", type=int, default=None, metavar="N",
                        help="optimizer steps per batch of strokes (default: the painter's own); fewer paint faster, rougher")
    parser.add_argument("--device", default="auto", metavar="DEV", help="auto, cpu, cuda, ... (default: auto)")
    parser.add_argument("--renderer", default="auto", choices=("auto", "style", "neural", "mixed"),
                        help="what draws strokes while optimizing: the style itself, its neural renderer, the "
                             "neural one for all levels but the last (mixed), or the measured best (default: auto)")
    parser.add_argument("--resume", action="store_true",
                        help="continue from OUTDIR/strokes.json (left by an interrupted run) up to --strokes")
    parser.add_argument("--npz", action="store_true", help="also write OUTDIR/strokes.npz (compact)")
    parser.add_argument("--threads", type=int, default=1, metavar="N",
                        help="torch threads (default: 1; the painter works on small tensors, and more threads "
                             "slow it down badly when the machine is busy with anything else)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    many_options.add_arguments(parser)
    from strokes.color.cli import add_paint_arguments
    add_paint_arguments(parser)


def _count(text: str) -> "int | str":
    if text.strip().lower() == "auto":
        return "auto"
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"--strokes {text!r}: expected a whole number or auto") from None


def parse_color(text: str) -> "str | tuple[float, float, float]":
    """``auto``, a colour name, ``#rrggbb`` or ``r,g,b`` in [0, 1].

    >>> parse_color("#ff8000"), parse_color("1,0.5,0")
    ((1.0, 0.5019607843137255, 0.0), (1.0, 0.5, 0.0))
    """
    t = text.strip().lower()
    if t == "auto":
        return "auto"
    if t in _NAMED:
        return _NAMED[t]
    try:
        if t.startswith("#") and len(t) == 7:
            return tuple(int(t[k:k + 2], 16) / 255 for k in (1, 3, 5))
        values = tuple(float(v) for v in t.split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or not all(0 <= v <= 1 for v in values):
        raise ValueError(f"--background {text!r}: expected auto, white, black, gray, #rrggbb or r,g,b in [0, 1]")
    return values


def _say(message: str) -> None:
    print(f"strokes paint: {message}", file=sys.stderr)


def run(args) -> int:
    from strokes.locking import folder_lock
    from strokes.painter import paint

    from .render import style_options

    if args.threads < 1:
        raise ValueError(f"--threads {args.threads}: expected at least 1")
    out = Path(args.out)
    checkpoint = out / "strokes.json"
    if args.strokes != "auto" and args.strokes < 1:
        raise ValueError(f"--strokes {args.strokes}: expected a positive number of strokes or auto")
    if not args.detail > 0:
        raise ValueError(f"--detail {args.detail}: expected a positive number")
    if args.resume and not checkpoint.exists():
        raise ValueError(f"--resume: {checkpoint} does not exist; nothing to continue from")
    options = {"checkpoint": checkpoint, "renderer": args.renderer,
               "detail": args.detail, "min_width": args.min_width, "max_width": args.max_width,
               "flat": args.flat, "opaque": args.opaque, "retouch": args.retouch, "style_options": style_options(args),
               "threads": args.threads}
    if args.background is not None:
        options["background"] = parse_color(args.background)
    if args.ot_weight is not None:
        options["ot_weight"] = args.ot_weight
    from strokes.color import cli as color
    if args.steps is not None:
        if args.steps < 1:
            raise ValueError(f"--steps {args.steps}: expected at least 1")
        options["steps"] = args.steps
    kind = many_options.wanted(args)
    if kind is not None:                 # a folder, glob or video: many paintings, each without a checkpoint
        del options["checkpoint"]
        options.update(style=args.style, strokes=args.strokes, size=args.size, seed=args.seed, device=args.device)
        colour = color.many_options(args, kind)
        if colour:
            return many_options.run(args, kind, dict(options, **colour), painter="strokes.color.painting:paint")
        return many_options.run(args, kind, options)
    if args.resume:
        options["resume"] = checkpoint
    options.update(color.paint_options(args, args.image))
    with folder_lock(out, f"strokes paint {args.image}", on_stale=_say):
        try:
            painting = paint(args.image, style=args.style, strokes=args.strokes, size=args.size, seed=args.seed,
                             device=args.device, progress=not args.quiet, **options)
        except KeyboardInterrupt as exc:
            if checkpoint.exists():
                exc.kept = f"the strokes painted so far are in {checkpoint} (continue with --resume)"
            raise
        painting = color.finish(args, painting, args.image)
        painting.save(out, npz=args.npz)
    s = painting.strokes
    if not args.quiet:
        print(f"wrote {out / 'painting.png'} ({s.width}x{s.height}) and {checkpoint} "
              f"({len(s)} strokes, style {args.style}, {painting.seconds:.1f} s)")
    return 0
