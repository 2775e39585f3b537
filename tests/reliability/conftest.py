import os
import subprocess
import sys

import pytest

from strokes.strokeset import StrokeSet

RED = [.9, .1, .1]


def stroke_set(n=3, width=64, height=48):
    rows = [[.1, .5, .5, .5, .9, .5, .2, .2, *RED, *RED, 1.0] for _ in range(n)]
    return StrokeSet(rows, width=width, height=height)


@pytest.fixture
def still(tmp_path):
    path = tmp_path / "still.json"
    stroke_set().save(path)
    return path


def run_strokes(*args, **kw):
    """``python -m strokes ARGS`` as a real process (one thread, this checkout first on the path)."""
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-m", "strokes", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120, **kw)
