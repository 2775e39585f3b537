import importlib
import sys

from strokes.bench import available


def main(argv) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(f"usage: python -m strokes.bench {{{','.join(available())}}} [options]")
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in available():
        print(f"unknown benchmark {name!r}; available: {', '.join(available())}", file=sys.stderr)
        return 2
    return int(importlib.import_module(f"strokes.bench.{name}").main(rest) or 0)


sys.exit(main(sys.argv[1:]))
