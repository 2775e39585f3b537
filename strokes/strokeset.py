"""StrokeSet: an ordered set of vector strokes on a canvas.

Strokes are kept as a float64 ``(S, 15)`` array in the layout of
:mod:`strokes.layout`, so that saving to JSON and loading back is exact.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np
import torch

from .layout import COLUMNS, P


@dataclass(frozen=True)
class Stroke:
    """One stroke, in canvas-relative units (see :mod:`strokes.layout`)."""

    p0: tuple[float, float]
    p1: tuple[float, float]
    p2: tuple[float, float]
    width: tuple[float, float]
    color: tuple[tuple[float, float, float], tuple[float, float, float]]
    opacity: float

    @classmethod
    def from_row(cls, row: Sequence[float]) -> "Stroke":
        r = [float(v) for v in row]
        return cls((r[0], r[1]), (r[2], r[3]), (r[4], r[5]), (r[6], r[7]),
                   ((r[8], r[9], r[10]), (r[11], r[12], r[13])), r[14])

    def to_row(self) -> list[float]:
        return [*self.p0, *self.p1, *self.p2, *self.width, *self.color[0], *self.color[1], self.opacity]


class StrokeSet:
    """Strokes plus the canvas they live on.

    Args:
        params: ``(S, 15)`` array-like in the layout of :mod:`strokes.layout`.
        width, height: canvas size in pixels (keeps the aspect ratio).
        background: canvas colour, RGB in [0, 1].
        metadata: a JSON-able dict saved with the strokes (e.g. ``{"painter": {...}}``,
            the settings :func:`strokes.paint` used); not part of equality.

    >>> s = StrokeSet([[0.1, 0.2, 0.2, 0.25, 0.3, 0.2, 0.02, 0.01,
    ...                 0.9, 0.1, 0.1, 0.8, 0.2, 0.1, 0.9]], width=640, height=400)
    >>> len(s), s[0].opacity, s.to_tensor().shape
    (1, 0.9, torch.Size([1, 15]))
    """

    def __init__(self, params=(), width: int = 512, height: int = 512,
                 background: Sequence[float] = (1.0, 1.0, 1.0), metadata: "dict | None" = None):
        if isinstance(params, torch.Tensor):
            params = params.detach().cpu().double().numpy()
        arr = np.array(params, dtype=np.float64).reshape(-1, P) if len(params) else np.zeros((0, P))
        if arr.ndim != 2 or arr.shape[1] != P:
            raise ValueError(f"expected stroke parameters of shape (S, {P}), got {arr.shape}")
        if int(width) < 1 or int(height) < 1:
            raise ValueError(f"expected a canvas of positive size, got width={width}, height={height}")
        bg = tuple(float(c) for c in background)
        if len(bg) != 3:
            raise ValueError(f"expected background as 3 RGB values in [0, 1], got {background!r}")
        self.params = arr
        self.width = int(width)
        self.height = int(height)
        self.background = bg
        if metadata is not None and not isinstance(metadata, dict):
            raise ValueError(f"expected metadata as a dict, got {type(metadata).__name__}")
        self.metadata = dict(metadata or {})

    # -- sequence behaviour -------------------------------------------------
    def __len__(self) -> int:
        return self.params.shape[0]

    def __iter__(self) -> Iterator[Stroke]:
        return (Stroke.from_row(row) for row in self.params)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return StrokeSet(self.params[index], self.width, self.height, self.background, self.metadata)
        return Stroke.from_row(self.params[index])

    def __eq__(self, other) -> bool:
        return (isinstance(other, StrokeSet) and self.size == other.size
                and self.background == other.background and np.array_equal(self.params, other.params))

    def __repr__(self) -> str:
        return f"StrokeSet({len(self)} strokes, canvas {self.width}x{self.height})"

    @property
    def size(self) -> tuple[int, int]:
        """Canvas size as ``(height, width)``."""
        return (self.height, self.width)

    # -- tensors ------------------------------------------------------------
    def to_tensor(self, dtype=torch.float32, device=None) -> torch.Tensor:
        """``(S, 15)`` tensor in the layout of :data:`strokes.layout.COLUMNS`."""
        return torch.as_tensor(self.params, dtype=dtype, device=device)

    @classmethod
    def from_tensor(cls, t, width: int = 512, height: int = 512,
                    background: Sequence[float] = (1.0, 1.0, 1.0)) -> "StrokeSet":
        """Inverse of :meth:`to_tensor`."""
        return cls(t, width=width, height=height, background=background)

    @classmethod
    def from_strokes(cls, strokes: Sequence[Stroke], **canvas) -> "StrokeSet":
        return cls([s.to_row() for s in strokes], **canvas)

    def append(self, other: "StrokeSet | np.ndarray") -> "StrokeSet":
        """A new set with ``other``'s strokes drawn on top of these."""
        rows = other.params if isinstance(other, StrokeSet) else np.asarray(other, dtype=np.float64).reshape(-1, P)
        return StrokeSet(np.concatenate([self.params, rows]), self.width, self.height, self.background, self.metadata)

    # -- files --------------------------------------------------------------
    def save(self, path) -> None:
        """Write a strokes file; ``.json`` or ``.npz`` chosen by suffix, atomically."""
        from .files import save
        save(self, path)


__all__ = ["Stroke", "StrokeSet", "COLUMNS"]
