"""Paint an image into N strokes: :func:`paint` and :class:`Painting`.

The method follows *Stylized Neural Painting* (Zou et al., CVPR 2021) in its
essentials: strokes are optimized directly against the image, many at once,
under a pixel loss plus an optimal-transport loss, coarse to fine. What is
ours: the plan of levels and batches (:mod:`strokes.painting.schedule`),
each stroke of a batch chosen, before the batch is optimized, as the best
of many trial strokes where the canvas is most wrong, half of them along
the local flow of the image, then hill-climbed (:mod:`strokes.painting.seeding`;
more search per stroke when there are few), and
every stroke drawn only in its own small window (:func:`strokes.rendering.draw`), which keeps a batch cheap
on a CPU. The saved picture is drawn by the style's reference rasterizer.

>>> import torch
>>> target = torch.linspace(0, 1, 48 * 32).view(1, 32, 48).repeat(3, 1, 1)
>>> p = paint(target, style="marker", strokes=6, size=48, progress=False)
>>> len(p.strokes), p.image.size
(6, (48, 32))
"""
from __future__ import annotations

import math
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
from .layout import COLOR_END, COLOR_START
from .painting.count import auto_strokes
from .painting.optimize import BEND, Bounds, optimize_batch
from .painting.retouch import retouch
from .painting.schedule import LENGTH, batches, plan
from .painting.seeding import choose_strokes, flow_angle, search
from .rendering import canvas_size, draw, to_image
from .strokeset import StrokeSet
from .threads import thread_policy

WIDTH_RANGE = (0.35, 1.4)  # a stroke's width may range over these multiples of its level's width
WIDTHS_TRIED = (0.5, 1.4)  # the trial strokes a stroke is chosen from are this many times its level's width
MIN_SIDE = 8        # the shortest side of a canvas the painter works on, pixels
REACH = 1.1         # a control point may move this many stroke lengths from where its stroke was chosen
RETOUCH_SIDE = 1024 # the colours are retouched on a canvas at most this large (longest side)


__all__ = ["paint", "Painting", "PaintOptions", "PaintError"]


@dataclass
class PaintOptions:
    """Settings of the painter beyond the common ones of :func:`paint`.

    detail: scales the stroke count of ``strokes="auto"`` (:mod:`strokes.painting.count`).
    min_width, max_width: the narrowest and widest a stroke may be, in pixels of the
        painting (``None``: no limit beyond the plan's own).
    flat: one colour per stroke (the end colour is the start colour), e.g. to repaint by hand.
    opaque: every stroke at opacity 1 (for a robot or a physical painting).
    style_options: options of the style (``{"bristles": 0.3}``), as ``render`` takes them.
    background: the ground, RGB in [0, 1], or ``"auto"`` (the image's mean colour, a toned
        ground); ``None``: the style's :attr:`~strokes.style.Style.ground` (white, as gesso or
        paper, for all but pencil). On white the strokes cover the whole picture; on a toned
        ground they leave it bare wherever the picture is near its colour (1-3% of the pixels
        of a 500-stroke photo; docs/gallery.md).
    ot_weight: weight of the optimal-transport loss next to the pixel loss.
    bend: how strongly strokes are kept straight where the picture does not ask for a curve
        (0: free to curl; see :func:`strokes.painting.optimize.bending`).
    steps: optimizer steps per batch.
    lr: Adam learning rate (on the unconstrained parameters).
    max_batch: most strokes optimized together.
    renderer: what draws strokes while optimizing: ``"style"`` (the style's own
        differentiable reference rasterizer, its noise textures left out while
        optimizing and laid once per batch), ``"neural"`` (its trained neural
        renderer, :func:`strokes.load_renderer`), ``"mixed"`` (the neural renderer
        for every level but the last, the style for the last) or ``"auto"``
        (the style's :attr:`~strokes.style.Style.paint_renderer`, when it has a neural renderer).
        The final picture is always drawn by the style itself.
    retouch: once every stroke is laid, fit all their colours anew, together, against the
        picture with its textures (:mod:`strokes.painting.retouch`; not with ``constrain`` or
        ``extra_loss``, whose colours it would undo).
    threads: torch threads for the call (the caller's setting is restored afterwards;
        :mod:`strokes.threads`).
    checkpoint: a ``.json`` / ``.npz`` path rewritten (atomically) after every batch.
    resume: strokes already painted (a StrokeSet or a strokes file) to continue from.
    callback: called after every batch with the :class:`Painting` so far.
    constrain: ``f(strokes (S, 15)) -> strokes (S, 15)`` applied to every batch as it is
        optimized (e.g. :class:`strokes.color.palette.PaletteSnap`: colours snapped to paints).
        If it has a ``seed(strokes, canvas)`` method, that also sets each new batch's starting
        strokes from the working canvas under them (unless ``opaque``).
    extra_loss: ``f(canvas (3, h, w)) -> scalar tensor`` added to the loss of every step
        (e.g. :class:`strokes.color.style_image.StyleLoss`); ``canvas`` is the level's working canvas.
    """

    detail: float = 1.0
    min_width: "float | None" = None
    max_width: "float | None" = None
    flat: bool = False
    opaque: bool = False
    style_options: "dict | None" = None
    background: "str | Sequence[float] | None" = None
    ot_weight: float = 0.1
    bend: float = BEND
    steps: int = 40
    lr: float = 0.25
    max_batch: int = 100
    renderer: str = "auto"
    retouch: bool = True
    threads: int = 1
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

    PICTURE = "painting.png"   # the picture's file name in a saved folder

    def save(self, directory, npz: bool = False) -> Path:
        """Write the picture (:attr:`PICTURE`) and ``strokes.json`` (and ``strokes.npz``) into ``directory``, atomically."""
        from .files import save
        picture = self.image                      # drawn before anything is written: a failure leaves nothing
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        save(self.strokes, out / "strokes.json")
        if npz:
            save(self.strokes, out / "strokes.npz")
        save_image(picture, out / self.PICTURE)
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
    return StrokeSet(option.params, width=size[1], height=size[0], background=option.background, meta=option.meta)


