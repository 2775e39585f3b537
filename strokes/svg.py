"""SVG export: a StrokeSet as vector shapes for browsers, vector editors and pen plotters.

Every stroke becomes one ``<path>`` inside ``<g id="strokes">``, in stroke
order (the SVG painter's model draws later elements on top, as the raster
does). Coordinates are canvas pixels of the StrokeSet (``viewBox="0 0 W H"``),
so the aspect ratio is the canvas' own.

How a stroke is drawn depends on the style it approximates:

* ``outline`` (default, oil, watercolor, pencil, plugins): the outline of the
  variable-width centreline: left side, round end cap, right side back, round
  start cap; width runs from ``w0`` to ``w2`` by arc length, as the raster does;
* ``constant`` (marker): the exact quadratic Bezier stroked at the mean of
  ``w0`` and ``w2`` with round caps, flat colour (the mean of the start and
  end colours), as the marker draws it;
* ``strip`` (tape): a straight strip from P0 to P2, butt ends, flat colour
  (the mean of the start and end colours).

Colour runs from the start to the end colour along P0 -> P2 (a
``linearGradient``); opacity is the stroke's opacity times how much the style
lays down inside a stroke, measured once from the style's own rasterizer (see
:func:`flat_look`). Textures (bristles, grain, pooled rims) have no SVG
equivalent and are dropped; ``docs/outputs.md`` says more.
"""
from __future__ import annotations

import math
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
import torch

from .atomic import write_bytes
from .strokeset import StrokeSet
from .geometry import bezier, bezier_tangent
from .layout import COLOR_END, COLOR_START, OPACITY, W0, W2
from .threads import with_thread_policy

PIECES = 24  # straight pieces of an outline side (the raster follows 16)


@with_thread_policy("draw")
def export_svg(stroke_set: StrokeSet, path, style=None, background: bool = True, size: int | None = None) -> Path:
    """Write ``stroke_set`` as an SVG file, atomically; returns the path.

    Args:
        stroke_set: the strokes and their canvas.
        path: output file (``.svg``).
        style: a style name or :class:`strokes.Style` whose look to approximate;
            ``None`` draws plain flat strokes (full opacity factor, outlines).
        background: draw the canvas colour as a ``<rect>`` under the strokes
            (leave it out for pen plotters).
        size: longest side of the SVG's displayed size in pixels; the canvas' own
            size by default. The ``viewBox`` is always the canvas in its pixels.

    >>> import tempfile, os
    >>> s = StrokeSet([[.1, .5, .5, .4, .9, .5, .1, .1, 1, 0, 0, 0, 0, 1, 1]], width=200, height=100)
    >>> p = export_svg(s, os.path.join(tempfile.mkdtemp(), "a.svg"), style="marker")
    >>> open(p).read().count("<path")
    1
    """
    path = Path(path)
    write_bytes(path, to_svg(stroke_set, style=style, background=background, size=size).encode("utf-8"))
    return path


def to_svg(stroke_set: StrokeSet, style=None, background: bool = True, size: int | None = None) -> str:
    """The SVG document of :func:`export_svg` as a string."""
    if not isinstance(stroke_set, StrokeSet):
        raise ValueError(f"expected a StrokeSet, got {type(stroke_set).__name__}")  # noqa: TRY004 (bad input: ValueError)
    name, opacity_factor, color_factor = flat_look(style)
    shape = _shape(style)
    W, H = stroke_set.width, stroke_set.height
    if size is None:
        dw, dh = W, H
    else:
        if int(size) < 1:
            raise ValueError(f"expected a positive SVG size, got {size}")
        scale = int(size) / max(W, H)
        dw, dh = max(1, round(W * scale)), max(1, round(H * scale))
    unit = float(min(W, H))
    p = stroke_set.params

    defs, body = [], []
    for i, row in enumerate(p):
        c0 = np.clip(row[COLOR_START] * color_factor, 0, 1)
        c2 = np.clip(row[COLOR_END] * color_factor, 0, 1)
        if shape in ("strip", "constant"):
            c0 = c2 = 0.5 * (c0 + c2)
        paint = _hex(c0)
        if _hex(c0) != _hex(c2):
            gid = f"c{i}"
            x0, y0, x2, y2 = row[0] * W, row[1] * H, row[4] * W, row[5] * H
            defs.append(f'<linearGradient id="{gid}" gradientUnits="userSpaceOnUse" '
                        f'x1="{_n(x0)}" y1="{_n(y0)}" x2="{_n(x2)}" y2="{_n(y2)}">'
                        f'<stop offset="0" stop-color="{_hex(c0)}"/><stop offset="1" stop-color="{_hex(c2)}"/>'
                        f'</linearGradient>')
            paint = f"url(#{gid})"
        alpha = float(np.clip(row[OPACITY] * opacity_factor, 0, 1))
        body.append(_element(i, row, shape, W, H, unit, paint, alpha))

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{dw}" height="{dh}" '
           f'viewBox="0 0 {W} {H}">'),
           f'<title>{len(p)} strokes, {name or "flat"} style approximation</title>']
    if defs:
        out += ["<defs>", *defs, "</defs>"]
    if background:
        out.append(f'<rect id="canvas" x="0" y="0" width="{W}" height="{H}" '
                   f'fill="{_hex(np.asarray(stroke_set.background))}"/>')
    out += ['<g id="strokes">', *body, "</g>", "</svg>", ""]
    return "\n".join(out)


