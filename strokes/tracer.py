"""Trace line art into clean vector strokes: :func:`trace`.

The opposite of a pixel tracer: one centreline stroke for every line the
artist meant, not two outlines for every pass of the pencil. The steps
(each in :mod:`strokes.tracing`):

1. ink separated from paper (:mod:`~strokes.tracing.ink`): colour distance
   to the paper, Otsu and hysteresis thresholds, a closing that joins
   overdrawn passes lying side by side, pinholes filled, specks dropped;
2. centrelines (:mod:`~strokes.tracing.paths`): the skeleton read as a graph,
   spurs pruned, followed into paths straight through junctions, split at
   corners;
3. each path as few quadratic Bezier pieces as its shape needs
   (:mod:`~strokes.tracing.fitting`);
4. overdrawn passes and pieces that continue each other merged into one
   stroke (:mod:`~strokes.tracing.merging`), more strongly as ``simplify``
   grows;
5. all strokes refined together with the style's differentiable rasterizer
   against the blurred ink, pixel + optimal-transport loss
   (:mod:`~strokes.tracing.refine`).

Strokes keep their ink's colour and come in a natural drawing order: the
drawing's connected parts, biggest first; in each, its lines longest first,
the pieces of a line one after the other.

>>> import numpy as np
>>> page = np.ones((60, 90), np.float32); page[30, 10:80] = 0.0
>>> d = trace(page, progress=False, refine_steps=0)
>>> len(d.strokes), d.strokes.size
(1, (60, 90))
"""
from __future__ import annotations

import sys
import time
import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

from .errors import StrokesError
from .painter import resize
from .threads import with_thread_policy
from .sketcher import Drawing
from .strokeset import StrokeSet

MAX_SIDE = 4096          # longest side traced; larger images are traced at this size
DEFAULT_STYLE = "pen"

__all__ = ["trace", "TracedDrawing", "TraceOptions", "TraceError", "TraceWarning"]


class TraceError(StrokesError, ValueError):
    """A tracing request that cannot be carried out (bad option or image)."""


class TraceWarning(UserWarning):
    """The image is not what the tracer expects (not line art, or no ink at all)."""


@dataclass
class TraceOptions:
    """Settings of the tracer beyond the common ones of :func:`trace`.

    min_length: lines and specks shorter than this many pixels (at the traced size) are dropped.
    background: the paper of the traced drawing, RGB in [0, 1], or ``"paper"`` (the scan's own).
    refine_steps: optimizer steps of the refinement (0: strokes as found on the skeleton).
    refine_size: longest side, in pixels, of the canvas the refinement works on.
    ot_weight: weight of the optimal-transport loss next to the pixel loss while refining.
    max_pixels: larger images are refused (before they are decoded).
    """

    min_length: float = 8.0
    background: "str | Sequence[float]" = (1.0, 1.0, 1.0)
    refine_steps: int = 10
    refine_size: int = 256
    ot_weight: float = 0.1
    max_pixels: int = 50_000_000


class TracedDrawing(Drawing):
    """The result of :func:`trace`: a :class:`~strokes.sketcher.Drawing` (``save`` writes
    ``drawing.png`` and ``strokes.json``) whose strokes are the traced lines, plus ``notes``
    (what the tracer found worth saying: an empty page, a photo)."""

    def __init__(self, strokes: StrokeSet, style, seconds: float = 0.0, notes: Sequence[str] = ()):
        super().__init__(strokes, style, seconds)
        self.notes = list(notes)

    def __repr__(self) -> str:
        return f"TracedDrawing({len(self.strokes)} strokes, {self.strokes.width}x{self.strokes.height}, style {self.style.name!r})"


def _options(options: dict) -> TraceOptions:
    unknown = sorted(set(options) - set(TraceOptions.__dataclass_fields__))
    if unknown:
        raise TraceError(f"trace() got unknown option(s) {', '.join(unknown)}; "
                         f"options are: {', '.join(TraceOptions.__dataclass_fields__)}")
    opts = TraceOptions(**options)
    if not opts.min_length >= 0:
        raise TraceError(f"min_length: expected a length in pixels >= 0, got {opts.min_length}")
    if int(opts.refine_steps) < 0:
        raise TraceError(f"refine_steps: expected a number of steps >= 0, got {opts.refine_steps}")
    if int(opts.refine_size) < 16:
        raise TraceError(f"refine_size: expected at least 16 pixels, got {opts.refine_size}")
    return opts


