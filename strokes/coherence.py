"""Strokes that hold still: a painting of frame t re-optimized from frame t-1's strokes.

:func:`repaint` takes the strokes of the previous frame's painting, keeps
every stroke (same count, same order: stroke ``i`` of frame t is stroke ``i``
of frame t-1), first carries each stroke with its paint
(:func:`strokes.motion.carry`: block matching on where the stroke shows, so
a camera pan moves every stroke and a moving ball the strokes that paint
it), then re-optimizes only the strokes whose box still holds a changed
pixel, with fewer steps (``STEPS``) than a fresh painting. Strokes away
from any change stay bit for bit as they were, so still parts of the video
do not flicker at all, and moving parts are followed by the strokes already
there instead of being painted anew.

It walks the painter's own plan (:func:`strokes.painting.schedule.plan`):
level by level, batch by batch, each batch's changed strokes optimized over
the canvas of all strokes below them, on the level's working canvas, as the
painter painted them. A control point may move ``MOTION`` stroke lengths
from where it was carried, and a stroke keeps its level's width range.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .geometry import stroke_boxes
from .layout import COLOR_END, COLOR_START, POINTS, WIDTHS
from .motion import carry, shift_strokes
from .painting.optimize import Bounds, optimize_batch
from .painting.retouch import retouch
from .painting.schedule import LENGTH, batches, plan
from .painting.seeding import blur, choose_strokes, flow_angle, search
from .painter import REACH, WIDTH_RANGE, WIDTHS_TRIED
from .rendering import draw

MOTION = 0.5                # a control point may move this many stroke lengths from where it was carried
RECOLOR = 0.3               # a stroke whose ends now lie on a colour this far (sum over RGB) from before changes colour
RESEED = 0.5                # a stroke whose box changed this much on average (sum over RGB) is painted anew
STEPS = 16                  # optimizer steps per batch for a frame painted from the one before
CHANGE = 0.06               # a pixel changed when its colour moved by more than this (sum over RGB, blurred)

__all__ = ["repaint", "changed_pixels", "MOTION", "CHANGE", "STEPS"]


def _resize(image: torch.Tensor, size) -> torch.Tensor:
    if tuple(image.shape[-2:]) == tuple(size):
        return image
    return F.interpolate(image[None], size=size, mode="bilinear", antialias=True, align_corners=False)[0]


def changed_pixels(now: torch.Tensor, before: torch.Tensor, threshold: float = CHANGE) -> torch.Tensor:
    """``(H, W)`` bool: where frame ``now`` differs from ``before`` (both ``(3, H, W)`` in [0, 1]).

    The difference is blurred over about a pixel first, so compression noise
    and single-pixel jitter do not count as change.

    >>> a = torch.zeros(3, 8, 8); b = a.clone(); b[:, 2:4, 2:4] = 1
    >>> int(changed_pixels(b, a).sum()) > 0, bool(changed_pixels(a, a).any())
    (True, False)
    """
    diff = blur((now - before).abs().sum(0, keepdim=True), 1.0)[0]
    return diff > threshold


def _motion_bounds(params: torch.Tensor, size, motion_px: float, level_width: float, most_px: float) -> Bounds:
    """A box per stroke around all its control points, grown by ``motion_px``: every stroke starts inside.

    The box reaches at most ``most_px + motion_px`` from its centre (``most_px``: how far the painter
    let a control point go from where it was seeded), so a stroke cannot grow from frame to frame,
    nor its window, and with it the time per frame.
    """
    H, W = size
    scale = params.new_tensor([W, H])
    pts = params[:, POINTS].view(-1, 3, 2) * scale
    centre = 0.5 * (pts.amin(1) + pts.amax(1))
    half = (0.5 * (pts.amax(1) - pts.amin(1))).clamp(max=most_px) + motion_px
    low = (centre - half).clamp(min=0).minimum(scale)
    high = (centre + half).minimum(scale).clamp(min=0)
    width = params[:, WIDTHS]
    width_low = min(WIDTH_RANGE[0] * level_width, float(width.min()))
    width_high = max(WIDTH_RANGE[1] * level_width, float(width.max()))
    return Bounds(low, high, width_low, width_high)


def _recolored(params: torch.Tensor, previous: torch.Tensor, now: torch.Tensor, then: torch.Tensor) -> torch.Tensor:
    """Strokes whose ends now lie on a picture of another colour (an object moved in) take the colour found there.

    The picture is sampled as the painter seeds colours (near each end; ``now`` and
    ``then``, this frame and the one before, come blurred by :func:`_smoothed`): in this
    frame where the carried stroke ``params`` lies, in the frame before where it lay
    then (``previous``). Only where the two differ
    by more than ``RECOLOR`` does the end take this frame's colour; a stroke over the
    same picture as before keeps its own, even one that differs from the picture
    (a darker glaze, a stroke covered by later ones).
    """
    H, W = now.shape[-2:]
    scale = params.new_tensor([W, H])

    def under(picture, strokes, end):
        pts = strokes[:, POINTS].view(-1, 3, 2) * scale
        p = 0.7 * pts[:, end] + 0.3 * pts[:, 1]
        qx = p[:, 0].long().clamp(0, W - 1)
        qy = p[:, 1].long().clamp(0, H - 1)
        return picture[:, qy, qx].T                                  # (S, 3)

    out = params.clone()
    for end, cols in ((0, COLOR_START), (2, COLOR_END)):
        found = under(now, params, end)
        far = (found - under(then, previous, end)).abs().sum(1) > RECOLOR
        out[far, cols] = found[far]
    return out


def _smoothed(picture: torch.Tensor, level_width: float) -> torch.Tensor:
    """``picture`` blurred as the painter samples a stroke's colour, at a level's stroke width."""
    return blur(picture, level_width * min(picture.shape[-2:]) / 3)


def repaint(previous: torch.Tensor, target: torch.Tensor, before: torch.Tensor, style, background,
            steps: int = STEPS, lr: float = 0.15, ot_weight: float = 0.1, max_batch: int = 100,
            threshold: float = CHANGE, seed=0, bend: float = 0.0) -> tuple[torch.Tensor, float]:
    """Frame t's strokes ``(S, 15)`` from frame t-1's ``previous`` ``(S, 15)``.

    Every stroke is first carried with the paint under it (:func:`strokes.motion.carry`:
    a camera pan moves them all, a moving object the strokes that paint it).
    Strokes whose box still holds a changed pixel once carried are re-optimized
    from there (recoloured first where an object of another colour moved in);
    a stroke whose box changed a lot on average (``RESEED``: something moved
    through it that it could not follow) is chosen anew as the painter chooses its strokes
    (:func:`strokes.painting.seeding.choose_strokes`), where the canvas is most wrong under
    such strokes, and keeps its place in the order.

    Args:
        previous: strokes of the previous frame's painting, canvas-relative.
        target: this frame ``(3, H, W)`` in [0, 1] at the painting's size.
        before: the previous frame ``(3, H, W)``, to find what moved and what changed.
        style: what draws the strokes (a :class:`~strokes.style.Style`).
        background: RGB of the bare canvas.
        steps: optimizer steps per batch (a fresh painting takes the painter's ``steps``).
        seed: seeds the places of re-seeded strokes (give the frame number too).
        bend: the painter's straightening term (:func:`strokes.painting.optimize.bending`);
            video leaves strokes free to curl (see :data:`strokes.paint_video.BEND`).

    Returns:
        ``(strokes (S, 15), share of strokes re-optimized)``.
    """
    S = len(previous)
    tries, climbs = search(S)                         # the painter's search for this many strokes
    H, W = target.shape[-2:]
    reach = style.reach
    carried = carry(previous.detach().cpu(), target.cpu(), before.cpu(), style, threshold=threshold)
    params = shift_strokes(previous.detach(), carried.shifts.to(previous.device), (H, W))
    active_all = (carried.changed > 0).to(params.device)
    anew_all = (carried.change > RESEED).to(params.device) & active_all
    bg = torch.as_tensor(background, dtype=torch.float32, device=target.device)
    moved = 0
    current = None
    for level, first, count in batches(plan(S, (H, W), max_batch)):
        if current is not level:
            current = level
            work_target = _resize(target, level.work).clamp(0, 1)
            now = _smoothed(work_target, level.width)
            then = _smoothed(_resize(before, level.work).clamp(0, 1), level.width)
            angles = None
            canvas = draw(bg.view(3, 1, 1).repeat(1, *level.work), params[:first], style)
        batch = params[first:first + count]
        active = active_all[first:first + count]
        if active.any():
            still = batch[~active]
            base = draw(canvas.clone(), still, style) if len(still) else canvas.clone()   # still strokes under the moving
            width_px = level.width * min(level.work)
            length_px = LENGTH * width_px
            start = _recolored(batch[active], previous[first:first + count][active], now, then)
            bounds = _motion_bounds(start, level.work, MOTION * length_px, level.width, REACH * length_px)
            anew = anew_all[first:first + count][active]
            if anew.any():
                if angles is None:
                    angles = flow_angle(work_target, sigma=level.width * min(level.work) / 2)
                where = _inside_boxes(stroke_boxes(start[anew], level.work, reach=reach), level.work)
                fresh = choose_strokes(base, work_target, angles, int(anew.sum()),
                                       tuple(v * width_px for v in WIDTHS_TRIED), length_px,
                                       np.random.default_rng([*np.atleast_1d(seed), first]), where=where,
                                       tries=tries, climbs=climbs)
                start[anew] = fresh
                seeded = Bounds.around(fresh, level.work, reach=REACH * length_px,
                                       width_low=WIDTH_RANGE[0] * level.width, width_high=WIDTH_RANGE[1] * level.width)
                bounds.low[anew], bounds.high[anew] = seeded.low, seeded.high
            # Full steps for the control points: a carried stroke follows what moved under it
            # (the style's smaller share holds a freshly chosen place; here it cost 0.2 dB).
            new, _ = optimize_batch(start, bounds, base, work_target, style, bg,
                                    ot_weight=ot_weight, steps=steps, lr=lr, bend=bend, points_lr=1.0)
            batch = batch.clone()
            batch[active] = new
            params[first:first + count] = batch
            moved += int(active.sum())
        canvas = draw(canvas, batch, style)           # in place
    if moved:                                         # their colours fitted anew, as a fresh frame's; the rest stay
        params = retouch(params, style, work_target, background, keep=~active_all)
    return params, moved / max(1, S)


def _inside_boxes(boxes: torch.Tensor, size) -> torch.Tensor:
    """``(H, W)`` 1 inside any of the boxes ``(S, 4)``, 0 elsewhere."""
    mask = torch.zeros(size, device=boxes.device)
    for t, l, b, r in boxes.tolist():
        mask[t:b, l:r] = 1
    return mask
