"""ARIEL's greedy loop, re-implemented as the baseline of the sketch benchmark.

As the ARIEL README describes it: lines are drawn one at a time; for each,
``candidates`` random straight lines are tried (100 by default), the one that
lowers the loss most when added to the drawing is kept, and then a few
optimizer steps (Adamax, on the four end coordinates only) nudge it; width,
intensity and decay are fixed. What differs, and why:

* the loss is the sketcher's own (squared darkness error on a Gaussian
  pyramid against the same dodge target: ARIEL's "blurring trick" in its
  systematic form) instead of a VGG content loss, because no pretrained
  network may be downloaded; the comparison is of the *loop*, not the loss;
* the 100 candidates are scored in one vectorized pass (kinder to ARIEL
  than its Python loop), and the drawing so far is kept as one cached
  canvas (ARIEL's slow-down with every line is not reproduced).

So it gets every advantage but the batching and the placement where the
drawing is wrong; it runs until its time budget is spent.
"""
from __future__ import annotations

import time

import torch

from strokes.painting.optimize import Adam
from strokes.sketching.lines import lay_lines, line_darkness, line_strips
from strokes.sketching.loss import halve
from strokes.sketching.optimize import Lines

WEIGHTS = (1.0, 2.0, 3.0, 3.0, 2.0)


def _pyramid_losses(drawings: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Per-drawing pyramid loss of ``(K, H, W)`` drawings against ``(H, W)``: ``(K,)``."""
    diff = (drawings - target)[:, None]
    total = drawings.new_zeros(len(drawings))
    for k, w in enumerate(WEIGHTS):
        if k:
            if min(diff.shape[-2:]) < 8:
                break
            diff = halve(diff)
        total = total + w * (diff * diff).mean((1, 2, 3))
    return total


def ariel_loop(goal: torch.Tensor, seconds: float, length: float, width: float = 1.5, intensity: float = 0.8,
               candidates: int = 100, steps: int = 5, lr: float = 0.5, max_lines: int = 100_000,
               seed: int = 0) -> tuple[Lines, torch.Tensor]:
    """Draw lines on ``goal`` darkness ``(H, W)`` one at a time for ``seconds``; returns the lines and the drawing."""
    H, W = goal.shape
    gen = torch.Generator().manual_seed(seed)
    paper = torch.zeros(H, W)
    kept = []
    w = torch.tensor([width])
    i0 = torch.tensor([intensity])
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop and len(kept) < max_lines:
        # 100 random lines anywhere, random direction, lengths up to ``length``.
        c = torch.rand(candidates, 2, generator=gen) * torch.tensor([W, H])
        theta = torch.rand(candidates, generator=gen) * torch.pi
        half = 0.5 * length * (0.4 + 0.6 * torch.rand(candidates, generator=gen))
        d = torch.stack([theta.cos(), theta.sin()], 1) * half[:, None]
        ends = torch.cat([c - d, c + d], 1)
        mid = c
        px, py, index = line_strips(ends, mid, width, (H, W))
        dark = line_darkness(ends, mid, w.expand(candidates), i0.expand(candidates), px, py)
        # Each candidate on its own copy of the drawing.
        n = dark[0].numel()
        flat = index.view(candidates, n)
        clear = torch.log1p(-dark.clamp(0, 0.98)).view(candidates, n)
        through = torch.zeros(candidates, H * W + 1).scatter_add_(1, flat, clear)[:, :H * W].view(candidates, H, W)
        drawings = 1 - (1 - paper) * through.exp()
        best = int(_pyramid_losses(drawings, goal).argmin())
        # A few optimizer steps on the chosen line's two ends.
        e = ends[best:best + 1].clone().requires_grad_(True)
        opt = Adam(e, lr)
        for _ in range(steps):
            m = 0.5 * (e[:, 0:2] + e[:, 2:4])
            px, py, index = line_strips(e.detach(), m.detach(), width, (H, W))
            drawing = lay_lines(paper, line_darkness(e, m, w, i0, px, py), index)
            loss = _pyramid_losses(drawing[None], goal)[0]
            grad, = torch.autograd.grad(loss, e)
            opt.step(grad)
        e = e.detach()
        m = 0.5 * (e[:, 0:2] + e[:, 2:4])
        px, py, index = line_strips(e, m, width, (H, W))
        paper = lay_lines(paper, line_darkness(e, m, w, i0, px, py), index)
        kept.append(Lines(e, m, w.clone(), i0.clone()))
    lines = Lines.cat(kept) if kept else Lines(torch.zeros(0, 4), torch.zeros(0, 2), torch.zeros(0), torch.zeros(0))
    return lines, paper