@with_thread_policy("paint")
def trace(image, simplify: float = 0.5, size: int | None = None, style: str = DEFAULT_STYLE, seed: int = 0,
          progress: bool = True, **options) -> TracedDrawing:
    """Trace the lines of ``image`` into clean vector strokes.

    Args:
        image: a path, PIL image, array or ``(3, H, W)`` tensor in [0, 1] (anything
            :func:`strokes.load_image` reads): a scanned pencil sketch, ink line art,
            a thresholded image, coloured lines; any aspect ratio.
        simplify: in [0, 1]: how strongly overdrawn passes and pieces that continue
            each other are merged (0: trace every pass; 1: one stroke for every
            bundle of nearby passes).
        size: longest side, in pixels, of the traced drawing (the aspect ratio is
            kept); ``None``: the image's own size (at most :data:`MAX_SIDE`).
        style: the style the strokes are refined and drawn in; ``"pen"`` falls back
            to ``"marker"`` while no pen style is installed.
        seed: the style's seed (tracing itself is deterministic).
        progress: print what was found (strokes, notes) to stderr.
        **options: see :class:`TraceOptions`.

    Returns:
        a :class:`TracedDrawing`: ``strokes`` on a canvas of the traced size, ``notes``.
        An empty page gives no strokes and a note; an image that does not look
        like line art gives a :class:`TraceWarning` and still a result.
    """
    from .images import load_image
    from .registry import get_style
    from .rendering import canvas_size

    started = time.perf_counter()
    try:
        simplify = float(simplify)
    except (TypeError, ValueError):
        raise TraceError(f"simplify: expected a number in [0, 1], got {simplify!r}") from None
    if not 0.0 <= simplify <= 1.0:
        raise TraceError(f"simplify: expected a number in [0, 1], got {simplify}")
    if size is not None and not 16 <= int(size) <= MAX_SIDE:
        raise TraceError(f"size: expected a longest side of 16 to {MAX_SIDE} pixels, got {size}")
    opts = _options(options)
    drawer = get_style(style, seed=seed) if isinstance(style, str) else get_style(style)

    source = load_image(image, max_pixels=int(opts.max_pixels))
    longest = max(source.shape[1:])
    H, W = canvas_size(source.shape[2], source.shape[1], min(MAX_SIDE, longest) if size is None else int(size))
    page = resize(source, (H, W))
    with torch.no_grad():
        params, notes, paper = _trace_page(page, simplify, opts)
    background = _background(opts.background, paper)
    if len(params) and opts.refine_steps > 0:
        params = _keep_joins(params, _refine(params, page, paper, drawer, background, opts), (H, W))
    for note in notes:
        warnings.warn(note, TraceWarning, stacklevel=2)
    strokes = StrokeSet(params, width=W, height=H, background=background, meta={"kind": "drawing"})
    drawing = TracedDrawing(strokes, drawer, time.perf_counter() - started, notes)
    if progress:
        print(f"traced {len(strokes)} strokes ({W}x{H}, {drawing.seconds:.1f} s)", file=sys.stderr)
    return drawing


def _background(option, paper: torch.Tensor) -> tuple:
    if isinstance(option, str):
        if option == "paper":
            return tuple(float(v) for v in paper.flatten(1).median(1).values)
        raise TraceError(f"background: expected 'paper' or three numbers in [0, 1], got {option!r}")
    values = tuple(float(v) for v in option)
    if len(values) != 3 or not all(0.0 <= v <= 1.0 for v in values):
        raise TraceError(f"background: expected 'paper' or three numbers in [0, 1], got {option!r}")
    return values