def paint(image, style="oil", strokes: "int | str" = "auto", size: int = 512, seed: int = 0, device="auto",
          progress: bool = True, **options) -> Painting:
    """Paint ``image`` in ``style``, with exactly ``strokes`` strokes (or as many as it needs).

    Args:
        image: a path, PIL image, array or ``(3, H, W)`` tensor in [0, 1]
            (anything :func:`strokes.load_image` reads).
        style: a style name or :class:`~strokes.style.Style`.
        strokes: how many strokes the painting has, or ``"auto"``: a count from the
            canvas area and the image's detail (:mod:`strokes.painting.count`; about
            500 at 512 px, twice that at twice the side), scaled by ``detail``.
        size: longest side of the painting in pixels (the aspect ratio is kept).
        seed: the same seed gives the same strokes (on a CPU).
        device: ``"auto"``, ``"cpu"``, ``"cuda"``, ...
        progress: show a progress bar (level, strokes placed, loss, time left).
        **options: see :class:`PaintOptions`.

    Runs on one torch thread (``threads``) and gives the caller's setting back afterwards.

    Returns:
        a :class:`Painting` whose ``strokes`` canvas is the painting's size; its
        ``strokes.meta["painter"]`` records the settings it was painted with.
    """
    unknown = sorted(set(options) - set(PaintOptions.__dataclass_fields__))
    if unknown:
        raise PaintError(f"paint() got unknown option(s) {', '.join(unknown)}; "
                         f"options are: {', '.join(PaintOptions.__dataclass_fields__)}")
    opts = PaintOptions(**options)
    if not isinstance(opts.threads, int) or opts.threads < 1:
        raise PaintError(f"threads: expected a positive whole number, got {opts.threads!r}")
    with thread_policy("paint", opts.threads):
        return _paint(image, style, strokes, size, seed, device, progress, opts)


