"""Helpers of the reliability tests."""
import os
import subprocess
import sys

from strokes.strokeset import StrokeSet

RED = [.9, .1, .1]


def stroke_set(n=3, width=64, height=48):
    rows = [[.1, .5, .5, .5, .9, .5, .2, .2, *RED, *RED, 1.0] for _ in range(n)]
    return StrokeSet(rows, width=width, height=height)


def strokes_process(*args, **kw):
    """``python -m strokes ARGS`` started as a real process (one thread), stderr piped."""
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return subprocess.Popen([sys.executable, "-m", "strokes", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kw)
