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
import math
from pathlib import Path

import torch

from ..atomic import write_bytes
from ..errors import CheckpointError
from ..layout import LAYOUT_VERSION
from .model import NeuralRenderer, RendererConfig

FORMAT = "strokes-renderer"
FORMAT_VERSION = 1
REQUIRED = ("style", "layout_version", "train_size", "val_psnr", "config", "weights")
MAX_HIDDEN = 4096        # architecture numbers past these are refused before anything is built
MAX_CHANNELS = 1024
MAX_PICTURE = 512
_TORCH_MAGIC = (b"PK\x03\x04", b"\x80")   # torch.save's zip archive, or its legacy pickle format


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
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not head.startswith(_TORCH_MAGIC):
        raise CheckpointError(f"{path}: not a readable renderer checkpoint: not a file written by torch.save")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated, damaged, or holds arbitrary pickled objects
        text = " ".join(str(exc).split())
        if "Unsupported global" in text or "Unsupported class" in text or "GLOBAL" in text:
            reason = "it holds pickled Python objects, not plain tensors (refused for safety)"
        else:
            reason = f"damaged or truncated ({type(exc).__name__}: {text[:120]})"
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
    _check_fields(data, path)
    return data


def _check_fields(data: dict, path) -> None:
    """The plain fields have the types they must have (the weights are checked against the architecture)."""
    def bad(field, expected):
        value = " ".join(repr(data[field]).split())
        raise CheckpointError(f"{path}: field {field!r}: expected {expected}, got {value[:80]}")

    if not isinstance(data["style"], str):
        bad("style", "a style name")
    if not _is_int(data["train_size"]) or not 0 <= data["train_size"] <= 1 << 16:
        bad("train_size", "an integer size in pixels")
    if "steps" in data and (not _is_int(data["steps"]) or data["steps"] < 0):
        bad("steps", "a number of steps >= 0")
    if "reach" in data and not (_is_real(data["reach"]) and 0 < data["reach"] <= 100):
        bad("reach", "a number in (0, 100]")
    psnr = data["val_psnr"]
    if not isinstance(psnr, dict) or not all(isinstance(k, str) and _is_real(v) for k, v in psnr.items()):
        bad("val_psnr", "a dict of names to numbers (dB)")
    if not isinstance(data["config"], dict):
        bad("config", "a dict of architecture settings")
    if not isinstance(data["weights"], dict):
        bad("weights", "a dict of tensors")
    if "optimizer" in data and not isinstance(data["optimizer"], dict):
        bad("optimizer", "an optimizer state dict")


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_real(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _config(data: dict, path) -> RendererConfig:
    """The architecture, its numbers checked before anything is allocated."""
    raw = data["config"]
    try:
        config = RendererConfig(**raw)
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"{path}: bad architecture config {raw!r}: {exc}") from None
    ok = (1 <= config.hidden <= MAX_HIDDEN and 1 <= len(config.channels) <= 8
          and all(1 <= c <= MAX_CHANNELS for c in config.channels)
          and len(config.picture) == 2 and all(1 <= v <= MAX_PICTURE for v in config.picture))
    if not ok:
        raise CheckpointError(f"{path}: bad architecture config {raw!r}: expected hidden in 1..{MAX_HIDDEN}, "
                              f"1 to 8 channels each in 1..{MAX_CHANNELS}, picture sides in 1..{MAX_PICTURE}")
    return config

def renderer_from_checkpoint(data: dict, path="checkpoint") -> NeuralRenderer:
    """Build the renderer a checked checkpoint dict describes."""
    _check_fields(data, path)
    config = _config(data, path)
    try:
        with torch.device("meta"):             # shapes only: nothing is allocated before the weights fit
            expected = NeuralRenderer(config, style=data["style"]).state_dict()
    except Exception as exc:
        raise CheckpointError(f"{path}: bad architecture config {data['config']!r}: "
                              f"{type(exc).__name__}: {exc}") from None
    weights = data["weights"]
    bad = [k for k in expected if k not in weights or not isinstance(weights[k], torch.Tensor)
           or weights[k].shape != expected[k].shape]
    extra = [k for k in weights if k not in expected]
    if bad or extra:
        k = (bad or extra)[0]
        got = tuple(weights[k].shape) if isinstance(weights.get(k), torch.Tensor) else "missing" if k not in weights else "unexpected"
        want = tuple(expected[k].shape) if k in expected else "absent"
        raise CheckpointError(f"{path}: weights do not fit the architecture: {k!r} expected {want}, got {got}"
                              + (f" (and {len(bad) + len(extra) - 1} more)" if len(bad) + len(extra) > 1 else ""))
    for k, v in weights.items():
        if v.is_floating_point() and not bool(torch.isfinite(v).all()):
            raise CheckpointError(f"{path}: weights {k!r} hold NaN or infinite values; the checkpoint is damaged "
                                  "(or its training diverged)")
    renderer = NeuralRenderer(config, style=data["style"], reach=float(data.get("reach", 1.0)))
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
