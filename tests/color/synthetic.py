"""Small synthetic paintings and pictures for the colour tests."""
import numpy as np
import torch

from strokes.strokeset import StrokeSet


def random_strokes(n=40, seed=0, hue=(0.8, 0.3, 0.2)) -> StrokeSet:
    """``n`` strokes over a 64x48 canvas, colours scattered around ``hue``."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        x, y = rng.uniform(0.1, 0.9, 2)
        dx, dy = rng.uniform(-0.15, 0.15, 2)
        c0 = np.clip(np.array(hue) + rng.normal(0, 0.12, 3), 0, 1)
        c1 = np.clip(c0 + rng.normal(0, 0.05, 3), 0, 1)
        rows.append([x, y, np.clip(x + dx / 2, 0, 1), np.clip(y + dy / 2, 0, 1), np.clip(x + dx, 0, 1),
                     np.clip(y + dy, 0, 1), 0.12, 0.1, *c0, *c1, 1.0])
    return StrokeSet(np.array(rows), width=64, height=48, background=(0.9, 0.9, 0.85))


def two_tone_picture(h=48, w=64, dark=(0.1, 0.2, 0.6), light=(1.0, 0.75, 0.3), noise=0.04, seed=0) -> torch.Tensor:
    """``(3, h, w)``: left half ``dark``, right half ``light``, a little noise."""
    g = torch.Generator().manual_seed(seed)
    img = torch.empty(3, h, w)
    img[:, :, : w // 2] = torch.tensor(dark).view(3, 1, 1)
    img[:, :, w // 2:] = torch.tensor(light).view(3, 1, 1)
    return (img + noise * torch.randn(3, h, w, generator=g)).clamp(0, 1)
