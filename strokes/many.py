"""Painting many pictures: a folder, a glob or a list, on worker processes or Ray tasks.

:func:`paint_many` paints every image into ``OUT/<name>/painting.png`` and
``OUT/<name>/strokes.json`` (``<name>`` is the file name without its suffix):

* ``workers`` processes (default: the machine's cores), each on one thread,
  or ``ray=True`` / ``ray="ADDRESS"`` for one Ray task per image;
* a worker paints and hands back the files' bytes; only the driver writes,
  atomically (:mod:`strokes.atomic`), ``painting.png`` last, so an image
  counts as finished exactly when its ``painting.png`` exists;
* a bad image is reported (file and reason) and the rest carry on;
* a finished image is skipped when the same call runs again (``force=True``
  repaints), so an interrupted batch resumes where it stopped;
* every image is painted with the same ``seed``, on one thread, so it comes
  out byte for byte as ``strokes paint IMAGE`` paints it alone.

A video given as input is painted by :func:`strokes.paint_video.paint_video`.
"""
from __future__ import annotations

import glob
import io
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

__all__ = ["paint_many", "find_images", "Summary", "ManyError", "RAY_INSTALL", "is_video", "is_many"]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".gif", ".ppm"})
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg"})
RAY_INSTALL = "pip install 'strokes[ray]' (or pip install 'ray>=2.9')"
FINISHED = "painting.png"     # written last: its presence marks a finished image


class ManyError(ValueError):
    """A batch that cannot start: no inputs, a bad worker count, Ray asked for but missing."""


# -- inputs ---------------------------------------------------------------------------------

def _has_glob(text: str) -> bool:
    return any(c in text for c in "*?[")


def is_video(source) -> bool:
    """Whether ``source`` is a video file (by suffix) or an animated GIF."""
    if not isinstance(source, (str, os.PathLike)):
        return False
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix in VIDEO_SUFFIXES:
        return True
    if suffix == ".gif" and path.is_file():
        from PIL import Image
        try:
            with Image.open(path) as im:
                return getattr(im, "n_frames", 1) > 1
        except Exception:                       # a bad GIF is painted (and reported) as an image
            return False
    return False


def is_many(source) -> bool:
    """Whether ``source`` names several images: a folder, a glob pattern or a list."""
    if isinstance(source, (list, tuple)):
        return True
    if not isinstance(source, (str, os.PathLike)):
        return False
    path = Path(source)
    return path.is_dir() or (_has_glob(str(source)) and not path.exists())


def find_images(inputs) -> list[Path]:
    """The image files of a folder (its images, sorted by name), a glob pattern, or a list of those.

    >>> import tempfile; d = Path(tempfile.mkdtemp())
    >>> for n in ("b.png", "a.jpg", "notes.txt"): _ = (d / n).write_bytes(b"")
    >>> [p.name for p in find_images(d)]
    ['a.jpg', 'b.png']
    """
    items = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    found: list[Path] = []
    for item in items:
        text = str(item)
        path = Path(item)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        elif _has_glob(text) and not path.exists():
            found += sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        else:
            found.append(path)               # a missing file is reported as a failed image, not here
    seen, unique = set(), []
    for p in found:
        if p not in seen:
            seen.add(p)
            unique.append(p)
    return unique


def output_names(paths: Sequence[Path]) -> list[str]:
    """A folder name per image: its stem, with the suffix added where two stems clash.

    >>> output_names([Path("a.png"), Path("x/a.jpg"), Path("b.png")])
    ['a-png', 'a-jpg', 'b']
    """
    stems = [p.stem for p in paths]
    names = [f"{p.stem}-{p.suffix.lstrip('.').lower()}" if stems.count(p.stem) > 1 else p.stem for p in paths]
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        seen[n] = k + 1
        out.append(n if k == 0 else f"{n}-{k + 1}")
    return out


# -- one image, in a worker -----------------------------------------------------------------

def _one_thread() -> None:
    import torch
    torch.set_num_threads(1)


