"""``strokes train-renderer``: teach a neural renderer a style's look."""
from __future__ import annotations

from pathlib import Path

HELP = "train the differentiable neural renderer of a style (samples drawn on the fly by the style itself)"


def add_arguments(parser) -> None:
    parser.add_argument("--style", required=True, help="style name (built-in or plugin)")
    parser.add_argument("--out", required=True, help="checkpoint file to write (.pt)")
    parser.add_argument("--steps", type=int, default=3000, help="total optimizer steps (default 3000)")
    parser.add_argument("--batch", type=int, default=32, help="strokes per step (default 32)")
    parser.add_argument("--size", type=int, default=128, help="training canvas side in pixels (default 128)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the training strokes (default 0)")
    parser.add_argument("--device", default=None, help="cpu, cuda, ... (default: cuda when available, else cpu)")
    parser.add_argument("--lr", type=float, default=3e-3, help="peak learning rate (default 3e-3)")
    parser.add_argument("--reuse", type=int, default=4,
                        help="times each reference stroke is reused from an in-memory pool (default 4)")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads for torch (default: torch's choice)")
    parser.add_argument("--resume", action="store_true", help="continue from --out if it exists")
    parser.add_argument("--half", action="store_true",
                        help="store float16 weights without optimizer state (small files to ship)")


def run(args) -> int:
    import torch

    from strokes.neural import train_renderer

    if args.steps < 1 or args.batch < 1 or args.size < 8 or args.reuse < 1:
        raise ValueError(f"expected --steps >= 1, --batch >= 1, --size >= 8, --reuse >= 1, "
                         f"got {args.steps}, {args.batch}, {args.size}, {args.reuse}")
    if args.threads:
        torch.set_num_threads(args.threads)
    from strokes.boundary import device as checked_device

    device = checked_device(args.device or "auto")
    try:
        renderer = train_renderer(args.style, args.out, steps=args.steps, batch=args.batch, size=args.size,
                                  seed=args.seed, device=device, resume=args.resume, lr=args.lr, half=args.half,
                                  reuse=args.reuse)
    except KeyboardInterrupt as exc:
        if Path(args.out).exists():
            exc.kept = f"the checkpoint saved last is {args.out} (continue with --resume)"
        raise
    psnr = renderer.val_psnr
    print(f"{args.out}: style {renderer.style}, validation PSNR foreground {psnr['foreground']:.2f} dB, "
          f"alpha {psnr['alpha']:.2f} dB, {renderer.elapsed / 60:.1f} min this run")
    return 0
