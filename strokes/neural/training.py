"""Training a neural renderer on samples its style's own ``rasterize`` draws on the fly.

Nothing is read from or written to disk but the checkpoint: every step draws
a fresh batch of random strokes (:mod:`strokes.neural.sampling`) with the
reference rasterizer and fits the renderer to it. The loss is the mean squared
error of the premultiplied foreground (fg x alpha, what compositing sees) plus
that of alpha. A fixed held-out set, drawn from a separate random stream,
gives the validation PSNR shown on the progress bar and stored in the
checkpoint. Training resumes from its own checkpoint (weights, optimizer, step).
"""
from __future__ import annotations

import math
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from ..registry import get_style
from ..rendering import layers
from ..style import Style
from .checkpoint import CheckpointError, read_checkpoint, renderer_from_checkpoint, save_checkpoint
from .model import NeuralRenderer, RendererConfig, psnr_from_mse
from .sampling import random_strokes

VALIDATION_SEED = 1_000_003   # held-out strokes come from this stream, never from training seeds


def reference(style: Style, params: torch.Tensor, size: int):
    """The style's own drawing of each stroke alone on a ``size`` x ``size`` canvas: fg, alpha (no gradient)."""
    with torch.no_grad():
        return layers(params, style, (size, size))


def validation_strokes(n: int, seed: int = VALIDATION_SEED) -> torch.Tensor:
    """``(n, 15)`` held-out strokes, the same on every machine."""
    return random_strokes(n, torch.Generator().manual_seed(seed))


class SamplePool:
    """A ring buffer of reference drawings in memory, so each costly reference stroke serves several steps.

    Every step adds ``fresh`` newly drawn strokes (replacing the oldest) and
    returns a random batch from what the pool holds. Nothing touches the disk.
    """

    def __init__(self, style: Style, size: int, capacity: int, generator: torch.Generator, device):
        self.style, self.size, self.capacity, self.generator = style, size, capacity, generator
        self.params = torch.empty(0, 15, device=device)
        self.fg = torch.empty(0, 3, size, size, dtype=torch.float16, device=device)
        self.alpha = torch.empty(0, 1, size, size, dtype=torch.float16, device=device)
        self.next = 0

    def add(self, n: int) -> None:
        params = random_strokes(n, self.generator).to(self.params.device)
        fg, alpha = reference(self.style, params, self.size)
        fg, alpha = fg.half(), alpha.half()
        if self.params.shape[0] < self.capacity:
            self.params = torch.cat([self.params, params])
            self.fg = torch.cat([self.fg, fg])
            self.alpha = torch.cat([self.alpha, alpha])
            return
        idx = (torch.arange(n) + self.next) % self.capacity
        self.next = int(idx[-1]) + 1
        self.params[idx], self.fg[idx], self.alpha[idx] = params, fg, alpha

    def batch(self, n: int):
        pick = torch.randint(self.params.shape[0], (n,), generator=self.generator)
        return self.params[pick], self.fg[pick].float(), self.alpha[pick].float()


def renderer_loss(renderer, params, fg_ref, alpha_ref, size: int) -> torch.Tensor:
    fg, alpha = renderer(params, (size, size))
    return F.mse_loss(fg * alpha, fg_ref * alpha_ref) + F.mse_loss(alpha, alpha_ref)


@torch.no_grad()
def evaluate(renderer, style: Style, params: torch.Tensor, size: int = 128, chunk: int = 100) -> dict:
    """PSNR (dB) of the premultiplied foreground (fg x alpha) and of alpha against the reference.

    Mean squared error over every pixel of every stroke's full canvas, then PSNR.
    """
    err_fg = err_alpha = 0.0
    count = 0
    for i in range(0, params.shape[0], chunk):
        p = params[i:i + chunk]
        fg_ref, a_ref = reference(style, p, size)
        fg, a = renderer(p, (size, size))
        err_fg += float(((fg * a - fg_ref * a_ref) ** 2).sum()) / 3
        err_alpha += float(((a - a_ref) ** 2).sum())
        count += a.numel()
    return {"foreground": psnr_from_mse(err_fg / count), "alpha": psnr_from_mse(err_alpha / count)}


