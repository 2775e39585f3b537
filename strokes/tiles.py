"""Drawing strokes tile by tile: how large canvases and long animations stay fast and small.

The canvas is cut into square tiles of ``TILE`` pixels. A stroke is drawn only
on the tiles its paint can reach (within ``reach`` times its largest half width
of the centreline, and inside its box from :func:`strokes.geometry.stroke_boxes`),
so the work follows the painted area, not the canvas area or the box area.
This assumes a style's paint stays within ``reach`` half widths of the
quadratic Bezier centreline; a style whose paint follows another path says so
with ``paint_path(params) -> params`` (tape: the straight line P0 -> P2).
Tiles of many strokes are rasterized together in one batched call of the style
with per-tile windows (``window=(tops, lefts, TILE, TILE)``), then laid over the
canvas in stroke order: tiles at different places go down at once, tiles at the
same place one after the other, so every pixel sees exactly the sequential
"over" of its strokes.

Strokes that provably lay no paint are skipped before planning
(:func:`lays_paint`): zero opacity, zero width in a style without
``hairline``, and (having no tiles) strokes wholly off the canvas. Skipping
them changes no pixel. The plan is made for a run of strokes at a time
(``PLAN_TILES`` candidate tiles or ``PLAN_STROKES`` strokes), so memory is one
batch of tiles and one piece of the plan plus the canvas, whatever the canvas
size and stroke count.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import torch

from .compositing import over
from .geometry import EDGE, SEGMENTS, centreline, check_params, paint_radius, polyline_error, stroke_boxes
from .layout import OPACITY, WIDTHS

TILE = 16
# Pixels rasterized per call of the style: large enough that each tensor operation
# outweighs waking the worker threads (measured on 2 cores: 1 << 19 drew the poster
# benchmark about 1.4x faster than 1 << 17), small enough to keep temporaries to tens of MB.
BATCH_PIXELS = 1 << 19
HALF_DIAGONAL = 0.7072  # a tile's half diagonal over its side (sqrt(2) / 2, rounded up)
# One piece of the plan: at most this many candidate tiles (from the strokes' boxes) or strokes.
PLAN_TILES = 1 << 20
PLAN_STROKES = 1 << 16


def lays_paint(params: torch.Tensor, style) -> torch.Tensor:
    """``(S,)`` bool: strokes that may change a pixel in ``style``.

    A stroke of zero opacity never does; nor does one whose two widths are zero
    in a style whose ``hairline`` is false (pen, graphite pencil). Everything
    else may (a zero-width stroke in oil is an anti-aliased hairline).
    """
    paints = params[:, OPACITY] > 0
    if not getattr(style, "hairline", True):    # a neural drawer stands in for a style without being one
        paints &= params[:, WIDTHS].amax(1) > 0
    return paints


def padded(size, tile: int | None = None) -> tuple[int, int]:
    """``(H, W)`` rounded up to whole tiles."""
    H, W = size
    tile = tile or TILE
    return (-(-H // tile) * tile, -(-W // tile) * tile)


def _box_tiles(boxes: torch.Tensor, tile: int):
    """First tile row and column, rows and columns of tiles each box spans: four ``(S,)`` int64."""
    t0, l0 = boxes[:, 0] // tile, boxes[:, 1] // tile
    t1, l1 = -(-boxes[:, 2] // tile), -(-boxes[:, 3] // tile)
    return t0, l0, (t1 - t0).clamp(min=0), (l1 - l0).clamp(min=0)


def plan_tiles(params: torch.Tensor, size, reach: float = 1.0, tile: int = TILE,
               skip: torch.Tensor | None = None):
    """The tiles each stroke is drawn on, in stroke order.

    Returns ``(stroke, ty, tx, boxes)``: three ``(N,)`` int64 tensors (which
    stroke, tile row, tile column) and the ``(S, 4)`` stroke boxes (top, left,
    bottom, right) in pixels. Strokes marked in ``skip`` ``(S,)`` get no tiles.
    """
    H, W = size
    boxes = stroke_boxes(params, size, reach=reach)
    t0, l0, rows, cols = _box_tiles(boxes, tile)
    count = rows * cols
    if skip is not None:
        count = count.masked_fill(skip, 0)
    stroke = torch.repeat_interleave(torch.arange(len(params), device=params.device), count)
    if stroke.numel() == 0:
        empty = stroke.new_zeros(0)
        return empty, empty, empty, boxes
    first = torch.cumsum(count, 0) - count
    local = torch.arange(stroke.numel(), device=params.device) - first[stroke]
    ty = t0[stroke] + local // cols[stroke]
    tx = l0[stroke] + local % cols[stroke]

    # Keep tiles whose centre lies within paint's reach of the centreline (plus the tile's half diagonal).
    with torch.no_grad():
        p = params.detach().to(torch.float32)
        pts = centreline(p, size, SEGMENTS)                            # (S, SEGMENTS + 1, 2) pixels
        radius = (paint_radius(p[:, WIDTHS].amax(1), min(H, W), reach) + EDGE + polyline_error(p, size)
                  + tile * HALF_DIAGONAL + 1)                          # + 1 px: float safety
        keep = torch.zeros_like(stroke, dtype=torch.bool)
        step = 1 << 16
        for i in range(0, stroke.numel(), step):                       # bounded temporaries
            s = stroke[i:i + step]
            c = torch.stack([(tx[i:i + step] + 0.5) * tile, (ty[i:i + step] + 0.5) * tile], 1).to(p.dtype)
            a, b = pts[s, :-1], pts[s, 1:]                             # (n, 16, 2)
            ab, ac = b - a, c[:, None] - a
            u = ((ac * ab).sum(-1) / (ab * ab).sum(-1).clamp(min=1e-12)).clamp(0, 1)
            d = (ac - u[..., None] * ab).norm(dim=-1).amin(1)
            keep[i:i + step] = d <= radius[s]
    return stroke[keep], ty[keep], tx[keep], boxes


def plan_pieces(params: torch.Tensor, size, reach: float = 1.0, tile: int = TILE,
                skip: torch.Tensor | None = None, budget: int = PLAN_TILES, most: int = PLAN_STROKES):
    """:func:`plan_tiles` for runs of strokes in order, each within ``budget`` candidate tiles and
    ``most`` strokes (a stroke larger than the budget alone): yields ``(first, stroke, ty, tx, boxes)``
    with ``stroke`` counted from the first stroke of all and ``boxes`` those of the run.
    """
    S = params.shape[0]
    count = torch.empty(S, dtype=torch.int64, device=params.device)     # candidate tiles of each stroke
    for i in range(0, S, most):                                         # boxes a piece at a time too
        _, _, rows, cols = _box_tiles(stroke_boxes(params[i:i + most], size, reach=reach), tile)
        count[i:i + most] = rows * cols
    if skip is not None:
        count.masked_fill_(skip, 0)
    total = torch.cumsum(count, 0)                                      # candidate tiles of strokes 0 .. i
    first = 0
    while first < S:
        before = int(total[first - 1]) if first else 0
        last = int(torch.searchsorted(total, torch.tensor(before + budget, device=total.device), right=True))
        last = min(max(last, first + 1), first + most, S)
        piece = slice(first, last)
        stroke, ty, tx, boxes = plan_tiles(params[piece], size, reach, tile,
                                           None if skip is None else skip[piece])
        yield first, stroke + first, ty, tx, boxes
        first = last


def to_tiles(canvas: torch.Tensor, tile: int | None = None) -> torch.Tensor:
    """``(3, H, W)`` canvas to a tile-major copy ``(rows, cols, 3, T, T)``, padded to whole tiles."""
    tile = tile or TILE
    H, W = canvas.shape[-2:]
    Hp, Wp = padded((H, W), tile)
    if (Hp, Wp) != (H, W):
        canvas = torch.nn.functional.pad(canvas[None], (0, Wp - W, 0, Hp - H), mode="replicate")[0]
    return canvas.reshape(3, Hp // tile, tile, Wp // tile, tile).permute(1, 3, 0, 2, 4).contiguous()


def from_tiles(grid: torch.Tensor, size, out: torch.Tensor | None = None) -> torch.Tensor:
    """Tile-major ``(rows, cols, 3, T, T)`` back to a ``(3, H, W)`` canvas (written into ``out`` if given)."""
    rows, cols, _, T, _ = grid.shape
    full = grid.permute(2, 0, 3, 1, 4).reshape(3, rows * T, cols * T)[:, :size[0], :size[1]]
    if out is None:
        return full.contiguous()
    return out.copy_(full)


def paint_tiles(grid: torch.Tensor, params: torch.Tensor, style, size,
                stops: Iterable[int] = (), batch_pixels: int | None = None,
                progress: Callable[[int], None] | None = None) -> Iterator[int]:
    """Draw strokes over a tile-major canvas in place; yields at each stop.

    Args:
        grid: ``(rows, cols, 3, T, T)`` canvas from :func:`to_tiles`, covering ``size``.
        params: ``(S, 15)`` strokes, layout :mod:`strokes.layout`.
        style: a :class:`strokes.Style` instance.
        size: ``(H, W)`` of the canvas the strokes are drawn for.
        stops: increasing stroke counts; after the first ``n`` strokes are on the
            canvas the generator yields ``n`` (how animation frames are taken).
        progress: called with the number of strokes drawn so far after each batch.

    The batches given to the style depend only on ``params``, ``size`` and the
    tile settings, never on ``stops``: a frame taken at the last stroke equals a
    render without stops exactly.
    """
    check_params(params)
    size = (int(size[0]), int(size[1]))
    rows_, cols_, _, tile, _ = grid.shape
    if rows_ * tile < size[0] or cols_ * tile < size[1]:
        raise ValueError(f"expected a tile grid covering {size}, got {tuple(grid.shape)}")
    stops = sorted({int(s) for s in stops})
    per_batch = max(1, (batch_pixels or BATCH_PIXELS) // (tile * tile))
    ramp = torch.arange(tile, device=grid.device)

    stop_at = iter(stops)
    next_stop = next(stop_at, None)
    while next_stop is not None and next_stop <= 0:        # stops before any stroke
        yield next_stop
        next_stop = next(stop_at, None)

    # Plan around the path the style's paint follows (tape lies straight from P0 to P2, whatever P1),
    # a piece of the strokes at a time, leaving out those that lay no paint.
    skip = ~lays_paint(params, style)
    for first, stroke, ty, tx, boxes in plan_pieces(style.paint_path(params), size, style.reach, tile, skip):
        last = first + boxes.shape[0]
        # Where each stroke's tiles end in this piece of the plan, to cut compositing at the stops.
        ends = torch.searchsorted(stroke, torch.arange(first + 1, last + 1, device=stroke.device)).tolist()
        for b0 in range(0, stroke.numel(), per_batch):
            b1 = min(stroke.numel(), b0 + per_batch)
            s, y, x = stroke[b0:b1], ty[b0:b1], tx[b0:b1]
            tops, lefts = y * tile, x * tile
            fg, alpha = style.rasterize(params[s], size, window=(tops, lefts, tile, tile))
            fg, alpha = fg.to(grid.dtype), alpha.to(grid.dtype)
            # Nothing outside the stroke's own box (the contract of :func:`strokes.rendering.draw`).
            box = boxes[s - first]
            rows = (tops[:, None] + ramp >= box[:, 0:1]) & (tops[:, None] + ramp < box[:, 2:3])
            cols = (lefts[:, None] + ramp >= box[:, 1:2]) & (lefts[:, None] + ramp < box[:, 3:4])
            alpha = alpha * (rows[:, None, :, None] & cols[:, None, None, :]).to(alpha.dtype)
            # Lay the batch down in pieces that end at the stops inside it.
            start = 0
            while next_stop is not None and next_stop <= last and ends[next_stop - 1 - first] <= b1:
                cut = max(ends[next_stop - 1 - first] - b0, start)
                _lay(grid, y[start:cut], x[start:cut], fg[start:cut], alpha[start:cut])
                start = cut
                yield next_stop
                next_stop = next(stop_at, None)
            _lay(grid, y[start:], x[start:], fg[start:], alpha[start:])
            if progress is not None:
                progress(int(s[-1]))                       # strokes before the batch's last are done
        while next_stop is not None and next_stop <= last:  # stops after this piece's last tile
            yield next_stop
            next_stop = next(stop_at, None)
        if progress is not None:
            progress(last)
    while next_stop is not None:                           # stops after the last stroke
        yield next_stop
        next_stop = next(stop_at, None)


def _lay(grid, y, x, fg, alpha) -> None:
    """Tiles ``fg (N, 3, T, T)`` with ``alpha (N, 1, T, T)`` over ``grid[y, x]``, in order where they meet."""
    if y.numel() == 0:
        return
    key = y * grid.shape[1] + x
    flat = grid.view(-1, *grid.shape[2:])                     # (rows * cols, 3, T, T)
    order = torch.sort(key, stable=True).indices              # same place together, in stroke order
    sorted_key = key[order]
    new_run = torch.ones_like(sorted_key, dtype=torch.bool)
    new_run[1:] = sorted_key[1:] != sorted_key[:-1]
    if bool(new_run.all()):                                   # no two tiles at one place: all at once
        levels = [None]
    else:
        run_start = torch.cummax(torch.where(new_run, torch.arange(len(key), device=key.device), 0), 0).values
        depth = torch.empty_like(key)
        depth[order] = torch.arange(len(key), device=key.device) - run_start  # earlier tiles at its place
        levels = [(depth == level).nonzero().squeeze(1) for level in range(int(depth.max()) + 1)]
    for pick in levels:
        k, a, f = (key, alpha, fg) if pick is None else (key[pick], alpha[pick], fg[pick])
        flat.index_copy_(0, k, over(flat.index_select(0, k), f, a))
