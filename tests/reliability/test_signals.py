"""SIGINT and SIGTERM at any moment: one line, status 130 / 143, no temporary file left (defect 8)."""
import signal
import time

import numpy as np
import pytest
from PIL import Image

from strokes.locking import LOCK_NAME
from strokes.strokeset import StrokeSet

from .helpers import strokes_process


def busy_render(tmp_path):
    """A render that takes far longer than the tests wait (thousands of broad strokes at 4096 px)."""
    s = StrokeSet(np.random.default_rng(0).random((4000, 15)), width=400, height=300)
    s.save(tmp_path / "many.npz")
    return strokes_process("render", tmp_path / "many.npz", "--size", "4096", "-o", tmp_path / "out" / "a.png")


@pytest.fixture(scope="module")
def start_up_time():
    """Seconds until ``strokes --version`` is done: by then a process runs strokes' own code.

    (A signal while the interpreter itself starts, before any strokes code, is Python's business.)
    """
    started = time.monotonic()
    process = strokes_process("--version")
    process.communicate(timeout=60)
    return time.monotonic() - started


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("later", [0.0, pytest.param(1.0, marks=pytest.mark.slow)])
def test_stopped_with_one_line_and_the_shells_status(tmp_path, signum, status, later, start_up_time):
    """Right after start-up the process is parsing and importing (torch); a second later, loading or drawing."""
    process = busy_render(tmp_path)
    time.sleep(start_up_time + later)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("strokes") and f"stopped by {signal.Signals(signum).name}" in err
    out = tmp_path / "out"
    assert not out.exists() or list(out.iterdir()) == []       # no partial image, no temporary file


def painting_process(tmp_path):
    image = tmp_path / "in.png"
    Image.fromarray((np.random.default_rng(0).random((40, 48, 3)) * 255).astype(np.uint8)).save(image)
    return strokes_process("paint", image, "-o", tmp_path / "out", "--strokes", "3000", "--size", "48",
                           "--style", "marker", "-q")


@pytest.mark.slow
@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_paint_stopped_says_how_to_resume(tmp_path, signum, status):
    """Before: SIGTERM ended paint silently, without the 'continue with --resume' line SIGINT gave."""
    process = painting_process(tmp_path)
    checkpoint = tmp_path / "out" / "strokes.json"
    deadline = time.monotonic() + 90
    while not checkpoint.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status, err
    assert err == (f"strokes paint: stopped by {signal.Signals(signum).name}; the strokes painted so far are in "
                   f"{checkpoint} (continue with --resume)\n")
    assert sorted(p.name for p in checkpoint.parent.iterdir()) == ["strokes.json"]   # no lock, no temporary
    assert LOCK_NAME not in {p.name for p in checkpoint.parent.iterdir()}