def _learning_rate(step: int, steps: int, lr: float) -> float:
    """Short warm-up, then cosine decay to 5% of ``lr``."""
    warm = min(1.0, (step + 1) / 100)
    return lr * warm * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(step / max(steps, 1), 1.0))))


def train_renderer(style, out, steps: int = 3000, batch: int = 32, size: int = 128, seed: int = 0,
                   device: str = "cpu", resume: bool = False, lr: float = 3e-3, reuse: int = 4, pool: int = 768,
                   config: RendererConfig | None = None, validate_every: int = 250, validation: int = 200,
                   progress: bool = True, half: bool = False) -> NeuralRenderer:
    """Train (or resume training) a renderer of ``style`` and save it to ``out``; returns it in eval mode.

    Args:
        style: a style name (built-in or plugin) or a :class:`strokes.Style` instance (drawn with its options).
        out: checkpoint path, written atomically at every validation and at the end.
        steps: total optimizer steps (a resumed run continues up to this number).
        batch: strokes per step, each drawn on its own ``size`` x ``size`` canvas.
        seed: seed of the training strokes (the validation strokes never change).
        device: ``"cpu"``, ``"cuda"``, ...; the reference rasterizer runs there too.
        resume: continue from ``out`` if it exists (same style, architecture and layout).
        reuse: each step draws ``batch / reuse`` fresh reference strokes into an in-memory pool
            of ``pool`` strokes and trains on a random batch from it (the reference is the costly part).
        half: store float16 weights and no optimizer state (small files to ship; a resumed
            run then starts a fresh optimizer).
    """
    style = get_style(style)
    device = torch.device(device)
    out = Path(out)
    start = 0
    optimizer_state = None
    if resume and out.exists():
        data = read_checkpoint(out, style.name)
        renderer = renderer_from_checkpoint(data, out)
        if int(data["train_size"]) != size:
            raise CheckpointError(f"{out}: trained at size {data['train_size']}, asked to resume at {size}")
        start = int(data.get("steps", 0))
        optimizer_state = data.get("optimizer")
    else:
        with torch.random.fork_rng(devices=[]):   # seeded initial weights; the caller's RNG is left alone
            torch.manual_seed(seed)
            renderer = NeuralRenderer(config or RendererConfig(), style=style.name, reach=style.reach)
    renderer.train_size = size
    renderer.to(device).train()
    optimizer = torch.optim.Adam(renderer.parameters(), lr=lr)
    if optimizer_state:
        optimizer.load_state_dict(optimizer_state)

    generator = torch.Generator().manual_seed(seed * 1_000_033 + start)
    val_params = validation_strokes(validation).to(device)
    samples = SamplePool(style, size, max(pool, batch), generator, device)
    fresh = max(1, round(batch / max(reuse, 1)))
    while samples.params.shape[0] < batch:
        samples.add(batch)
    best = dict(renderer.val_psnr) if renderer.val_psnr else None

    def checkpoint(step):
        renderer.eval()
        renderer.val_psnr = evaluate(renderer, style, val_params, size)
        renderer.train()
        save_checkpoint(out, renderer, steps=step, half=half,
                        optimizer=None if half else optimizer.state_dict())
        return renderer.val_psnr

    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=steps, initial=start, desc=f"train {style.name}", unit="step", dynamic_ncols=True)
    smooth = None
    started = time.perf_counter()
    for step in range(start, steps):
        for group in optimizer.param_groups:
            group["lr"] = _learning_rate(step, steps, lr)
        samples.add(fresh)
        params, fg_ref, alpha_ref = samples.batch(batch)
        loss = renderer_loss(renderer, params, fg_ref, alpha_ref, size)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(renderer.parameters(), 1.0)
        optimizer.step()
        value = float(loss.detach())
        smooth = value if smooth is None else 0.95 * smooth + 0.05 * value
        done = step + 1
        if done % validate_every == 0 or done == steps:
            best = checkpoint(done)
        if bar is not None:
            post = {"loss": f"{smooth:.2e}"}
            if best:
                post.update(fg=f"{best['foreground']:.1f}dB", alpha=f"{best['alpha']:.1f}dB")
            bar.set_postfix(post, refresh=False)
            bar.update(1)
    if bar is not None:
        bar.close()
    if start >= steps and not out.exists():
        checkpoint(start)
    renderer.elapsed = time.perf_counter() - started
    return renderer.eval()
