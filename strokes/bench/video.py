"""Benchmark of video painting: ``python -m strokes.bench video [--frames T] [--size PX] [--strokes N]``.

A synthetic clip made here (:mod:`strokes.bench._clips`: the painter
benchmark's landscape under a camera panning 1.5 px per frame, a ball
bouncing across, a box sliding the other way) is painted twice for each of
``--seeds`` seeds (3 by default: a single painting of so small a clip moves by
about 1 dB with the CPU's rounding), the two side by side in two worker
processes of one thread each (so both see the same load of a shared machine):
with coherence (frame t from frame t-1's strokes, ``--steps-next`` steps, only
where the frame changed) and every frame afresh. For each: CPU seconds per frame (the first frame apart: it is a
full painting either way), flicker (mean absolute change between consecutive
painted frames divided by the same for the input frames; 1.0 = the painting
changes exactly as much as the video) and PSNR against the input frames.
CPU time, not wall time, is reported: the machine is shared.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np


def flicker(painted: np.ndarray, frames: np.ndarray) -> float:
    """Mean ``|P_t - P_t-1|`` over mean ``|F_t - F_t-1|``, both ``(T, H, W, 3)`` uint8."""
    change = lambda v: float(np.abs(np.diff(v.astype(np.float64), axis=0)).mean())  # noqa: E731
    return change(painted) / max(change(frames), 1e-12)


def main(argv) -> int:
    from strokes.bench._clips import synthetic_clip
    from strokes.bench.common import machine, psnr
    from strokes.painter import PaintOptions
    from strokes.many import in_worker_processes
    from strokes.paint_video import STEPS_NEXT, _chunk_work

    ap = argparse.ArgumentParser(prog="python -m strokes.bench video")
    ap.add_argument("--frames", type=int, default=8)
    ap.add_argument("--size", type=int, default=96, help="longest side (the clip is 4:3)")
    ap.add_argument("--strokes", type=int, default=60)
    ap.add_argument("--style", default="oil")
    ap.add_argument("--steps-next", type=int, default=STEPS_NEXT)
    ap.add_argument("--device", default="cpu", help="cpu or cuda (a GPU worker's time per frame)")
    ap.add_argument("--seeds", type=int, default=3,
                    help="paint the clip with this many seeds (0, 1, ...) and average: one painting of a small "
                         "clip moves by about 1 dB with the CPU's rounding")
    ap.add_argument("--out", type=Path, default=None, help="folder for a strip of input / coherent / fresh frames")
    a = ap.parse_args(argv)
    if a.seeds < 1:
        ap.error(f"--seeds: expected 1 or more, got {a.seeds}")

    clip = synthetic_clip(a.frames, round(a.size * 3 / 4), a.size)
    print(f"video: synthetic clip, {a.frames} frames {clip.shape[2]}x{clip.shape[1]}, {a.strokes} strokes, "
          f"style {a.style}, steps {PaintOptions().steps} / next {a.steps_next}, seeds 0-{a.seeds - 1}; {machine()}")
    results = {}
    runs = {(name, seed): (_chunk_work, (clip, dict(style=a.style, strokes=a.strokes, coherent=coherent, seed=seed,
                                                    steps_next=a.steps_next, device=a.device)))
            for seed in range(a.seeds) for name, coherent in (("coherent", True), ("fresh", False))}
    t = time.perf_counter()
    in_worker_processes(runs, results.__setitem__, 2)      # a seed's two paintings side by side: the same load
    wall = time.perf_counter() - t
    rows = {}
    for key in runs:
        r = results[key]
        if "error" in r:
            raise RuntimeError(f"painting the clip ({key[0]}, seed {key[1]}) failed: {r['error']}")
        scores = [psnr(p / 255.0, f / 255.0) for p, f in zip(r["frames"], clip)]
        rows[key] = dict(first=r["cpu"][0], later=float(np.median(r["cpu"][1:])), flicker=flicker(r["frames"], clip),
                         psnr=float(np.mean(scores)), moved=float(np.mean(r["moved"][1:])), frames=r["frames"])
    print(f"| {'':9} | seed | first frame CPU s | later frames CPU s (median) | flicker | PSNR dB | strokes re-optimized |")
    print("|---|---|---|---|---|---|---|")
    for (name, seed), r in sorted(rows.items()):
        print(f"| {name:9} | {seed} | {r['first']:.2f} | {r['later']:.2f} | {r['flicker']:.2f} | {r['psnr']:.2f} | "
              f"{r['moved']:.0%} |")
    seeds = range(a.seeds)
    ratio = [rows["coherent", k]["later"] / rows["fresh", k]["later"] for k in seeds]
    gain = [rows["coherent", k]["psnr"] - rows["fresh", k]["psnr"] for k in seeds]
    mean = lambda name, field: float(np.mean([rows[name, k][field] for k in seeds]))  # noqa: E731
    print(f"coherent / fresh, mean over {a.seeds} seed(s): time per later frame {np.mean(ratio):.2f}x "
          f"({min(ratio):.2f}-{max(ratio):.2f}), flicker {mean('coherent', 'flicker'):.2f} against "
          f"{mean('fresh', 'flicker'):.2f}, PSNR {np.mean(gain):+.2f} dB ({min(gain):+.2f} to {max(gain):+.2f}) "
          f"({wall:.0f} s in all, shared machine)")
    c, f = rows["coherent", 0], rows["fresh", 0]
    if a.out is not None:
        from PIL import Image
        a.out.mkdir(parents=True, exist_ok=True)
        pick = list(range(0, a.frames, max(1, a.frames // 4)))[:4]
        strip = np.concatenate([np.concatenate([v[k] for k in pick], 1)
                                for v in (clip, c["frames"], f["frames"])], 0)
        Image.fromarray(strip).save(a.out / "video-strip.png")
        print(f"wrote {a.out / 'video-strip.png'} (rows: input, coherent, fresh, seed 0; frames {pick})")
    return 0
