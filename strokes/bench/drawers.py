"""Which renderer should paint: ``python -m strokes.bench drawers [--style NAME ...] [--image PATH]``.

The measurements behind each style's ``paint_renderer`` (:class:`strokes.Style`). For each
level of the painter's plan (500 strokes, 512 x 341 px), the median time of a
forward + backward pass over one batch of strokes of that level's size, in
their windows, laid over the working canvas, drawn by the style itself and by
its neural renderer. With ``--image``, the image is also painted twice, with
``renderer="style"`` and ``renderer="mixed"`` (the neural renderer for every
level but the last), and the time and scores of both are printed: a renderer
that is faster per batch is only worth using if the paintings stay as good.
"""
from __future__ import annotations

import argparse
import time


def level_timings(style_name: str, repeat: int = 5, strokes: int = 500, size=(341, 512)):
    """``[(level, batch, window side, style ms, neural ms)]``: median forward + backward per batch."""
    import numpy as np
    import torch

    from strokes.neural import load_renderer
    from strokes.painter import NeuralDrawer
    from strokes.painting.schedule import LENGTH, plan
    from strokes.painting.seeding import initial_strokes
    from strokes.registry import painting_style
    from strokes.rendering import draw, stroke_windows

    style = painting_style(style_name)
    drawers = {"style": style, "neural": NeuralDrawer(load_renderer(style_name), style)}
    rng = np.random.default_rng(0)
    rows = []
    for level in plan(strokes, size):
        h, w = level.work
        width = level.width * min(h, w)
        length = LENGTH * width
        places = np.stack([rng.uniform(0, w, level.batch), rng.uniform(0, h, level.batch)], 1)
        target = torch.rand(3, h, w, generator=torch.Generator().manual_seed(level.index))
        seeds = initial_strokes(places, target, torch.zeros(h, w), width=width, length=length, opacity=0.98)
        layout = stroke_windows(seeds, (h, w), style)
        ms = {}
        for name, drawer in drawers.items():
            times = []
            for _ in range(repeat):
                params = seeds.clone().requires_grad_(True)
                start = time.perf_counter()
                draw(target, params, drawer, window=layout).mean().backward()
                times.append(time.perf_counter() - start)
            ms[name] = 1000 * sorted(times)[len(times) // 2]
        rows.append((level.index, level.batch, layout.h, ms["style"], ms["neural"]))
    return rows


def main(argv) -> int:
    import numpy as np
    import torch

    from strokes.bench.common import machine, psnr, ssim
    from strokes.images import load_image
    from strokes.painter import paint, resize

    parser = argparse.ArgumentParser(prog="python -m strokes.bench drawers", description=__doc__.split("\n")[0])
    parser.add_argument("--style", action="append", help="style (repeatable; default: oil, watercolor, pencil)")
    parser.add_argument("--image", help="also paint this image with renderer='style' and renderer='mixed'")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1, as strokes paint)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    styles = args.style or ["oil", "watercolor", "pencil"]
    print(f"# renderer per level — {machine()}")
    for name in styles:
        print(f"{name}: level  batch  window   style ms  neural ms")
        for level, batch, side, ms_style, ms_neural in level_timings(name):
            print(f"{'':{len(name)}}  {level:5d}  {batch:5d}  {side:4d} px  {ms_style:8.1f}  {ms_neural:9.1f}")
        if args.image:
            for renderer in ("style", "mixed"):
                start = time.perf_counter()
                painting = paint(args.image, style=name, renderer=renderer, progress=False)
                seconds = time.perf_counter() - start
                picture = np.asarray(painting.image, dtype=np.float64) / 255
                target = resize(load_image(args.image), picture.shape[:2]).permute(1, 2, 0).numpy()
                print(f"{'':{len(name)}}  paint renderer={renderer:5s}  {seconds:5.1f} s  "
                      f"{psnr(picture, target):.2f} dB  SSIM {ssim(picture, target):.3f}", flush=True)
    return 0
