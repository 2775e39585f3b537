"""Peak memory and time of loading big or hostile inputs, each in a fresh process.

    python -m strokes.bench memory [--dir /tmp/strokes-memory] [--strokes 1000000] [--quick]

Writes its inputs into ``--dir`` (never into the repository; they are large):
the largest valid strokes file (``--strokes`` strokes, JSON and ``.npz``), a
99 MB JSON file of empty lists under an ignored key, a 7000 x 7000 PNG
(loaded whole, shrunk with ``max_side``, and painted with one stroke), and an
``.npz`` of ``--strokes`` copies of one zero-width stroke rendered at 200 px
(pen draws nothing at zero width, so it skips them; oil draws each as a hairline).
Each input is then loaded in its own Python process; the table gives that
process's peak resident memory (``VmHWM`` of ``/proc/self/status``, Linux;
``ru_maxrss`` would count the memory of the parent that forked it) and wall
time, next to a process that only imports the library.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

_PROBE = """
import sys, time
kind, path = sys.argv[1], sys.argv[2]
import strokes.files, strokes.images
t = time.perf_counter()
outcome = "ok"
try:
    if kind == "strokes":
        outcome = f"{len(strokes.files.load(path))} strokes"
    elif kind == "paint":
        import strokes.painter
        p = strokes.painter.paint(path, style="marker", strokes=1, size=int(sys.argv[3]), progress=False)
        outcome = f"painted {p.strokes.width}x{p.strokes.height}"
    elif kind == "render":
        import strokes.rendering
        image = strokes.rendering.render(strokes.files.load(path), style=sys.argv[4], size=int(sys.argv[3]))
        outcome = f"rendered {image.width}x{image.height}"
    elif kind == "image":
        outcome = "x".join(map(str, strokes.images.load_image(path, max_side=int(sys.argv[3])).shape))
except strokes.StrokesError as exc:
    outcome = "refused: " + str(exc)[len(path) + 2:][:60]
took = time.perf_counter() - t
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")][0].split()[1]
print(int(hwm) / 1024, took, outcome)
"""


def make_inputs(folder: Path, n: int) -> dict:
    import numpy as np
    from PIL import Image

    from strokes.files import save
    from strokes.strokeset import StrokeSet

    folder.mkdir(parents=True, exist_ok=True)
    paths = {"valid.json": folder / "valid.json", "valid.npz": folder / "valid.npz",
             "junk.json": folder / "junk.json", "big.png": folder / "big.png", "zero-width.npz": folder / "zero-width.npz"}
    if not paths["valid.json"].exists() or not paths["valid.npz"].exists():
        s = StrokeSet(np.random.default_rng(0).random((n, 15)), width=4000, height=3000)
        save(s, paths["valid.json"])
        save(s, paths["valid.npz"])
    if not paths["junk.json"].exists():
        with open(paths["junk.json"], "w") as fh:
            fh.write('{"format": "strokes", "version": 1, "canvas": {"width": 4, "height": 3}, "junk": [')
            fh.write("[]," * (33 * 1000 * 1000) + "[]")
            fh.write('], "strokes": []}')
    if not paths["zero-width.npz"].exists():
        point = np.zeros(15)
        point[14] = 1.0                                   # a black point of no width at the top left, opaque
        save(StrokeSet(np.tile(point, (n, 1)), width=400, height=300), paths["zero-width.npz"])
    if not paths["big.png"].exists():
        Image.new("RGB", (7000, 7000), (200, 120, 40)).save(paths["big.png"])
    return paths


def probe(kind: str, path: str, *extra: str) -> tuple[float, float, str]:
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", _PROBE, kind, path, *extra], capture_output=True, text=True,
                         env=env, check=True).stdout.split(maxsplit=2)
    return float(out[0]), float(out[1]), out[2].strip()


def main(argv) -> int:
    parser = argparse.ArgumentParser(prog="python -m strokes.bench memory", description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="/tmp/strokes-memory", type=Path)
    parser.add_argument("--strokes", type=int, default=1_000_000, help="strokes of the valid files (default: 1000000)")
    parser.add_argument("--quick", action="store_true", help="100 000 strokes (the figures then do not answer "
                                                              "the issue's targets)")
    args = parser.parse_args(argv)
    if args.quick:
        args.strokes, args.dir = 100_000, args.dir / "quick"
    started = time.perf_counter()
    paths = make_inputs(args.dir, args.strokes)
    rows = [("import only", *probe("none", "-"))]
    for name in ("valid.json", "valid.npz", "junk.json"):
        size = paths[name].stat().st_size / 1e6
        rows.append((f"{name} ({size:.0f} MB)", *probe("strokes", str(paths[name]))))
    rows.append(("big.png 7000x7000, max_side 512", *probe("image", str(paths["big.png"]), "512")))
    rows.append(("big.png 7000x7000, full size", *probe("image", str(paths["big.png"]), "0")))
    rows.append(("paint big.png, 1 stroke, size 256", *probe("paint", str(paths["big.png"]), "256")))
    size = paths["zero-width.npz"].stat().st_size / 1e3
    for style in ("pen", "oil"):
        rows.append((f"render zero-width.npz ({size:.0f} KB), size 200, {style}",
                     *probe("render", str(paths["zero-width.npz"]), "200", style)))
    print("| input | peak memory (MiB) | time (s) | outcome |\n|---|---:|---:|---|")
    for name, mib, seconds, outcome in rows:
        print(f"| {name} | {mib:.0f} | {seconds:.2f} | {outcome} |")
    from .common import machine
    print(f"\n{machine()}; {time.perf_counter() - started:.0f} s in all")
    return 0
