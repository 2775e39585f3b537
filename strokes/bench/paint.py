"""Benchmark of the painter: ``python -m strokes.bench paint [--quick] [--images DIR]``.

For every image in the bench folder (``../shared/bench-images`` beside the
checkout by default): wall time (start-up included: each painting runs in a
fresh subprocess), peak memory of that subprocess, PSNR and SSIM of the
painting against the input resized to the painting's size. Then wall time
and memory at 250 / 500 / 1,000 / 2,000 strokes on one image, to show how
the cost grows with the stroke count. Last, the same painting made by the
``strokes paint`` command and by a script calling :func:`strokes.paint`
(torch imported first, its default threads), side by side: the library's
thread policy should make them equally fast, with identical strokes.
``--detail``: detail by canvas, a 2,048 px picture of our own painted with
``--strokes auto`` at 512 and at 2,048 px, both scored against the
full-resolution picture (the small painting upscaled), with the time per stroke.
Against primitive, measured in the same run: ``python -m strokes.bench versus``.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from strokes.bench.common import run_timed

def default_images() -> Path:
    """``shared/bench-images`` beside the checkout (or beside a folder above it, for a worktree)."""
    root = Path(__file__).resolve().parents[2]
    found = (folder / "shared" / "bench-images" for folder in root.parents)
    return next((f for f in found if f.is_dir()), root.parent / "shared" / "bench-images")


def synthetic_scene(width: int = 640, height: int = 427):
    """A landscape made up here (not a photo, never used for tuning): PIL RGB image.

    Sky gradient, a sun with a glow, two ranges of hills, a lake with a
    darker shore, a red house with a roof, a tree with a textured crown, and
    grass with fine noise: flat areas, soft gradients, hard edges and texture.
    """
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(2021)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v = x / width, y / height
    img = np.zeros((height, width, 3))
    img[:] = np.stack([0.35 + 0.5 * v, 0.55 + 0.35 * v, 0.95 - 0.1 * v], -1)          # sky
    sun = np.hypot(u - 0.78, (v - 0.2) * height / width)
    img += (np.exp(-(sun / 0.09) ** 2) * 0.35)[..., None] * np.array([1.0, 0.8, 0.4])
    img[sun < 0.045] = [1.0, 0.93, 0.6]
    far = 0.45 + 0.06 * np.sin(u * 9.0) + 0.03 * np.sin(u * 23.0 + 1.0)
    img[v > far] = [0.45, 0.5, 0.65]                                                    # far hills
    near = 0.55 + 0.05 * np.sin(u * 5.0 + 2.0)
    img[v > near] = np.stack([0.25 + 0.1 * u, 0.45 + 0.1 * v, 0.2 + 0.0 * u], -1)[v > near]
    lake = ((u - 0.3) / 0.25) ** 2 + ((v - 0.72) / 0.07) ** 2 < 1
    img[lake] = np.stack([0.2 + 0.2 * v, 0.35 + 0.3 * v, 0.55 + 0.2 * v], -1)[lake]
    grass = v > 0.8
    img[grass] = (np.array([0.3, 0.55, 0.15]) + 0.12 * (rng.random((height, width, 1)) - 0.5))[grass]
    house = (abs(u - 0.62) < 0.07) & (v > 0.55) & (v < 0.72)
    img[house] = [0.75, 0.2, 0.15]
    roof = (v > 0.45) & (v <= 0.55) & (abs(u - 0.62) < 0.085 * (v - 0.45) / 0.1)
    img[roof] = [0.3, 0.2, 0.2]
    img[(abs(u - 0.645) < 0.015) & (v > 0.64) & (v < 0.72)] = [0.25, 0.15, 0.1]          # door
    img[(abs(u - 0.875) < 0.012) & (v > 0.55) & (v < 0.85)] = [0.35, 0.22, 0.1]           # trunk
    crown = np.hypot(u - 0.875, (v - 0.48) * height / width) < 0.075
    leaves = np.array([0.15, 0.4, 0.12]) + 0.15 * (rng.random((height, width, 1)) - 0.5)
    img[crown] = leaves[crown]
    return Image.fromarray((np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8), "RGB")


def paint_once(image: str, style: str, strokes: int, size: int, threads: int, out: str) -> dict:
    """Run in the subprocess: paint and save into ``out``, as ``strokes paint`` does; report peak memory."""
    import torch

    torch.set_num_threads(threads)
    from strokes.bench.common import peak_memory_mb
    from strokes.painter import paint

    t = time.perf_counter()
    painting = paint(image, style=style, strokes=strokes, size=size, progress=False, threads=threads)
    painting.image                                                       # drawn by the reference rasterizer
    seconds = time.perf_counter() - t
    painting.save(out)
    return {"paint_s": seconds, "strokes": len(painting.strokes), "peak_mb": peak_memory_mb(),
            "size": [painting.strokes.width, painting.strokes.height]}


def score(picture_path: Path, image: Path) -> tuple[float, float]:
    """PSNR and SSIM of a painting file against ``image`` resized to the painting's size."""
    import numpy as np
    from PIL import Image

    from strokes.bench.common import psnr, ssim
    from strokes.images import load_image
    from strokes.painter import resize

    picture = np.asarray(Image.open(picture_path).convert("RGB"), dtype=np.float64) / 255
    target = resize(load_image(image), picture.shape[:2]).permute(1, 2, 0).numpy().astype(np.float64)
    return psnr(picture, target), ssim(picture, target)


