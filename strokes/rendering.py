"""Drawing a StrokeSet: each stroke inside its own box, laid over the canvas in order."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from PIL import Image

from .compositing import PixelLayout, WindowLayout, grid_index, lay_pixels, lay_windows
from .geometry import Pixels, check_params, nearest_pieces, paint_radius, stroke_boxes
from .layout import WIDTHS
from .registry import style_for
from .strokeset import StrokeSet
from .tiles import from_tiles, paint_tiles, to_tiles
from .threads import with_thread_policy

MAX_SIZE = 16384  # longest side; larger canvases are refused rather than exhausting memory
PROGRESS_AFTER = 2.0  # seconds of drawing before a progress bar shows: quick renders stay silent


def canvas_size(width: int, height: int, size: int) -> tuple[int, int]:
    """``(H, W)`` whose longest side is ``size``, keeping the aspect ratio.

    >>> canvas_size(640, 400, 1024)
    (640, 1024)
    """
    size = int(size)
    if not 1 <= size <= MAX_SIZE:
        raise ValueError(f"expected a size between 1 and {MAX_SIZE} pixels, got {size}")
    scale = size / max(width, height)
    return (max(1, round(height * scale)), max(1, round(width * scale)))


def draw(canvas: torch.Tensor, params: torch.Tensor, style, window=None, progress=None) -> torch.Tensor:
    """Lay strokes over ``canvas`` in order, the last on top: the one drawing function.

    Every stroke is drawn only inside its own box (the style's ``reach``
    included) and laid by the "over" rule of :mod:`strokes.compositing`.
    The painter, :class:`~strokes.painter.Painting`, :func:`render`, animation,
    previews and renderer training all draw through here.

    Args:
        canvas: ``(3, H, W)`` in [0, 1].
        params: ``(S, 15)`` strokes, layout :mod:`strokes.layout`.
        style: a :class:`~strokes.style.Style` (or anything with its
            ``rasterize``, ``reach`` and ``paint_path``, such as a neural drawer).
        window: ``(tops (S,), lefts (S,), h, w)`` or a
            :class:`~strokes.compositing.WindowLayout`: draw each stroke in this
            window of its own (how the painter optimizes a batch in fixed windows).
        progress: called with the strokes drawn so far after each batch of tiles
            (:func:`drawing_progress`; drawing without gradients only).

    Returns:
        ``(3, H, W)``. With gradients wanted (``params`` or ``canvas`` requires
        grad) or a ``window`` given, a new, differentiable canvas; otherwise
        ``canvas`` itself, drawn over in place, tile by tile
        (:mod:`strokes.tiles`), so time follows the painted area and memory
        stays flat whatever the canvas size or stroke count.

    >>> from strokes.registry import get_style
    >>> p = torch.tensor([[.1, .5, .5, .5, .9, .5, .3, .3, 1, 0, 0, 1, 0, 0, 1]])
    >>> draw(torch.ones(3, 8, 8), p, get_style("tape"))[:, 4, 4].tolist()
    [1.0, 0.0, 0.0]
    """
    check_params(params)
    if window is not None:
        return _draw_in_windows(canvas, params, style, window)
    if torch.is_grad_enabled() and (params.requires_grad or canvas.requires_grad):
        return _draw_in_boxes(canvas, params, style)
    for _ in draw_stages(canvas, params, style, (), progress=progress):
        pass
    return canvas


def draw_stages(canvas: torch.Tensor, params: torch.Tensor, style, stops, progress=None) -> Iterator[int]:
    """:func:`draw` without gradients, pausing at each of ``stops``: yields ``n`` once the first
    ``n`` strokes are on ``canvas`` (drawn in place), for animation frames.

    The batches given to the style never depend on ``stops``: the canvas at the
    last stop equals a plain :func:`draw` exactly. ``progress``, if given, is
    called with the strokes drawn so far after each batch (:func:`drawing_progress`).
    """
    size = tuple(canvas.shape[-2:])
    done = object()
    with torch.no_grad():
        grid = to_tiles(canvas)
        stages = paint_tiles(grid, params, style, size, stops=stops, progress=progress)
    while True:
        with torch.no_grad():                 # only while drawing: the caller's mode is left alone
            n = next(stages, done)
            from_tiles(grid, size, out=canvas)
        if n is done:
            return
        yield n


@contextlib.contextmanager
def drawing_progress(enabled: bool, strokes: int):
    """A ``progress(done)`` callback for :func:`draw_stages`: a bar over the strokes on stderr that
    shows only once drawing has taken ``PROGRESS_AFTER`` seconds (a slow style, a huge canvas);
    ``None`` when not ``enabled``.
    """
    if not enabled or strokes <= 0:
        yield None
        return
    from tqdm.auto import tqdm
    with tqdm(total=strokes, unit="stroke", desc="drawing", delay=PROGRESS_AFTER, dynamic_ncols=True) as bar:
        yield lambda done: bar.update(done - bar.n)


def _draw_in_windows(canvas, params, style, window) -> torch.Tensor:
    size = tuple(canvas.shape[-2:])
    if not isinstance(window, (WindowLayout, PixelLayout)):
        window = WindowLayout(*window, size)
    fg, alpha = style.rasterize(params, size, window=window.window)
    lay = lay_pixels if isinstance(window, PixelLayout) else lay_windows
    return lay(canvas, fg, alpha, window)


def stroke_windows(params: torch.Tensor, size, style) -> WindowLayout:
    """A window for every stroke that holds all its paint (the style's ``reach`` included), all of
    the size of the largest stroke's box: the windows the painter draws a batch in at each step."""
    return WindowLayout(*_shared_boxes(params, size, style), size)


def _shared_boxes(params, size, style):
    """``(tops (S,), lefts (S,), h, w)``: each stroke's box corner, and the largest box's size."""
    boxes = stroke_boxes(style.paint_path(params), size, reach=style.reach)
    h = int((boxes[:, 2] - boxes[:, 0]).max().clamp(min=1)) if len(boxes) else 1
    w = int((boxes[:, 3] - boxes[:, 1]).max().clamp(min=1)) if len(boxes) else 1
    return boxes[:, 0], boxes[:, 1], h, w


def stroke_pixels(params: torch.Tensor, size, style, pad: float = 1.0) -> PixelLayout:
    """The pixels where each stroke's paint can be: those of its :func:`stroke_windows` box within
    its paint radius (the style's ``reach``) plus ``pad`` (the anti-aliasing ramp, a flat end's
    corner) of its centreline, as many per stroke as the stroke with most needs. For styles that
    draw pixel by pixel (:attr:`~strokes.style.Style.pointwise`): a painter's stroke's paint fills a
    fifth of its box and its list about a quarter, so its steps draw far fewer pixels."""
    H, W = size
    tops, lefts, h, w = window = _shared_boxes(params, size, style)
    d2, piece, segments = nearest_pieces(style.paint_path(params), size, window)
    with torch.no_grad():
        radius = paint_radius(params[:, WIDTHS].amax(1), min(H, W), style.reach) + pad
        index, inside = grid_index(tops, lefts, h, w, H, W)
        near = ((d2 <= (radius * radius).view(-1, 1, 1)) & inside).flatten(1)          # (S, h w)
        S, counts = len(near), near.sum(1, keepdim=True)
        P = max(int(counts.max()) if S else 0, 1)
        # The near pixels of each stroke packed to the front, in order (column P takes the rest).
        slot = torch.where(near, near.cumsum(1) - 1, P)
        pick = near.new_zeros((S, P + 1), dtype=torch.long).scatter_(
            1, slot, torch.arange(h * w, device=near.device).expand(S, -1))[:, :P]
        keep = torch.arange(P, device=near.device) < counts
        dt = params.dtype
        xs = (lefts.view(-1, 1) + pick % w).to(dt) + 0.5
        ys = (tops.view(-1, 1) + pick // w).to(dt) + 0.5
        index = torch.where(keep, index.view(S, -1).gather(1, pick), H * W)
        pixels = Pixels(xs.view(S, 1, P), ys.view(S, 1, P), piece.flatten(1).gather(1, pick).view(S, 1, P), segments)
    return PixelLayout(index, size, pixels)


def _draw_in_boxes(canvas, params, style, budget: int = 1 << 18) -> torch.Tensor:
    """Chunks of strokes, each in a window as big as the chunk's largest box (about ``budget`` pixels)."""
    boxes = stroke_boxes(style.paint_path(params), tuple(canvas.shape[-2:]), reach=style.reach)
    for start, stop, h, w in box_runs(boxes, budget):
        canvas = _draw_in_windows(canvas, params[start:stop], style,
                                  (boxes[start:stop, 0], boxes[start:stop, 1], h, w))
    return canvas


def box_runs(boxes: torch.Tensor, budget: int) -> list[tuple[int, int, int, int]]:
    """``(start, stop, h, w)``: the strokes of :func:`stroke_boxes` ``boxes`` in order, in runs whose
    shared window (the run's count times its largest box's ``h`` and ``w``) stays within ``budget``
    pixels (a run holds at least one stroke)."""
    heights = (boxes[:, 2] - boxes[:, 0]).clamp(min=1).tolist()
    widths = (boxes[:, 3] - boxes[:, 1]).clamp(min=1).tolist()
    runs, start = [], 0
    while start < len(boxes):
        stop, h, w = start, 1, 1
        while stop < len(boxes):
            nh, nw = max(h, heights[stop]), max(w, widths[stop])
            if stop > start and (stop - start + 1) * nh * nw > budget:
                break
            h, w, stop = nh, nw, stop + 1
        runs.append((start, stop, h, w))
        start = stop
    return runs


def bare_canvas(params: torch.Tensor, size, style) -> torch.Tensor:
    """``(H, W)`` in [0, 1]: how much of the ground shows through ``params`` drawn on a canvas of ``size``.

    The strokes are drawn over black and over white; what differs is the ground
    seen through them (1: bare canvas, 0: covered).
    """
    under = lambda value: draw(torch.full((3, *size), value, device=params.device), params, style)  # noqa: E731
    return (under(1.0) - under(0.0)).mean(0).clamp(0, 1)


def layers(params: torch.Tensor, style, size) -> tuple[torch.Tensor, torch.Tensor]:
    """Each stroke alone on a full ``size`` canvas, drawn inside its box: ``fg (S, 3, H, W)``, ``alpha (S, 1, H, W)``.

    Zero outside each box; :func:`strokes.compositing.composite` of these equals
    :func:`draw` (what renderer training learns from; small canvases only).
    """
    check_params(params)
    H, W = size
    S = params.shape[0]  # strokes
    fg, alpha = params.new_zeros(S, 3, H, W), params.new_zeros(S, 1, H, W)
    boxes = stroke_boxes(style.paint_path(params), (H, W), reach=style.reach).tolist()
    for i, (top, left, bottom, right) in enumerate(boxes):
        if bottom > top and right > left:
            f, a = style.rasterize(params[i:i + 1], (H, W), window=(top, left, bottom - top, right - left))
            fg[i, :, top:bottom, left:right] = f[0]
            alpha[i, :, top:bottom, left:right] = a[0]
    return fg, alpha


def render_tensor(stroke_set: StrokeSet, style="oil", size: int = 1024, device="cpu", progress: bool = False,
                  **options) -> torch.Tensor:
    """The painting as a ``(3, H, W)`` float tensor in [0, 1]; longest side ``size``.

    ``progress``: a progress bar on stderr if drawing takes more than ``PROGRESS_AFTER`` seconds.
    """
    style = style_for(stroke_set, style, **options)
    H, W = canvas_size(stroke_set.width, stroke_set.height, size)
    canvas = torch.tensor(stroke_set.background, dtype=torch.float32, device=device).view(3, 1, 1).repeat(1, H, W)
    params = stroke_set.to_tensor(device=device)   # strokes that lay no paint are skipped by strokes.tiles
    with torch.no_grad(), drawing_progress(progress, len(params)) as tick:
        return draw(canvas, params, style, progress=tick).clamp_(0, 1)


def to_image(t: torch.Tensor) -> Image.Image:
    """``(3, H, W)`` float tensor in [0, 1] to an RGB PIL image."""
    scaled = t.detach().clamp(0, 1).mul_(255).add_(0.5)
    pixels = torch.empty(*t.shape[1:], 3, dtype=torch.uint8, device=t.device)
    pixels.copy_(scaled.permute(1, 2, 0))                   # rounding and interleaving in one pass
    return Image.fromarray(pixels.cpu().numpy(), "RGB")


@with_thread_policy("draw")
def render(stroke_set: StrokeSet, style="oil", size: int = 1024, seed: int = 0, device="cpu", progress: bool = False,
           **options) -> Image.Image:
    """Draw a StrokeSet in a style: a PIL image whose longest side is ``size``; ``progress`` as for
    :func:`render_tensor` (``strokes render`` turns it on unless ``--quiet``).

    >>> s = StrokeSet([[.1, .5, .5, .4, .9, .5, .1, .1, 1, 0, 0, 1, 0, 0, 1]], width=200, height=100)
    >>> render(s, "marker", size=64).size
    (64, 32)
    """
    if isinstance(style, str):
        options["seed"] = seed
    return to_image(render_tensor(stroke_set, style, size, device=device, progress=progress, **options))
