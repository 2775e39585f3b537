"""Benchmark of video painting: ``python -m strokes.bench video [--frames T] [--size PX] [--strokes N]``.

A synthetic clip made here (:mod:`strokes.bench._clips`: the painter
benchmark's landscape under a camera panning 1.5 px per frame, a ball
bouncing across, a box sliding the other way) is painted twice, side by side
in two worker processes of one thread each (so both see the same load of a
shared machine): with coherence (frame t from frame t-1's strokes,
``--steps-next`` steps, only where the frame changed) and every frame
afresh. For each: CPU seconds per frame (the first frame apart: it is a
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
    ap.add_argument("--out", type=Path, default=None, help="folder for a strip of input / coherent / fresh frames")
    a = ap.parse_args(argv)

    clip = synthetic_clip(a.frames, round(a.size * 3 / 4), a.size)
    print(f"video: synthetic clip, {a.frames} frames {clip.shape[2]}x{clip.shape[1]}, {a.strokes} strokes, "
          f"style {a.style}, steps {PaintOptions().steps} / next {a.steps_next}; {machine()}")
    rows, results = {}, {}
    runs = {name: (_chunk_work, (clip, dict(style=a.style, strokes=a.strokes, coherent=coherent,
                                            steps_next=a.steps_next, device=a.device)))
            for name, coherent in (("coherent", True), ("fresh", False))}
    t = time.perf_counter()
    in_worker_processes(runs, results.__setitem__, 2)      # side by side: both see the same load
    wall = time.perf_counter() - t
    for name in runs:
        r = results[name]
        if "error" in r:
            raise RuntimeError(f"painting the clip ({name}) failed: {r['error']}")
        scores = [psnr(p / 255.0, f / 255.0) for p, f in zip(r["frames"], clip)]
        rows[name] = dict(first=r["cpu"][0], later=float(np.median(r["cpu"][1:])), flicker=flicker(r["frames"], clip),
                          psnr=float(np.mean(scores)), moved=float(np.mean(r["moved"][1:])),
                          wall=float(r["seconds"].sum()), frames=r["frames"])
    print(f"| {'':9} | first frame CPU s | later frames CPU s (median) | flicker | PSNR dB | strokes re-optimized |")
    print("|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name:9} | {r['first']:.2f} | {r['later']:.2f} | {r['flicker']:.2f} | {r['psnr']:.2f} | "
              f"{r['moved']:.0%} |")
    c, f = rows["coherent"], rows["fresh"]
    print(f"coherent / fresh: time per later frame {c['later'] / f['later']:.2f}x, flicker {c['flicker']:.2f} "
          f"against {f['flicker']:.2f}, PSNR {c['psnr'] - f['psnr']:+.2f} dB "
          f"(wall {c['wall']:.0f} s and {f['wall']:.0f} s painting, {wall:.0f} s in all, shared machine)")
    if a.out is not None:
        from PIL import Image
        a.out.mkdir(parents=True, exist_ok=True)
        pick = list(range(0, a.frames, max(1, a.frames // 4)))[:4]
        strip = np.concatenate([np.concatenate([v[k] for k in pick], 1)
                                for v in (clip, c["frames"], f["frames"])], 0)
        Image.fromarray(strip).save(a.out / "video-strip.png")
        print(f"wrote {a.out / 'video-strip.png'} (rows: input, coherent, fresh; frames {pick})")
    return 0
