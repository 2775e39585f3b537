"""A photo drawn in N lines: :func:`sketch` and :class:`Drawing`.

The idea is ARIEL's (Samaran and Launay): draw lines one by one, each the best
of many random candidates, then nudge it by gradient descent, under a loss
made blurry enough to have a gradient. What is ours, and what makes it fast:

* the aim is a line-drawing filter of the photo (:mod:`strokes.targets`,
  Sketchify's dodge by default), held as darkness, its dark areas turned
  into their outline and a few parallel hatching lines
  (:mod:`strokes.sketching.shading`), as a draughtsman shades;
* lines are placed a batch at a time on the edge pixels where the drawing is
  most too light (less often in texture, where the target has no clear
  direction), along the local edge direction, each the best of ``tries``
  candidates scored in closed form from the residual and stopped where its
  edge ends (:mod:`strokes.sketching.placing`);
* a batch is optimized together (ends, a slight bend, width, intensity) with a
  differentiable line rasterizer in per-line windows
  (:mod:`strokes.sketching.lines`) under a squared error on a Gaussian
  pyramid plus an optimal-transport term (:mod:`strokes.sketching.loss`),
  and keeps the length it was placed with;
* long lines first, shorter ones later (contours, then detail and shading).

Every batch costs the same, so time grows linearly with the line count. Lines
are ordinary strokes (a quadratic Bezier whose control point lies near the
chord), drawn in the end by a style (``pencil`` or ``pen``).

>>> import torch
>>> photo = torch.ones(3, 48, 64); photo[:, 10:38, 20:44] = 0.2
>>> d = sketch(photo, lines=12, size=64, progress=False)
>>> len(d.strokes), d.image.size
(12, (64, 48))
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import torch

from .painter import Painting
from .rendering import canvas_size
from .sketching.lines import draw_lines
from .sketching.optimize import LineBounds, Lines, optimize_lines
from .sketching.placing import best_lines, edge_direction, pick_slots
from .sketching.shading import shaded_target
from .strokeset import StrokeSet

MAX_LINES = 100_000
MAX_SIZE = 8192
PAPER = (1.0, 1.0, 1.0)
INK = (0.0, 0.0, 0.0)

__all__ = ["sketch", "Drawing", "SketchOptions", "SketchError", "drawing_darkness", "lines_to_strokes",
           "strokes_to_lines"]


class SketchError(ValueError):
    """A drawing request that cannot be carried out (bad option, image or resume file)."""


@dataclass
class SketchOptions:
    """Settings of the sketcher beyond the common ones of :func:`sketch`.

    min_width, max_width: line width range in pixels of the drawing.
    min_intensity: the lightest a line may get, in (0, 1].
    longest, shortest: line length at the start and at the end of the drawing,
        as a fraction of the drawing's longest side (long contours first).
    batch: lines placed and optimized together.
    tries: random candidates per line (the best is kept).
    steps: optimizer steps per batch; lr: Adam's learning rate.
    reach: how far an end may move while optimizing, as a share of the batch's line length.
    pyramid: weights of the Gaussian pyramid levels in the loss (full size first).
    ot_weight: weight of the optimal-transport term.
    contrast: the target's darkness is scaled so this quantile of the inked pixels is full black.
    darkest: the target's darkness is capped here (a drawing shades its darkest areas,
        it does not fill them in), which leaves more lines for the contours.
    fill: dark areas wider than about twice this share of the longest side are shaded
        with parallel hatching instead of being filled in (0: filled in, as the target has them).
    hatch_spacing: distance between those hatching lines, share of the longest side.
    spare: this many times more slots than lines are tried in a batch, the best kept
        (fewer lines wasted on the paper's specks).
    score_ink: the darkness a candidate line is scored with: a line runs on over pixels
        whose missing darkness is more than half of it (lower: longer lines over fainter edges).
    texture: where the target has no clear direction (texture, noise: its coherence is
        below 1), lines are placed less often, as ``max(coherence, texture)`` squared; 1: as often.
    target_options: keyword arguments of the target filter (e.g. ``{"blur": 6}`` for dodge).
    checkpoint: a ``.json`` / ``.npz`` path rewritten (atomically) after every batch.
    resume: lines already drawn (a StrokeSet or strokes file) to continue from.
    callback: called after every batch with the :class:`Drawing` so far.
    """

    min_width: float = 0.9
    max_width: float = 2.6
    min_intensity: float = 0.25
    longest: float = 0.16
    shortest: float = 0.035
    batch: int = 100
    tries: int = 64
    steps: int = 16
    lr: float = 0.12
    reach: float = 0.18
    pyramid: tuple = (1.0, 2.0, 3.0, 3.0, 2.0)
    ot_weight: float = 0.02
    contrast: float = 0.98
    darkest: float = 0.6
    fill: float = 0.004
    hatch_spacing: float = 0.014
    spare: float = 1.5
    score_ink: float = 0.5
    texture: float = 0.2
    target_options: dict | None = None
    checkpoint: "str | Path | None" = None
    resume: "StrokeSet | str | Path | None" = None
    callback: "Callable[[Drawing], None] | None" = None


class Drawing(Painting):
    """The result of :func:`sketch`: lines as strokes, and the picture they make in their style.

    Same as :class:`~strokes.painter.Painting` (``.strokes``, ``.image``,
    ``.tensor()``), but :meth:`save` writes ``drawing.png``.
    """

    PICTURE = "drawing.png"

    def __repr__(self) -> str:
        return f"Drawing({len(self.strokes)} lines, {self.strokes.width}x{self.strokes.height}, style {self.style.name!r})"


def drawing_darkness(source: torch.Tensor, target: str, contrast: float, **options) -> torch.Tensor:
    """What the lines aim at: darkness ``(H, W)`` in [0, 1] of the target filter of ``source`` ``(3, H, W)``.

    The filter's darkness (``1 - gray``) is scaled so the ``contrast`` quantile of
    its inked pixels is full black (a soft dodge becomes a drawing's range of tones).
    """
    from .targets import make_target
    dark = 1 - make_target(source, target, **options)[0]
    inked = dark[dark > 0.02]
    if inked.numel() == 0:
        return dark
    top = torch.quantile(inked[torch.randperm(inked.numel(), generator=torch.Generator().manual_seed(0))[:200_000]],
                         contrast) if inked.numel() > 16 else inked.max()
    return (dark / top.clamp(min=0.05)).clamp(0, 1)


def lines_to_strokes(lines: Lines, size, colors: torch.Tensor | None = None) -> torch.Tensor:
    """Lines in pixels to strokes ``(S, 15)``: the Bezier's midpoint is the line's middle point."""
    H, W = size
    S = len(lines)
    scale = lines.ends.new_tensor([W, H])
    p0, p2 = lines.ends[:, 0:2], lines.ends[:, 2:4]
    p1 = 2 * lines.mid - 0.5 * (p0 + p2)
    params = lines.ends.new_zeros(S, 15)
    params[:, 0:2] = (p0 / scale).clamp(0, 1)
    params[:, 2:4] = (p1 / scale).clamp(0, 1)
    params[:, 4:6] = (p2 / scale).clamp(0, 1)
    params[:, 6:8] = (lines.width / min(H, W)).clamp(0, 1).view(-1, 1)
    ink = colors if colors is not None else params.new_tensor(INK).expand(S, 3)
    params[:, 8:11] = ink
    params[:, 11:14] = ink
    params[:, 14] = lines.intensity.clamp(0, 1)
    return params


def strokes_to_lines(params: torch.Tensor, size) -> Lines:
    """Strokes ``(S, 15)`` back to lines in pixels (inverse of :func:`lines_to_strokes`)."""
    H, W = size
    scale = params.new_tensor([W, H])
    p0, p1, p2 = params[:, 0:2] * scale, params[:, 2:4] * scale, params[:, 4:6] * scale
    return Lines(torch.cat([p0, p2], 1), 0.25 * p0 + 0.5 * p1 + 0.25 * p2,
                 params[:, 6:8].mean(1) * min(H, W), params[:, 14].clone())


def _lengths(count: int, batch: int, longest_px: float, shortest_px: float) -> list[tuple[int, int, float]]:
    """``(first, count, length px)`` of every batch: line length falls geometrically from longest to shortest."""
    n = max(1, math.ceil(count / batch))
    out = []
    for k in range(n):
        f = (k + 0.5) / n
        out.append((k * batch, min(batch, count - k * batch), longest_px * (shortest_px / longest_px) ** f))
    return out


def sketch(image, lines: int = 800, size: int = 512, style="pencil", target: str = "dodge", seed: int = 0,
           color: bool = False, progress: bool = True, **options) -> Drawing:
    """Draw ``image`` with exactly ``lines`` lines.

    Args:
        image: a path, PIL image, array or ``(3, H, W)`` tensor in [0, 1].
        lines: how many lines the drawing has (1 to 100,000).
        size: longest side of the drawing in pixels (the aspect ratio is kept).
        style: ``"pencil"``, ``"pen"`` or any style name or :class:`~strokes.style.Style`.
        target: what the lines aim at: ``"dodge"``, ``"xdog"``, ``"threshold"``,
            ``"edges"`` or ``"image"`` (see :mod:`strokes.targets`).
        seed: the same seed gives the same lines (on a CPU).
        color: lines take the photo's colour where they lie (else black ink / graphite).
        progress: show a progress bar.
        **options: see :class:`SketchOptions`; and ``threads``, the torch threads the
            drawing runs on (default one, as the CLI; the caller's count is restored after).

    Returns:
        a :class:`Drawing` on white paper whose canvas is the drawing's size.
    """
    from .threads import thread_policy
    with thread_policy("paint", options.pop("threads", None)):
        return _sketch(image, lines, size, style, target, seed, color, progress, **options)


def _sketch(image, lines, size, style, target, seed, color, progress, **options) -> Drawing:
    from .images import load_image
    from .painter import resize
    from .registry import get_style
    from .targets import KINDS

    started = time.perf_counter()
    unknown = sorted(set(options) - set(SketchOptions.__dataclass_fields__))
    if unknown:
        raise SketchError(f"sketch() got unknown option(s) {', '.join(unknown)}; "
                          f"options are: {', '.join(SketchOptions.__dataclass_fields__)}")
    opts = SketchOptions(**options)
    _check(lines, size, target, opts, KINDS)
    lines, size = int(lines), int(size)
    if isinstance(style, str):
        style_options = {"seed": seed}
        if color and style == "pencil":
            style_options["monochrome"] = False
        style = get_style(style, **style_options)
    else:
        style = get_style(style)

    source = load_image(image)
    H, W = canvas_size(source.shape[2], source.shape[1], size)
    photo = resize(source, (H, W))
    goal = drawing_darkness(photo, target, opts.contrast, **(opts.target_options or {})).clamp(max=opts.darkest)
    if float(goal.max()) < 0.05:
        raise SketchError(f"target {target!r} of this image is blank paper (a flat image has no edges): "
                          f"nothing to draw; try --target image")
    longest = max(H, W)
    fill = max(1, round(opts.fill * longest)) if opts.fill > 0 else 0
    goal = shaded_target(goal, fill, max(4.0, opts.hatch_spacing * longest))
    done = _resumed(opts.resume, (H, W), lines)
    paper = torch.zeros(H, W)
    drawn = [done] if done is not None else []
    if done is not None and len(done):
        paper = draw_lines(paper, done.ends, done.mid, done.width, done.intensity)
    angle, clear = edge_direction(goal, sigma=2.0)
    focus = clear.clamp(min=opts.texture) ** 2                # texture (no clear direction) draws fewer lines
    bounds_width = (opts.min_width, opts.max_width)

    def drawing_so_far() -> Drawing:
        got = Lines.cat(drawn) if drawn else Lines(torch.zeros(0, 4), torch.zeros(0, 2), torch.zeros(0), torch.zeros(0))
        colors = _colors(photo, got) if color else None
        params = lines_to_strokes(got, (H, W), colors)
        return Drawing(StrokeSet(params, width=W, height=H, background=PAPER, meta={"kind": "drawing"}), style, time.perf_counter() - started)

    have = len(done) if done is not None else 0
    bar = _progress(progress, lines, have)
    try:
        for k, (first, count, length) in enumerate(_lengths(lines, opts.batch, opts.longest * longest,
                                                            opts.shortest * longest)):
            if first + count <= have:
                continue                                                  # drawn before the resume
            skip = max(0, have - first)
            count -= skip
            gen = torch.Generator().manual_seed(seed * 1_000_003 + k)
            residual = goal - paper
            slots = pick_slots(residual * focus, math.ceil(count * opts.spare), cell=max(2, int(length / 3)), generator=gen)
            intensity = 0.8
            ends, score = best_lines(residual, angle, slots, length, opts.tries, opts.score_ink, gen)
            ix, iy = slots[:, 0].long().clamp(0, W - 1), slots[:, 1].long().clamp(0, H - 1)
            ends = ends[(score * focus[iy, ix]).topk(count).indices.sort().values]
            mid = 0.5 * (ends[:, 0:2] + ends[:, 2:4])
            start = Lines(ends, mid, torch.full((count,), 0.5 * sum(bounds_width)), torch.full((count,), intensity))
            bounds = LineBounds(opts.reach * length, *bounds_width, opts.min_intensity)
            new, loss = optimize_lines(start, bounds, paper, goal, opts.steps, opts.lr, opts.pyramid, opts.ot_weight)
            paper = draw_lines(paper, new.ends, new.mid, new.width, new.intensity)
            drawn.append(new)
            have += count
            if opts.checkpoint is not None:
                drawing_so_far().strokes.save(opts.checkpoint)
            if bar is not None:
                bar.set_postfix(loss=f"{loss:.4f}", length=f"{length:.0f}px")
                bar.update(count)
            if opts.callback is not None:
                opts.callback(drawing_so_far())
    finally:
        if bar is not None:
            bar.close()
    result = drawing_so_far()
    assert len(result.strokes) == lines, (len(result.strokes), lines)
    return result


def _check(lines, size, target, opts: SketchOptions, kinds) -> None:
    if isinstance(lines, bool) or not isinstance(lines, (int, float)) or lines != int(lines) \
            or not 1 <= lines <= MAX_LINES:
        raise SketchError(f"lines: expected a whole number of lines from 1 to {MAX_LINES:,}, got {lines!r}")
    if isinstance(size, bool) or not isinstance(size, (int, float)) or size != int(size) or not 8 <= size <= MAX_SIZE:
        raise SketchError(f"size: expected a longest side from 8 to {MAX_SIZE} pixels, got {size!r}")
    if target not in kinds:
        raise SketchError(f"target: expected one of {', '.join(kinds)}, got {target!r}")
    if not 0 < opts.min_width <= opts.max_width <= 64:
        raise SketchError(f"min_width, max_width: expected 0 < min_width <= max_width <= 64 pixels, "
                          f"got {opts.min_width} and {opts.max_width}")
    if not 0 <= opts.fill <= 0.1:
        raise SketchError(f"fill: expected a share of the longest side in [0, 0.1], got {opts.fill}")
    if not 0 < opts.hatch_spacing <= 0.5:
        raise SketchError(f"hatch_spacing: expected a share of the longest side in (0, 0.5], got {opts.hatch_spacing}")
    if not 0 < opts.texture <= 1:
        raise SketchError(f"texture: expected a number in (0, 1], got {opts.texture}")
    if not 1 <= opts.spare <= 8:
        raise SketchError(f"spare: expected a number from 1 to 8, got {opts.spare}")
    if not 0 < opts.darkest <= 1:
        raise SketchError(f"darkest: expected a number in (0, 1], got {opts.darkest}")
    if not 0 < opts.min_intensity <= 1:
        raise SketchError(f"min_intensity: expected a number in (0, 1], got {opts.min_intensity}")
    if not 0 < opts.shortest <= opts.longest <= 1:
        raise SketchError(f"shortest, longest: expected 0 < shortest <= longest <= 1, got {opts.shortest} "
                          f"and {opts.longest}")
    for name in ("batch", "tries", "steps"):
        value = getattr(opts, name)
        if not isinstance(value, int) or value < (0 if name == "steps" else 1):
            raise SketchError(f"{name}: expected a positive whole number, got {value!r}")


def _resumed(option, size, lines: int) -> Lines | None:
    if option is None:
        return None
    if not isinstance(option, StrokeSet):
        from .files import load
        option = load(option)
    if len(option) > lines:
        raise SketchError(f"resume: the file already has {len(option)} lines, more than the {lines} asked for")
    return strokes_to_lines(option.to_tensor(), size)


def _colors(photo: torch.Tensor, got: Lines) -> torch.Tensor:
    """The photo's colour ``(S, 3)`` under each line's middle, a little darker so lines read on paper."""
    _, H, W = photo.shape
    ix = got.mid[:, 0].long().clamp(0, W - 1)
    iy = got.mid[:, 1].long().clamp(0, H - 1)
    return (photo[:, iy, ix].T * 0.8).clamp(0, 1)


def _progress(enabled: bool, total: int, initial: int):
    if not enabled:
        return None
    from tqdm.auto import tqdm
    return tqdm(total=total, initial=initial, unit="line", desc="drawing", dynamic_ncols=True)


def options_dict(opts: SketchOptions) -> dict:
    """The options as plain values (for a benchmark's record)."""
    d = asdict(opts)
    for k in ("checkpoint", "resume", "callback"):
        d.pop(k)
    return d
