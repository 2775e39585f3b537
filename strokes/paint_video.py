"""Painting a video: every frame painted, strokes carried from frame to frame.

:func:`paint_video` reads a clip (anything PyAV reads: MP4, MOV, WebM, ...;
animated GIFs through Pillow), paints its first frame as :func:`strokes.paint`
does, and every next frame with :func:`strokes.coherence.repaint` (the
previous frame's strokes, re-optimized with fewer steps where the frame
changed). It writes into ``OUT``:

* ``painting.mp4`` at the source frame rate (divided by ``every``), and
  ``painting.gif`` / ``painting.webp`` on request;
* ``strokes.npz``: every frame's strokes, ``params (T, S, 15)`` float32, with
  ``width``, ``height``, ``fps``, ``source_frames (T,)`` (the frame numbers in
  the source), ``chunk (T,)`` and ``background (T, 3)``; stroke ``i`` of a frame
  is stroke ``i`` of the frame before within one chunk (:func:`load_video_strokes`).

The frames can be split into chunks painted on separate workers or Ray
tasks. Each chunk starts fresh, ``overlap`` frames early; over those frames
the video cross-fades from the chunk before to the new one, to hide the seam.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import torch

from .atomic import atomic_path
from .coherence import CHANGE, STEPS, repaint

STEPS_NEXT = STEPS    # optimizer steps per batch for a frame painted from the one before

__all__ = ["paint_video", "paint_chunk", "read_clip", "load_video_strokes", "parse_frames", "VideoResult",
           "VIDEO_INSTALL"]

VIDEO_INSTALL = "pip install 'strokes[video]' (or pip install av)"
FORMAT = "strokes-video"
VERSION = 1


class VideoError(ValueError):
    """A clip that cannot be read or painted; the message names the file."""


# -- reading --------------------------------------------------------------------------------

def parse_frames(text: str | None) -> slice:
    """``"a:b"`` (source frame numbers, ``b`` excluded; either may be left out) as a slice.

    >>> parse_frames("10:20"), parse_frames(":5"), parse_frames(None)
    (slice(10, 20, None), slice(None, 5, None), slice(None, None, None))
    """
    if text is None:
        return slice(None)
    parts = text.split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        a, b = (int(p) if p.strip() else None for p in parts)
    except ValueError:
        raise VideoError(f"--frames {text!r}: expected a:b (frame numbers, b excluded), e.g. 0:48") from None
    if (a is not None and a < 0) or (b is not None and b < 0):
        raise VideoError(f"--frames {text!r}: expected frame numbers of 0 or more")
    return slice(a, b)


def _decode(path: Path):
    """``(fps, iterator of (H, W, 3) uint8 frames)``."""
    if path.suffix.lower() in (".gif", ".webp", ".png", ".apng"):
        from PIL import Image, ImageSequence
        im = Image.open(path)
        durations = []
        for frame in ImageSequence.Iterator(im):
            durations.append(frame.info.get("duration", 100) or 100)
        fps = 1000.0 / float(np.median(durations))

        def frames():
            with Image.open(path) as clip:
                for frame in ImageSequence.Iterator(clip):
                    yield np.asarray(frame.convert("RGB"))
        return fps, frames()
    try:
        import av
    except ImportError:
        raise VideoError(f"{path}: reading video needs PyAV: {VIDEO_INSTALL}") from None
    try:
        container = av.open(str(path))
        stream = container.streams.video[0]
    except (av.error.FFmpegError, IndexError) as exc:
        raise VideoError(f"{path}: not a video PyAV can read ({exc})") from None
    rate = stream.average_rate or stream.guessed_rate or 24
    fps = float(rate)

    def frames():
        try:
            for frame in container.decode(stream):
                yield frame.to_ndarray(format="rgb24")
        finally:
            container.close()
    return fps, frames()


def read_clip(path, size: int, frames: slice = slice(None), every: int = 1):
    """The chosen frames of a clip at the painting's size: ``(frames (T, H, W, 3) uint8, source numbers (T,), fps)``.

    ``fps`` is the output frame rate (the source's divided by ``every``).
    """
    from .painter import resize
    from .rendering import canvas_size

    path = Path(path)
    if not path.is_file():
        raise VideoError(f"{path}: no such file")
    if every < 1:
        raise VideoError(f"--every {every}: expected 1 or more")
    fps, decoded = _decode(path)
    start, stop = frames.start or 0, frames.stop
    out, numbers = [], []
    try:
        for k, frame in enumerate(decoded):
            if stop is not None and k >= stop:
                break
            if k < start or (k - start) % every:
                continue
            t = torch.from_numpy(np.array(frame)).permute(2, 0, 1).float() / 255
            H, W = canvas_size(t.shape[2], t.shape[1], size)
            out.append((resize(t, (H, W)) * 255 + 0.5).clamp(0, 255).byte().permute(1, 2, 0).numpy())
            numbers.append(k)
    except Exception as exc:
        if not out:
            raise VideoError(f"{path}: cannot decode: {exc}") from None
    if not out:
        raise VideoError(f"{path}: no frames in {start}:{'' if stop is None else stop} (every {every})")
    return np.stack(out), np.array(numbers, dtype=np.int64), fps / every


# -- painting a run of frames (in a worker) -------------------------------------------------

# Video frames are painted without the painter's straightening term: measured with
# ``python -m strokes.bench video``, the straighter strokes it gives the first frame
# left the coherent frames about 1 dB below painting every frame afresh, against
# 0.04 dB without it (see docs/scale.md). A ``bend`` paint option overrides it.
BEND = 0.0

# Video frames start on a ground of the first frame's mean colour, not the still painter's
# white: where a moving object's strokes leave, the ground shows until strokes follow, and
# on white those holes cost the coherent frames about 0.6 dB more against fresh ones
# (``python -m strokes.bench video``: -1.28 dB on white, -0.72 on the mean colour; docs/scale.md).
GROUND = "auto"


def _tensor(frame: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(frame)).permute(2, 0, 1).float() / 255


def paint_chunk(frames: np.ndarray, style="oil", strokes: int = 500, seed: int = 0, coherent: bool = True,
                steps_next: int = STEPS_NEXT, threshold: float = CHANGE, device="cpu", callback=None,
                **paint_options) -> dict:
    """Paint consecutive frames ``(T, H, W, 3)`` uint8; the first afresh, each next from the one before.

    With ``coherent=False`` every frame is painted afresh (same seed). Runs on one thread.
    Returns ``{"strokes": (T, S, 15) float32, "frames": (T, H, W, 3) uint8,
    "background": (3,), "seconds": (T,) wall, "cpu": (T,) CPU seconds of this process,
    "moved": (T,) share of strokes re-optimized}``.
    """
    from .painter import Painting, paint
    from .registry import get_style
    from .rendering import to_image
    from .strokeset import StrokeSet

    paint_options.setdefault("bend", BEND)
    paint_options.setdefault("background", GROUND)

    torch.set_num_threads(1)
    T, H, W, _ = frames.shape
    dev = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if device in (None, "auto") else device)
    look = get_style(style, seed=seed) if isinstance(style, str) else get_style(style)
    painted = np.empty((T, H, W, 3), np.uint8)
    params_out = np.empty((T, strokes, 15), np.float32)
    seconds, cpu, moved = np.zeros(T), np.zeros(T), np.zeros(T)
    first = None
    previous = None
    for t in range(T):
        started, started_cpu = time.perf_counter(), time.process_time()
        target = _tensor(frames[t]).to(dev)
        if first is None or not coherent:
            p = paint(target, style=look, strokes=strokes, size=max(H, W), seed=seed, device=dev,
                      progress=False, **paint_options)
            params, background = p.strokes.to_tensor(device=dev), p.strokes.background
            moved[t] = 1.0
            first = first or background
        else:
            params, moved[t] = repaint(previous, target, _tensor(frames[t - 1]).to(dev), look, first,
                                       steps=steps_next, threshold=threshold, seed=(seed, t),
                                       ot_weight=paint_options.get("ot_weight", 0.1),
                                       max_batch=paint_options.get("max_batch", 100), bend=paint_options["bend"])
            background = first
        picture = Painting(StrokeSet(params.cpu(), width=W, height=H, background=background), look)
        painted[t] = np.asarray(to_image(picture.tensor(device=dev)))
        params_out[t] = params.cpu().numpy()
        previous = params
        seconds[t] = time.perf_counter() - started
        cpu[t] = time.process_time() - started_cpu
        if callback is not None:
            callback(t)
    return {"strokes": params_out, "frames": painted, "background": np.array(first, np.float64),
            "seconds": seconds, "cpu": cpu, "moved": moved}


def _chunk_work(frames, options):
    """A chunk's work in a worker process or Ray task; an error comes back as a reason."""
    try:
        return paint_chunk(frames, **options)
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


# -- the whole clip -------------------------------------------------------------------------

@dataclass
class VideoResult:
    """What :func:`paint_video` made: output paths, frame count, timings."""

    out: Path
    files: list
    frames: int
    fps: float
    seconds: float
    seconds_per_frame: float      # painting time per frame, summed over workers
    chunks: int
    moved: float                  # mean share of strokes re-optimized per frame after the first

    def __str__(self) -> str:
        return (f"painted {self.frames} frames ({self.chunks} chunk{'s' * (self.chunks > 1)}, "
                f"{self.seconds_per_frame:.2f} s per frame, {self.moved:.0%} of strokes re-optimized per frame) "
                f"in {self.seconds:.1f} s -> {', '.join(str(f) for f in self.files)}")


def chunk_plan(T: int, chunk: int, overlap: int) -> list[tuple[int, int, int]]:
    """``(first painted, first own, end)`` frame numbers of every chunk of ``chunk`` frames.

    >>> chunk_plan(10, 4, 2)
    [(0, 0, 4), (2, 4, 8), (6, 8, 10)]
    """
    if chunk < 1:
        raise VideoError(f"chunk: expected 1 or more frames, got {chunk}")
    return [(max(0, s - overlap), s, min(T, s + chunk)) for s in range(0, T, chunk)]


def paint_video(source, out, style="oil", strokes: int = 500, size: int = 512, seed: int = 0,
                frames: "slice | str | None" = None, every: int = 1, coherent: bool = True,
                steps_next: int = STEPS_NEXT, threshold: float = CHANGE, workers: int = 1, ray=None,
                chunk: int | None = None, overlap: int = 3, formats=("mp4",), device="cpu",
                progress: bool = True, **paint_options) -> VideoResult:
    """Paint every chosen frame of a clip into ``out/painting.mp4`` and ``out/strokes.npz`` (see the module).

    Args:
        source: a video file (PyAV) or an animated GIF.
        frames: ``"a:b"`` or a slice of source frame numbers; every: keep every k-th of them.
        coherent: carry strokes from frame to frame (``False``: paint every frame afresh).
        steps_next: optimizer steps per batch for the frames after a chunk's first.
        workers, ray: paint chunks on that many local processes, or as Ray tasks (see
            :func:`strokes.paint_many`); chunk: frames per chunk (default: the frames
            shared out evenly over ``workers``); overlap: frames each chunk starts early.
        formats: any of ``"mp4"``, ``"gif"``, ``"webp"``.
        **paint_options: for the painter (:class:`strokes.painter.PaintOptions`).
    """
    from .many import ManyError, _import_ray, default_workers

    started = time.perf_counter()
    out = Path(out)
    unknown = sorted(set(formats) - {"mp4", "gif", "webp"})
    if unknown:
        raise VideoError(f"formats: expected mp4, gif or webp, got {', '.join(unknown)}")
    if "mp4" in formats:
        _check_encoder()
    if ray:
        _import_ray()
    selection = parse_frames(frames) if not isinstance(frames, slice) else frames
    clip, numbers, fps = read_clip(source, size, selection, every)
    T, H, W, _ = clip.shape
    workers = default_workers() if workers is None else int(workers)
    if workers < 1:
        raise ManyError(f"workers: expected at least 1, got {workers}")
    chunk = int(chunk) if chunk else math.ceil(T / (workers if (workers > 1 or ray) else 1))
    plan = chunk_plan(T, chunk, overlap)
    options = dict(style=style, strokes=int(strokes), seed=seed, coherent=coherent, steps_next=steps_next,
                   threshold=threshold, device=device, **paint_options)
    results: dict[int, dict] = {}
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=T, unit="frame", desc="painting", dynamic_ncols=True)

    def finished(k, result, counted=False):
        if "error" in result:
            raise VideoError(f"{source}: chunk {k + 1} (frames {plan[k][1]}-{plan[k][2] - 1}) failed: "
                             f"{result['error']}")
        results[k] = result
        if bar is not None and not counted:
            bar.update(plan[k][2] - plan[k][1])

    try:
        arguments = [(clip[a:e], options) for a, _, e in plan]
        if ray:
            from .many import ray_gpus, run_ray_tasks
            run_ray_tasks(_chunk_work, arguments, finished, None if ray is True else str(ray), ray_gpus(options))
        elif workers == 1 or len(plan) == 1:
            for k, (frames_k, opts) in enumerate(arguments):
                early = plan[k][1] - plan[k][0]
                step = None if bar is None else (lambda t, early=early: bar.update(int(t >= early)))
                finished(k, paint_chunk(frames_k, callback=step, **opts), counted=True)
        else:
            _run_chunks(arguments, finished, workers)
    finally:
        if bar is not None:
            bar.close()
    video, params, background, chunk_of = _assemble(plan, results, T, H, W, int(strokes))
    files = _write(out, video, params, background, chunk_of, numbers, fps, formats)
    moved = [results[k]["moved"][plan[k][1] - plan[k][0]:] for k in range(len(plan))]
    later = np.concatenate([m[1:] if k == 0 else m for k, m in enumerate(moved)])
    total_painting = float(sum(results[k]["seconds"].sum() for k in range(len(plan))))
    return VideoResult(out, files, T, fps, time.perf_counter() - started, total_painting / T, len(plan),
                       float(later.mean()) if later.size else 0.0)


