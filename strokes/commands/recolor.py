"""``strokes recolor``: new colours for a strokes file, from a reference picture or a palette."""
from __future__ import annotations

from pathlib import Path

HELP = "recolour a strokes file like a reference picture (--like) or with a palette (--palette, --colors)"


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="strokes file (.json or .npz)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--like", metavar="REF", help="take the colours of this picture (optimal transport in Lab)")
    source.add_argument("--palette", metavar="COLORS", help="one paint per stroke from these, e.g. '#264653,#2a9d8f'")
    source.add_argument("--colors", type=int, metavar="K", help="one paint per stroke from K paints picked from the strokes")
    parser.add_argument("-o", "--out", required=True, metavar="OUT", help="strokes file to write (.json or .npz)")
    parser.add_argument("--amount", type=float, default=1.0, metavar="A",
                        help="with --like: how far to move the colours, 0 to 1 (default: 1)")
    parser.add_argument("--change-lightness", action="store_true",
                        help="with --like: move lightness too (default: keep each stroke's L*, move a*, b* only)")
    parser.add_argument("--balance", type=float, default=0.5, metavar="B",
                        help="with --palette: 0 = nearest paint, 1 = every paint covers the same area (default: 0.5)")
    parser.add_argument("--render", metavar="PNG", help="also draw the result to this picture")
    parser.add_argument("--style", default="oil", metavar="NAME", help="style for --render (default: oil)")
    parser.add_argument("--size", type=int, default=1024, metavar="PX", help="longest side for --render (default: 1024)")


def run(args) -> int:
    from strokes.atomic import save_image
    from strokes.color.recolor import recolor
    from strokes.files import _suffix, load, save
    from strokes.rendering import render

    out = Path(args.out)
    _suffix(out)                                            # a bad output name fails before any work
    strokes = load(args.file)
    new = recolor(strokes, like=args.like, palette=args.palette, colors=args.colors, amount=args.amount,
                  keep_lightness=not args.change_lightness, balance=args.balance)
    image = render(new, style=args.style, size=args.size) if args.render else None
    save(new, out)
    if image is not None:
        save_image(image, args.render)
    how = f"like {args.like}" if args.like else f"with {len(new.meta.get('palette', []))} paints"
    print(f"wrote {out} ({len(new)} strokes recoloured {how})")
    return 0
