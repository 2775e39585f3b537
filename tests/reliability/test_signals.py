"""SIGINT and SIGTERM at any moment: one line, status 130 / 143, no temporary file left (defect 8)."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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
    return strokes_process("render", tmp_path / "many.npz", "--size", "4096", "-o", tmp_path / "out" / "a.png",
                           "-q")                              # no progress bar: the stop line alone


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


def torch_loading(process, deadline=60.0) -> bool:
    """Wait until ``process`` has torch's library mapped: it is in the middle of importing torch."""
    maps = f"/proc/{process.pid}/maps"
    end = time.monotonic() + deadline
    while process.poll() is None and time.monotonic() < end:
        try:
            with open(maps) as fh:
                if "libtorch" in fh.read():
                    return True
        except OSError:
            pass
        time.sleep(0.005)
    return False


def console_script():
    script = Path(sys.executable).with_name("strokes")
    if not script.exists():
        pytest.skip("no `strokes` console script next to this interpreter")
    return [str(script)]


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc to see torch loading")
@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("how", ["module", "script"])
def test_stopped_while_importing_torch(tmp_path, signum, status, how):
    """Before: a signal in the second or two of start-up could end in a KeyboardInterrupt traceback."""
    StrokeSet(np.random.default_rng(0).random((5, 15))).save(tmp_path / "s.json")
    command = [sys.executable, "-m", "strokes"] if how == "module" else console_script()
    env = dict(os.environ, OMP_NUM_THREADS="1")
    process = subprocess.Popen([*command, "render", str(tmp_path / "s.json"), "-o", str(tmp_path / "out" / "a.png")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert torch_loading(process), process.communicate()
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("strokes") and f"stopped by {signal.Signals(signum).name}" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_stopped_at_the_first_line_of_strokes(signum, status):
    """The console script's first step, ``import strokes``, then a signal at once: before cli.py is even read."""
    code = ("import sys; sys.argv[0] = '/somewhere/bin/strokes'; import strokes, os, time; "
            f"os.kill(os.getpid(), {int(signum)}); time.sleep(30)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == status, done.stderr
    assert done.stderr == f"strokes: stopped by {signal.Signals(signum).name} while starting; nothing was written\n"


def test_importing_strokes_elsewhere_leaves_signals_alone():
    code = "import signal, strokes; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr
