"""Drawing a StrokeSet: each stroke inside its own box, laid over the canvas in order."""
from __future__ import annotations

import torch
from PIL import Image

from .geometry import check_params, stroke_boxes
from .registry import get_style
from .strokeset import StrokeSet
from .tiles import from_tiles, paint_tiles, to_tiles
from .threads import with_thread_policy

MAX_SIZE = 16384  # longest side; larger canvases are refused rather than exhausting memory


def canvas_size(width: int, height: int, size: int) -> tuple[int, int]:
    """``(H, W)`` whose longest side is ``size``, keeping the aspect ratio.

    >>> canvas_size(640, 400, 1024)
    (640, 1024)
    """
    size = int(size)
    if not 1 <= size <= MAX_SIZE:
        raise ValueError(f"expected a size between 1 and {MAX_SIZE} pixels, got {size}")
    scale = size / max(width, height)
    return (max(1, round(height * scale)), max(1, round(width * scale)))


def paint_layers(canvas: torch.Tensor, params: torch.Tensor, style) -> torch.Tensor:
    """Draw strokes over ``canvas`` ``(3, H, W)`` in place, each only within its box; returns it.

    Strokes are drawn on the tiles their paint reaches, many tiles per call of
    the style (:mod:`strokes.tiles`), so time follows the painted area and
    memory stays at one batch of tiles plus the canvas, whatever the canvas
    size or stroke count. When gradients are wanted (``params`` or ``canvas``
    requires grad) strokes are drawn one box at a time instead.
    """
    check_params(params)
    size = tuple(canvas.shape[-2:])
    if torch.is_grad_enabled() and (params.requires_grad or canvas.requires_grad):
        return _paint_boxes(canvas, params, style)
    with torch.no_grad():
        grid = to_tiles(canvas)
        for _ in paint_tiles(grid, params, style, size):
            pass
        from_tiles(grid, size, out=canvas)
    return canvas


def _paint_boxes(canvas: torch.Tensor, params: torch.Tensor, style) -> torch.Tensor:
    """One stroke at a time, each within its box (differentiable)."""
    size = tuple(canvas.shape[-2:])
    boxes = stroke_boxes(params, size, reach=getattr(style, "reach", 1.0)).tolist()
    for i, (top, left, bottom, right) in enumerate(boxes):
        if bottom <= top or right <= left:
            continue
        fg, alpha = style.rasterize(params[i:i + 1], size, window=(top, left, bottom - top, right - left))
        region = canvas[:, top:bottom, left:right]
        region.mul_(1 - alpha[0]).add_(fg[0] * alpha[0])
    return canvas


def render_tensor(stroke_set: StrokeSet, style="oil", size: int = 1024, device="cpu", **options) -> torch.Tensor:
    """The painting as a ``(3, H, W)`` float tensor in [0, 1]; longest side ``size``."""
    style = get_style(style, **options)
    H, W = canvas_size(stroke_set.width, stroke_set.height, size)
    canvas = torch.tensor(stroke_set.background, dtype=torch.float32, device=device).view(3, 1, 1).repeat(1, H, W)
    with torch.no_grad():
        return paint_layers(canvas, stroke_set.to_tensor(device=device), style).clamp_(0, 1)


def to_image(t: torch.Tensor) -> Image.Image:
    """``(3, H, W)`` float tensor in [0, 1] to an RGB PIL image."""
    scaled = t.detach().clamp(0, 1).mul_(255).add_(0.5)
    pixels = torch.empty(*t.shape[1:], 3, dtype=torch.uint8, device=t.device)
    pixels.copy_(scaled.permute(1, 2, 0))                   # rounding and interleaving in one pass
    return Image.fromarray(pixels.cpu().numpy(), "RGB")


@with_thread_policy("draw")
def render(stroke_set: StrokeSet, style="oil", size: int = 1024, seed: int = 0, device="cpu", **options) -> Image.Image:
    """Draw a StrokeSet in a style: a PIL image whose longest side is ``size``.

    >>> s = StrokeSet([[.1, .5, .5, .4, .9, .5, .1, .1, 1, 0, 0, 1, 0, 0, 1]], width=200, height=100)
    >>> render(s, "marker", size=64).size
    (64, 32)
    """
    if isinstance(style, str):
        options["seed"] = seed
    return to_image(render_tensor(stroke_set, style, size, device=device, **options))
