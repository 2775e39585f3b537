"""Benchmarks: ``python -m strokes.bench NAME [options]``.

Each benchmark is a module ``strokes/bench/<name>.py`` with ``main(argv)``.
They print medians measured in one run, with the machine they ran on.
"""
