"""Argument types for command-line options: a bad value is refused by argparse, naming the option.

>>> finite_float("2.5")
2.5
"""
from __future__ import annotations

import argparse
import math


def finite_float(text: str) -> float:
    """A finite number (``nan`` and ``inf`` are refused: no option means them)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value
