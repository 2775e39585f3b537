"""Animations of a painting being made: frames of the stroke sequence, streamed.

Each frame adds the strokes since the previous one onto the kept canvas, so a
frame costs only its new strokes and memory stays flat however many frames
there are. The first frame is the empty canvas, the last is the finished
painting, equal to :func:`strokes.render` at the same size, style and seed.

>>> from strokes import StrokeSet
>>> s = StrokeSet([[.1, .5, .5, .4, .9, .5, .1, .1, 1, 0, 0, 1, 0, 0, 1]] * 3, width=64, height=32)
>>> [im.size for im in frames(s, "marker", size=64)]
[(64, 32), (64, 32), (64, 32), (64, 32)]
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from pathlib import Path

import torch
from PIL import Image

from .atomic import atomic_path
from .registry import style_for
from .rendering import canvas_size, draw_stages, drawing_progress, to_image
from .strokeset import StrokeSet
from .video import FORMATS, check_mp4_support, write_apng, write_gif, write_mp4, write_webp
from .threads import with_thread_policy

MAX_DURATION = 3600.0     # seconds of drawing: an hour of frames is far more than any animation wants
DEFAULT_DURATION = 10.0  # seconds of drawing when neither a duration nor strokes per frame is given


def frame_counts(n_strokes: int, strokes_per_frame: int | None = None, n_frames: int | None = None) -> list[int]:
    """How many strokes are on the canvas in each frame: from 0 (empty canvas) to ``n_strokes``.

    Give ``strokes_per_frame`` (``1 + ceil(S / N)`` frames) or ``n_frames`` (strokes
    spread evenly; with more frames than strokes some frames repeat); neither
    means one stroke per frame. A single frame shows the finished painting.

    >>> frame_counts(5, strokes_per_frame=2)
    [0, 2, 4, 5]
    >>> frame_counts(10, n_frames=3)
    [0, 5, 10]
    >>> frame_counts(0), frame_counts(4, n_frames=1)
    ([0], [4])
    """
    if n_strokes < 0:
        raise ValueError(f"expected a stroke count >= 0, got {n_strokes}")
    if strokes_per_frame is not None and n_frames is not None:
        raise ValueError(f"expected strokes per frame or a frame count, not both "
                         f"(got strokes_per_frame={strokes_per_frame}, n_frames={n_frames})")
    if n_frames is not None:
        if int(n_frames) < 1:
            raise ValueError(f"expected at least 1 frame, got n_frames={n_frames}")
        if n_frames == 1:
            return [n_strokes]
        return [round(k * n_strokes / (n_frames - 1)) for k in range(n_frames)]
    step = 1 if strokes_per_frame is None else int(strokes_per_frame)
    if step < 1:
        raise ValueError(f"expected at least 1 stroke per frame, got strokes_per_frame={strokes_per_frame}")
    return [0] + [min(k * step, n_strokes) for k in range(1, math.ceil(n_strokes / step) + 1)]


def frames(stroke_set: StrokeSet, style="oil", size: int = 512, strokes_per_frame: int | None = None,
           n_frames: int | None = None, seed: int = 0, device="cpu", **options) -> Iterator[Image.Image]:
    """RGB PIL frames of ``stroke_set`` being painted, one at a time (see :func:`frame_counts`).

    Args:
        stroke_set: the strokes, drawn in their order.
        style: a style name (with ``seed`` and ``options``) or a Style instance.
        size: longest side in pixels, as for :func:`strokes.render`.
        strokes_per_frame, n_frames: how the strokes are spread over frames.
    """
    counts = frame_counts(len(stroke_set), strokes_per_frame, n_frames)
    return frames_at(stroke_set, counts, style, size, seed=seed, device=device, **options)


def frames_at(stroke_set: StrokeSet, counts, style="oil", size: int = 512, seed: int = 0, device="cpu",
              progress: bool = False, **options) -> Iterator[Image.Image]:
    """One frame for each entry of ``counts``: the first ``counts[i]`` strokes painted (non-decreasing);
    ``progress``: a bar over the strokes once drawing takes long (:func:`strokes.rendering.drawing_progress`)."""
    counts = [int(c) for c in counts]
    if any(b < a for a, b in itertools.pairwise(counts)) or (counts and not 0 <= counts[0] <= counts[-1] <= len(stroke_set)):
        raise ValueError(f"expected non-decreasing stroke counts within 0..{len(stroke_set)}, got {counts[:8]}...")
    if isinstance(style, str):
        options["seed"] = seed
    style = style_for(stroke_set, style, **options)
    H, W = canvas_size(stroke_set.width, stroke_set.height, size)
    return _draw(stroke_set, counts, style, (H, W), device, progress)


def _draw(stroke_set, counts, style, size, device, progress=False) -> Iterator[Image.Image]:
    H, W = size
    canvas = torch.tensor(stroke_set.background, dtype=torch.float32, device=device).view(3, 1, 1).repeat(1, H, W)
    params = stroke_set.to_tensor(device=device)
    with drawing_progress(progress, counts[-1] if counts else 0) as tick:
        painting = draw_stages(canvas, params, style, stops=counts, progress=tick)
        done = None
        for count in counts:
            while done != count:
                done = next(painting)
            yield to_image(canvas)
        if tick is not None:
            tick(done)                                # the last frame's strokes are all drawn


@with_thread_policy("draw")
def animate(stroke_set: StrokeSet, path, style="oil", size: int = 512, fps: float = 25.0,
            duration: float | None = None, strokes_per_frame: int | None = None, hold: float = 2.0,
            seed: int = 0, loop: int = 0, progress: bool = False, **options) -> int:
    """Write an animation of ``stroke_set`` being painted; returns the number of frames.

    The format follows the suffix: ``.gif``, ``.webp`` (animated WebP),
    ``.png``/``.apng`` (animated PNG), ``.mp4`` (needs ``pip install 'strokes[video]'``).
    Frames last ``1 / fps`` seconds; ``duration`` seconds of drawing (default
    10 s, or one stroke per frame if that is shorter) or ``strokes_per_frame``;
    the finished painting is then held ``hold`` more seconds. The file is
    written atomically: on any error nothing is left at ``path``. ``progress``:
    a progress bar once drawing takes more than a few seconds.
    """
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ValueError(f"{path}: unknown animation format {path.suffix or '(no suffix)'!r}; "
                         f"expected one of {', '.join(sorted(FORMATS))}")
    if not (isinstance(fps, (int, float)) and 0 < fps <= 100):   # NaN fails the comparison too
        raise ValueError(f"expected fps in (0, 100], got {fps!r}")
    if hold is None or not 0 <= hold < math.inf:
        raise ValueError(f"expected hold >= 0 seconds, got {hold!r}")
    if kind == "MP4":
        check_mp4_support()                               # fail before any drawing
    n = len(stroke_set)
    if strokes_per_frame is not None:
        if duration is not None:
            raise ValueError(f"expected a duration or strokes per frame, not both "
                             f"(got duration={duration}, strokes_per_frame={strokes_per_frame})")
        counts = frame_counts(n, strokes_per_frame=strokes_per_frame)
    else:
        if duration is not None and not 0 < duration <= MAX_DURATION:
            raise ValueError(f"expected a duration > 0 seconds, at most {MAX_DURATION:g}, got {duration!r}")
        wanted = max(1, round(fps * (DEFAULT_DURATION if duration is None else duration)))
        counts = frame_counts(n, n_frames=wanted if duration is not None else min(wanted, n + 1))
    step_ms = 1000.0 / fps
    durations = [step_ms] * len(counts)
    durations[-1] += 1000.0 * hold
    timed = zip(frames_at(stroke_set, counts, style, size, seed=seed, progress=progress, **options), durations)
    with atomic_path(path) as tmp:
        if kind == "MP4":
            return write_mp4(tmp, timed, fps)
        with open(tmp, "wb") as fp:
            if kind == "GIF":
                return write_gif(fp, timed, loop=loop)
            if kind == "APNG":
                return write_apng(fp, timed, len(counts), loop=loop)
            return write_webp(fp, timed, len(counts), loop=loop)
