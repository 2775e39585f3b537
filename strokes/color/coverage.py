"""How much of the picture each stroke shows: its visible area, and picture features averaged under it.

A stroke's visible weight at a pixel is ``a_i * T_i``: its alpha times the
light let through by every stroke drawn after it. Summed over the pixels it
is the area the stroke covers in the finished painting (a stroke painted
over counts for nothing), which is what an optimal-transport colour transfer
should weigh it by. Strokes are drawn on a small full canvas in chunks from
the top down; within a chunk ``T_i`` is a reversed cumulative sum of
``log(1 - a)``, and the light left for the lower chunks is kept on a map.

By default the strokes are drawn as plain ribbons of their width and
opacity (:class:`Shape`): coverage is a matter of where the strokes are,
not of how a textured brush shades them or how translucent its ink is.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..geometry import centreline_distance, stroke_boxes
from ..geometry import coverage as edge_coverage
from ..rendering import canvas_size
from ..strokeset import StrokeSet

COVERAGE_SIZE = 128      # longest side of the canvas the weights are measured on
CHUNK_PIXELS = 1 << 22   # most canvas pixels held per chunk (strokes x H x W), and window pixels


def coverage(stroke_set: StrokeSet, features: torch.Tensor | None = None, size: int = COVERAGE_SIZE,
             style=None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Visible area of each stroke and, optionally, features of a picture averaged under each stroke.

    Args:
        stroke_set: the strokes (S of them).
        features: ``(F, h, w)`` per-pixel features of the picture the strokes paint (any size;
            resized to the measuring canvas), or ``None``.
        size: longest side of the measuring canvas in pixels.
        style: the style whose alpha defines where a stroke lies (default :class:`Shape`).

    Returns:
        ``area (S,)``: visible area, fraction of the canvas (sums to at most 1), and
        ``means (S, F)``: each feature averaged under the stroke's visible weight
        (the picture's mean where a stroke is fully hidden), or ``None``.
    """
    H, W = canvas_size(stroke_set.width, stroke_set.height, size)
    S = len(stroke_set)
    Fn = 0 if features is None else int(features.shape[0])
    feats = None if features is None else F.interpolate(
        features[None].float(), size=(H, W), mode="bilinear", antialias=True, align_corners=False)[0]
    area = torch.zeros(S)
    sums = torch.zeros(S, Fn)
    for start, stop, weight in visible(stroke_set, size, style):
        area[start:stop] = weight.sum((1, 2)) / (H * W)
        if feats is not None:
            sums[start:stop] = torch.einsum("shw,fhw->sf", weight, feats) / (H * W)
    if feats is None:
        return area, None
    means = sums / area.clamp(min=1e-12)[:, None]
    hidden = area <= 1e-9
    if bool(hidden.any()):                       # a stroke painted over: the picture's mean stands in
        means[hidden] = feats.mean((1, 2))
    return area, means


