"""One thread policy for the whole library: each API call picks its thread settings, then gives them back.

The painter works on many small tensors: extra torch threads barely help it
on an idle machine and slow it down many times over on a busy one (spinning
OpenMP threads starve each other). So :func:`strokes.paint` runs on one torch
thread, whoever calls it. Drawing a large canvas (render, animate, export)
has big tensors that threads do help with, as long as idle OpenMP threads
sleep instead of spinning (``OMP_WAIT_POLICY=PASSIVE``); where that policy is
not known to be in effect they run on one thread too.

``OMP_WAIT_POLICY`` is read once, when torch's OpenMP runtime loads. Importing
:mod:`strokes` before torch sets it to ``PASSIVE`` (unless the caller set it),
exactly as the ``strokes`` command does; if torch was imported first the
policy is whatever torch started with, and is treated as unknown.

>>> import torch
>>> before = torch.get_num_threads()
>>> with thread_policy("paint"):
...     torch.get_num_threads()
1
>>> torch.get_num_threads() == before
True
"""
from __future__ import annotations

import functools
import os
import sys
from contextlib import contextmanager

__all__ = ["thread_policy", "with_thread_policy", "passive_wait", "KINDS"]

# Set before torch loads (when it has not yet): idle OpenMP threads sleep.
_TORCH_BEFORE_US = "torch" in sys.modules
if not _TORCH_BEFORE_US:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

KINDS = ("paint", "draw")   # paint: one thread; draw: the caller's threads if waiting is passive, else one


def passive_wait() -> bool:
    """Whether torch's OpenMP threads are known to sleep when idle (``OMP_WAIT_POLICY=PASSIVE`` at its start)."""
    return not _TORCH_BEFORE_US and os.environ.get("OMP_WAIT_POLICY", "").strip().upper() == "PASSIVE"


def threads_for(kind: str, caller: int) -> int:
    """Torch threads a call of ``kind`` (``"paint"`` or ``"draw"``) runs on, given the caller's ``caller`` threads."""
    if kind not in KINDS:
        raise ValueError(f"thread policy: expected one of {', '.join(KINDS)}, got {kind!r}")
    if kind == "paint":
        return 1
    return caller if passive_wait() else 1


@contextmanager
def thread_policy(kind: str = "paint", threads: "int | None" = None):
    """Run the body with the library's torch thread count for ``kind`` (or ``threads``), then restore the caller's.

    Nested uses keep the outermost caller's setting on exit; an exception in
    the body restores it too.
    """
    import torch

    caller = torch.get_num_threads()
    wanted = int(threads) if threads is not None else threads_for(kind, caller)
    if wanted < 1:
        raise ValueError(f"threads: expected at least 1, got {wanted}")
    if wanted != caller:
        torch.set_num_threads(wanted)
    try:
        yield wanted
    finally:
        if torch.get_num_threads() != caller:
            torch.set_num_threads(caller)


def with_thread_policy(kind: str):
    """Decorator: the function runs under :func:`thread_policy` ``(kind)``."""
    def wrap(fn):
        @functools.wraps(fn)
        def call(*args, **kwargs):
            with thread_policy(kind):
                return fn(*args, **kwargs)
        return call
    return wrap
