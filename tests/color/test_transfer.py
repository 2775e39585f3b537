import numpy as np
import ot
import pytest
import torch

from strokes.color import recolor
from strokes.color.lab import gamut_scale, lab_to_rgb, rgb_to_lab
from strokes.color.transfer import interval_means, sliced_distance, sliced_transport

from tests.color.synthetic import random_strokes


class TestIntervalMeans:
    def test_is_the_barycentre_of_the_exact_1d_plan(self):
        rng = np.random.default_rng(0)
        x, y = rng.normal(size=7), rng.normal(2, 3, size=40)
        w = rng.uniform(0.1, 1, size=7)
        w /= w.sum()
        plan = ot.emd(w, np.full(40, 1 / 40), ot.dist(x[:, None], y[:, None]))
        assert np.allclose(interval_means(x, w, np.sort(y)), plan @ y / w, atol=1e-9)


class TestSlicedTransport:
    def test_moves_weighted_points_onto_the_reference_in_the_moving_coordinates_only(self):
        rng = np.random.default_rng(1)
        points = rng.normal(size=(60, 3))
        reference = rng.normal([0, 5, -3], [1, 2, 0.5], size=(500, 3))
        w = rng.uniform(0.5, 1, size=60)
        moved = sliced_transport(points, w, reference, np.array([False, True, True]), rounds=20)
        assert np.array_equal(moved[:, 0], points[:, 0])
        before = sliced_distance(points[:, 1:], reference[:, 1:], x_weights=w)
        after = sliced_distance(moved[:, 1:], reference[:, 1:], x_weights=w)
        assert after < 0.2 * before


class TestLightnessKept:
    @pytest.mark.parametrize("hue", [(0.05, 0.05, 0.05), (0.95, 0.95, 0.9), (0.8, 0.3, 0.2)])
    def test_every_stroke_keeps_its_lightness_even_out_of_gamut(self, hue):
        s = random_strokes(30, hue=hue)
        vivid = torch.zeros(3, 16, 16)
        vivid[0, :, :8], vivid[2, :, 8:] = 1.0, 1.0                    # pure red and pure blue: far out at dark/light L*
        out = recolor(s, like=vivid)
        lab = lambda t: rgb_to_lab(torch.as_tensor(np.concatenate([t.params[:, 8:11], t.params[:, 11:14]]),  # noqa: E731
                                                   dtype=torch.float32))[:, 0].numpy()
        change = np.abs(lab(out) - lab(s))
        assert change.mean() < 0.05 and change.max() < 1.0

    def test_gamut_scale_fits_the_cube(self):
        L = np.array([5.0, 50.0, 95.0, 60.0])
        ab = np.array([[80.0, -90.0], [10.0, 10.0], [-70.0, 90.0], [100.0, 100.0]])
        scale = gamut_scale(L, ab)
        assert scale[1] == 1.0 and (scale[[0, 2, 3]] < 1).all()
        rgb = lab_to_rgb(torch.as_tensor(np.c_[L, ab * scale[:, None]], dtype=torch.float32))
        assert np.allclose(rgb_to_lab(rgb)[:, 0].numpy(), L, atol=0.05)
