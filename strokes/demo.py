"""The main job on bundled examples: ``python -m strokes.demo OUTDIR`` (what ``make demo`` runs).

1. paints the bundled photo (a cat) into 500 oil strokes: ``painting.png``, ``strokes.json``;
2. redraws those same strokes in every installed style at 1,024 px: ``restyled-<style>.png``;
3. animates the painting being made: ``making-of.gif``;
4. draws the bundled still life (a strokes file) in every style: ``still-life-<style>.png``.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

EXAMPLES = Path(__file__).parent / "examples"


def main(argv: list[str]) -> int:
    import strokes
    from strokes.atomic import save_image
    from strokes.rendering import render

    out = Path(argv[0] if argv else "out")
    out.mkdir(parents=True, exist_ok=True)

    t = time.perf_counter()
    painting = strokes.paint(EXAMPLES / "chelsea.png", style="oil", strokes=500, size=512, seed=0)
    painting.save(out)
    print(f"painted {len(painting.strokes)} oil strokes in {time.perf_counter() - t:.1f} s -> "
          f"{out / 'painting.png'}, {out / 'strokes.json'}")

    for style in strokes.list_styles():
        save_image(render(painting.strokes, style=style, size=1024), out / f"restyled-{style}.png")
    print(f"redrew the strokes in {', '.join(strokes.list_styles())} -> {out}/restyled-<style>.png")

    strokes.animate(painting.strokes, out / "making-of.gif", style="oil", size=384, fps=20, duration=6)
    print(f"animated the painting -> {out / 'making-of.gif'}")

    still_life = strokes.load(EXAMPLES / "still-life.json")
    for style in strokes.list_styles():
        save_image(render(still_life, style=style, size=1024), out / f"still-life-{style}.png")
    print(f"drew the bundled still life in every style -> {out}/still-life-<style>.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
