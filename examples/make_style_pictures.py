"""Render the pictures of docs/styles.md: the bundled still life in every built-in style.

    python examples/make_style_pictures.py [OUT_DIR] [SIZE]

writes, into ``docs/img`` by default, ``style-<name>.jpg`` (longest side
``SIZE``, 1024 by default), ``style-<name>-detail.png`` (a 320 x 240 crop at
full resolution, where the texture shows), ``style-pencil-monochrome.jpg`` and
``styles-side-by-side.jpg`` (all five, small). Deterministic: seed 0.

The still life is a painting, so pencil draws it in its painting look
(``look="hatching"``, in colour, as ``strokes paint --style pencil`` does);
``pen`` is a line-drawing style and is left out (docs/styles.md shows it, and
pencil's graphite look, on a drawing made by ``strokes sketch``).
"""
from __future__ import annotations

import os
import sys
import time

from PIL import Image

import strokes
from strokes.atomic import save_image
from strokes.registry import BUILTIN_STYLES

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "strokes", "examples", "still-life.json")
DETAIL = (400, 250, 720, 490)        # left, top, right, bottom at 1024 px: the apple, bowl and oranges


def main(argv) -> int:
    out = argv[0] if argv else os.path.join(HERE, "..", "docs", "img")
    size = int(argv[1]) if len(argv) > 1 else 1024
    os.makedirs(out, exist_ok=True)
    still_life = strokes.load(EXAMPLE)
    small = []
    # The still life is a painting (meta kind), so each style draws it in its painting look.
    jobs = [(name, {}, "") for name in BUILTIN_STYLES if name != "pen"]
    jobs.append(("pencil", {"monochrome": True}, "-monochrome"))
    for name, options, suffix in jobs:
        start = time.perf_counter()
        picture = strokes.render(still_life, name, size=size, seed=0, **options)
        tag = name + suffix
        save_image(picture, os.path.join(out, f"style-{tag}.jpg"), quality=88)      # whole views: small files
        scale = size / 1024
        box = tuple(round(v * scale) for v in DETAIL)
        if not suffix:
            save_image(picture.crop(box), os.path.join(out, f"style-{tag}-detail.png"), optimize=True)
            small.append(picture.resize((picture.width // 3, picture.height // 3), Image.LANCZOS))
        print(f"{tag}: {picture.width}x{picture.height} in {time.perf_counter() - start:.1f} s")
    gap = 6
    sheet = Image.new("RGB", (sum(p.width for p in small) + gap * (len(small) - 1), small[0].height), "white")
    x = 0
    for p in small:
        sheet.paste(p, (x, 0))
        x += p.width + gap
    save_image(sheet, os.path.join(out, "styles-side-by-side.jpg"), quality=88)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
