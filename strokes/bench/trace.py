"""Benchmark of the tracer: ``python -m strokes.bench trace [--sketches N] [--big] [--no-potrace]``.

Synthetic rough sketches with known clean strokes (:mod:`strokes.tracing.synthetic`:
two or three jittered passes per line, specks, paper grain, blur) at 640 x 480,
in pencil, black ink and coloured pens. Each is traced and scored: precision and
recall of centreline points within 3 px of the true lines, strokes over the true
number, wall and CPU time. Side by side in the same run, potrace (``potrace --svg``,
the Debian package; skipped when absent) on the same images, its outlines taken as
lines: its path count and the same precision and recall. ``--big`` adds one sketch
at 2,048 px (its jitter and the 3 px of the score grow with the page, 9.6 px there). Peak memory is that of this process (an upper bound for one trace).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

KINDS = ("pencil", "ink", "colour")
WITHIN = 3.0


def potrace_lines(gray: np.ndarray, workdir: Path) -> list | None:
    """potrace's outlines of a ``(H, W)`` image in [0, 1] as ``(n, 2)`` point lists in pixels (None: no potrace)."""
    import vpype
    from PIL import Image

    if shutil.which("potrace") is None:
        return None
    src, svg = workdir / "page.pgm", workdir / "page.svg"
    Image.fromarray((gray * 255 + 0.5).astype(np.uint8), "L").save(src)
    subprocess.run(["potrace", "--svg", "-o", str(svg), str(src)], check=True, capture_output=True)
    lines, width, _ = vpype.read_svg(str(svg), quantization=0.5)
    scale = gray.shape[1] / width                     # potrace writes points; vpype reads them as CSS pixels
    return [np.stack([line.real, line.imag], 1) * scale for line in lines]


def _score(found, truth, within=WITHIN):
    from strokes.tracing.synthetic import centreline_scores
    return centreline_scores(found, truth, within)


def run_one(sketch, workdir: Path, with_potrace: bool) -> dict:
    import torch

    from strokes.tracer import trace
    from strokes.tracing.synthetic import stroke_lines

    image = sketch.image.astype(np.float32)
    wall, cpu = time.perf_counter(), time.process_time()
    drawing = trace(torch.from_numpy(image).permute(2, 0, 1), progress=False)
    row = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
           "true": len(sketch.strokes), "ours": len(drawing.strokes)}
    within = WITHIN * max(image.shape[:2]) / 640          # 3 px at 640 x 480; the same share of a bigger page
    row["P"], row["R"] = _score(stroke_lines(drawing.strokes), sketch.lines, within)
    if with_potrace:
        t = time.perf_counter()
        outlines = potrace_lines(image.mean(2), workdir)
        if outlines is not None:
            row["potrace"] = len(outlines)
            row["pP"], row["pR"] = _score(outlines, sketch.lines, within)
            row["ptime"] = time.perf_counter() - t
    return row


def pictures(out: Path, width: int = 480) -> int:
    """The pictures of docs/trace.md: a rough still life, its traced strokes, re-inked in two styles."""
    import colorsys

    from PIL import Image, ImageDraw

    from strokes.rendering import render
    from strokes.strokeset import StrokeSet
    from strokes.tracer import trace
    from strokes.tracing.still_life import HEIGHT, WIDTH, still_life
    from strokes.tracing.synthetic import rough_drawing, stroke_lines

    out.mkdir(parents=True, exist_ok=True)
    sketch = rough_drawing(still_life(), WIDTH, HEIGHT, ink="pencil", seed=2)
    scan = Image.fromarray((sketch.image * 255 + 0.5).astype(np.uint8), "RGB")
    drawing = trace(scan, progress=False)
    shrink = lambda im: im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)  # noqa: E731
    shrink(scan).save(out / "trace-input.jpg", quality=85)
    pieces = Image.blend(scan, Image.new("RGB", scan.size, "white"), 0.7)
    pen = ImageDraw.Draw(pieces)
    for k, line in enumerate(stroke_lines(drawing.strokes)):
        colour = tuple(int(255 * v) for v in colorsys.hsv_to_rgb((k * 0.137) % 1, 0.9, 0.8))
        pen.line([tuple(p) for p in line], fill=colour, width=3)
        for end in (line[0], line[-1]):
            pen.ellipse([end[0] - 3, end[1] - 3, end[0] + 3, end[1] + 3], outline=(0, 0, 0))
    shrink(pieces).save(out / "trace-strokes.png", optimize=True)
    shrink(drawing.image).save(out / "trace-drawing.png", optimize=True)
    inked = drawing.strokes.params.copy()
    inked[:, 8:14] = [0.12, 0.1, 0.15] * 2                      # re-inked: one dark ink for every line
    inked[:, 6:8] *= 1.3
    re = StrokeSet(inked, drawing.strokes.width, drawing.strokes.height)
    for style in ("pencil", "watercolor"):
        render(re, style, size=width).save(out / f"trace-{style}.jpg", quality=85)
    print(f"wrote {len(drawing.strokes)} traced strokes' pictures into {out}")
    return 0


