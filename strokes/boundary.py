"""Checks where the library meets code and settings it does not own: style plugins and devices.

* :func:`checked` puts a guard around a style's ``rasterize``: whatever the
  style raises, or returns outside the contract of
  :meth:`strokes.style.Style.rasterize` (shapes ``(S, 3, h, w)`` and
  ``(S, 1, h, w)``, the dtype and device of ``params``, finite values in
  [0, 1]), becomes one :class:`~strokes.errors.StyleOutputError` naming the
  style, its class and what it returned. The built-in styles are checked by
  the test suite instead, so they are drawn without the guard.
* :func:`device` turns ``"auto"`` / ``"cpu"`` / ``"cuda:1"`` ... into a
  ``torch.device`` that this torch can use, or one clear error.
"""
from __future__ import annotations

import functools

import torch

from .errors import OptionError, StrokesError, StyleOutputError
from .geometry import Pixels

_BUILTIN_MODULES = ("styles.", "strokes.styles.")


def checked(style):
    """``style`` with its ``rasterize`` guarded (in place, once); built-in styles are returned as they are.

    >>> from strokes.style import Style
    >>> class Broken(Style):
    ...     name = "broken"
    ...     def rasterize(self, params, size, window=None):
    ...         return torch.zeros(1), torch.zeros(1)
    >>> s = checked(Broken())
    >>> try:
    ...     s.rasterize(torch.full((2, 15), .5), (8, 8))
    ... except StyleOutputError as exc:
    ...     print(str(exc)[:71])
    style 'broken' (Broken): rasterize returned foreground of shape (1,), e
    """
    cls = type(style)
    if cls.__module__.startswith(_BUILTIN_MODULES) or getattr(style.rasterize, "_strokes_checked", False):
        return style
    inner = style.rasterize

    @functools.wraps(inner)
    def rasterize(params, size, window=None, **kwargs):
        try:
            out = inner(params, size, window=window, **kwargs) if window is not None or kwargs \
                else inner(params, size)
        except StrokesError:
            raise
        except Exception as exc:
            raise StyleOutputError(f"{_name(style)}: rasterize failed: {type(exc).__name__}: "
                                   f"{' '.join(str(exc).split())[:200]}") from exc
        check_layers(out, params, size, window, _name(style))
        return out

    rasterize._strokes_checked = True
    style.rasterize = rasterize
    return style


def check_layers(out, params: torch.Tensor, size, window, who: str) -> None:
    """Raise :class:`StyleOutputError` unless ``out`` is ``(fg (S, 3, h, w), alpha (S, 1, h, w))`` as promised.

    ``h, w`` come from ``window`` ``(top, left, h, w)``, or ``size`` ``(H, W)`` when it is ``None``,
    or are ``1, P`` for a list of ``P`` pixels per stroke (:class:`strokes.geometry.Pixels`).
    """
    S = params.shape[0]
    if isinstance(window, Pixels):
        h, w = 1, int(window.xs.shape[-1])
    else:
        h, w = (int(size[0]), int(size[1])) if window is None else (int(window[2]), int(window[3]))
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise StyleOutputError(f"{who}: rasterize returned {_describe(out)}; expected (foreground, alpha)")
    for what, t, channels in (("foreground", out[0], 3), ("alpha", out[1], 1)):
        want = (S, channels, h, w)
        if not isinstance(t, torch.Tensor):
            raise StyleOutputError(f"{who}: rasterize returned {what} of type {type(t).__name__}; "
                                   f"expected a tensor of shape {want}")
        if tuple(t.shape) != want:
            raise StyleOutputError(f"{who}: rasterize returned {what} of shape {tuple(t.shape)}, "
                                   f"expected {want} (strokes, channels, window height, width)")
        if t.dtype != params.dtype:
            raise StyleOutputError(f"{who}: rasterize returned {what} of dtype {t.dtype}, "
                                   f"expected {params.dtype} (the dtype of params)")
        if t.device != params.device:
            raise StyleOutputError(f"{who}: rasterize returned {what} on {t.device}, "
                                   f"expected {params.device} (the device of params)")
        values = t.detach()
        if values.numel() and not bool(torch.isfinite(values).all()):
            bad = int((~torch.isfinite(values)).sum())
            raise StyleOutputError(f"{who}: rasterize returned {what} with {bad} NaN or infinite value(s); "
                                   "expected finite values in [0, 1]")
        if values.numel():
            low, high = float(values.min()), float(values.max())
            if low < 0.0 or high > 1.0:
                raise StyleOutputError(f"{who}: rasterize returned {what} with values from {low:g} to "
                                       f"{high:g}; expected values in [0, 1]")


def device(spec) -> torch.device:
    """A device this torch can use: ``"auto"`` (CUDA if present, else the CPU), ``"cpu"``, ``"cuda:0"``, ...

    >>> device("cpu")
    device(type='cpu')
    """
    if spec in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(spec)
    except (RuntimeError, TypeError, ValueError):
        raise OptionError(f"device {spec!r}: not a device name; expected auto, cpu, cuda, cuda:N or mps") from None
    if dev.type == "cuda":
        if not torch.backends.cuda.is_built():
            raise OptionError(f"device {spec!r}: this torch {torch.__version__} was built without CUDA; "
                              "use --device cpu (or install a CUDA build of torch)")
        if not torch.cuda.is_available():
            raise OptionError(f"device {spec!r}: no CUDA device is visible; use --device cpu")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise OptionError(f"device {spec!r}: there are only {torch.cuda.device_count()} CUDA device(s)")
    elif dev.type == "mps":
        if not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
            raise OptionError(f"device {spec!r}: MPS is not available here; use --device cpu")
    elif dev.type != "cpu":
        raise OptionError(f"device {spec!r}: strokes runs on cpu, cuda or mps, not {dev.type}")
    return dev


def _name(style) -> str:
    cls = type(style)
    return f"style {getattr(style, 'name', '') or cls.__name__!r} ({cls.__qualname__})"


def _describe(value) -> str:
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} item(s)"
    return f"a {type(value).__name__}"


__all__ = ["checked", "check_layers", "device"]
