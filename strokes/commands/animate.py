"""``strokes animate``: a GIF, WebP, APNG or MP4 of a painting being made, stroke by stroke."""
from __future__ import annotations

from pathlib import Path

from .values import finite_float

HELP = "animate a strokes file being painted, stroke by stroke (GIF, WebP, APNG; MP4 with strokes[video])"


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="strokes file, .json or .npz")
    parser.add_argument("-o", "--out", required=True, metavar="OUT",
                        help="animation to write: .gif, .webp, .png/.apng (animated PNG) or .mp4")
    parser.add_argument("--style", default="oil", metavar="NAME",
                        help="style to draw with (default: oil); `strokes styles` lists them")
    parser.add_argument("--size", type=int, default=512, metavar="N",
                        help="longest side of the frames in pixels (default: 512)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the style's textures (default: 0)")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a style option, repeatable; `strokes styles --options` lists them")
    parser.add_argument("--fps", type=finite_float, default=25.0, metavar="F", help="frames per second (default: 25)")
    pace = parser.add_mutually_exclusive_group()
    pace.add_argument("--duration", type=finite_float, default=None, metavar="SECONDS",
                      help="seconds of drawing, strokes spread evenly over the frames "
                           "(default: 10, or one stroke per frame if that is shorter)")
    pace.add_argument("--strokes-per-frame", type=int, default=None, metavar="N",
                      help="strokes added in each frame (instead of --duration)")
    parser.add_argument("--hold", type=finite_float, default=2.0, metavar="SECONDS",
                        help="how long the finished painting stays on screen at the end (default: 2)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar (shown when drawing takes more than a few seconds) and no summary line")


def run(args) -> int:
    from strokes.animation import animate
    from strokes.files import load
    from strokes.video import FORMATS

    from .render import style_options

    out = Path(args.out)
    if out.suffix.lower() not in FORMATS:
        raise ValueError(f"{out}: unknown animation suffix {out.suffix!r}; use {', '.join(sorted(FORMATS))}")
    stroke_set = load(args.file)
    options = style_options(args)
    n = animate(stroke_set, out, style=args.style, size=args.size, fps=args.fps, duration=args.duration,
                strokes_per_frame=args.strokes_per_frame, hold=args.hold, seed=args.seed,
                progress=not args.quiet, **options)
    if not args.quiet:
        print(f"wrote {out} ({n} frames at {args.fps:g} fps, {len(stroke_set)} strokes, style {args.style})")
    return 0
