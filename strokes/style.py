"""The Style contract: how one stroke looks.

A style is a small class: a ``name``, a one-line ``description``, options as
constructor keyword arguments with defaults (always including ``seed``), and
:meth:`Style.rasterize`, a batched torch function that draws strokes given in
the layout of :mod:`strokes.layout`. Everything else (compositing, files,
high-resolution rendering, animation, export, neural training) comes from the
library. See ``docs/plugins.md``.
"""
from __future__ import annotations

import abc
import inspect
from typing import Any, ClassVar

import torch

from .geometry import Window


class Style(abc.ABC):
    """Base class of every style, built-in or plugin.

    Subclasses set ``name`` and ``description`` and implement :meth:`rasterize`.
    ``reach`` says how far paint may spread past the nominal half width (1.0 =
    not at all); the library uses it to draw each stroke only inside its box.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    reach: ClassVar[float] = 1.0
    # Options a photo is painted with (``strokes paint``) and the style's neural renderer is
    # trained with, when the style is asked for by name; e.g. pencil paints in its hatching look.
    paint_options: ClassVar[dict] = {}

    def __init__(self, seed: int = 0):
        self.seed = int(seed)

    @abc.abstractmethod
    def rasterize(self, params: torch.Tensor, size: tuple[int, int],
                  window: Window | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Draw each stroke on its own transparent layer.

        Args:
            params: ``(S, 15)`` float tensor, layout :data:`strokes.layout.COLUMNS`,
                values in [0, 1].
            size: ``(H, W)`` of the full canvas in pixels.
            window: ``(top, left, h, w)``: draw only this part of the canvas
                (the library draws large canvases piece by piece). ``top`` and
                ``left`` may be ``(S,)`` tensors, one window per stroke.
                ``None`` is the whole canvas, ``h, w = H, W``. Passing the
                window on to :func:`strokes.geometry.stroke_frame` handles it.

        Returns:
            ``foreground (S, 3, h, w)`` and ``alpha (S, 1, h, w)``, in [0, 1],
            same dtype and device as ``params``. Deterministic for a given seed;
            the same pixel gets the same value whichever window it is drawn in.
        """

    # -- options ------------------------------------------------------------
    @classmethod
    def option_defaults(cls) -> dict[str, Any]:
        """Every constructor option with its default, ``seed`` included."""
        out: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            init = klass.__dict__.get("__init__")
            if init is None or klass is object:
                continue
            for p in list(inspect.signature(init).parameters.values())[1:]:
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                    out[p.name] = None if p.default is p.empty else p.default
        return out

    def options(self) -> dict[str, Any]:
        """Current option values."""
        return {k: getattr(self, k, v) for k, v in self.option_defaults().items()}

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options().items())
        return f"{type(self).__name__}({opts})"