def _shape(style) -> str:
    """The style's :attr:`~strokes.style.Style.svg_shape` (``"outline"`` for plain flat strokes)."""
    if style is None:
        return "outline"
    from .registry import get_style
    shape = get_style(style).svg_shape
    if shape not in ("outline", "constant", "strip"):
        raise ValueError(f"style {get_style(style).name!r}: svg_shape must be 'outline', 'constant' or 'strip', "
                         f"got {shape!r}")
    return shape


def flat_look(style) -> tuple[str, float, float]:
    """``(name, opacity_factor, colour_factor)``: how much a style lays down inside a stroke.

    Measured from the style's own rasterizer on a reference stroke (straight,
    10% wide, grey, fully opaque, 128 px canvas): the mean alpha and the mean
    foreground-to-colour ratio well inside the stroke. ``None`` is ``("", 1, 1)``.

    >>> flat_look("marker")[:2]
    ('marker', 0.75)
    """
    if style is None:
        return "", 1.0, 1.0
    from .registry import get_style
    style = get_style(style)
    ref = torch.tensor([[.2, .5, .5, .5, .8, .5, .1, .1, .5, .5, .5, .5, .5, .5, 1.]])
    with torch.no_grad():
        fg, alpha = style.rasterize(ref, (128, 128))
    ys, xs = torch.meshgrid(torch.arange(128) + .5, torch.arange(128) + .5, indexing="ij")
    inside = ((ys - 64).abs() < 0.35 * 6.4) & (xs > 0.25 * 128) & (xs < 0.75 * 128)
    a = alpha[0, 0][inside]
    opacity = float(a.mean())
    color = float((fg[0].mean(0)[inside] * a).sum() / a.sum().clamp(min=1e-6) / 0.5) if opacity > 0 else 1.0
    return style.name, round(opacity, 3), round(color, 3)


# -- shapes -------------------------------------------------------------------------------------

def _element(i, row, shape, W, H, unit, paint, alpha) -> str:
    x0, y0, x1, y1, x2, y2 = row[0] * W, row[1] * H, row[2] * W, row[3] * H, row[4] * W, row[5] * H
    head = f'<path id="stroke-{i}" '
    if shape == "constant":
        return (head + f'd="M{_n(x0)} {_n(y0)}Q{_n(x1)} {_n(y1)} {_n(x2)} {_n(y2)}" fill="none" '
                f'stroke={quoteattr(paint)} stroke-width="{_n(0.5 * (row[W0] + row[W2]) * unit)}" stroke-linecap="round" '
                f'stroke-opacity="{_n(alpha)}"/>')
    if shape == "strip":
        return (head + f'd="M{_n(x0)} {_n(y0)}L{_n(x2)} {_n(y2)}" fill="none" '
                f'stroke={quoteattr(paint)} stroke-width="{_n(row[W0] * unit)}" stroke-linecap="butt" '
                f'stroke-opacity="{_n(alpha)}"/>')
    return head + f'd="{outline(row, W, H)}" fill={quoteattr(paint)} fill-opacity="{_n(alpha)}"/>'


def outline(row, W: int, H: int, pieces: int = PIECES) -> str:
    """SVG path data of a variable-width stroke: both sides and two round caps, canvas pixels.

    The half width at each point is read at its arc-length position ``t``, as in
    :func:`strokes.geometry.stroke_frame`. The path is filled with the nonzero
    rule, so where a tight bend makes the inner side fold over itself the fold
    stays painted.
    """
    u = np.linspace(0.0, 1.0, pieces + 1)[:, None]
    p0, p1, p2 = (np.array([row[2 * k] * W, row[2 * k + 1] * H]) for k in range(3))
    pts = bezier(p0, p1, p2, u)                                            # (n+1, 2)
    tangent = bezier_tangent(p0, p1, p2, u)
    norm = np.linalg.norm(tangent, axis=1, keepdims=True)
    chord = p2 - p0
    fallback = chord if np.linalg.norm(chord) > 1e-9 else np.array([1.0, 0.0])
    tangent = np.where(norm > 1e-9, tangent / np.maximum(norm, 1e-12), fallback / np.linalg.norm(fallback))
    normal = np.stack([tangent[:, 1], -tangent[:, 0]], 1)                 # to the left of travel (y down)
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(seg)])
    t = along / along[-1] if along[-1] > 1e-9 else np.zeros_like(along)
    half = 0.5 * min(W, H) * (row[W0] + (row[W2] - row[W0]) * t)[:, None]
    left, right = pts + normal * half, pts - normal * half
    r0, r2 = float(half[0, 0]), float(half[-1, 0])
    d = [f"M{_n(left[0, 0])} {_n(left[0, 1])}"]
    d += [f"L{_n(x)} {_n(y)}" for x, y in left[1:]]
    d.append(f"A{_n(r2)} {_n(r2)} 0 0 1 {_n(right[-1, 0])} {_n(right[-1, 1])}")
    d += [f"L{_n(x)} {_n(y)}" for x, y in right[-2::-1]]
    d.append(f"A{_n(r0)} {_n(r0)} 0 0 1 {_n(left[0, 0])} {_n(left[0, 1])}Z")
    return "".join(d)


def _n(v: float) -> str:
    """A number for SVG: 3 decimals, no trailing zeros."""
    s = f"{float(v):.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _hex(c) -> str:
    r, g, b = (math.floor(float(x) * 255 + 0.5) for x in np.clip(np.asarray(c, dtype=float), 0, 1))
    return f"#{r:02x}{g:02x}{b:02x}"