def _run_chunks(arguments, finished, workers: int) -> None:
    from .many import in_worker_processes
    in_worker_processes({k: (_chunk_work, args) for k, args in enumerate(arguments)}, finished, workers)


def _assemble(plan, results, T, H, W, S):
    """The whole clip from its chunks, cross-fading each chunk's early frames over the chunk before."""
    video = np.empty((T, H, W, 3), np.uint8)
    params = np.empty((T, S, 15), np.float32)
    background = np.empty((T, 3), np.float64)
    chunk_of = np.empty(T, np.int64)
    for k, (a, s, e) in enumerate(plan):
        r = results[k]
        video[s:e] = r["frames"][s - a:]
        params[s:e] = r["strokes"][s - a:]
        background[s:e] = r["background"]
        chunk_of[s:e] = k
    for k, (a, s, e) in enumerate(plan):
        n = s - a
        for j in range(n):                       # frames a..s-1 belong to chunk k-1; fade chunk k in
            weight = (j + 1) / (n + 1)
            mixed = (1 - weight) * video[a + j].astype(np.float32) + weight * results[k]["frames"][j]
            video[a + j] = (mixed + 0.5).astype(np.uint8)
    return video, params, background, chunk_of


# -- writing --------------------------------------------------------------------------------

def _check_encoder() -> None:
    try:
        import av
    except ImportError:
        raise VideoError(f"MP4 output needs PyAV: {VIDEO_INSTALL} (or ask only for gif/webp)") from None
    if "libx264" not in av.codecs_available:
        raise VideoError("MP4 output needs an H.264 encoder (libx264) in PyAV's FFmpeg; ask for gif or webp instead")


