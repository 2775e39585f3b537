"""strokes against fogleman's primitive, measured in the same run: ``python -m strokes.bench versus --primitive PATH``.

For every image and stroke count: the painter (a fresh subprocess, start-up
included, as in ``strokes.bench paint``) and primitive (``-m 5``: rotated
rectangles, ``-r 256``, ``-s SIZE``, all cores) paint the same picture; both
are scored with the same PSNR and SSIM against the input resized to the
painting's size, and timed (wall and CPU seconds of the child process).
Images: the bench folder plus photos from scikit-image's own data that are
not in the repository (never tuned on). primitive is not part of strokes:
build it from its public source and pass its path (or put it on ``PATH``);
without it the benchmark says so and stops.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from .common import run_timed
from .paint import default_images, measure, score

UNSEEN = ("rocket", "motorcycle_left")   # scikit-image data photos, not in the repository
# Photos scikit-image bundles under another name: the left view of its stereo pair.
_BUNDLED_AS = {"motorcycle_left": lambda data: data.stereo_motorcycle()[0]}


def run_primitive(binary: str, image: Path, count: int, size: int, out: Path) -> dict:
    """Run primitive once; wall and CPU seconds of its process."""
    cmd = [binary, "-i", str(image), "-o", str(out), "-n", str(count), "-m", "5", "-r", "256", "-s", str(size)]
    _, wall, cpu = run_timed(cmd, f"primitive on {image}")
    return {"wall_s": wall, "cpu_s": cpu}


def unseen_images(folder: Path, names=UNSEEN) -> list[Path]:
    """Photos from scikit-image's bundled data (nothing downloaded), written as PNG into ``folder``."""
    try:
        from skimage import data
    except ImportError:
        return []
    out = []
    for name in names:
        try:
            pixels = _BUNDLED_AS[name](data) if name in _BUNDLED_AS else getattr(data, name)()
        except Exception as exc:             # not bundled in this scikit-image (it would download): skip
            print(f"skipped {name}: not in this scikit-image's bundled data ({type(exc).__name__})", file=sys.stderr)
            continue
        from PIL import Image
        path = folder / f"{name}.png"
        Image.fromarray(pixels).convert("RGB").save(path)
        out.append(path)
    return out


def main(argv) -> int:
    parser = argparse.ArgumentParser(prog="python -m strokes.bench versus", description=__doc__.split("\n")[0])
    parser.add_argument("--primitive", default=None, metavar="PATH",
                        help="the primitive binary (default: `primitive` on PATH)")
    parser.add_argument("--images", type=Path, default=default_images(), help="folder of bench images")
    parser.add_argument("--unseen", default=",".join(UNSEEN),
                        help="scikit-image data photos to add (comma separated; empty for none)")
    parser.add_argument("--only", default=None, help="only these image names (comma separated)")
    parser.add_argument("--counts", default="100,250,500,1000,2000", help="stroke counts")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--style", default="oil")
    parser.add_argument("--save", type=Path, default=None, help="keep both paintings in SAVE/")
    args = parser.parse_args(argv)

    binary = args.primitive or shutil.which("primitive")
    if not binary or not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print(f"primitive is not installed ({args.primitive or 'not on PATH'}); build it from "
              "github.com/fogleman/primitive and pass --primitive PATH. Skipped.")
        return 0
    work = Path(tempfile.mkdtemp(prefix="strokes-versus-"))
    images = sorted(p for p in args.images.glob("*") if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    images += unseen_images(work, [n for n in args.unseen.split(",") if n])
    if args.only:
        keep = set(args.only.split(","))
        images = [p for p in images if p.stem in keep]
    if not images:
        print(f"no images in {args.images}; pass --images DIR", file=sys.stderr)
        return 2
    counts = [int(c) for c in args.counts.split(",")]
    save = args.save or work
    print(f"versus primitive ({binary}, -m 5 rotated rectangles, -r 256, all {os.cpu_count()} cores) "
          f"against strokes ({args.style}, one thread), {args.size} px; load average {os.getloadavg()[0]:.1f} "
          "(a shared machine makes wall times noisy; CPU seconds are steadier)")
    print(f"{'image':<16} {'N':>5} | {'strokes dB':>10} {'SSIM':>6} {'wall s':>7} {'cpu s':>7} | "
          f"{'primitive dB':>12} {'SSIM':>6} {'wall s':>7} {'cpu s':>7} | {'d dB':>6} {'d SSIM':>7} {'cpu ratio':>9}")
    gaps, ratios = [], []
    for image in images:
        for n in counts:
            mine = measure(image, args.style, n, args.size, 1, str(save / f"{image.stem}-{n}-strokes"))
            prim_png = save / f"{image.stem}-{n}-primitive.png"
            theirs = run_primitive(binary, image, n, args.size, prim_png)
            p_psnr, p_ssim = score(prim_png, image)
            gap, ratio = mine["psnr"] - p_psnr, mine["cpu_s"] / theirs["cpu_s"]
            gaps.append(gap)
            ratios.append(ratio)
            print(f"{image.stem:<16} {n:5d} | {mine['psnr']:10.2f} {mine['ssim']:6.3f} {mine['wall_s']:7.1f} "
                  f"{mine['cpu_s']:7.1f} | {p_psnr:12.2f} {p_ssim:6.3f} {theirs['wall_s']:7.1f} "
                  f"{theirs['cpu_s']:7.1f} | {gap:+6.2f} {mine['ssim'] - p_ssim:+7.3f} {ratio:9.2f}", flush=True)
    print(f"PSNR lead: median {statistics.median(gaps):+.2f} dB, worst {min(gaps):+.2f} dB; "
          f"CPU time ratio (strokes / primitive): median {statistics.median(ratios):.2f}, worst {max(ratios):.2f}; "
          f"paintings in {save}")
    return 0