def _paint(image, style, strokes, size, seed, device, progress, opts: PaintOptions) -> Painting:
    from .images import load_image
    from .registry import get_style, painting_style

    started = time.perf_counter()
    dev = _device(device)
    style_options = dict(opts.style_options or {})
    if "seed" in style_options:
        raise PaintError("style_options: give the seed as paint(seed=...), not as a style option")
    style = painting_style(style, seed=seed, **style_options) if isinstance(style, str) else get_style(style)

    source = load_image(image, max_side=size)          # big pictures shrink while decoding
    H, W = canvas_size(source.shape[2], source.shape[1], size)
    if min(H, W) < MIN_SIDE:
        where = f"{image}: " if isinstance(image, (str, Path)) else ""
        raise PaintError(f"{where}painted at size {size}, this image is {W}x{H} pixels; the painter needs at "
                         f"least {MIN_SIDE} pixels on each side (a larger size, or crop the image)")
    target = resize(source.to(dev), (H, W))
    strokes = _stroke_count(strokes, source, (H, W), opts.detail)
    if not 1 <= strokes <= MAX_STROKES:
        raise PaintError(f"strokes: expected a number of strokes from 1 to {MAX_STROKES} (the most a strokes "
                         f"file holds), got {strokes}")
    limits = _width_limits(opts.min_width, opts.max_width, (H, W))
    background = _background(style.ground if opts.background is None else opts.background, target)
    done = _resumed(opts.resume, (H, W), background)
    if done is not None:
        background = done.background
        if len(done) > strokes:
            raise PaintError(f"resume: the file already has {len(done)} strokes, more than the {strokes} asked for")
    params = done.to_tensor(device=dev) if done is not None else torch.zeros(0, 15, device=dev)
    bg = torch.tensor(background, dtype=torch.float32, device=dev)
    metadata = {"kind": "painting", "painter": {"strokes": strokes, "size": size, "seed": seed, "style": style.name,
                            "style_options": {k: v for k, v in style.options().items() if k != "seed"},
                            "detail": opts.detail, "min_width": opts.min_width, "max_width": opts.max_width,
                            "flat": opts.flat, "opaque": opts.opaque, "retouch": opts.retouch}}

    def painting_so_far() -> Painting:
        return Painting(StrokeSet(params, width=W, height=H, background=background, meta=metadata), style,
                        time.perf_counter() - started)

    levels = plan(strokes, (H, W), opts.max_batch, widths=limits)
    effort = search(strokes)                                   # trials and hill-climb rounds per stroke
    drawers = _optimizing_renderers(opts.renderer, style, dev, len(levels))
    bar = PaintProgress(progress, levels, opts.steps, strokes, len(params))
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
            bar.start_batch(level, count)
            new, loss = _paint_batch(canvas, work_target, angles, level, count, drawer, bg, opts, limits,
                                     np.random.default_rng([seed, first + skip]), effort, bar.step)
            canvas = draw(canvas, new, drawer)
            params = torch.cat([params, new])
            if opts.checkpoint is not None:
                painting_so_far().strokes.save(opts.checkpoint)
            bar.end_batch(len(params), loss)
            if opts.callback is not None:
                opts.callback(painting_so_far())
        assert len(params) == strokes, (len(params), strokes)
        if opts.retouch and opts.constrain is None and opts.extra_loss is None:
            # A finished painting continued keeps its strokes as they were; a checkpoint's strokes are
            # retouched with the rest, as if the run had not stopped.
            bar.say("retouching the colours")
            keep = len(done) if done is not None and done.meta.get(FINISHED) else 0
            params = _retouched(params, style, target, background, levels, opts.flat, keep)
    finally:
        bar.close()
    metadata[FINISHED] = True
    if opts.checkpoint is not None:
        painting_so_far().strokes.save(opts.checkpoint)
    return painting_so_far()


FINISHED = "finished"   # in a strokes file's metadata: the painting was finished (a checkpoint is not)


def _retouched(params, style, target, background, levels, flat: bool, keep: int):
    """Every stroke's colours (from ``keep`` on) fitted anew, together (:mod:`strokes.painting.retouch`),
    on the last level's working canvas (at most ``RETOUCH_SIDE`` pixels on its longest side)."""
    h, w = levels[-1].work
    scale = min(1.0, RETOUCH_SIDE / max(h, w))
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    return retouch(params, style, resize(target, size), background, flat=flat, keep=keep)


def _stroke_count(strokes, source: torch.Tensor, size, detail) -> int:
    if isinstance(strokes, str):
        if strokes.strip().lower() != "auto":
            raise PaintError(f"strokes: expected a positive number or 'auto', got {strokes!r}")
        try:
            return auto_strokes(source, size, detail)
        except ValueError as exc:
            raise PaintError(str(exc)) from None
    if isinstance(strokes, bool) or not isinstance(strokes, (int, np.integer)) or int(strokes) < 1:
        raise PaintError(f"strokes: expected a positive number of strokes or 'auto', got {strokes!r}")
    return int(strokes)


def _width_limits(low, high, size) -> tuple[float, float]:
    """``min_width`` / ``max_width`` in pixels of the painting to fractions of its shorter side."""
    short = min(size)
    for name, v in (("min_width", low), ("max_width", high)):
        if v is not None and not (isinstance(v, (int, float)) and v > 0 and math.isfinite(v)):
            raise PaintError(f"{name}: expected a positive number of pixels, got {v!r}")
    lo = 0.0 if low is None else low / short
    hi = 1.0 if high is None else high / short
    if lo > hi:
        raise PaintError(f"min_width {low} px is more than max_width {high} px")
    return lo, hi