def main(argv) -> int:
    import torch

    from strokes.bench.common import machine, peak_memory_mb
    from strokes.tracing.synthetic import rough_sketch

    ap = argparse.ArgumentParser(prog="python -m strokes.bench trace", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sketches", type=int, default=6, help="sketches at 640 x 480 (default: 6, kinds in turn)")
    ap.add_argument("--big", action="store_true", help="also one sketch at 2,048 x 1,536")
    ap.add_argument("--no-potrace", action="store_true", help="leave potrace out")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--pictures", metavar="DIR", help="only write the pictures of docs/trace.md into DIR")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.pictures:
        return pictures(Path(args.pictures))
    with_potrace = not args.no_potrace and shutil.which("potrace") is not None
    print(f"# tracer benchmark: {machine()}")
    if not args.no_potrace and not with_potrace:
        print("# potrace not found (apt-get install potrace): its columns are left out")
    head = f"{'sketch':<16} {'true':>4} | {'ours':>4} {'x true':>6} {'P@3px':>6} {'R@3px':>6} {'wall s':>6} {'cpu s':>6}"
    if with_potrace:
        head += f" | {'potrace':>7} {'x true':>6} {'P@3px':>6} {'R@3px':>6}"
    print(head)
    rows = []
    jobs = [(k, KINDS[k % len(KINDS)], 640, 480) for k in range(args.sketches)]
    if args.big:
        jobs.append((100, "pencil", 2048, 1536))
    with tempfile.TemporaryDirectory() as tmp:
        for seed, kind, w, h in jobs:
            sketch = rough_sketch(seed=seed, width=w, height=h, ink=kind)
            r = run_one(sketch, Path(tmp), with_potrace)
            r["name"], r["big"] = f"{kind} {seed} {w}x{h}" if w != 640 else f"{kind} {seed}", w != 640
            rows.append(r)
            line = (f"{r['name']:<16} {r['true']:>4} | {r['ours']:>4} {r['ours'] / r['true']:>6.2f} {r['P']:>6.3f} "
                    f"{r['R']:>6.3f} {r['wall']:>6.2f} {r['cpu']:>6.2f}")
            if "potrace" in r:
                line += f" | {r['potrace']:>7} {r['potrace'] / r['true']:>6.2f} {r['pP']:>6.3f} {r['pR']:>6.3f}"
            print(line, flush=True)
    small = [r for r in rows if not r["big"]]
    if small:
        med = lambda key: statistics.median(r[key] for r in small)  # noqa: E731
        line = (f"{'median 640x480':<16} {med('true'):>4.0f} | {med('ours'):>4.0f} "
                f"{statistics.median(r['ours'] / r['true'] for r in small):>6.2f} {med('P'):>6.3f} {med('R'):>6.3f} "
                f"{med('wall'):>6.2f} {med('cpu'):>6.2f}")
        if with_potrace and all("potrace" in r for r in small):
            line += (f" | {med('potrace'):>7.0f} {statistics.median(r['potrace'] / r['true'] for r in small):>6.2f} "
                     f"{med('pP'):>6.3f} {med('pR'):>6.3f}")
        print(line)
        worst = min(min(r["P"], r["R"]) for r in small)
        print(f"# worst precision or recall: {worst:.3f}; most strokes over true: "
              f"{max(r['ours'] / r['true'] for r in small):.2f}")
    print(f"# peak memory of this process: {peak_memory_mb():.0f} MiB")
    return 0
