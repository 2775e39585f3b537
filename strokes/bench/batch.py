"""Benchmark of painting many images: ``python -m strokes.bench batch [--images N] [--size PX] [--strokes N]``.

Eight pictures (the bench images and crops of them, at ``--size``) are
painted three times by :func:`strokes.paint_many`: serially in this process
(``workers=1``), on two worker processes (``workers=2``) and as Ray tasks on
a local Ray started on the fly (``ray=True``). For each: images per minute
(wall time, start-up of workers or Ray included), peak memory per worker,
and whether every output is byte for byte the serial one. The pictures are
painted as ``strokes paint`` paints by default (512 px, ``--strokes auto``);
``--size 128 --strokes 100`` gives a quick run. A local Ray's fixed cost
(``ray.init``, two empty tasks, ``ray.shutdown``) is measured alone too: it
is paid once per batch, so it weighs more the cheaper the paintings.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def bench_pictures(folder: Path, n: int, size: int) -> list[Path]:
    """``n`` pictures: the bench images and crops of them (quarters, centre), ``size`` px on the long side."""
    from PIL import Image

    from .paint import default_images, synthetic_scene
    sources = [Image.open(p).convert("RGB") for p in sorted(default_images().glob("*.png"))] or [synthetic_scene()]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        im = sources[k % len(sources)]
        W, H = im.size
        boxes = [(0, 0, W, H), (0, 0, W // 2 + W // 4, H // 2 + H // 4), (W // 4, H // 4, W, H),
                 (W // 8, 0, W - W // 8, H - H // 8)]
        crop = im.crop(boxes[(k // len(sources)) % len(boxes)])
        crop.thumbnail((size, size))
        paths.append(folder / f"picture{k:02d}.png")
        crop.save(paths[-1])
    return paths


def ray_fixed_cost() -> float:
    """Seconds to start a local Ray as :func:`strokes.many.ray_session` does, run two empty tasks, shut it down."""
    from strokes.many import ray_session

    t = time.perf_counter()
    ray, _ = ray_session(None)
    try:
        ray.get([ray.remote(num_cpus=1)(_nothing).remote() for _ in range(2)])
    finally:
        ray.shutdown()
    return time.perf_counter() - t


def _nothing():
    return None


def main(argv) -> int:
    from strokes.bench.common import machine
    from strokes.many import paint_many

    ap = argparse.ArgumentParser(prog="python -m strokes.bench batch")
    ap.add_argument("--images", type=int, default=8)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--strokes", default="auto", help="strokes per picture, or auto (the painter's default)")
    ap.add_argument("--style", default="oil")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-ray", action="store_true")
    a = ap.parse_args(argv)
    strokes = a.strokes if a.strokes == "auto" else int(a.strokes)

    runs = [("serial", dict(workers=1)), (f"--workers {a.workers}", dict(workers=a.workers))]
    if not a.no_ray:
        try:
            import ray  # noqa: F401
            runs.append(("--ray (local)", dict(ray=True)))
        except ImportError:
            print("(Ray is not installed: pip install 'strokes[ray]'; its row is left out)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bench_pictures(tmp / "in", a.images, a.size)
        print(f"batch: {a.images} pictures, {a.size} px, {a.strokes} strokes, style {a.style}; {machine()}")
        print("| run | wall s | images / min | speed-up | mean s per image in its worker | peak MiB per worker "
              "| outputs = serial |")
        print("|---|---|---|---|---|---|---|")
        serial_files = serial_wall = None
        for name, how in runs:
            out = tmp / name.strip("-").split()[0]
            t = time.perf_counter()
            summary = paint_many(tmp / "in", out, progress=False, style=a.style, strokes=strokes,
                                 size=a.size, **how)
            wall = time.perf_counter() - t
            files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
            if serial_files is None:
                serial_files, serial_wall = files, wall
            secs = statistics.mean(s for s, _ in summary.work.values())
            peak = max(m for _, m in summary.work.values())
            same = "yes" if files == serial_files and summary.ok else "NO"
            print(f"| {name} | {wall:.1f} | {60 * a.images / wall:.1f} | {serial_wall / wall:.2f}x | {secs:.1f} "
                  f"| {peak:.0f} | {same} |", flush=True)
    if any(name.startswith("--ray") for name, _ in runs):
        print(f"(a local Ray alone, started, two empty tasks, shut down: {ray_fixed_cost():.1f} s)")
    print("(serial's peak memory is this driver process's; the machine is shared with other work, so the "
          "speed-ups of the parallel runs are lower than on an idle machine)")
    return 0