def measure(image: Path, style: str, strokes: int, size: int, threads: int, out: str | None = None) -> dict:
    """Paint ``image`` in a fresh Python process, as a user runs ``strokes paint``: wall and CPU time
    include start-up, imports and writing the files. The painting is scored here, afterwards, as
    primitive's is (:mod:`strokes.bench.versus`), so neither is timed for the benchmark's own scoring."""
    if out is None:                                    # scored, then thrown away
        with tempfile.TemporaryDirectory(prefix="strokes-bench-") as scratch:
            return measure(image, style, strokes, size, threads, scratch)
    cmd = [sys.executable, "-m", "strokes.bench", "paint", "--one", str(image), "--style", style,
           "--strokes", str(strokes), "--size", str(size), "--threads", str(threads), "--out", out]
    # The child sets its torch threads itself, as `strokes paint --threads` does; OMP_NUM_THREADS=1
    # in the environment made the same painting about 7% slower (measured, chelsea, 1 thread).
    done, wall, cpu = run_timed(cmd, f"painting {image}", env=dict(os.environ))
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    result["cpu_s"] = cpu       # all threads together; on a busy machine the honest figure next to wall time
    result["psnr"], result["ssim"] = score(Path(out) / "painting.png", Path(image))
    return result


def main(argv) -> int:
    parser = argparse.ArgumentParser(prog="python -m strokes.bench paint", description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=Path, default=default_images(), help="folder of bench images (*.png, *.jpg)")
    parser.add_argument("--style", default="oil")
    parser.add_argument("--strokes", type=lambda v: v if v == "auto" else int(v), default=None,
                        help="strokes per image, or auto (default 500; 100 with --quick)")
    parser.add_argument("--size", type=int, default=None, help="longest side (default 512; 256 with --quick)")
    parser.add_argument("--counts", default=None, help="stroke counts for the scaling run (default 250,500,1000,2000)")
    parser.add_argument("--scaling-image", default=None, help="image for the scaling run (default: the first)")
    # One intra-op thread by default: the painter's tensors are small, and on a machine that is
    # busy with anything else a second thread made chelsea take 230 s instead of 22 s (measured,
    # load average 6-8 on 2 cores), for the same strokes.
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    parser.add_argument("--save", type=Path, default=None, help="keep each painting in SAVE/<image>/")
    parser.add_argument("--quick", action="store_true", help="one image, fewer strokes, smaller canvas")
    parser.add_argument("--api-vs-cli", action="store_true", help="only the API-against-CLI line")
    parser.add_argument("--detail", action="store_true", help="only the detail-by-canvas check (512 against 2,048 px)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    strokes = args.strokes or (100 if args.quick else 500)
    size = args.size or (256 if args.quick else 512)

    if args.one:                                                       # the subprocess
        print(json.dumps(paint_once(args.one, args.style, strokes, size, args.threads, args.out)))
        return 0

    images = sorted(p for p in args.images.glob("*") if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    if not images:
        print(f"no images in {args.images}; pass --images DIR", file=sys.stderr)
        return 2
    if args.detail:
        detail_by_canvas(args.style)
        return 0
    if args.api_vs_cli:
        api_vs_cli(next((p for p in images if p.stem == args.scaling_image), images[0]), args.style, strokes, size)
        return 0
    if args.quick:
        images = images[:1]
    else:                                    # and one picture of our own, never tuned on
        own = Path(tempfile.mkdtemp(prefix="strokes-bench-")) / "synthetic.png"
        synthetic_scene().save(own)
        images.append(own)
    import torch

    from strokes.bench.common import machine
    torch.set_num_threads(args.threads)                  # so that machine() reports what the paintings use
    print(f"paint benchmark: style {args.style}, {strokes} strokes, {size} px, {args.threads} threads; {machine()}")
    print(f"load average before: {os.getloadavg()[0]:.1f} (wall times are only meaningful on an otherwise idle machine)")
    print(f"{'image':<12} {'wall s':>7} {'cpu s':>7} {'paint s':>8} {'peak MB':>8} {'PSNR':>7} {'SSIM':>6}")
    walls = []
    for image in images:
        out = str(args.save / image.stem) if args.save else None
        r = measure(image, args.style, strokes, size, args.threads, out)
        walls.append(r["wall_s"])
        print(f"{image.stem:<12} {r['wall_s']:7.1f} {r['cpu_s']:7.1f} {r['paint_s']:8.1f} {r['peak_mb']:8.0f} "
              f"{r['psnr']:7.2f} {r['ssim']:6.3f}", flush=True)
    print(f"median wall time: {statistics.median(walls):.1f} s per image (start-up included); "
          f"load average now {os.getloadavg()[0]:.1f}")

    counts = [int(c) for c in (args.counts or ("50,100,200" if args.quick else "250,500,1000,2000")).split(",")]
    scaling = next((p for p in images if p.stem == args.scaling_image), images[0])
    print(f"\nscaling on {scaling.stem}: {'strokes':>7} {'wall s':>7} {'cpu s':>7} {'cpu s/100 strokes':>18} {'peak MB':>8}")
    for n in counts:
        r = measure(scaling, args.style, n, size, args.threads)
        print(f"{'':<{len('scaling on ') + len(scaling.stem) + 1}} {n:7d} {r['wall_s']:7.1f} {r['cpu_s']:7.1f} "
              f"{100 * r['cpu_s'] / n:18.2f} {r['peak_mb']:8.0f}", flush=True)
    api_vs_cli(scaling, args.style, strokes, size)
    return 0


# What `strokes paint` does, from a script: paint, then write the picture and the strokes.
_SCRIPT = """import sys, torch, strokes
strokes.paint(sys.argv[1], style=sys.argv[2], strokes=int(sys.argv[3]), size=int(sys.argv[4]),
              progress=False).save(sys.argv[5])
"""


def _timed(cmd) -> tuple[float, float]:
    _, wall, cpu = run_timed(cmd, f"{' '.join(cmd[:4])} ...")
    return wall, cpu


def api_vs_cli(image: Path, style: str, strokes: int, size: int) -> None:
    """One line: the same painting through the CLI and through a script calling ``strokes.paint``."""
    from strokes.files import load

    tmp = Path(tempfile.mkdtemp(prefix="strokes-api-cli-"))
    cli_wall, cli_cpu = _timed([sys.executable, "-m", "strokes", "paint", str(image), "-o", str(tmp / "cli"),
                                "--style", style, "--strokes", str(strokes), "--size", str(size), "-q"])
    api_wall, api_cpu = _timed([sys.executable, "-c", _SCRIPT, str(image), style, str(strokes), str(size),
                                str(tmp / "api")])
    same = load(tmp / "cli" / "strokes.json").params.tobytes() == load(tmp / "api" / "strokes.json").params.tobytes()
    print(f"\nAPI vs CLI on {image.stem}, {strokes} strokes, {size} px: CLI {cli_wall:.1f} s wall / {cli_cpu:.1f} s CPU, "
          f"strokes.paint() from a script {api_wall:.1f} s / {api_cpu:.1f} s (ratio {api_wall / cli_wall:.2f}); "
          f"strokes {'identical' if same else 'DIFFERENT'}")


def detail_by_canvas(style: str, sizes=(512, 2048)) -> None:
    """Lines: ``--strokes auto`` at each size on a 2,048 px scene, PSNR against it at full resolution."""
    import numpy as np
    from PIL import Image

    from strokes.bench.common import psnr
    tmp = Path(tempfile.mkdtemp(prefix="strokes-detail-"))
    scene = synthetic_scene(2048, 1366)
    scene.save(tmp / "scene.png")
    full = np.asarray(scene, dtype=np.float64) / 255
    print(f"detail by canvas: a 2048x1366 scene of our own, --strokes auto, style {style}, one thread; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'size':>6} {'strokes':>7} {'wall s':>7} {'cpu s':>7} {'cpu ms/stroke':>13} {'PSNR at 2048':>12}")
    per_stroke = []
    for size in sizes:
        r = measure(tmp / "scene.png", style, "auto", size, 1, str(tmp / str(size)))
        picture = Image.open(tmp / str(size) / "painting.png").convert("RGB").resize(scene.size, Image.BICUBIC)
        per_stroke.append(r["cpu_s"] / r["strokes"])
        print(f"{size:6d} {r['strokes']:7d} {r['wall_s']:7.1f} {r['cpu_s']:7.1f} {1000 * per_stroke[-1]:13.1f} "
              f"{psnr(np.asarray(picture, dtype=np.float64) / 255, full):12.2f}", flush=True)
    print(f"time per stroke {sizes[-1]} px / {sizes[0]} px: {per_stroke[-1] / per_stroke[0]:.2f}x "
          f"(target <= 4x); PSNR at full resolution: higher is more detail")
