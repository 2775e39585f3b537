"""Helpers shared by the benchmarks: timing, peak memory, machine description, image scores."""
from __future__ import annotations

import hashlib
import os
import platform
import resource
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np
import torch


def machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
            f"{torch.get_num_threads()} threads, {'GPU ' + torch.cuda.get_device_name() if torch.cuda.is_available() else 'no GPU'}")


def code_version(root=None) -> str:
    """A short digest of the library's and the bundled styles' Python sources: a cached result from other code is not reused."""
    root = Path(root) if root is not None else Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for path in sorted([*(root / "strokes").rglob("*.py"), *(root / "styles").rglob("*.py")]):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def peak_memory_mb() -> float:
    """Peak resident memory of this process (and waited-for children are not counted), MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_timed(cmd: list[str], what: str, env=None) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``cmd`` in a child process: ``(finished process, wall seconds, CPU seconds of the child)``.

    CPU time is user + system of all its threads, the honest figure next to wall time on a busy
    machine. A child that fails raises ``RuntimeError`` naming ``what`` with the end of its stderr.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stderr[-2000:]}")
    return done, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_time(fn, repeat: int = 5, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB of two float arrays in [0, 1]."""
    mse = float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(1.0 / mse)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM of two ``(H, W, 3)`` float images in [0, 1] (Gaussian window, sigma 1.5, per channel)."""
    from scipy.ndimage import gaussian_filter
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    scores = []
    for ch in range(a.shape[-1]):
        x, y = a[..., ch], b[..., ch]
        f = lambda z: gaussian_filter(z, 1.5, truncate=3.5)  # noqa: E731
        mx, my = f(x), f(y)
        vx = f(x * x) - mx * mx
        vy = f(y * y) - my * my
        cxy = f(x * y) - mx * my
        m = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
        scores.append(m.mean())
    return float(np.mean(scores))