def _trace_page(page: torch.Tensor, simplify: float, opts: TraceOptions):
    """Strokes ``(S, 15)`` found on ``page`` ``(3, H, W)``, the notes, the paper ``(3, H, W)``."""
    from .tracing.fitting import fit_pieces
    from .tracing.ink import ink_colour, ink_mask
    from .tracing.merging import Merging, Piece, drop_overdrawn, join_continuing
    from .tracing.paths import follow_paths, prune, skeleton_graph, split_corners

    H, W = page.shape[-2:]
    scale = max(1.0, max(H, W) / 640)      # distances below are in pixels of a 640 px page, and grow with bigger ones
    # Overdrawn passes lie a pixel or two apart at a 640 px scan: close gaps of about that size.
    close = max(1, round((1 + 2 * simplify) * scale))
    ink = ink_mask(page, close=close, min_length=opts.min_length)
    notes = []
    found = ink.looks_like_line_art()
    if found:
        notes.append(found)
    if ink.empty:
        notes.append("no lines found (an empty stroke set)" if found else
                     "no ink found: the page looks empty (an empty stroke set)")
        return torch.zeros(0, 15), notes, ink.paper
    width = ink.width
    graph = prune(skeleton_graph(ink.mask), spur=1.5 * width + 2 * scale, merge=1.5 * width + 2 * scale,
                  min_length=opts.min_length)
    merge = Merging.for_lines(width, simplify, scale)
    pieces = []
    for k, path in enumerate(follow_paths(graph, reach=max(3 * width, 6 * scale))):
        index = 0
        for part in split_corners(path, reach=max(2 * width, 4 * scale)):
            for ctrl in fit_pieces(part, tolerance=merge.tolerance * 0.6):
                pieces.append(Piece(ctrl, k, index))
                index += 1
    to_ink = _distance_map(~ink.mask)
    bridge = 1.0 + 2.0 * simplify * scale
    pieces = drop_overdrawn(pieces, merge.beside, to_ink=to_ink, bridge=bridge)
    pieces = join_continuing(pieces, merge.gap, merge.angle, merge.tolerance)
    pieces = drop_overdrawn(pieces, merge.beside, to_ink=to_ink, bridge=bridge)
    pieces = [p for p in pieces if p.length >= opts.min_length]
    pieces = _drawing_order(pieces, ink.mask)
    rows = []
    short = min(H, W)
    dist = _distance_map(ink.mask)
    pieces = [q for p in pieces for q in _on_canvas(p, W, H)]
    for p in pieces:
        pts = p.points()
        colour = ink_colour(page, ink.strength, pts[:, 0], pts[:, 1])
        w0, w2 = _end_widths(dist, pts, width)
        rows.append([p.ctrl[0, 0] / W, p.ctrl[0, 1] / H, p.ctrl[1, 0] / W, p.ctrl[1, 1] / H,
                     p.ctrl[2, 0] / W, p.ctrl[2, 1] / H, w0 / short, w2 / short, *colour, *colour, 1.0])
    params = torch.tensor(rows, dtype=torch.float32).reshape(-1, 15).clamp(0, 1)
    return params, notes, ink.paper


def _on_canvas(piece, W: int, H: int, depth: int = 4) -> list:
    """A piece whose control point lies off the canvas (a curve bulging to the edge) split in
    halves (de Casteljau) until every control point is on it: stored strokes live in [0, 1]."""
    from .tracing.merging import Piece

    c = piece.ctrl
    if depth == 0 or ((c[1] >= 0).all() and c[1, 0] <= W and c[1, 1] <= H):
        return [piece]
    a, b = 0.5 * (c[0] + c[1]), 0.5 * (c[1] + c[2])
    m = 0.5 * (a + b)
    halves = (Piece(np.stack([c[0], a, m]), piece.path, piece.index),
              Piece(np.stack([m, b, c[2]]), piece.path, piece.index + 0.5))
    return [q for h in halves for q in _on_canvas(h, W, H, depth - 1)]


def _distance_map(mask: np.ndarray) -> np.ndarray:
    from scipy import ndimage
    return ndimage.distance_transform_edt(mask)


