"""The painter's gallery: ``python -m strokes.bench gallery [--styles oil,marker] [--out docs]``.

Paints every bench image (and the synthetic landscape of :mod:`strokes.bench.paint`)
in each style, writes ``OUT/img/gallery-<image>-input.png`` and
``OUT/img/gallery-<image>-<style>.png``, and prints the markdown table of
``docs/gallery.md`` (picture, strokes, time, PSNR, SSIM) with the figures
measured in this run.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from .paint import default_images, synthetic_scene


def main(argv) -> int:
    import numpy as np
    import torch

    from strokes.atomic import save_image
    from strokes.bench.common import machine, psnr, ssim
    from strokes.images import load_image
    from strokes.painter import paint, resize
    from strokes.rendering import to_image

    parser = argparse.ArgumentParser(prog="python -m strokes.bench gallery", description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=Path, default=default_images())
    parser.add_argument("--styles", default="oil,marker")
    parser.add_argument("--strokes", type=int, default=500)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--only", default=None, help="comma-separated image names to paint (default: all)")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1, see bench paint)")
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    images = sorted(p for p in args.images.glob("*") if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    own = Path(tempfile.mkdtemp(prefix="strokes-gallery-")) / "synthetic.png"
    synthetic_scene().save(own)
    images.append(own)
    if args.only:
        images = [p for p in images if p.stem in args.only.split(",")]
    styles = args.styles.split(",")
    img_dir = args.out / "img"
    print(f"<!-- measured: {machine()}, {args.strokes} strokes, {args.size} px -->")
    print("| image | input | " + " | ".join(styles) + " |")
    print("|---|---|" + "---|" * len(styles))
    for image in images:
        source = load_image(image)
        cells = []
        for style in styles:
            t = time.perf_counter()
            painting = paint(image, style=style, strokes=args.strokes, size=args.size, progress=False)
            picture = painting.image
            seconds = time.perf_counter() - t
            name = f"gallery-{image.stem}-{style}.png"
            save_image(picture, img_dir / name)
            arr = np.asarray(picture, dtype=np.float64) / 255
            target = resize(source, arr.shape[:2])
            save_image(to_image(target), img_dir / f"gallery-{image.stem}-input.png")
            target = target.permute(1, 2, 0).numpy().astype(np.float64)
            cells.append(f"![{image.stem} in {style}](img/{name})<br>{len(painting.strokes)} strokes, "
                         f"{seconds:.0f} s, {psnr(arr, target):.2f} dB, SSIM {ssim(arr, target):.3f}")
        print(f"| {image.stem} | ![{image.stem}](img/gallery-{image.stem}-input.png) | " + " | ".join(cells) + " |",
              flush=True)
    return 0