def _paint_batch(canvas, target, angles, level, count, style, bg, opts, limits, rng, effort, on_step=None):
    """Choose ``count`` strokes where ``canvas`` is most wrong (``effort``: trials and rounds of hill
    climb per stroke, :func:`strokes.painting.seeding.search`) and optimize them together."""
    h, w = canvas.shape[-2:]
    length_px = LENGTH * level.width * min(h, w)
    low = min(max(WIDTH_RANGE[0] * level.width, limits[0]), limits[1])
    high = max(min(WIDTH_RANGE[1] * level.width, limits[1]), low * (1 + 1e-6))
    tried = tuple(min(max(v * level.width, low), high) * min(h, w) for v in WIDTHS_TRIED)   # within the limits
    tries, climbs = effort
    init = choose_strokes(canvas, target, angles, count, tried, length_px, rng, opacity=1.0 if opts.opaque else 0.98,
                          tries=tries, climbs=climbs)
    if opts.flat:
        mean = 0.5 * (init[:, COLOR_START] + init[:, COLOR_END])
        init[:, COLOR_START], init[:, COLOR_END] = mean, mean
    if hasattr(opts.constrain, "seed") and not opts.opaque:
        init = opts.constrain.seed(init, canvas)
    bounds = Bounds.around(init, (h, w), reach=REACH * length_px, width_low=low, width_high=high,
                           flat=opts.flat, opaque=opts.opaque)
    return optimize_batch(init, bounds, canvas, target, style, bg, ot_weight=opts.ot_weight,
                          steps=opts.steps, lr=opts.lr, on_step=on_step, constrain=opts.constrain,
                          extra_loss=opts.extra_loss, bend=opts.bend)


class NeuralDrawer:
    """A neural renderer behind the :meth:`~strokes.style.Style.rasterize` interface, with the style's reach."""

    def __init__(self, renderer, style):
        self.renderer, self.reach, self.name, self.points_lr = renderer, style.reach, style.name, style.points_lr
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


class PaintProgress:
    """The progress bar: it advances after every optimizer step, in units of estimated work.

    Every batch is weighed by what a step of it costs (the working canvas plus
    the strokes' windows, in pixels) times its steps, so the rate (and the time
    left) stays steady from level to level; the time left is the work left over
    the average rate so far. Shows level, strokes placed and the last loss.
    """

    def __init__(self, enabled: bool, levels, steps: int, total: int, initial: int):
        self.bar = None
        self.steps = max(1, steps)
        if not enabled:
            return
        from tqdm.auto import tqdm
        self.weights = {lv.index: self._weight(lv) for lv in levels}
        self.levels = len(levels)
        self.total = total
        work = sum(self.weights[lv.index] * lv.count for lv in levels)
        done = 0.0
        left = initial
        for lv in levels:
            take = min(left, lv.count)
            done += self.weights[lv.index] * take
            left -= take
        self.bar = tqdm(total=round(work), initial=round(done), desc="painting", smoothing=0, dynamic_ncols=True,
                        bar_format="{desc} {percentage:3.0f}%|{bar}| {postfix} [{elapsed}<{remaining}]")
        self.per_step = 0.0
        self.carry = done - round(done)
        self.bar.set_postfix_str(f"{initial}/{total} strokes")

    @staticmethod
    def _weight(level) -> float:
        """Estimated work of one stroke of ``level``: pixels touched per step, times the steps (up to a constant)."""
        h, w = level.work
        side = level.width * min(h, w) * (LENGTH * (1 + 2 * REACH) + 1.5)
        return (h * w / level.batch + side * side)

    def start_batch(self, level, count: int) -> None:
        if self.bar is None:
            return
        self.per_step = self.weights[level.index] * count / self.steps
        self.bar.set_description(f"level {level.index + 1}/{self.levels}")

    def step(self, k: int) -> None:
        if self.bar is None:
            return
        self.carry += self.per_step
        whole = int(self.carry)
        if whole:
            self.bar.update(whole)
            self.carry -= whole

    def end_batch(self, placed: int, loss: float) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(f"{placed}/{self.total} strokes, loss {loss:.4f}")

    def say(self, what: str) -> None:
        """Show what the painter does after the last step (the bar stays full)."""
        if self.bar is not None:
            self.bar.set_description(what)
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
