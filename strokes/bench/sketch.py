"""Sketch benchmark: ``python -m strokes.bench sketch``.

For every bench image and one synthetic scene, at 512 px: wall time (a fresh
process, start-up included), the sketcher's own wall and CPU time and peak memory at 250 /
1,000 / 4,000 lines; the edge F-score (3 px tolerance) of the 1,000-line
drawing against the photo's Canny edges, next to the plain XDoG filter's;
and, in the same run, ARIEL's greedy loop (:mod:`strokes.bench._ariel`) given
the sketcher's time for 1,000 lines.

Lines are scored as drawn by the ``pen`` style (uniform lines, no grain), a
pixel counting as inked where it is at least 35% dark, skeletonized
(:mod:`strokes.bench._edges`): the score is of where the lines are, not of
the pencil's texture. The sketcher is scored with its default target (dodge)
and with ``target="xdog"``; the ARIEL loop aims at the XDoG target too.
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


def one(image: str, lines: int, size: int, threads: int, ariel: float | None, save: str | None,
        target: str = "dodge") -> dict:
    """Run in the subprocess: draw (or run the ARIEL loop), score, report time and peak memory."""
    import torch
    torch.set_num_threads(threads)
    from strokes.bench.common import peak_memory_mb
    from strokes.bench._edges import canny_reference, edge_fscore, inked
    from strokes.images import load_image
    from strokes.painter import resize
    from strokes.registry import get_style
    from strokes.rendering import canvas_size, render_tensor, to_image
    from strokes.sketcher import Drawing, SketchOptions, drawing_darkness, lines_to_strokes, sketch
    from strokes.strokeset import StrokeSet
    from strokes.targets import xdog

    source = load_image(image)
    H, W = canvas_size(source.shape[2], source.shape[1], size)
    photo = resize(source, (H, W))
    t, c = time.perf_counter(), time.process_time()
    if ariel is None:
        drawing = sketch(photo, lines=lines, size=size, target=target, progress=False)
    else:
        from strokes.bench._ariel import ariel_loop
        opts = SketchOptions()
        goal = drawing_darkness(photo, target, opts.contrast)
        got, _ = ariel_loop(goal, ariel, length=opts.longest * max(H, W) * 0.5)
        drawing = Drawing(StrokeSet(lines_to_strokes(got, (H, W)), width=W, height=H, background=(1, 1, 1)),
                          get_style("pencil"))
    seconds = time.perf_counter() - t
    out = {"seconds": seconds, "draw_cpu_s": time.process_time() - c, "lines": len(drawing.strokes), "peak_mb": peak_memory_mb()}
    scoring = time.perf_counter()
    if lines == 1000 or ariel is not None:
        reference = canny_reference(photo)
        picture = drawing.tensor()
        out["f"] = edge_fscore(inked(render_tensor(drawing.strokes, "pen", size=size)), reference)
        filtered = xdog(photo)
        out["f_xdog"] = edge_fscore(inked(filtered.expand(3, -1, -1)), reference)
        if save:
            d = Path(save)
            d.mkdir(parents=True, exist_ok=True)
            tag = "ariel" if ariel is not None else f"{target}{lines}"
            to_image(picture).save(d / f"{Path(image).stem}-{tag}.png")
            if ariel is None:
                to_image(filtered.expand(3, -1, -1)).save(d / f"{Path(image).stem}-xdog.png")
                drawing.strokes.save(d / f"{Path(image).stem}-{tag}.json")
    out["score_s"] = time.perf_counter() - scoring
    return out


def measure(image: Path, lines: int, size: int, threads: int, ariel: float | None = None,
            save: str | None = None, target: str = "dodge") -> dict:
    cmd = [sys.executable, "-m", "strokes.bench", "sketch", "--one", str(image), "--lines", str(lines),
           "--size", str(size), "--threads", str(threads), "--target", target]
    if ariel is not None:
        cmd += ["--ariel", f"{ariel:.3f}"]
    if save:
        cmd += ["--save", save]
    done, wall, cpu = run_timed(cmd, f"drawing {image}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall - result["score_s"]          # start-up and drawing, not the scoring
    result["cpu_s"] = cpu
    return result


def main(argv) -> int:
    from strokes.bench.paint import default_images, synthetic_scene
    parser = argparse.ArgumentParser(prog="python -m strokes.bench sketch", description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=Path, default=default_images(), help="folder of bench images")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--counts", default="250,1000,4000", help="line counts (1000 is scored)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1, as strokes sketch)")
    parser.add_argument("--save", type=Path, default=None, help="keep the drawings in SAVE/")
    parser.add_argument("--quick", action="store_true", help="one image, 1000 lines only")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--lines", type=int, default=1000, help=argparse.SUPPRESS)
    parser.add_argument("--ariel", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--target", default="dodge", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.lines, args.size, args.threads, args.ariel,
                             str(args.save) if args.save else None, args.target)))
        return 0

    images = sorted(p for p in args.images.glob("*") if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    if not images:
        print(f"no images in {args.images}; pass --images DIR", file=sys.stderr)
        return 2
    own = Path(tempfile.mkdtemp(prefix="strokes-bench-")) / "synthetic.png"
    synthetic_scene().save(own)
    images.append(own)
    counts = [1000] if args.quick else [int(c) for c in args.counts.split(",")]
    if args.quick:
        images = images[:1]
    import torch

    from strokes.bench.common import machine
    torch.set_num_threads(args.threads)
    save = str(args.save) if args.save else None
    print(f"sketch benchmark: {args.size} px, style pencil, target dodge, {args.threads} threads; {machine()}")
    print(f"load average before: {os.getloadavg()[0]:.1f} (a shared machine makes wall times noisy)")
    print("wall s: a fresh process, start-up and drawing (scoring left out); cpu s: that process's CPU time, "
          "scoring included; draw s / draw cpu: the sketch() call alone")
    print("F dodge / F xdog-target: the sketcher's 1,000 lines aiming at dodge (default) / at XDoG; "
          "F XDoG: the XDoG filter itself; ratio: F xdog-target / F XDoG; ARIEL: its loop, XDoG target, "
          "given the xdog-target run's draw time")
    print(f"{'image':<11} {'lines':>6} {'wall s':>7} {'cpu s':>7} {'draw s':>7} {'draw cpu':>8} {'ms/line':>8} {'peak MB':>8} "
          f"{'F dodge':>8} {'F xdog-t':>8} {'F XDoG':>7} {'ratio':>6} {'ARIEL lines':>12} {'F ARIEL':>8}")
    walls, per_line, per_line_cpu, ratios, vs_ariel = [], {n: [] for n in counts}, {n: [] for n in counts}, [], []
    for image in images:
        for n in counts:
            r = measure(image, n, args.size, args.threads, save=save if n == 1000 else None)
            per_line[n].append(r["seconds"] / n)
            per_line_cpu[n].append(r["draw_cpu_s"] / n)
            tail = ""
            if "f" in r:
                walls.append(r["wall_s"])
                x = measure(image, n, args.size, args.threads, save=save, target="xdog")
                a = measure(image, n, args.size, args.threads, ariel=x["seconds"], save=save, target="xdog")
                fd, f, fx, fa = r["f"]["f"], x["f"]["f"], r["f_xdog"]["f"], a["f"]["f"]
                ratios.append(f / fx if fx else float("nan"))
                vs_ariel.append(f / fa if fa else float("inf"))
                tail = (f"{fd:8.3f} {f:8.3f} {fx:7.3f} {f / fx if fx else float('nan'):6.2f} "
                        f"{a['lines']:12d} {fa:8.3f}")
            print(f"{image.stem:<11} {n:6d} {r['wall_s']:7.1f} {r['cpu_s']:7.1f} {r['seconds']:7.1f} {r['draw_cpu_s']:8.1f} "
                  f"{1000 * r['seconds'] / n:8.2f} {r['peak_mb']:8.0f} {tail}", flush=True)
    if walls:
        print(f"median wall time, 1,000 lines (start-up included): {statistics.median(walls):.1f} s")
        print(f"F-score (xdog target) / XDoG's: min {min(ratios):.2f}, median {statistics.median(ratios):.2f}; "
              f"/ ARIEL loop's at equal time: min {min(vs_ariel):.2f}")
    if 1000 in per_line and len(counts) > 1:
        for n in counts:
            if n != 1000:
                ratio = statistics.median(a / b for a, b in zip(per_line[n], per_line[1000]))
                cpu = statistics.median(a / b for a, b in zip(per_line_cpu[n], per_line_cpu[1000]))
                print(f"time per line at {n:,} / at 1,000 (median over images): draw wall {ratio:.2f}, draw cpu {cpu:.2f}")
    print(f"load average now: {os.getloadavg()[0]:.1f}")
    return 0