def paint_files(source, painter: str = "strokes.painter:paint", options: dict | None = None) -> dict:
    """Paint one image and return its files' bytes (``painting.png``, ``strokes.json``), or an error.

    ``source``: a path, or ``(name, bytes)`` of an image file (what a Ray task on
    another machine receives). ``painter``: ``"module:function"`` returning a
    :class:`~strokes.painter.Painting`. Runs on one thread. Returns
    ``{"files": {name: bytes}, "seconds": s}`` or ``{"error": "reason"}``.
    """
    import importlib

    from .files import to_json

    _one_thread()
    started = time.perf_counter()
    try:
        if isinstance(source, tuple):
            name, data = source
            image = io.BytesIO(data)
            image.name = name
        else:
            image = source
        module, function = painter.split(":")
        painting = getattr(importlib.import_module(module), function)(image, progress=False, **(options or {}))
        png = io.BytesIO()
        painting.image.save(png, format="PNG")
        files = {"strokes.json": to_json(painting.strokes).encode("utf-8"), FINISHED: png.getvalue()}
    except Exception as exc:                    # reported for this image; the batch carries on
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"files": files, "seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    """Peak resident memory of this process, MiB (Linux and macOS)."""
    try:
        import resource
    except ImportError:                          # Windows
        return float("nan")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def write_files(directory: Path, files: dict) -> None:
    """Write a worker's files into ``directory``, each atomically, the finished marker last."""
    from .atomic import write_bytes
    for name in sorted(files, key=lambda n: n == FINISHED):
        write_bytes(directory / name, files[name])


# -- the batch ------------------------------------------------------------------------------

@dataclass
class Summary:
    """What a batch did: images painted, skipped (already finished), failed (with reasons)."""

    out: Path
    painted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0
    work: dict = field(default_factory=dict)     # name -> (seconds painting, peak MiB of its worker)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted

    def __str__(self) -> str:
        lines = [f"{len(self.painted)} painted, {len(self.skipped)} already done, {len(self.failed)} failed "
                 f"in {self.seconds:.1f} s -> {self.out}"]
        lines += [f"  failed: {src}: {reason}" for src, reason in self.failed]
        if self.interrupted:
            lines.append("  interrupted: run the same command again to paint the rest")
        return "\n".join(lines)


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def paint_many(inputs, out, workers: int | None = None, ray=None, force: bool = False, progress: bool = True,
               painter: str = "strokes.painter:paint", **paint_options) -> Summary:
    """Paint every image of ``inputs`` into ``out/<name>/painting.png`` and ``strokes.json``.

    Args:
        inputs: a folder, a glob pattern, a path, or a list of those.
        out: the output folder.
        workers: processes to paint on (default: the machine's cores; 1 paints here, in this process).
        ray: ``None``/``False`` for local processes; ``True`` for a local Ray started on the fly;
            an address (``"auto"``, ``"ray://host:10001"``, ...) for an existing cluster.
        force: repaint images whose outputs exist.
        progress: one progress bar over the images (done / failed / time left).
        painter: ``"module:function"`` that paints one image (for other commands, e.g. sketches).
        **paint_options: passed to the painter (``style``, ``strokes``, ``size``, ``seed``, ...).

    Returns:
        a :class:`Summary`; ``summary.ok`` is false when an image failed or the batch was interrupted.
    """
    out = Path(out)
    sources = find_images(inputs)
    if not sources:
        raise ManyError(f"{inputs}: no images found (looked for {', '.join(sorted(IMAGE_SUFFIXES))})")
    workers = default_workers() if workers is None else int(workers)
    if workers < 1:
        raise ManyError(f"workers: expected at least 1, got {workers}")
    if ray:
        _import_ray()
    summary = Summary(out)
    started = time.perf_counter()
    jobs = []
    for source, name in zip(sources, output_names(sources)):
        if not force and (out / name / FINISHED).is_file() and (out / name / "strokes.json").is_file():
            summary.skipped.append(name)
        else:
            jobs.append((source, name))
    bar = _bar(progress, len(sources), len(summary.skipped))

    def finished(job, result):
        source, name = job
        if "error" in result:
            summary.failed.append((str(source), result["error"]))
        else:
            write_files(out / name, result["files"])
            summary.work[name] = (result["seconds"], result["peak_mb"])
            summary.painted.append(name)
        if bar is not None:
            bar.set_postfix(done=len(summary.painted) + len(summary.skipped), failed=len(summary.failed))
            bar.update(1)

    try:
        if not jobs:
            pass
        elif ray:
            _run_ray(jobs, finished, painter, paint_options, address=None if ray is True else str(ray))
        elif workers == 1 or len(jobs) == 1:
            _run_here(jobs, finished, painter, paint_options)
        else:
            _run_processes(jobs, finished, painter, paint_options, workers)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        if bar is not None:
            bar.close()
        summary.seconds = time.perf_counter() - started
    return summary


def _bar(enabled: bool, total: int, initial: int):
    if not enabled:
        return None
    from tqdm.auto import tqdm
    return tqdm(total=total, initial=initial, unit="image", desc="painting", dynamic_ncols=True)


def _run_here(jobs, finished: Callable, painter: str, options: dict) -> None:
    import torch
    threads = torch.get_num_threads()
    try:
        for job in jobs:
            finished(job, paint_files(job[0], painter, options))
    finally:
        torch.set_num_threads(threads)


