"""Benchmark of the outputs: poster-size render, a long GIF, and the SVG against an independent renderer.

``python -m strokes.bench export [--quick] [--threads N] [--keep DIR]``

Each figure is measured in its own subprocess (``strokes render`` /
``strokes animate`` run through the CLI), so it includes interpreter start-up
and imports and has its own peak memory (the child's ``ru_maxrss``). Targets
(issue 6, 2 CPU cores):

* 2,000 strokes at 4,096 px longest side, marker: <= 10 s, peak <= 1.5 GB;
* a 500-stroke GIF at 512 px, 10 s at 25 fps: <= 20 s, same peak memory for
  50 and 500 frames;
* the marker SVG rasterized by ``rsvg-convert`` vs ``strokes render --style
  marker`` at the same size: >= 25 dB PSNR.

The strokes are generated, deterministically, like a painter's output (see
:func:`painter_like`): sizes fall from coarse to fine, most strokes are small,
and together they cover the canvas several times over, as the coarse-to-fine
painter's do. Timings on a shared machine are noisy; the CPU time of each child
is printed next to the wall time. Children run with ``OMP_WAIT_POLICY=PASSIVE``
(unless set), so that threads do not spin while a busy machine runs others.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .common import machine, psnr

CHILD = """
import json, resource, sys, time
c0 = time.process_time()
from strokes.cli import main
rc = main(sys.argv[1:])
ru = resource.getrusage(resource.RUSAGE_SELF)
print("BENCH " + json.dumps({"rc": rc, "peak_mb": ru.ru_maxrss / 1024, "cpu_s": ru.ru_utime + ru.ru_stime}))
"""


def painter_like(n: int = 2000, width: int = 4096, height: int = 3072, seed: int = 0,
                 big: float = 0.2, small: float = 0.008):
    """``n`` strokes like a coarse-to-fine painter's: a StrokeSet, the same for the same arguments.

    Stroke ``i`` has a scale falling geometrically from ``big`` to ``small`` (of
    the shorter side) with ``sqrt(i / n)``, so the first strokes block in large
    areas and most are small details; length 1.5-3x and width 0.5-1x the scale,
    a random bend, a slight colour change along the stroke, opacity 0.7-1. The
    painted area adds up to about six times the canvas.
    """
    from strokes.strokeset import StrokeSet
    g = np.random.default_rng(seed)
    q = (np.arange(n) + 0.5) / n
    scale = big * (small / big) ** np.sqrt(q)
    p0 = g.uniform(0, 1, (n, 2))
    angle = g.uniform(0, 2 * np.pi, n)
    length = scale * g.uniform(1.5, 3.0, n)
    p2 = p0 + length[:, None] * np.stack([np.cos(angle), np.sin(angle)], 1)
    p1 = (p0 + p2) / 2 + g.normal(0, 1, (n, 2)) * (length / 5)[:, None]
    w0 = scale * g.uniform(0.5, 1.0, n)
    w2 = w0 * g.uniform(0.6, 1.0, n)
    c0 = g.uniform(0, 1, (n, 3))
    c2 = c0 + g.normal(0, 0.1, (n, 3))
    opacity = g.uniform(0.7, 1.0, n)
    rows = np.concatenate([p0, p1, p2, w0[:, None], w2[:, None], c0, c2, opacity[:, None]], 1)
    return StrokeSet(np.clip(rows, 0, 1), width=width, height=height, background=(0.96, 0.94, 0.9))


def run_cli(argv, threads: int) -> dict:
    """Run ``strokes ARGV`` in a fresh interpreter: wall time (start-up included), CPU time, peak memory."""
    # Passive waiting: on a machine busier than its cores, spinning OpenMP threads
    # wait for each other (measured here: 2 threads spinning, 92 s of CPU; passive, 12 s).
    env = {"OMP_WAIT_POLICY": "PASSIVE", **os.environ, "OMP_NUM_THREADS": str(threads)}
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, *argv], check=False, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")]
    if done.returncode or not line or json.loads(line[-1][6:])["rc"]:
        raise RuntimeError(f"strokes {' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return {"wall_s": wall, **json.loads(line[-1][6:])}


def main(argv) -> int:
    ap = argparse.ArgumentParser(prog="python -m strokes.bench export", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller problems (a smoke test, not the targets)")
    ap.add_argument("--threads", type=int, default=2, help="torch threads in each child (default: 2)")
    ap.add_argument("--keep", metavar="DIR", help="keep the strokes files and outputs in DIR")
    args = ap.parse_args(argv)
    work = Path(args.keep or tempfile.mkdtemp(prefix="strokes-bench-export-"))
    work.mkdir(parents=True, exist_ok=True)
    n_render, size_render = (300, 1024) if args.quick else (2000, 4096)
    n_gif = 100 if args.quick else 500
    print(f"# strokes export benchmark — {machine()}, {args.threads} threads per child")
    print("strokes: painter-like (coarse to fine, deterministic, seed 0); every figure in its own subprocess,"
          " start-up included")
    rows = []

    # 1. Poster-size render.
    painter_like(n_render).save(work / "render.npz")
    r = run_cli(["render", str(work / "render.npz"), "-o", str(work / "render.png"), "--style", "marker",
                 "--size", str(size_render)], args.threads)
    rows.append((f"{n_render} strokes at {size_render} px, marker", r, "<= 10 s, <= 1536 MB"))

    # 2. GIFs: 10 s at 25 fps, and 50 vs 500 frames.
    painter_like(n_gif, width=960, height=640).save(work / "gif.npz")
    gif = ["animate", str(work / "gif.npz"), "--style", "marker", "--size", "512", "--fps", "25"]
    g10 = run_cli(gif + ["-o", str(work / "ten.gif"), "--duration", "10"], args.threads)
    rows.append((f"{n_gif}-stroke GIF, 512 px, 10 s at 25 fps", g10, "<= 20 s"))
    g50 = run_cli(gif + ["-o", str(work / "f50.gif"), "--duration", "2"], args.threads)
    g500 = run_cli(gif + ["-o", str(work / "f500.gif"), "--duration", "20"], args.threads)
    rows.append(("  same strokes, 50 frames", g50, ""))
    rows.append(("  same strokes, 500 frames", g500, "peak same as 50 frames"))

    for label, m, target in rows:
        print(f"{label:<44} wall {m['wall_s']:6.2f} s  cpu {m['cpu_s']:6.2f} s  peak {m['peak_mb']:7.0f} MB"
              f"  {('target ' + target) if target else ''}")
    print(f"GIF sizes: 10 s {(work / 'ten.gif').stat().st_size / 1e6:.2f} MB; "
          f"peak memory 500 vs 50 frames: {g500['peak_mb'] - g50['peak_mb']:+.0f} MB")

    # 3. SVG against an independent renderer.
    rsvg = shutil.which("rsvg-convert")
    still = Path(__file__).resolve().parent.parent / "examples" / "still-life.json"
    svg_sets = [("still-life example", still), (f"{n_gif} painter-like strokes", work / "gif.npz")]
    if rsvg is None:
        print("SVG vs rsvg-convert: skipped, rsvg-convert not installed (apt-get install librsvg2-bin)")
    else:
        from PIL import Image

        from strokes.files import load
        from strokes.rendering import render
        from strokes.svg import export_svg
        for label, path in svg_sets:
            s = load(path)
            ours = render(s, "marker", size=512)
            export_svg(s, work / "marker.svg", style="marker")
            subprocess.run([rsvg, "-w", str(ours.width), "-h", str(ours.height), "-o", str(work / "rsvg.png"),
                            str(work / "marker.svg")], check=True)
            theirs = np.asarray(Image.open(work / "rsvg.png").convert("RGB"), np.float64) / 255
            score = psnr(np.asarray(ours, np.float64) / 255, theirs)
            print(f"SVG (marker) via rsvg-convert vs strokes render --style marker, {label}, "
                  f"{ours.width}x{ours.height}: {score:.1f} dB  target >= 25 dB")
    if args.keep:
        print(f"outputs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0
