"""Dark areas: shaded with a few parallel hatching lines, not filled in with scribble."""
import math

import numpy as np
import torch

from strokes.sketcher import sketch
from strokes.sketching.placing import HATCHING
from strokes.sketching.shading import fill_of, shaded_target


def dark_block(h=64, w=64):
    """A black square with a thin dark line beside it, on white: ``(3, h, w)``."""
    t = torch.ones(3, h, w)
    t[:, 12:52, 8:44] = 0.05
    t[:, 8:56, 54:56] = 0.1
    return t


def test_wide_dark_areas_become_stripes_and_thin_lines_stay():
    d = torch.zeros(64, 64)
    d[12:52, 8:44] = 0.6
    d[8:56, 54] = 0.6
    s = shaded_target(d, radius=2, spacing=8.0)
    assert torch.equal(s[:, 54], d[:, 54])                                  # a line is kept as it is
    inside = s[20:44, 16:36]
    assert float(inside.max()) > 0.5 and float((inside < 0.05).float().mean()) > 0.5   # stripes and bare paper
    # The stripes run at the hatching angle: constant along it, changing across it.
    step = torch.tensor([math.cos(HATCHING), math.sin(HATCHING)])
    y, x = 30, 24
    along = [float(s[round(y + k * step[1].item()), round(x + k * step[0].item())]) for k in range(-4, 5)]
    assert max(along) - min(along) < 0.2
    assert float(fill_of(d, 0).abs().sum()) == 0 and torch.equal(shaded_target(d, 0, 8.0), d)


def test_a_dark_area_is_hatched_in_parallel_not_filled():
    def drawn(**options):
        d = sketch(dark_block(), lines=60, size=64, target="xdog", progress=False, batch=20, steps=4, **options)
        p = d.strokes.params
        mx, my = (p[:, 0] + p[:, 4]) * 32, (p[:, 1] + p[:, 5]) * 32
        inside = (mx > 12) & (mx < 40) & (my > 16) & (my < 48)
        angle = np.arctan2((p[:, 5] - p[:, 1]) * 64, (p[:, 4] - p[:, 0]) * 64)[inside]
        off = np.abs((angle - HATCHING + np.pi / 2) % np.pi - np.pi / 2)    # undirected angle to the hatching
        return int(inside.sum()), float(np.median(off)), float((1 - d.tensor().mean(0))[16:48, 12:40].mean())
    count, off, ink = drawn()
    assert count >= 4 and off < math.radians(15)                             # parallel hatching inside
    _, _, filled = drawn(fill=0)                                             # the dark area drawn as the target has it
    assert ink < 0.5 * filled                                                # shaded: the paper shows
