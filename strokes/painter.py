"""Paint an image into N strokes: :func:`paint` and :class:`Painting`.

The method follows *Stylized Neural Painting* (Zou et al., CVPR 2021) in its
essentials: strokes are optimized directly against the image, many at once,
under a pixel loss plus an optimal-transport loss, coarse to fine. What is
ours: the plan of levels and batches (:mod:`strokes.painting.schedule`),
strokes seeded where the canvas is most wrong along the local flow of the
image (:mod:`strokes.painting.seeding`), and every stroke drawn only in its
own small window (:func:`strokes.rendering.draw`), which keeps a batch cheap
on a CPU. The saved picture is drawn by the style's reference rasterizer.

>>> import torch
>>> target = torch.linspace(0, 1, 48 * 32).view(1, 32, 48).repeat(3, 1, 1)
>>> p = paint(target, style="marker", strokes=6, size=48, progress=False)
>>> len(p.strokes), p.image.size
(6, (48, 32))
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .atomic import save_image
from .errors import PaintError
from .files import MAX_STROKES
from .painting.optimize import Bounds, optimize_batch
from .painting.schedule import LENGTH, batches, plan
from .painting.seeding import blur, flow_angle, initial_strokes, pick_places
from .rendering import canvas_size, draw, to_image
from .strokeset import StrokeSet

SEED_BLUR = 0.5     # the error map that seeds strokes is blurred over this many stroke widths
WIDTH_RANGE = (0.35, 1.4)  # a stroke's width may range over these multiples of its level's width
MIN_SIDE = 8        # the shortest side of a canvas the painter works on, pixels
REACH = 0.45        # a control point may move this many stroke lengths from where it was seeded


__all__ = ["paint", "Painting", "PaintOptions", "PaintError"]


@dataclass
class PaintOptions:
    """Settings of the painter beyond the common ones of :func:`paint`.

    background: bare-canvas colour, RGB in [0, 1], or ``"auto"`` (the image's mean colour).
    ot_weight: weight of the optimal-transport loss next to the pixel loss.
    steps: optimizer steps per batch.
    lr: Adam learning rate (on the unconstrained parameters).
    max_batch: most strokes optimized together.
    renderer: what draws strokes while optimizing: ``"style"`` (the style's own
        differentiable reference rasterizer), ``"neural"`` (its trained neural
        renderer, :func:`strokes.load_renderer`), ``"mixed"`` (the neural renderer
        for every level but the last, the style for the last) or ``"auto"``
        (the style's :attr:`~strokes.style.Style.paint_renderer`, when it has a neural renderer).
        The final picture is always drawn by the style itself.
    checkpoint: a ``.json`` / ``.npz`` path rewritten (atomically) after every batch.
    resume: strokes already painted (a StrokeSet or a strokes file) to continue from.
    callback: called after every batch with the :class:`Painting` so far.
    constrain: ``f(strokes (S, 15)) -> strokes (S, 15)`` applied to every batch as it is
        optimized (e.g. :class:`strokes.color.palette.PaletteSnap`: colours snapped to paints).
    extra_loss: ``f(canvas (3, h, w)) -> scalar tensor`` added to the loss of every step
        (e.g. :class:`strokes.color.style_image.StyleLoss`); ``canvas`` is the level's working canvas.
    """

    background: "str | Sequence[float]" = "auto"
    ot_weight: float = 0.1
    steps: int = 60
    lr: float = 0.15
    max_batch: int = 100
    renderer: str = "auto"
    checkpoint: "str | Path | None" = None
    resume: "StrokeSet | str | Path | None" = None
    callback: "Callable[[Painting], None] | None" = None
    constrain: "Callable[[torch.Tensor], torch.Tensor] | None" = None
    extra_loss: "Callable[[torch.Tensor], torch.Tensor] | None" = None


class Painting:
    """The result of :func:`paint`: strokes, and the picture they make in their style.

    Attributes:
        strokes: :class:`~strokes.strokeset.StrokeSet` on a canvas of the painting's size.
        style: the :class:`~strokes.style.Style` that draws it.
        seconds: wall time the painter took.
    """

    def __init__(self, strokes: StrokeSet, style, seconds: float = 0.0):
        self.strokes = strokes
        self.style = style
        self.seconds = seconds
        self._image = None

    @property
    def image(self):
        """The painting as a PIL image (the style's reference rasterizer), at the canvas size."""
        if self._image is None:
            self._image = to_image(self.tensor())
        return self._image

    def tensor(self, device="cpu") -> torch.Tensor:
        """The painting as a ``(3, H, W)`` float tensor in [0, 1]."""
        s = self.strokes
        bg = torch.tensor(s.background, dtype=torch.float32, device=device).view(3, 1, 1)
        canvas = bg.repeat(1, s.height, s.width)
        return draw(canvas, s.to_tensor(device=device), self.style).clamp_(0, 1)

    def save(self, directory, npz: bool = False) -> Path:
        """Write ``painting.png`` and ``strokes.json`` (and ``strokes.npz``) into ``directory``, atomically."""
        from .files import save
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        save(self.strokes, out / "strokes.json")
        if npz:
            save(self.strokes, out / "strokes.npz")
        save_image(self.image, out / "painting.png")
        return out

    def __repr__(self) -> str:
        return f"Painting({len(self.strokes)} strokes, {self.strokes.width}x{self.strokes.height}, style {self.style.name!r})"


def _device(device) -> torch.device:
    from .boundary import device as checked_device
    return checked_device(device)


def _background(option, target: torch.Tensor) -> tuple[float, float, float]:
    if isinstance(option, str):
        if option == "auto":
            return tuple(float(v) for v in target.mean((1, 2)))
        raise PaintError(f"background: expected 'auto' or three numbers in [0, 1], got {option!r}")
    values = tuple(float(v) for v in option)
    if len(values) != 3 or not all(0.0 <= v <= 1.0 for v in values):
        raise PaintError(f"background: expected 'auto' or three numbers in [0, 1], got {option!r}")
    return values


def resize(image: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """``(3, H, W)`` to ``(3, *size)``, area-averaged when shrinking."""
    if tuple(image.shape[-2:]) == tuple(size):
        return image
    return F.interpolate(image[None], size=size, mode="bilinear", antialias=True, align_corners=False)[0].clamp(0, 1)


def _resumed(option, size, background) -> StrokeSet | None:
    if option is None:
        return None
    if not isinstance(option, StrokeSet):
        from .files import load
        option = load(option)
    return StrokeSet(option.params, width=size[1], height=size[0], background=option.background)


def paint(image, style="oil", strokes: int = 500, size: int = 512, seed: int = 0, device="auto",
          progress: bool = True, **options) -> Painting:
    """Paint ``image`` with exactly ``strokes`` strokes in ``style``.

    Args:
        image: a path, PIL image, array or ``(3, H, W)`` tensor in [0, 1]
            (anything :func:`strokes.load_image` reads).
        style: a style name or :class:`~strokes.style.Style`.
        strokes: how many strokes the painting has.
        size: longest side of the painting in pixels (the aspect ratio is kept).
        seed: the same seed gives the same strokes (on a CPU).
        device: ``"auto"``, ``"cpu"``, ``"cuda"``, ...
        progress: show a progress bar (level, strokes placed, loss, time left).
        **options: see :class:`PaintOptions`.

    Returns:
        a :class:`Painting` whose ``strokes`` canvas is the painting's size.
    """
    from .images import load_image
    from .registry import get_style, painting_style

    started = time.perf_counter()
    unknown = sorted(set(options) - set(PaintOptions.__dataclass_fields__))
    if unknown:
        raise PaintError(f"paint() got unknown option(s) {', '.join(unknown)}; "
                         f"options are: {', '.join(PaintOptions.__dataclass_fields__)}")
    opts = PaintOptions(**options)
    if not 1 <= int(strokes) <= MAX_STROKES:
        raise PaintError(f"strokes: expected a number of strokes from 1 to {MAX_STROKES} (the most a strokes "
                         f"file holds), got {strokes}")
    strokes = int(strokes)
    dev = _device(device)
    style = painting_style(style, seed=seed) if isinstance(style, str) else get_style(style)

    source = load_image(image, max_side=size)          # big pictures shrink while decoding
    H, W = canvas_size(source.shape[2], source.shape[1], size)
    if min(H, W) < MIN_SIDE:
        where = f"{image}: " if isinstance(image, (str, Path)) else ""
        raise PaintError(f"{where}painted at size {size}, this image is {W}x{H} pixels; the painter needs at "
                         f"least {MIN_SIDE} pixels on each side (a larger size, or crop the image)")
    target = resize(source.to(dev), (H, W))
    background = _background(opts.background, target)
    done = _resumed(opts.resume, (H, W), background)
    if done is not None:
        background = done.background
        if len(done) > strokes:
            raise PaintError(f"resume: the file already has {len(done)} strokes, more than the {strokes} asked for")
    params = done.to_tensor(device=dev) if done is not None else torch.zeros(0, 15, device=dev)
    bg = torch.tensor(background, dtype=torch.float32, device=dev)

    def painting_so_far() -> Painting:
        return Painting(StrokeSet(params, width=W, height=H, background=background), style,
                        time.perf_counter() - started)

    levels = plan(strokes, (H, W), opts.max_batch)
    drawers = _optimizing_renderers(opts.renderer, style, dev, len(levels))
    bar = _progress(progress, strokes, len(params))
    try:
        current = None
        for level, first, count in batches(levels):
            if first + count <= len(params):
                continue                                       # painted before the resume
            skip = max(0, len(params) - first)
            count -= skip
            if current is not level:                           # a new level: its working canvas
                current, drawer = level, drawers[level.index]
                work_target = resize(target, level.work)
                canvas = draw(bg.view(3, 1, 1).repeat(1, *level.work), params, drawer)
                angles = flow_angle(work_target, sigma=level.width * min(level.work) / 2)
            if bar is not None:
                bar.set_description(f"level {level.index + 1}/{len(levels)}")
            new, loss = _paint_batch(canvas, work_target, angles, level, count, drawer, bg, opts,
                                     np.random.default_rng([seed, first + skip]))
            canvas = draw(canvas, new, drawer)
            params = torch.cat([params, new])
            if opts.checkpoint is not None:
                painting_so_far().strokes.save(opts.checkpoint)
            if bar is not None:
                bar.set_postfix(loss=f"{loss:.4f}")
                bar.update(count)
            if opts.callback is not None:
                opts.callback(painting_so_far())
    finally:
        if bar is not None:
            bar.close()
    assert len(params) == strokes, (len(params), strokes)
    return painting_so_far()


def _paint_batch(canvas, target, angles, level, count, style, bg, opts, rng):
    """Seed ``count`` strokes where ``canvas`` is most wrong and optimize them together."""
    h, w = canvas.shape[-2:]
    width_px = level.width * min(h, w)
    length_px = LENGTH * width_px
    # Error at the scale of the new strokes: the difference is blurred before its size is taken,
    # so a style's own texture (zero-mean noise around the right colour) does not count as error.
    error = blur(canvas - target, SEED_BLUR * width_px).abs().sum(0)
    places = pick_places(error, count, spacing=length_px, rng=rng)
    init = initial_strokes(places, target, angles, width=width_px, length=length_px, opacity=0.98)
    bounds = Bounds.around(init, (h, w), reach=REACH * length_px,
                           width_low=WIDTH_RANGE[0] * level.width, width_high=WIDTH_RANGE[1] * level.width)
    return optimize_batch(init, bounds, canvas, target, style, bg, ot_weight=opts.ot_weight,
                          steps=opts.steps, lr=opts.lr, constrain=opts.constrain, extra_loss=opts.extra_loss)


class NeuralDrawer:
    """A neural renderer behind the :meth:`~strokes.style.Style.rasterize` interface, with the style's reach."""

    def __init__(self, renderer, style):
        self.renderer, self.reach, self.name = renderer, style.reach, style.name
        self.paint_path = style.paint_path

    def rasterize(self, params, size, window=None):
        return self.renderer(params, size, window=window)


def _optimizing_renderers(choice: str, style, device, levels: int) -> list:
    """What draws each level while optimizing (see :attr:`PaintOptions.renderer`)."""
    from .neural import has_renderer, load_renderer

    if choice not in ("auto", "style", "neural", "mixed"):
        raise PaintError(f"renderer: expected 'auto', 'style', 'neural' or 'mixed', got {choice!r}")
    if choice == "auto":
        choice = style.paint_renderer if has_renderer(style.name) else "style"
    if choice == "style":
        return [style] * levels
    neural = NeuralDrawer(load_renderer(style.name, device=device), style)
    return [neural] * levels if choice == "neural" else [neural] * (levels - 1) + [style]


def _progress(enabled: bool, total: int, initial: int):
    if not enabled:
        return None
    from tqdm.auto import tqdm
    return tqdm(total=total, initial=initial, unit="stroke", desc="painting", dynamic_ncols=True)