def visible(stroke_set: StrokeSet, size: int = COVERAGE_SIZE, style=None, light: torch.Tensor | None = None):
    """Each stroke's visible weight ``a_i * T_i`` per pixel, in chunks from the top stroke down.

    Yields ``(start, stop, weight (stop - start, H, W))`` on the measuring canvas
    (longest side ``size``); if ``light`` ``(H, W)`` is given it ends holding the
    light that reaches the bare canvas.
    """
    from ..registry import get_style

    style = Shape() if style is None else get_style(style) if isinstance(style, str) else style
    H, W = canvas_size(stroke_set.width, stroke_set.height, size)
    params = stroke_set.to_tensor()
    light = torch.ones(H, W) if light is None else light        # light let through by the strokes above
    if len(params) == 0:
        return
    boxes = stroke_boxes(params, (H, W), reach=getattr(style, "reach", 1.0))
    with torch.no_grad():
        for start, stop, h, w in reversed(_chunks(boxes, max(1, CHUNK_PIXELS // (H * W)))):
            tops, lefts = boxes[start:stop, 0], boxes[start:stop, 1]
            _, small = style.rasterize(params[start:stop], (H, W), window=(tops, lefts, h, w))
            alpha = _on_canvas(small[:, 0], tops, lefts, (H, W))             # (s, H, W)
            clear = torch.log1p(-alpha.clamp(0, 1 - 1e-6))                    # (s, H, W)
            above = clear.flip(0).cumsum(0).flip(0) - clear                  # later strokes of the chunk
            yield start, stop, alpha * above.exp() * light                   # (s, H, W)
            light *= clear.sum(0).exp()


def weight_matrix(stroke_set: StrokeSet, size: int = COVERAGE_SIZE, style=None, least: float = 1e-3):
    """How much each stroke shows at each pixel, as a sparse ``(H*W, S + 1)`` matrix (scipy CSR).

    Column ``S`` is the bare canvas; entries below ``least`` are dropped. A
    pixel's colour is close to this matrix times the strokes' colours
    (exactly so for flat strokes with the ribbon :class:`Shape`).
    """
    from scipy.sparse import coo_matrix

    H, W = canvas_size(stroke_set.width, stroke_set.height, size)
    S = len(stroke_set)
    light = torch.ones(H, W)
    rows, cols, values = [], [], []
    for start, stop, weight in visible(stroke_set, size, style, light):
        s, pixel = torch.nonzero(weight.reshape(stop - start, -1) > least, as_tuple=True)
        rows.append(pixel)
        cols.append(s + start)
        values.append(weight.reshape(stop - start, -1)[s, pixel])
    rows.append(torch.arange(H * W))
    cols.append(torch.full((H * W,), S))
    values.append(light.reshape(-1))
    matrix = coo_matrix((torch.cat(values).double().numpy(), (torch.cat(rows).numpy(), torch.cat(cols).numpy())),
                        shape=(H * W, S + 1))
    return matrix.tocsr()


class Shape:
    """Where a stroke lies: a ribbon of its mean width around the centreline, alpha = opacity inside."""

    reach = 1.0

    def rasterize(self, params, size, window=None):
        dist = centreline_distance(params, size, window)                      # (S, h, w) pixels
        half = 0.25 * min(size) * (params[:, 6] + params[:, 7]).view(-1, 1, 1)
        alpha = params[:, 14].view(-1, 1, 1) * edge_coverage(dist - half)
        return None, alpha[:, None]


def _chunks(boxes: torch.Tensor, most: int) -> list[tuple[int, int, int, int]]:
    """``(start, stop, h, w)``: runs of at most ``most`` strokes whose windows hold few pixels."""
    heights = (boxes[:, 2] - boxes[:, 0]).clamp(min=1).tolist()
    widths = (boxes[:, 3] - boxes[:, 1]).clamp(min=1).tolist()
    out, start = [], 0
    while start < len(heights):
        stop, h, w = start, 1, 1
        while stop < len(heights) and stop - start < most:
            nh, nw = max(h, heights[stop]), max(w, widths[stop])
            if stop > start and (stop - start + 1) * nh * nw > CHUNK_PIXELS:
                break
            h, w, stop = nh, nw, stop + 1
        out.append((start, stop, h, w))
        start = stop
    return out


def _on_canvas(small: torch.Tensor, tops, lefts, size) -> torch.Tensor:
    """Windows ``(s, h, w)`` with corners ``tops, lefts`` placed on a zero canvas ``(s, H, W)``."""
    s, h, w = small.shape
    H, W = size
    rows = tops.view(-1, 1, 1) + torch.arange(h).view(1, h, 1)
    cols = lefts.view(-1, 1, 1) + torch.arange(w).view(1, 1, w)
    inside = (rows >= 0) & (rows < H) & (cols >= 0) & (cols < W)
    index = (torch.arange(s).view(-1, 1, 1) * (H * W) + rows.clamp(0, H - 1) * W + cols.clamp(0, W - 1))
    out = small.new_zeros(s * H * W)
    out[index[inside]] = small[inside]
    return out.view(s, H, W)
