"""Procedural noise for textures: paper grain, bristles, pigment granulation.

Noise is a pure function of coordinates and a seed, so it is the same whichever
window of the canvas is drawn and at whatever resolution: a 2x render shows the
same texture as the 1x render, only sharper. Octaves finer than the pixel
are faded out (``pixel``), so textures do not alias at small sizes.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

import torch

_MASK = (1 << 31) - 1
_A, _B, _C = 374761393, 668265263, 1442695041   # lattice hash multipliers (x, y, seed)
_PLAIN: ContextVar[bool] = ContextVar("strokes_plain_noise", default=False)
_LAID: ContextVar["list | None"] = ContextVar("strokes_laid_noise", default=None)


@contextmanager
def plain_textures():
    """Inside this block :func:`fractal_noise` is its mean, 0.5, everywhere: textures are left out.

    Hashed noise carries no useful gradient (its coordinates are detached), so
    the painter optimizes strokes against their plain shape and colour and lays
    the texture once, when it draws the finished batch.

    >>> with plain_textures():
    ...     float(fractal_noise(torch.rand(5), torch.rand(5)).std())
    0.0
    """
    token = _PLAIN.set(True)
    try:
        yield
    finally:
        _PLAIN.reset(token)


@contextmanager
def same_textures():
    """Inside this block :func:`fractal_noise` computes a texture once and lays it again wherever
    it is asked for at the same coordinates (compared exactly), with the same settings.

    For drawing the same strokes several times with other colours (the painter's
    retouch reads each style's paint at three colours): the texture is a function
    of the strokes' shapes only, so it is the same every time.

    >>> x = torch.rand(5)
    >>> with same_textures():
    ...     torch.equal(fractal_noise(x, x), fractal_noise(x.clone(), x))
    True
    """
    token = _LAID.set([])
    try:
        yield
    finally:
        _LAID.reset(token)


def _hash(h: torch.Tensor) -> torch.Tensor:
    """Mix a lattice point's ``int32`` code (see :func:`_corners`) to [0, 1): deterministic on every device."""
    h = ((h ^ (h >> 13)) * 1274126177) & _MASK
    h = h ^ (h >> 16)
    return (h & 0xFFFFFF).to(torch.float32) * (1.0 / (1 << 24))


def _corners(ix: torch.Tensor, iy: torch.Tensor, seed: int):
    """Hashes of the lattice points ``(ix, iy)``, ``(ix + 1, iy)``, ``(ix, iy + 1)``, ``(ix + 1, iy + 1)``.

    A point's code is ``ix * A + iy * B + seed * C`` modulo ``2 ** 31``, so a
    neighbour's code is the point's plus ``A`` or ``B``. Worked in ``int32``,
    whose products wrap modulo ``2 ** 32``: the low 31 bits, all that is kept,
    are those of the exact product, and ``int32`` is about three times as fast
    as ``int64`` here.
    """
    base = ix.to(torch.int32) * _A + iy.to(torch.int32) * _B + (seed * _C & _MASK)
    return tuple(_hash((base + step) & _MASK) for step in (0, _A, _B, _A + _B))


def value_noise(x: torch.Tensor, y: torch.Tensor, seed: int = 0, slope: bool = False):
    """Smooth value noise in [0, 1] at real coordinates (lattice spacing 1).

    ``x`` and ``y`` broadcast against each other. ``slope``: also return the
    noise's exact derivative along ``y`` (per unit of ``y``), from the same
    four corners: ``(noise, d noise / d y)``.

    >>> v = value_noise(torch.linspace(0, 4, 9), torch.zeros(9))
    >>> bool(((v >= 0) & (v <= 1)).all())
    True
    """
    x, y = torch.broadcast_tensors(x.detach(), y.detach())
    x0, y0 = torch.floor(x), torch.floor(y)
    fx, ty = x - x0, y - y0
    fx = fx * fx * (3 - 2 * fx)
    fy = ty * ty * (3 - 2 * ty)
    a, b, c, d = _corners(x0, y0, seed)
    top = a + (b - a) * fx
    rise = (c + (d - c) * fx) - top
    out = (top + rise * fy).to(x.dtype)
    if not slope:
        return out
    return out, (rise * (6 * ty * (1 - ty))).to(x.dtype)


def fractal_noise(x: torch.Tensor, y: torch.Tensor, seed: int = 0, octaves: int = 4,
                  pixel: float = 0.0, gain: float = 0.5, slope: bool = False):
    """Sum of ``octaves`` of value noise, each twice as fine and ``gain`` times as strong, in [0, 1].

    ``pixel`` is the size of one pixel in the units of ``x``/``y`` (a float, or a
    tensor that broadcasts against them, e.g. one per stroke); octaves whose
    lattice is finer than two pixels fade out so the texture stays the same
    after downsampling a larger render. ``slope``: also return the sum's
    derivative along ``y`` (per unit of ``y``): ``(noise, d noise / d y)``.
    """
    x, y = torch.broadcast_tensors(x, y)              # (views; torch.broadcast_shapes imports sympy)
    if _PLAIN.get():
        flat = torch.full(x.shape, 0.5, dtype=x.dtype, device=x.device)
        return (flat, torch.zeros_like(flat)) if slope else flat
    laid = _LAID.get()
    if laid is None:
        return _fractal(x, y, seed, octaves, pixel, gain, slope)
    settings = (seed, octaves, gain, slope, x.shape, x.dtype)
    for known, kx, ky, kpixel, noise in laid:
        if known == settings and torch.equal(kx, x) and torch.equal(ky, y) and _same(kpixel, pixel):
            return tuple(n.clone() for n in noise) if slope else noise.clone()   # a copy: callers may write to it
    noise = _fractal(x, y, seed, octaves, pixel, gain, slope)
    laid.append((settings, x, y, pixel, noise))
    return noise


def _same(a, b) -> bool:
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
            and torch.equal(a, b)
    return a == b


def _fractal(x, y, seed, octaves, pixel, gain, slope):
    total = torch.zeros(x.shape, dtype=x.dtype, device=x.device)
    rise = torch.zeros_like(total) if slope else None
    per_stroke = isinstance(pixel, torch.Tensor)
    norm = 0.0
    amp, freq = 1.0, 1.0
    for o in range(octaves):
        # Fade from full strength at 4 pixels per lattice cell to nothing at 2.
        if per_stroke:                                   # a pixel size per stroke, e.g. (S, 1, 1)
            keep = ((1.0 / (freq * pixel.clamp(min=1e-12)) - 2.0) / 2.0).clamp(0, 1)
            rows = _rows_shown(keep, x.shape)
            shown = bool((keep > 0).any()) if rows is None else len(rows) > 0
        else:
            cells = 1.0 / (freq * pixel) if pixel > 0 else float("inf")
            keep, rows = min(max((cells - 2.0) / 2.0, 0.0), 1.0), None
            shown = keep > 0
        if shown:
            # Only the strokes (rows) this octave shows on, when they are few: same values, less work.
            xs, ys, kept = (x, y, keep) if rows is None else (x[rows], y[rows], keep[rows])
            octave = value_noise(xs * freq, ys * freq, seed + 7919 * o, slope=slope)
            if slope:
                octave, dy = octave
                rise = _add(rise, (amp * freq) * kept * dy, rows)
            total = _add(total, amp * kept * (octave - 0.5), rows)
        norm += amp
        amp *= gain
        freq *= 2.0
    noise = 0.5 + total / (norm or 1.0)
    return (noise, rise / (norm or 1.0)) if slope else noise


def _rows_shown(keep: torch.Tensor, shape) -> "torch.Tensor | None":
    """Indices of the strokes (first axis) with ``keep > 0``, if ``keep`` has one value per stroke
    and fewer than three quarters of them show; ``None``: work on every stroke."""
    if keep.numel() != shape[0] or keep.numel() < 2 or len(shape) < 2:
        return None
    shown = keep.reshape(-1) > 0
    count = int(shown.sum())
    return shown.nonzero().squeeze(1) if count < 0.75 * keep.numel() else None


def _add(total: torch.Tensor, part: torch.Tensor, rows) -> torch.Tensor:
    return total + part if rows is None else total.index_add(0, rows, part)
