import importlib
import pkgutil
import sys

import strokes.bench as bench


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_"))


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
