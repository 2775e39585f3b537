"""Benchmarks: ``python -m strokes.bench NAME [options]``.

Each benchmark is a module ``strokes/bench/<name>.py`` with ``main(argv)``.
They print medians measured in one run, with the machine they ran on;
``python -m strokes.bench all --write docs/benchmarks.md`` runs them all into one page.
"""
import pkgutil


def available() -> list[str]:
    """Names of the benchmarks (every module here but the helpers)."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_") and m.name != "common")
