"""The stroke parameter layout: the public contract every part of the library
and every plugin agrees on.

A set of strokes is a float tensor of shape ``(S, P)`` (batched ``(B, S, P)``)
with ``P = 15`` columns, in canvas-relative units:

==========  =====================================================
columns     meaning
==========  =====================================================
x0, y0      start point P0 (x in [0, 1] of the width, y down)
x1, y1      control point P1 of the quadratic Bezier centreline
x2, y2      end point P2
w0, w2      full width at start and end, fraction of the shorter side
r0, g0, b0  colour at the start, RGB in [0, 1]
r2, g2, b2  colour at the end
opacity     in [0, 1]
==========  =====================================================

Row order is z-order and drawing order: the last row is drawn on top.

>>> COLUMNS.index("opacity")
14
>>> P
15
"""

LAYOUT_VERSION = 1

COLUMNS = (
    "x0", "y0", "x1", "y1", "x2", "y2",
    "w0", "w2",
    "r0", "g0", "b0", "r2", "g2", "b2",
    "opacity",
)
P = len(COLUMNS)

# Column slices and indices, named in the painter's language: ``params[:, WIDTHS]``.
POINTS = slice(0, 6)      # x0, y0, x1, y1, x2, y2
P0 = slice(0, 2)          # start point (x, y)
P1 = slice(2, 4)          # control point
P2 = slice(4, 6)          # end point
WIDTHS = slice(6, 8)      # w0, w2
W0, W2 = 6, 7
COLOR_START = slice(8, 11)
COLOR_END = slice(11, 14)
COLORS = slice(8, 14)
OPACITY = 14
PAINT = slice(8, 15)      # colours and opacity: what a stroke lays down, not where

# Lower and upper bound of every column (all columns live in [0, 1]).
LOW = (0.0,) * P
HIGH = (1.0,) * P


def column(name: str) -> int:
    """Index of a named column, with a clear error for unknown names.

    >>> column("w2")
    7
    """
    try:
        return COLUMNS.index(name)
    except ValueError:
        raise ValueError(f"unknown stroke column {name!r}; expected one of {', '.join(COLUMNS)}") from None
