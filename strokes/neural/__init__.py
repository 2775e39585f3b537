"""Differentiable neural renderers: a learned stand-in for a style's ``rasterize``.

* :func:`load_renderer` -- the shipped (or a given) renderer of a style, eval mode.
* :func:`train_renderer` -- train one for any registered style (third-party too).
* :func:`has_renderer` -- whether a style is paintable out of the box.
* :class:`NeuralRenderer`, :class:`RendererConfig` -- the dual-pathway model.
* :class:`CheckpointError` -- any unusable checkpoint file.

See ``docs/renderer.md``.
"""
from __future__ import annotations

from pathlib import Path

from .checkpoint import CheckpointError, load_checkpoint, read_checkpoint, save_checkpoint
from .model import NeuralRenderer, RendererConfig
from .training import evaluate, train_renderer

WEIGHTS = Path(__file__).parent / "weights"

__all__ = ["CheckpointError", "NeuralRenderer", "RendererConfig", "evaluate", "has_renderer",
           "load_checkpoint", "load_renderer", "read_checkpoint", "save_checkpoint",
           "shipped_renderers", "train_renderer", "weights_path"]


def _style_name(style) -> str:
    return style if isinstance(style, str) else style.name


def weights_path(style) -> Path:
    """Where the shipped weights of ``style`` live (whether or not they exist)."""
    return WEIGHTS / f"{_style_name(style)}.pt"


def shipped_renderers() -> list[str]:
    """Names of the styles with shipped renderer weights, sorted.

    >>> "marker" in shipped_renderers()
    True
    """
    return sorted(p.stem for p in WEIGHTS.glob("*.pt"))


def has_renderer(style_name) -> bool:
    """Whether ``style_name`` has shipped renderer weights (so it is paintable as installed).

    >>> has_renderer("marker"), has_renderer("no-such-style")
    (True, False)
    """
    return weights_path(style_name).is_file()


def load_renderer(style, device="cpu", path=None) -> NeuralRenderer:
    """The trained renderer of ``style`` in eval mode, on ``device``.

    Args:
        style: style name (or a :class:`strokes.Style`; only its name is used).
        path: a checkpoint written by :func:`train_renderer`; the shipped weights by default.

    >>> r = load_renderer("marker")
    >>> r.style, r.training
    ('marker', False)
    """
    name = _style_name(style)
    if path is None:
        path = weights_path(name)
        if not path.is_file():
            shipped = ", ".join(shipped_renderers()) or "none"
            raise CheckpointError(
                f"no shipped renderer for style {name!r} (shipped: {shipped}); train one with "
                f"`strokes train-renderer --style {name} --out {name}.pt` and pass path={name + '.pt'!r}")
    return load_checkpoint(path, style=name, device=device)
