"""Overdrawn passes become one stroke; continuing pieces join; distinct lines stay apart."""
import numpy as np
from PIL import Image, ImageDraw

from strokes.tracer import trace
from strokes.tracing.merging import Merging, Piece, drop_overdrawn, join_continuing


def straight(a, b, path=0, index=0):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return Piece(np.stack([a, (a + b) / 2, b]), path, index)


class TestOverdrawn:
    def test_a_pass_beside_a_longer_one_is_dropped(self):
        pieces = [straight((10, 50), (190, 50), 0), straight((20, 53), (170, 53), 1)]
        kept = drop_overdrawn(pieces, beside=4.0)
        assert len(kept) == 1 and kept[0].path == 0

    def test_parallel_lines_far_apart_and_crossing_lines_stay(self):
        apart = [straight((10, 50), (190, 50), 0), straight((20, 60), (170, 60), 1)]
        assert len(drop_overdrawn(apart, beside=4.0)) == 2
        crossing = [straight((10, 50), (190, 50), 0), straight((100, 10), (100, 90), 1)]
        assert len(drop_overdrawn(crossing, beside=4.0)) == 2


class TestContinuing:
    def test_a_broken_line_is_joined(self):
        pieces = [straight((10, 50), (90, 51), 0, 0), straight((96, 51), (190, 52), 1, 0)]
        joined = join_continuing(pieces, gap=8, angle=20, tolerance=1.5)
        assert len(joined) == 1
        ends = sorted([tuple(joined[0].ctrl[0]), tuple(joined[0].ctrl[2])])
        assert np.allclose(ends[0], (10, 50)) and np.allclose(ends[1], (190, 52))

    def test_a_corner_and_a_big_gap_are_not_joined(self):
        corner = [straight((10, 50), (90, 50)), straight((90, 50), (90, 120), 1)]
        assert len(join_continuing(corner, gap=8, angle=20, tolerance=1.5)) == 2
        gap = [straight((10, 50), (90, 50)), straight((120, 50), (190, 50), 1)]
        assert len(join_continuing(gap, gap=8, angle=20, tolerance=1.5)) == 2

    def test_merging_grows_with_simplify(self):
        loose, firm = Merging.for_lines(2.0, 0.0), Merging.for_lines(2.0, 1.0)
        assert loose.beside < firm.beside and loose.gap < firm.gap and loose.tolerance < firm.tolerance


def test_a_line_drawn_three_times_traces_as_one_stroke():
    im = Image.new("L", (400, 240), 250)
    d = ImageDraw.Draw(im)
    for k, off in enumerate((-3, 0, 3)):                              # three passes, each a bit off
        d.line([(40 + 4 * k, 120 + off), (200, 110 + off), (360 - 5 * k, 125 + off)], fill=70, width=2, joint="curve")
    drawing = trace(im, simplify=0.5, progress=False, refine_steps=0)
    assert len(drawing.strokes) <= 2
    xs = drawing.strokes.params[:, [0, 4]] * 400
    assert xs.min() < 50 and xs.max() > 340                            # and it spans the whole line
