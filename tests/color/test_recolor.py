import numpy as np
import pytest
import torch

from strokes.color import ColorError, recolor
from strokes.color.coverage import coverage
from strokes.color.lab import rgb_to_lab
from strokes.color.transfer import sliced_distance
from strokes.layout import COLORS

from tests.color.synthetic import random_strokes, two_tone_picture


def stroke_lab(s):
    t = s.to_tensor()
    return rgb_to_lab(torch.cat([t[:, 8:11], t[:, 11:14]])).double().numpy()


def ref_lab(img):
    return rgb_to_lab(img.reshape(3, -1).T).double().numpy()


class TestRecolorLike:
    def test_keeps_lightness_and_geometry(self):
        s = random_strokes()
        out = recolor(s, like=two_tone_picture())
        before, after = stroke_lab(s), stroke_lab(out)
        assert np.abs(after[:, 0] - before[:, 0]).mean() < 0.5
        assert np.abs(after[:, 0] - before[:, 0]).max() < 1.0
        cols = [c for c in range(15) if c not in range(COLORS.start, COLORS.stop)]
        assert np.array_equal(out.params[:, cols], s.params[:, cols])

    def test_pixels_move_to_the_reference_better_than_mean_variance(self):
        from strokes.rendering import render_tensor
        s = random_strokes(60)
        ref = two_tone_picture(dark=(0.2, 0.45, 0.3), light=(0.35, 0.4, 0.8))    # green and blue, lightness like the strokes'
        pixels = lambda t: ref_lab(render_tensor(t, style="marker", size=64))  # noqa: E731
        dist = lambda t: sliced_distance(pixels(t)[:, 1:], ref_lab(ref)[:, 1:])  # noqa: E731
        ot_d, mv_d, before = dist(recolor(s, like=ref)), dist(recolor(s, like=ref, method="mean-variance")), dist(s)
        assert ot_d < 0.55 * before
        assert ot_d < 0.8 * mv_d

    def test_amount_zero_changes_nothing_and_lightness_option(self):
        s = random_strokes()
        ref = two_tone_picture()
        assert np.abs(recolor(s, like=ref, amount=0).params - s.params).max() < 2e-3
        moved = recolor(s, like=ref, keep_lightness=False)
        assert np.abs(stroke_lab(moved)[:, 0] - stroke_lab(s)[:, 0]).mean() > 2.0

    def test_bad_input(self, tmp_path):
        s = random_strokes(5)
        with pytest.raises(ColorError, match="single colour"):
            recolor(s, like=torch.full((3, 8, 8), 0.4))
        bad = tmp_path / "bad.png"
        bad.write_text("not an image")
        with pytest.raises(ColorError, match="bad.png"):
            recolor(s, like=bad)
        with pytest.raises(ColorError, match="exactly one"):
            recolor(s, like=two_tone_picture(), colors=3)
        with pytest.raises(ColorError, match="amount"):
            recolor(s, like=two_tone_picture(), amount=1.5)
