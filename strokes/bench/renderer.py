"""Neural renderer benchmark: fidelity against the reference rasterizer, and speed against the paper's renderer.

    python -m strokes.bench renderer [--style NAME ...] [--threads 2] [--grid docs/img]
    python -m strokes.bench renderer --style marker --equal-time 600   # baseline trained for equal CPU time

Fidelity: PSNR over 1,000 held-out random strokes (the validation stream of
:mod:`strokes.neural.training`), each drawn alone on a 128 x 128 canvas; the
foreground is compared premultiplied (fg x alpha), as compositing sees it.
Speed: median wall time of a forward and of a forward+backward pass over 500
random strokes, each on its own 128 x 128 canvas, for each shipped renderer and,
in the same run, for a re-implementation of the paper's 128-px renderer.
"""
from __future__ import annotations

import argparse
import math
import time

import torch

from strokes.bench.common import machine, median_time


def _timings(renderer, params, size, repeat):
    def forward():
        with torch.no_grad():
            renderer(params, (size, size))

    def forward_backward():
        p = params.clone().requires_grad_(True)
        fg, alpha = renderer(p, (size, size))
        ((fg * alpha).mean() + alpha.mean()).backward()

    return median_time(forward, repeat=repeat), median_time(forward_backward, repeat=repeat)


def train_for(renderer, style, seconds: float, batch: int = 32, size: int = 128, lr: float = 1e-3, seed: int = 0):
    """Train ``renderer`` for ``seconds`` of wall time on fresh reference samples (time-based cosine decay)."""
    from strokes.neural.sampling import random_strokes
    from strokes.neural.training import reference, renderer_loss

    optimizer = torch.optim.Adam(renderer.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    renderer.train()
    start, steps = time.perf_counter(), 0
    while (elapsed := time.perf_counter() - start) < seconds:
        for group in optimizer.param_groups:
            group["lr"] = lr * min(1, (steps + 1) / 50) * (0.05 + 0.475 * (1 + math.cos(math.pi * elapsed / seconds)))
        params = random_strokes(batch, generator)
        fg_ref, alpha_ref = reference(style, params, size)
        loss = renderer_loss(renderer, params, fg_ref, alpha_ref, size)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        steps += 1
    return renderer.eval(), steps


def main(argv) -> int:
    from strokes.neural import load_renderer, shipped_renderers
    from strokes.neural.baseline import PaperRenderer
    from strokes.neural.model import NeuralRenderer, RendererConfig
    from strokes.neural.training import evaluate, validation_strokes
    from strokes.registry import painting_style as get_style  # the look its renderer was trained on

    ap = argparse.ArgumentParser(prog="python -m strokes.bench renderer", description=__doc__.splitlines()[0])
    ap.add_argument("--style", action="append", help="style to measure (repeatable; default: every shipped renderer)")
    ap.add_argument("--strokes", type=int, default=1000, help="held-out strokes for PSNR (default 1000)")
    ap.add_argument("--time-strokes", type=int, default=500, help="strokes per timed pass (default 500)")
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--repeat", type=int, default=3, help="timed repeats of our renderer (median)")
    ap.add_argument("--baseline-repeat", type=int, default=1, help="timed repeats of the paper's renderer")
    ap.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2, like CI)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the paper's renderer")
    ap.add_argument("--grid", metavar="DIR", help="also write DIR/renderer-<style>.png: 16 strokes, reference | neural")
    ap.add_argument("--equal-time", type=float, metavar="SECONDS",
                    help="instead: train ours and the paper's architecture from scratch for SECONDS each "
                         "on the first --style, and report their validation PSNR")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    styles = args.style or shipped_renderers()
    print(f"# renderer benchmark on {machine()}")
    print(f"# date {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average {_load()}")
    val = validation_strokes(args.strokes)

    if args.equal_time:
        style = get_style(styles[0])
        for label, net in (("ours", NeuralRenderer(RendererConfig(), style=style.name, reach=style.reach)),
                           ("paper", PaperRenderer())):
            net, steps = train_for(net, style, args.equal_time)
            psnr = evaluate(net, style, val, args.size)
            print(f"equal-time {style.name} {label:6s} {args.equal_time:.0f} s, {steps} steps of 32: "
                  f"PSNR fg*alpha {psnr['foreground']:.2f} dB, alpha {psnr['alpha']:.2f} dB")
        return 0

    timing_params = torch.rand(args.time_strokes, 15, generator=torch.Generator().manual_seed(5))
    print(f"{'renderer':22s} {'params':>9s} {'PSNR fg*a':>10s} {'PSNR alpha':>10s} "
          f"{'fwd/' + str(args.time_strokes):>10s} {'fwd+bwd':>9s}")
    ours_fb = []
    for name in styles:
        renderer = load_renderer(name)
        style = get_style(name)
        psnr = evaluate(renderer, style, val, args.size)
        fwd, fb = _timings(renderer, timing_params, args.size, args.repeat)
        ours_fb.append(fb)
        print(f"{'neural ' + name:22s} {renderer.parameter_count():9d} {psnr['foreground']:8.2f}dB "
              f"{psnr['alpha']:8.2f}dB {fwd:9.3f}s {fb:8.3f}s")
        if args.grid:
            from pathlib import Path

            from strokes.atomic import save_image
            from strokes.neural.preview import comparison_grid
            out = Path(args.grid) / f"renderer-{name}.png"
            save_image(comparison_grid(renderer, style), out)
            print(f"  wrote {out}")
    if not args.no_baseline:
        paper = PaperRenderer().eval().requires_grad_(False)   # frozen, like ours: gradients to strokes only
        with torch.no_grad():
            paper(timing_params[:8])  # warm-up
        fwd, fb = _timings(paper, timing_params, args.size, args.baseline_repeat)
        print(f"{'paper 128px (untrained)':22s} {paper.parameter_count():9d} {'-':>10s} {'-':>10s} "
              f"{fwd:9.3f}s {fb:8.3f}s")
        if ours_fb:
            print(f"forward+backward speed-up over the paper's renderer: "
                  f"{fb / max(ours_fb):.1f}x (slowest of ours) .. {fb / min(ours_fb):.1f}x")
    return 0


def _load() -> str:
    try:
        import os
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "unknown"
