"""Turn a training checkpoint into small shipped weights: ``python -m strokes.neural.export SRC DEST``.

Keeps the record (style, layout version, training size, validation PSNR, steps,
architecture), stores the weights in float16 and drops the optimizer state.
"""
from __future__ import annotations

import sys

from .checkpoint import read_checkpoint, renderer_from_checkpoint, save_checkpoint


def export(src, dest) -> None:
    data = read_checkpoint(src)
    renderer = renderer_from_checkpoint(data, src)
    save_checkpoint(dest, renderer, steps=int(data.get("steps", 0)), half=True)


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) != 3:
        sys.exit("usage: python -m strokes.neural.export TRAINING_CHECKPOINT SHIPPED_WEIGHTS")
    export(sys.argv[1], sys.argv[2])
