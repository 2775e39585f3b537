import numpy as np
import pytest
import torch

from strokes import StrokeSet
from strokes.layout import COLUMNS, P, column


def test_layout_is_the_public_contract():
    assert COLUMNS == ("x0", "y0", "x1", "y1", "x2", "y2", "w0", "w2",
                       "r0", "g0", "b0", "r2", "g2", "b2", "opacity")
    assert P == 15 and column("opacity") == 14
    with pytest.raises(ValueError, match="unknown stroke column 'alpha'"):
        column("alpha")


def test_tensor_round_trip_len_iter_index():
    t = torch.rand(5, 15, dtype=torch.float64)
    s = StrokeSet.from_tensor(t, width=300, height=200, background=(0.1, 0.2, 0.3))
    assert len(s) == 5 and s.size == (200, 300)
    assert torch.equal(s.to_tensor(torch.float64), t)
    strokes = list(s)
    assert strokes[2].opacity == float(t[2, 14]) and strokes[2].p1 == (float(t[2, 2]), float(t[2, 3]))
    assert s[1:3] == StrokeSet(t[1:3], 300, 200, (0.1, 0.2, 0.3))
    assert StrokeSet.from_strokes(strokes, width=300, height=200, background=(0.1, 0.2, 0.3)) == s


def test_append_keeps_order():
    a = StrokeSet(np.full((2, 15), 0.25))
    b = a.append(np.full((1, 15), 0.75))
    assert len(b) == 3 and b.params[-1, 0] == 0.75 and len(a) == 2


def test_bad_construction():
    with pytest.raises(ValueError, match="shape"):
        StrokeSet(np.zeros((2, 14)))
    with pytest.raises(ValueError, match="positive size"):
        StrokeSet(width=0, height=10)
    with pytest.raises(ValueError, match="background"):
        StrokeSet(background=(1, 1))
