import os

import pytest
import torch

torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))


def make_params(rows):
    """(S, 15) float tensor from rows given as dicts of a few named fields; the rest default."""
    from strokes.layout import COLUMNS
    base = dict(x0=.2, y0=.5, x1=.5, y1=.5, x2=.8, y2=.5, w0=.1, w2=.1,
                r0=.8, g0=.2, b0=.1, r2=.8, g2=.2, b2=.1, opacity=1.0)
    return torch.tensor([[{**base, **row}[c] for c in COLUMNS] for row in rows], dtype=torch.float32)


@pytest.fixture
def params_factory():
    return make_params
