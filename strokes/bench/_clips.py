"""A synthetic clip for the video benchmark and tests: a scene, moving objects, a panning camera.

``synthetic_clip(T, H, W)`` returns ``(T, H, W, 3)`` uint8 frames of a
landscape (sky gradient, two rows of hills, a textured field) wider than the
frame, seen through a camera that pans right by ``pan`` pixels per frame,
with a red ball bouncing across it and a dark box sliding the other way.
Made by our own code, the same for the same arguments.

(A helper of the benchmarks, not one itself.)

>>> synthetic_clip(3, 24, 32).shape
(3, 24, 32, 3)
"""
from __future__ import annotations

import numpy as np

__all__ = ["synthetic_clip", "write_clip"]


def _scene(H: int, W: int, rng: np.random.Generator) -> np.ndarray:
    """The landscape ``(H, W, 3)`` float in [0, 1]."""
    y = np.linspace(0, 1, H)[:, None]
    x = np.linspace(0, 1, W)[None, :]
    sky = np.stack([0.45 + 0.3 * y, 0.65 + 0.2 * y, 0.95 - 0.1 * y], -1) * np.ones((H, W, 1))
    far = 0.45 + 0.08 * np.sin(7 * x * np.pi) + 0.05 * np.sin(19 * x * np.pi + 1)
    near = 0.62 + 0.06 * np.sin(4 * x * np.pi + 2) + 0.03 * np.sin(23 * x * np.pi)
    img = sky.copy()
    img[(y > far)[..., None].repeat(3, -1)] = 0
    img += (y > far)[..., None] * np.array([0.35, 0.45, 0.6])
    field = (y > near)[..., None]
    texture = 0.06 * rng.standard_normal((H, W, 1)).repeat(3, -1)
    stripes = 0.05 * np.sin(60 * x * np.pi + 8 * y)[..., None]
    img = np.where(field, np.array([0.35, 0.6, 0.25]) + texture * 0.5 + stripes, img)
    return img.clip(0, 1)


def synthetic_clip(T: int = 24, H: int = 96, W: int = 128, pan: float = 1.5, seed: int = 0) -> np.ndarray:
    """``(T, H, W, 3)`` uint8 frames: a panning camera over a scene with a bouncing ball and a sliding box."""
    rng = np.random.default_rng(seed)
    scene = _scene(H, W + int(np.ceil(pan * T)) + 2, rng)
    yy, xx = np.mgrid[0:H, 0:W]
    frames = np.empty((T, H, W, 3), np.uint8)
    for t in range(T):
        left = pan * t
        i = int(left)
        f = left - i                                     # sub-pixel pan, linearly interpolated
        view = (1 - f) * scene[:, i:i + W] + f * scene[:, i + 1:i + 1 + W]
        bx = W * (0.15 + 0.7 * t / max(1, T - 1))
        by = H * (0.35 + 0.25 * abs(np.sin(np.pi * 2 * t / max(1, T))))
        ball = (xx - bx) ** 2 + (yy - by) ** 2 < (0.12 * H) ** 2
        view = np.where(ball[..., None], np.array([0.85, 0.15, 0.1]), view)
        cx = W * (0.8 - 0.5 * t / max(1, T - 1))
        box = (abs(xx - cx) < 0.1 * W) & (abs(yy - 0.75 * H) < 0.08 * H)
        view = np.where(box[..., None], np.array([0.2, 0.15, 0.3]), view)
        frames[t] = (view.clip(0, 1) * 255 + 0.5).astype(np.uint8)
    return frames


def write_clip(path, frames: np.ndarray, fps: float = 12) -> None:
    """Write frames as an MP4 (H.264, near lossless) or, by suffix, an animated GIF."""
    from pathlib import Path
    from PIL import Image

    path = Path(path)
    if path.suffix.lower() == ".gif":
        images = [Image.fromarray(f) for f in frames]
        images[0].save(path, save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0)
        return
    from strokes.paint_video import write_mp4
    write_mp4(path, frames, fps)
