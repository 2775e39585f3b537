"""Signals while the ``strokes`` command starts: one line and 128 + the signal, never a traceback.

Importing torch and the styles takes a second or two. A SIGINT or SIGTERM in
that time, before :func:`strokes.cli.main` takes signals over, ends the
process with ``strokes: stopped by SIGINT while starting; nothing was
written`` and status 130 / 143. The handler is installed by the first line of
strokes' own code that runs (``strokes/__init__.py``), and only when this
process is the ``strokes`` command: ``import strokes`` in any other program
leaves its signals alone. What happens before that line, while the Python
interpreter itself starts, is Python's to handle.
"""
from __future__ import annotations

import os
import signal
import sys

NAMES = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}


def is_the_command(argv0: str, orig_argv=()) -> bool:
    """Whether a process of this command line is the ``strokes`` program.

    The console script (``.../bin/strokes``) says so in ``sys.argv[0]``; ``python -m
    strokes`` in the interpreter's own command line (``sys.orig_argv``; ``sys.argv[0]`` is
    ``"-m"`` while the package is imported).

    >>> is_the_command("/venv/bin/strokes"), is_the_command("-m", ["python", "-X", "utf8", "-m", "strokes", "render"])
    (True, True)
    >>> is_the_command("-m", ["python", "-m", "strokes.bench"]), is_the_command("", ["python", "-c", "import strokes"])
    (False, False)
    """
    if os.path.splitext(os.path.basename(argv0 or ""))[0] == "strokes":
        return True
    args = iter(list(orig_argv)[1:])
    for arg in args:
        if arg in ("-X", "-W"):                          # an option with a value: skip the value
            next(args, None)
        elif arg.startswith("-m"):
            return (arg[2:] or next(args, "")) == "strokes"
        elif arg in ("-c", "-") or not arg.startswith("-"):   # -c, stdin or a script: not a module
            return False
    return False


def _stopped_while_starting(signum, frame):  # pragma: no cover - runs in the process being stopped
    os.write(2, f"strokes: stopped by {NAMES.get(signum, signum)} while starting; nothing was written\n".encode())
    os._exit(128 + signum)


def guard() -> bool:
    """Install the start-up handler for SIGINT and SIGTERM if this process is the ``strokes`` command."""
    if not is_the_command(sys.argv[0] if sys.argv else "", getattr(sys, "orig_argv", ())):
        return False
    try:
        for signum in NAMES:
            signal.signal(signum, _stopped_while_starting)
    except ValueError:          # not the main thread (imported from a worker): leave signals alone
        return False
    return True
