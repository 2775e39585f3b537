"""The painting plan: how many strokes at which size, in which batches.

Coarse to fine: a few levels, the first with few broad strokes that cover
the canvas, each next one with more and narrower strokes. A level's stroke
width is chosen so its strokes cover a set share of the canvas
(``coverage``): the first level all of it, later levels less and less, as
they only go where error remains. Every level is optimized on a working
canvas just fine enough for its strokes (about ``PIXELS_PER_WIDTH`` pixels
across a stroke, but no larger than ``MAX_WORK``, or ``MAX_WORK_SHARE`` of a
large painting's longest side, unless strokes would get thinner than
``MIN_PIXELS_PER_WIDTH`` there), so broad strokes are cheap, the cost per
stroke stays about the same whatever the stroke count, and a large painting
gets its detail from a finer working canvas (``python -m strokes.bench paint
--detail`` measures it).

The plan depends only on the stroke count and the canvas shape, so a run
that is resumed takes up exactly where it stopped.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

LENGTH = 2.5               # a seeded stroke is this many widths long
PIXELS_PER_WIDTH = 7.0     # working-canvas pixels across a stroke
MIN_WORK = 64              # smallest working canvas, longest side
MAX_WORK = 256             # working canvases stay this small (longest side) ...
MAX_WORK_SHARE = 0.5      # ... or this share of a large painting's longest side, if more
MIN_PIXELS_PER_WIDTH = 3.5 # ... unless strokes would be narrower than this there
GROWTH = 1.6               # each level has this many times the strokes of the one before
COVER_FIRST = 1.6          # the first level's strokes cover the canvas this many times over
COVER_DECAY = 0.3          # each next level covers this share of what the one before covered ...
COVER_LEAST = 0.14         # ... but at least this share of the canvas (finer strokes cost time and gain nothing)
OVERLAP = 0.7             # a later level's batch holds strokes covering about this share of the canvas (fewer overlaps)


@dataclass(frozen=True)
class Level:
    """One level of the plan. ``width`` is a fraction of the canvas' shorter side."""

    index: int
    count: int
    width: float
    batch: int
    work: tuple[int, int]   # working canvas (H, W)


def level_count(strokes: int) -> int:
    return 1 if strokes < 8 else 2 if strokes < 40 else 3 if strokes < 150 else 4 if strokes < 1500 else 5


def plan(strokes: int, size: tuple[int, int], max_batch: int = 100,
         widths: tuple[float, float] = (0.0, 1.0)) -> list[Level]:
    """Levels for ``strokes`` strokes on a canvas of ``size`` ``(H, W)``; counts sum to ``strokes``.

    ``widths``: the ``(narrowest, widest)`` a level's strokes may be, fractions of the shorter side.

    >>> [lv.count for lv in plan(500, (512, 512))]
    [54, 86, 138, 222]
    """
    if strokes < 1:
        raise ValueError(f"expected at least 1 stroke, got {strokes}")
    H, W = size
    area = max(H, W) / min(H, W)                      # canvas area in units of the shorter side squared
    n = level_count(strokes)
    shares = [GROWTH ** k for k in range(n)]
    counts = [max(1, int(strokes * s / sum(shares))) for s in shares]
    counts[-1] = strokes - sum(counts[:-1])
    coverage = [max(COVER_LEAST, COVER_FIRST * COVER_DECAY ** k) for k in range(n)]
    levels = []
    for k, (count, cover) in enumerate(zip(counts, coverage)):
        width = min(0.3, math.sqrt(cover * area / (LENGTH * count)))
        width = max(width, 2.0 / min(H, W))           # no stroke thinner than two output pixels
        width = min(max(width, widths[0]), widths[1])
        footprint = LENGTH * width * width            # share of the canvas one stroke covers
        # The first level lays in the ground: its broad strokes cover the canvas anyway, and are
        # optimized as one batch (a step's fixed cost outweighs what smaller batches would gain).
        batch = int(min(max_batch, count if k == 0 else max(4, OVERLAP * area / footprint), count))
        aspect = max(H, W) / min(H, W)
        wanted = min(max(MAX_WORK, MAX_WORK_SHARE * max(H, W)), PIXELS_PER_WIDTH / width * aspect)
        long_side = min(max(H, W), round(max(MIN_WORK, wanted, MIN_PIXELS_PER_WIDTH / width * aspect)))
        scale = long_side / max(H, W)
        work = (max(1, round(H * scale)), max(1, round(W * scale)))
        levels.append(Level(k, count, width, batch, work))
    return levels


def batches(levels: list[Level]):
    """``(level, first stroke index, stroke count)`` for every batch, in order."""
    start = 0
    for level in levels:
        left = level.count
        n = math.ceil(left / level.batch)
        for b in range(n):
            size = left // (n - b)
            yield level, start, size
            start += size
            left -= size