def _end_widths(dist: np.ndarray, pts: np.ndarray, fallback: float) -> tuple[float, float]:
    """Line width near each end of a piece: twice the distance to the paper along its first and last thirds."""
    H, W = dist.shape
    xi = np.clip(np.round(pts[:, 0]).astype(int), 0, W - 1)
    yi = np.clip(np.round(pts[:, 1]).astype(int), 0, H - 1)
    d = dist[yi, xi]
    third = max(1, len(d) // 3)
    out = []
    for part in (d[:third], d[-third:]):
        inside = part[part > 0]
        out.append(max(1.0, 2 * float(np.median(inside)) - 1) if len(inside) else fallback)
    return out[0], out[1]


def _drawing_order(pieces: list, mask: np.ndarray) -> list:
    """Connected parts of the drawing biggest first; in each, lines longest first, pieces in sequence."""
    from scipy import ndimage

    if not pieces:
        return pieces
    labels, _ = ndimage.label(mask, structure=np.ones((3, 3)))
    H, W = mask.shape
    part_of, line_length, part_length = [], {}, {}
    pieces = [q for p in pieces for q in _on_canvas(p, W, H)]
    for p in pieces:
        pts = p.points()
        xi = np.clip(np.round(pts[:, 0]).astype(int), 0, W - 1)
        yi = np.clip(np.round(pts[:, 1]).astype(int), 0, H - 1)
        found = labels[yi, xi]
        found = found[found > 0]
        part = int(np.bincount(found).argmax()) if len(found) else -1
        part_of.append(part)
        line_length[p.path] = line_length.get(p.path, 0.0) + p.length
        part_length[part] = part_length.get(part, 0.0) + p.length
    keys = [(-part_length[part_of[i]], part_of[i], -line_length[p.path], p.path, p.index)
            for i, p in enumerate(pieces)]
    return [pieces[i] for i in sorted(range(len(pieces)), key=lambda i: keys[i])]


def _keep_joins(before: torch.Tensor, after: torch.Tensor, size, within: float = 1.5) -> torch.Tensor:
    """Ends of strokes that met before refining (within ``within`` px) meet again after it, at
    the mean of where refining took them: pieces of one line stay joined."""
    from scipy.spatial import cKDTree

    H, W = size
    scale = np.array([W, H], np.float64)
    ends = lambda p: np.concatenate([p[:, 0:2], p[:, 4:6]]).astype(np.float64) * scale  # noqa: E731
    old, new = ends(before.numpy()), ends(after.numpy())
    parent = list(range(len(old)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in cKDTree(old).query_pairs(within):
        parent[root(i)] = root(j)
    groups: dict = {}
    for i in range(len(old)):
        groups.setdefault(root(i), []).append(i)
    out = after.clone()
    S = len(after)
    for members in groups.values():
        if len(members) < 2:
            continue
        mean = torch.tensor(new[members].mean(0) / scale, dtype=out.dtype)
        for i in members:
            col = 0 if i < S else 4
            out[i % S, col:col + 2] = mean
    return out


def _refine(params, page, paper, drawer, background, opts: TraceOptions) -> torch.Tensor:
    """The strokes refined against the blurred ink, at ``opts.refine_size``."""
    import kornia

    from .tracing.ink import ink_strength
    from .tracing.refine import refine

    H, W = page.shape[-2:]
    work = min(1.0, opts.refine_size / max(H, W))
    h, w = max(8, round(H * work)), max(8, round(W * work))
    with torch.no_grad():
        small, small_paper = resize(page, (h, w)), resize(paper, (h, w))
        strength = ink_strength(small, small_paper)
        alpha = kornia.filters.gaussian_blur2d(strength[None, None], (5, 5), (0.7, 0.7))[0].clamp(0, 1)
        bg = torch.tensor(background, dtype=torch.float32).view(3, 1, 1)
        ink = (small / small_paper.clamp(min=1e-3) * bg).clamp(0, 1)     # the scan on the drawing's paper
        target = bg * (1 - alpha) + ink * alpha
    return refine(params, target, drawer, background, reach=max(1.0, 2.0 * work * max(H, W) / 640),
                  steps=int(opts.refine_steps), ot_weight=opts.ot_weight)
