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
import functools
import inspect
import warnings
from typing import Any, ClassVar

import torch

from .geometry import Window


class Style(abc.ABC):
    """Base class of every style, built-in or plugin.

    Subclasses set ``name`` and ``description`` and implement :meth:`rasterize`.
    What a style can do is said here, as class attributes with defaults, so a
    plugin says it the same way as a built-in:

    * ``reach``: how far paint may spread past the nominal half width (1.0 = not
      at all); the library draws each stroke only inside the box this gives.
    * ``hairline``: a stroke of zero width (``w0 = w2 = 0``) may still lay paint,
      an anti-aliased line under a pixel wide (oil, marker, tape, watercolour).
      A style that provably draws nothing at zero width sets it false (pen,
      graphite pencil), and the library skips such strokes without drawing them;
      ``tests/styles`` checks the claim for every style.
    * ``textured``: the look varies with ``seed`` (noise, grain); a flat style's
      pictures are the same for every seed.
    * ``svg_shape``: how :func:`strokes.export_svg` draws a stroke: ``"outline"``
      (tapered outline, the default), ``"constant"`` (one constant width and
      colour) or ``"strip"`` (a straight strip from P0 to P2).
    * ``paint_renderer``: what draws the strokes while painting with
      ``renderer="auto"``: ``"style"`` (this rasterizer) or ``"mixed"`` (the
      style's neural renderer for the broad levels, this rasterizer for the
      last); ``python -m strokes.bench drawers`` measures which is faster.
    * ``paint_options``: options a photo is painted with (``strokes paint``) and
      the style's neural renderer is trained with, when the style is asked for by
      name (:func:`strokes.registry.painting_style`); pencil paints in its hatching look.
    * ``ground``: what a photo is painted on when no background is given, as
      :class:`strokes.PaintOptions` takes it: an RGB triple in [0, 1] (white by
      default: gesso, paper; the strokes cover the whole picture) or ``"auto"``
      (toned paper of the picture's mean colour, which shows between the
      strokes; pencil shades on it).
    * ``pointwise``: :meth:`rasterize` works pixel by pixel on the stroke frame
      (no neighbours, no window shape), so a stroke may be drawn at any list
      of pixels: the painter then draws each only where its paint can be
      (:func:`strokes.rendering.stroke_pixels`), in about a quarter of the
      pixels of its box. Off by default; every built-in style sets it.
    * ``points_lr``: how fast the painter's optimizer moves a stroke's control
      points, as a share of its learning rate (1.0 by default). The painter
      chooses each stroke as a solid capsule whose colours it fits
      (:func:`strokes.painting.seeding.choose_strokes`); where that is how the
      paint looks (oil, marker, tape: 0.3), small steps keep the place it found,
      where it is not (a wash that pools, hatched lines) the strokes need to move.
    * :meth:`paint_path`: the centreline the paint actually follows (tape lies
      straight whatever P1), used to plan where a stroke is drawn.

    A ``rasterize`` written without the ``window`` argument still works: the
    library draws the whole canvas and crops (slower; one warning says so).
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    reach: ClassVar[float] = 1.0
    hairline: ClassVar[bool] = True
    textured: ClassVar[bool] = False
    svg_shape: ClassVar[str] = "outline"
    paint_renderer: ClassVar[str] = "style"
    paint_options: ClassVar[dict] = {}
    ground: ClassVar["tuple[float, float, float] | str"] = (1.0, 1.0, 1.0)
    pointwise: ClassVar[bool] = False
    points_lr: ClassVar[float] = 1.0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("rasterize")
        if own is not None and not _takes_window(own):
            cls.rasterize = _drawn_whole_and_cropped(own, cls)

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

    @staticmethod
    def paint_path(params: torch.Tensor) -> torch.Tensor:
        """The strokes ``(S, 15)`` as their paint lies; the stored strokes themselves by default."""
        return params

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


def _takes_window(rasterize) -> bool:
    parameters = inspect.signature(rasterize).parameters.values()
    return any(p.name == "window" or p.kind is p.VAR_KEYWORD for p in parameters)


def _drawn_whole_and_cropped(rasterize, cls):
    """``rasterize(self, params, size)`` made to take a window: the whole canvas, then the window's pixels."""
    warned = []

    @functools.wraps(rasterize)
    def with_window(self, params, size, window=None):
        if window is None:
            return rasterize(self, params, size)
        if not warned:
            warned.append(True)
            warnings.warn(f"style {cls.name or cls.__name__!r} ({cls.__module__}): rasterize() takes no 'window' "
                          f"argument, so every stroke is drawn on the whole canvas and cropped; accept "
                          f"window=None and pass it to strokes.geometry.stroke_frame to draw much faster "
                          f"(docs/plugins.md)", RuntimeWarning, stacklevel=2)
        top, left, h, w = window
        S = params.shape[0]  # strokes
        tops = torch.as_tensor(top, device=params.device).long().expand(S)
        lefts = torch.as_tensor(left, device=params.device).long().expand(S)
        rows = tops[:, None] + torch.arange(int(h), device=params.device)          # (S, h)
        cols = lefts[:, None] + torch.arange(int(w), device=params.device)         # (S, w)
        fg = params.new_zeros(S, 3, int(h), int(w))
        alpha = params.new_zeros(S, 1, int(h), int(w))
        # Each distinct stroke once (a large stroke is asked for on many tiles), cropped for all its windows.
        unique, which = torch.unique(params, dim=0, return_inverse=True)
        for u in range(len(unique)):
            f, a = rasterize(self, unique[u:u + 1], size)                       # (1, C, H, W)
            for i in (which == u).nonzero().flatten().tolist():
                r, c = rows[i], cols[i]
                inside = ((r >= 0) & (r < size[0]))[:, None] & ((c >= 0) & (c < size[1]))[None, :]
                pick = lambda t: t[0][:, r.clamp(0, size[0] - 1)][:, :, c.clamp(0, size[1] - 1)] * inside
                fg[i], alpha[i] = pick(f), pick(a)
        return fg, alpha

    return with_window
