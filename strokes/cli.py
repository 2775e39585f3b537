"""The ``strokes`` command. Each sub-command lives in ``strokes/commands/<name>.py``
with a one-line ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# Threads: importing the package sets OMP_WAIT_POLICY=PASSIVE before torch loads, and every
# API function picks its own thread count for the call (strokes.threads); the commands rely on that.
from . import __version__

COMMANDS = ["paint", "render", "styles", "animate", "export", "train-renderer"]


def _command_module(name: str):
    return importlib.import_module(f"strokes.commands.{name.replace('-', '_')}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="strokes", description="Turn images into paintings of vector strokes; draw strokes in any style.")
    parser.add_argument("--version", action="version", version=f"strokes {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = _command_module(name)
        except ModuleNotFoundError:
            continue
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(run=module.run)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("strokes: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and friends: not an error
        sys.stderr.close()
        return 0
    except (ValueError, OSError, RuntimeError) as exc:
        print(f"strokes {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
