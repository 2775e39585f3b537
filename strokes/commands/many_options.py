"""Options and dispatch shared by commands that paint a folder, a glob or a video (``strokes paint`` ...).

Not a command itself (it is not in ``COMMANDS``): ``paint`` adds these options
with :func:`add_arguments` and hands folders, globs and videos to :func:`run`.
"""
from __future__ import annotations

import sys


def add_arguments(parser) -> None:
    g = parser.add_argument_group("many images, videos (IMAGE a folder, a glob such as 'shots/*.jpg', or a video)")
    g.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes, one thread each (default: the machine's cores)")
    g.add_argument("--ray", nargs="?", const=True, default=None, metavar="ADDRESS",
                   help="run as Ray tasks: a local Ray started on the fly, or the cluster at ADDRESS "
                        "(needs pip install 'strokes[ray]')")
    g.add_argument("--force", action="store_true", help="repaint images whose outputs exist (default: skip them)")
    g.add_argument("--frames", default=None, metavar="A:B", help="video: source frames A to B-1 (default: all)")
    g.add_argument("--every", type=int, default=1, metavar="K", help="video: paint every K-th frame (default: 1)")
    g.add_argument("--steps-next", type=int, default=None, metavar="N",
                   help="video: optimizer steps per batch for frames after the first "
                        "(default: strokes.coherence.STEPS, 18)")
    g.add_argument("--independent", action="store_true",
                   help="video: paint every frame afresh instead of from the frame before")
    g.add_argument("--chunk", type=int, default=None, metavar="N",
                   help="video: frames per chunk for workers / Ray tasks (default: shared evenly)")
    g.add_argument("--gif", action="store_true", help="video: also write OUTDIR/painting.gif")
    g.add_argument("--webp", action="store_true", help="video: also write OUTDIR/painting.webp")


def wanted(args) -> str | None:
    """``"video"``, ``"many"`` or ``None`` (one image: the command's own path)."""
    from strokes.many import is_many, is_video
    if is_video(args.image):
        return "video"
    if is_many(args.image):
        return "many"
    return None


def run(args, kind: str, options: dict, painter: str = "strokes.painter:paint") -> int:
    """Paint a folder/glob (``kind="many"``) or a video with the painter ``options``; the exit status."""
    from strokes.many import paint_many, report

    for flag in ("resume", "npz"):
        if getattr(args, flag, False):
            raise ValueError(f"--{flag} is for one image; a folder resumes by itself (finished images are skipped)")
    ray = args.ray
    if kind == "video":
        from strokes.paint_video import paint_video
        formats = ("mp4",) + ("gif",) * args.gif + ("webp",) * args.webp
        result = paint_video(args.image, args.out, frames=args.frames, every=args.every,
                             coherent=not args.independent,
                             **({} if args.steps_next is None else {"steps_next": args.steps_next}),
                             workers=args.workers if args.workers is not None else (1 if not ray else None),
                             ray=ray, chunk=args.chunk, formats=formats, progress=not args.quiet, **options)
        if not args.quiet:
            print(result)
        return 0
    summary = paint_many(args.image, args.out, workers=args.workers, ray=ray, force=args.force,
                         progress=not args.quiet, painter=painter, **options)
    return report(summary, sys.stderr)
