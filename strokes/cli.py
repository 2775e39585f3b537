"""The ``strokes`` command. Each sub-command lives in ``strokes/commands/<name>.py``
with a one-line ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.

How a run ends (see ``docs/reliability.md``):

* success: the command's status (0);
* a :class:`~strokes.errors.StrokesError` (bad file, image, style, option, a
  locked or unwritable output) or an ``OSError`` of the environment: one line
  ``strokes CMD: error: ...``, status 1;
* SIGINT / SIGTERM at any moment: one line saying what was kept, status 130 / 143;
* anything else is a bug (in strokes or a plugin): a short report naming the
  exception and where it was raised, status 1; ``--traceback`` shows it all.
"""
from __future__ import annotations

# Kept light: torch loads with the commands, in main(). A SIGINT / SIGTERM before main() takes
# signals over is handled by strokes.startup (installed by strokes/__init__.py).
import argparse
import contextlib
import importlib
import os
import signal
import sys
import traceback
import warnings

# Idle OpenMP threads sleep instead of spinning: on a busy or small machine spinning
# threads starve each other (measured on the 4,096 px poster with another busy process).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from . import __version__
from .errors import Interrupted, StrokesError

COMMANDS = ["paint", "sketch", "trace", "target", "recolor", "render", "styles", "animate", "export", "train-renderer"]


def _command_module(name: str):
    return importlib.import_module(f"strokes.commands.{name.replace('-', '_')}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="strokes", description="Turn images into paintings of vector strokes; draw strokes in any style.")
    parser.add_argument("--version", action="version", version=f"strokes {__version__}")
    parser.add_argument("--traceback", action="store_true",
                        help="on an error, print the full Python traceback (for bug reports)")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--traceback", action="store_true", default=argparse.SUPPRESS,
                        help="on an error, print the full Python traceback")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = _command_module(name)
        except Exception as exc:  # a command that cannot load is reported when used, never dropped
            reason = f"{type(exc).__name__}: {exc}"
            p = sub.add_parser(name, help=f"(unavailable: {reason})", parents=[common])
            p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
            p.set_defaults(run=_unavailable(name, reason))
            continue
        p = sub.add_parser(name, help=module.HELP, description=module.HELP, parents=[common])
        module.add_arguments(p)
        p.set_defaults(run=module.run)
    return parser


def _unavailable(name: str, reason: str):
    def run(args) -> int:
        raise CommandUnavailable(f"this command failed to load ({reason}); "
                                 f"reinstall strokes or its dependencies")
    return run


class CommandUnavailable(StrokesError):
    """A listed command whose module cannot be imported."""


def main(argv=None) -> int:
    command = "strokes"
    show_traceback = "--traceback" in (sys.argv[1:] if argv is None else argv)
    with _signals_raise(), _one_line_warnings():
        try:
            parser = build_parser()
            args = parser.parse_args(argv)
            command = f"strokes {args.command}" if getattr(args, "command", None) else "strokes"
            show_traceback = bool(getattr(args, "traceback", False))
            if not getattr(args, "run", None):
                parser.print_help()
                return 2
            return int(args.run(args) or 0)
        except KeyboardInterrupt as exc:
            return _report_interrupt(command, exc)
        except BrokenPipeError:  # output piped into `head` and friends: not an error
            with contextlib.suppress(OSError):
                sys.stderr.close()
            return 0
        except Exception as exc:
            if show_traceback:
                traceback.print_exc()
            if _is_user_error(exc):
                print(f"{command}: error: {_one_line(exc)}", file=sys.stderr)
            else:
                _report_bug(command, exc, show_traceback)
            return 1


def _is_user_error(exc: BaseException) -> bool:
    """A StrokesError, an OSError of the environment, or a ValueError raised by one of strokes' own checks.

    A ValueError raised inside torch, numpy or a plugin is not one of those: it is reported as a bug.
    """
    if isinstance(exc, (StrokesError, OSError)):
        return True
    if isinstance(exc, ValueError):
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        module = tb.tb_frame.f_globals.get("__name__", "") if tb is not None else ""
        return module.startswith(("strokes.", "styles.", "argparse"))
    return False


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, StrokesError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return " ".join(str(exc).split()) or type(exc).__name__


def _report_bug(command: str, exc: BaseException, shown: bool) -> None:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
    print(f"{command}: internal error: {type(exc).__name__}: {_one_line(exc)}{where}", file=sys.stderr)
    if not shown:
        print(f"  this is a bug in strokes {__version__} or in a plugin; run again with --traceback "
              "to see the full traceback, and report it with the command line", file=sys.stderr)


def _report_interrupt(command: str, exc: KeyboardInterrupt) -> int:
    signum = getattr(exc, "signum", signal.SIGINT)
    kept = getattr(exc, "kept", None) or "unfinished outputs were not written (no partial files left)"
    print(f"{command}: stopped by {signal.Signals(signum).name}; {kept}", file=sys.stderr)
    return 128 + int(signum)


@contextlib.contextmanager
def _signals_raise():
    """SIGINT and SIGTERM raise :class:`Interrupted` (once; a second signal while unwinding is ignored)."""
    stopping = []

    def handler(signum, frame):
        if stopping:
            return
        stopping.append(signum)
        raise Interrupted(signum)

    try:
        previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


@contextlib.contextmanager
def _one_line_warnings():
    """Warnings (e.g. from a plugin) as one line each: ``strokes: warning: ...``."""
    def show(message, category, filename, lineno, file=None, line=None):
        print(f"strokes: warning: {' '.join(str(message).split())}", file=file or sys.stderr)

    previous = warnings.showwarning
    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = previous


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
