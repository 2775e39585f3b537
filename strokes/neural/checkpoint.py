"""Renderer checkpoints: plain tensors and dicts, loaded with ``torch.load(weights_only=True)``.

A checkpoint is a dict::

    {"format": "strokes-renderer", "format_version": 1,
     "style": "oil", "layout_version": 1, "train_size": 128,
     "val_psnr": {"foreground": 33.1, "alpha": 35.2}, "steps": 6000,
     "config": {...RendererConfig...}, "weights": {name: tensor},
     "optimizer": {...} (training checkpoints only)}

Every way a file can be wrong (missing, truncated, not a checkpoint, a
pickled object, another style or stroke layout, weights of other shapes) is
one :class:`CheckpointError` naming the file.
"""
from __future__ import annotations

import io
from pathlib import Path

import torch

from ..atomic import write_bytes
from ..errors import CheckpointError
from ..layout import LAYOUT_VERSION
from .model import NeuralRenderer, RendererConfig

FORMAT = "strokes-renderer"
FORMAT_VERSION = 1
REQUIRED = ("style", "layout_version", "train_size", "val_psnr", "config", "weights")


def save_checkpoint(path, renderer: NeuralRenderer, steps: int = 0, optimizer: dict | None = None,
                    half: bool = False, extra: dict | None = None) -> None:
    """Write ``renderer`` (and optionally the optimizer state, for resuming) atomically to ``path``.

    ``half`` stores the weights in float16 (shipped weights); they load back as float32.
    """
    weights = {k: (v.detach().half() if half and v.is_floating_point() else v.detach()).cpu().clone()
               for k, v in renderer.state_dict().items()}
    data = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "style": renderer.style, "layout_version": LAYOUT_VERSION,
        "train_size": int(renderer.train_size or 0), "reach": float(renderer.reach),
        "val_psnr": {k: float(v) for k, v in renderer.val_psnr.items()},
        "steps": int(steps), "config": renderer.config.to_dict(), "weights": weights,
    }
    if optimizer is not None:
        data["optimizer"] = optimizer
    if extra:
        data.update(extra)
    buffer = io.BytesIO()
    torch.save(data, buffer)
    write_bytes(path, buffer.getvalue())


def read_checkpoint(path, style: str | None = None) -> dict:
    """The checked contents of a checkpoint file (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such renderer checkpoint")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated, not a torch file, or holds arbitrary pickled objects
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "weights_only" in str(exc) or "Unsupported global" in str(exc):
            reason = "it holds pickled Python objects, not plain tensors (refused for safety)"
        raise CheckpointError(f"{path}: not a readable renderer checkpoint: {reason}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a strokes renderer checkpoint (expected a dict with format {FORMAT!r})")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise CheckpointError(f"{path}: renderer checkpoint lacks the field(s) {', '.join(missing)}")
    if data.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(f"{path}: checkpoint format_version {data.get('format_version')!r}, "
                              f"this version of strokes reads {FORMAT_VERSION}")
    if data["layout_version"] != LAYOUT_VERSION:
        raise CheckpointError(f"{path}: trained for stroke layout version {data['layout_version']!r}, "
                              f"expected {LAYOUT_VERSION}; retrain with `strokes train-renderer`")
    if style is not None and data["style"] != style:
        raise CheckpointError(f"{path}: a renderer of style {data['style']!r}, expected {style!r}")
    return data


def renderer_from_checkpoint(data: dict, path="checkpoint") -> NeuralRenderer:
    """Build the renderer a checked checkpoint dict describes."""
    try:
        config = RendererConfig(**data["config"])
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"{path}: bad architecture config {data['config']!r}: {exc}") from None
    renderer = NeuralRenderer(config, style=data["style"], reach=float(data.get("reach", 1.0)))
    weights = data["weights"]
    if not isinstance(weights, dict):
        raise CheckpointError(f"{path}: field 'weights' is a {type(weights).__name__}, expected a dict of tensors")
    expected = renderer.state_dict()
    bad = [k for k in expected if k not in weights or not isinstance(weights[k], torch.Tensor)
           or weights[k].shape != expected[k].shape]
    extra = [k for k in weights if k not in expected]
    if bad or extra:
        k = (bad or extra)[0]
        got = tuple(weights[k].shape) if isinstance(weights.get(k), torch.Tensor) else "missing" if k not in weights else "unexpected"
        want = tuple(expected[k].shape) if k in expected else "absent"
        raise CheckpointError(f"{path}: weights do not fit the architecture: {k!r} expected {want}, got {got}"
                              + (f" (and {len(bad) + len(extra) - 1} more)" if len(bad) + len(extra) > 1 else ""))
    renderer.load_state_dict({k: v.float() for k, v in weights.items()})
    renderer.train_size = int(data["train_size"])
    renderer.val_psnr = dict(data["val_psnr"])
    return renderer


def load_checkpoint(path, style: str | None = None, device="cpu") -> NeuralRenderer:
    """A renderer in eval mode from ``path``; ``style`` (if given) must match the checkpoint's.

    Its weights are frozen (``requires_grad`` off): gradients flow to the strokes, not the network.
    """
    data = read_checkpoint(path, style)
    return renderer_from_checkpoint(data, path).to(device).eval().requires_grad_(False)