def _quiet_worker() -> None:
    """Worker start: one thread; Ctrl-C is the driver's to handle (it stops the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["OMP_NUM_THREADS"] = "1"
    _one_thread()


def _context(multiprocessing):
    """Workers fork from a fresh server process that has imported the painter once (no threads inherited)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["torch", "strokes.painter", "strokes.registry"])
    return context


def _run_processes(jobs, finished: Callable, painter: str, options: dict, workers: int) -> None:
    calls = {i: (paint_files, (str(job[0]), painter, options)) for i, job in enumerate(jobs)}
    in_worker_processes(calls, lambda i, result: finished(jobs[i], result), workers)


def in_worker_processes(calls: dict, finished: Callable, workers: int) -> None:
    """Run ``calls`` (``{key: (function, args)}``) on up to ``workers`` processes, one thread each;
    ``finished(key, result)`` as each ends. A worker that dies gives ``{"error": ...}``; an
    interrupt or an error in ``finished`` stops every worker at once."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    pool = ProcessPoolExecutor(min(workers, len(calls)), mp_context=_context(multiprocessing),
                               initializer=_quiet_worker)
    try:
        pending = {pool.submit(function, *args): key for key, (function, args) in calls.items()}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                key = pending.pop(future)
                try:
                    result = future.result()
                except Exception as exc:                 # the worker itself died (out of memory, ...)
                    result = {"error": f"worker failed: {type(exc).__name__}: {exc}"}
                finished(key, result)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _stop(pool) -> None:
    """Stop every worker of ``pool`` now, and let the interpreter exit without waiting on them:
    the jobs still queued for workers that are gone would otherwise hold up its exit
    (``concurrent.futures`` flushes that queue at exit; a Ctrl-C in the slow batch test once
    hung there for minutes)."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join(5)
    queue = getattr(pool, "_call_queue", None)
    if queue is not None:
        queue.cancel_join_thread()
    pool.shutdown(wait=False, cancel_futures=True)


# -- Ray ------------------------------------------------------------------------------------

def _import_ray():
    try:
        import ray
    except ImportError:
        raise ManyError(f"--ray needs Ray, an optional extra: {RAY_INSTALL}") from None
    return ray


def ray_session(address: str | None):
    """Connect to Ray (``address``) or start a local one; returns ``(ray, started_here)``."""
    ray = _import_ray()
    if ray.is_initialized():
        return ray, False
    # No runtime_env: Ray already gives a task of one CPU OMP_NUM_THREADS=1, and the painter sets its own
    # threads; a runtime_env's agent added about 2 s to the first tasks of a local Ray (docs/scale.md).
    ray.init(address=address, include_dashboard=False, log_to_driver=False)
    return ray, True


def ray_gpus(options: dict) -> float:
    """GPUs a Ray task asks for: one when painting on CUDA."""
    return 1.0 if str(options.get("device", "cpu")).startswith("cuda") else 0.0


def run_ray_tasks(function, arguments: Iterable[tuple], on_result: Callable, address: str | None,
                  num_gpus: float = 0.0) -> None:
    """``function(*args)`` as one Ray task (one CPU, ``num_gpus`` GPUs) per tuple; results to ``on_result(k, r)``.

    Results come back to the driver as they finish; a local Ray started here is shut down after.
    """
    ray, started = ray_session(address)
    try:
        task = ray.remote(num_cpus=1, num_gpus=num_gpus, max_retries=0)(function)
        refs = {task.remote(*args): k for k, args in enumerate(arguments)}
        try:
            while refs:
                done, _ = ray.wait(list(refs), num_returns=1)
                for ref in done:
                    k = refs.pop(ref)
                    try:
                        result = ray.get(ref)
                    except Exception as exc:         # the task's process died
                        result = {"error": f"Ray task failed: {type(exc).__name__}: {exc}"}
                    on_result(k, result)
        except BaseException:
            for ref in refs:
                ray.cancel(ref, force=True)
            raise
    finally:
        if started:
            ray.shutdown()


def _run_ray(jobs, finished: Callable, painter: str, options: dict, address: str | None) -> None:
    arguments, ready = [], []
    for source, name in jobs:
        try:
            data = Path(source).read_bytes()     # sent to the task: the cluster may not share this disk
        except OSError as exc:
            finished((source, name), {"error": f"ImageError: {source}: {exc.strerror or exc}"})
            continue
        ready.append((source, name))
        arguments.append(((str(source), data), painter, options))
    run_ray_tasks(paint_files, arguments, lambda k, r: finished(ready[k], r), address, ray_gpus(options))


def report(summary: Summary, stream=sys.stderr) -> int:
    """Print the summary; the exit status of a command (0 all well, 1 some failed, 130 interrupted)."""
    print(summary, file=stream)
    return 130 if summary.interrupted else 0 if summary.ok else 1
