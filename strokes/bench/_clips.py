"""A synthetic clip for the video benchmark and tests: a scene, moving objects, a panning camera.

``synthetic_clip(T, H, W)`` returns ``(T, H, W, 3)`` uint8 frames of a
landscape (the painter benchmark's: sky, sun, hills, lake, house, tree,
grass) wider than the frame, seen through a camera that pans right by ``pan`` pixels per frame,
with a red ball bouncing across it and a dark box sliding the other way.
Made by our own code, the same for the same arguments.

(A helper of the benchmarks, not one itself.)

>>> synthetic_clip(3, 24, 32).shape
(3, 24, 32, 3)
"""
from __future__ import annotations

import numpy as np

__all__ = ["synthetic_clip", "write_clip"]


def _scene(H: int, W: int) -> np.ndarray:
    """The landscape of the painter's benchmark (:func:`strokes.bench.paint.synthetic_scene`), ``(H, W, 3)`` in [0, 1]."""
    from .paint import synthetic_scene
    return np.asarray(synthetic_scene(W, H), np.float64) / 255


def synthetic_clip(T: int = 24, H: int = 96, W: int = 128, pan: float = 1.5) -> np.ndarray:
    """``(T, H, W, 3)`` uint8 frames: a panning camera over a scene with a bouncing ball and a sliding box."""
    scene = _scene(H, int(1.6 * W) + int(np.ceil(pan * T)) + 2)
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