def write_mp4(path, video: np.ndarray, fps: float) -> None:
    """``(T, H, W, 3)`` uint8 frames as H.264 MP4 at ``fps``, atomically (odd sizes padded by an edge pixel)."""
    import av
    T, H, W, _ = video.shape
    with atomic_path(path) as tmp:
        container = av.open(str(tmp), mode="w")
        try:
            stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
            stream.width, stream.height = W + W % 2, H + H % 2
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": "18"}
            for frame in video:
                frame = np.pad(frame, ((0, H % 2), (0, W % 2), (0, 0)), mode="edge")
                for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        finally:
            container.close()


def _write(out: Path, video, params, background, chunk_of, numbers, fps, formats) -> list:
    from PIL import Image

    from . import video as animation
    out.mkdir(parents=True, exist_ok=True)
    T, H, W, _ = video.shape
    files = []
    with atomic_path(out / "strokes.npz") as tmp:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, format=np.array(FORMAT), version=np.array(VERSION, np.int64),
                                width=np.array(W, np.int64), height=np.array(H, np.int64),
                                fps=np.array(fps, np.float64), params=params, background=background,
                                source_frames=numbers, chunk=chunk_of)
    files.append(out / "strokes.npz")
    if "mp4" in formats:
        write_mp4(out / "painting.mp4", video, fps)
        files.append(out / "painting.mp4")
    duration = 1000.0 / fps
    if "gif" in formats:
        with atomic_path(out / "painting.gif") as tmp, open(tmp, "wb") as fh:
            animation.write_gif(fh, ((Image.fromarray(f), duration) for f in video))
        files.append(out / "painting.gif")
    if "webp" in formats:
        with atomic_path(out / "painting.webp") as tmp, open(tmp, "wb") as fh:
            animation.write_webp(fh, ((Image.fromarray(f), duration) for f in video), T)
        files.append(out / "painting.webp")
    return files


def load_video_strokes(path) -> dict:
    """Read ``strokes.npz`` of a painted video: a dict of its arrays, plus ``frame(t) -> StrokeSet``."""
    from .strokeset import StrokeSet
    path = Path(path)
    with np.load(path, allow_pickle=False) as z:
        if str(z.get("format", "")) != FORMAT:
            raise VideoError(f"{path}: not a painted video's strokes file (format {FORMAT!r})")
        data = {k: z[k] for k in z.files}
    W, H = int(data["width"]), int(data["height"])
    data["frame"] = lambda t: StrokeSet(data["params"][t].astype(np.float64), width=W, height=H,
                                        background=tuple(float(v) for v in data["background"][t]))
    return data
