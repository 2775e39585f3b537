"""Conversions from the seed paper's parameterizations: geometry lands where the brush was."""
import math

import pytest
import torch

from strokes.convert import (bezier_to_strokes, marker_to_strokes, oil_to_strokes, strokes_to_bezier,
                             strokes_to_marker, strokes_to_oil)


def oil(x=.5, y=.5, h=.1, w=.4, theta=0., c0=(1, 0, 0), c2=(0, 0, 1), alpha=1.):
    return torch.tensor([[x, y, h, w, theta, *c0, *c2, alpha]], dtype=torch.float64)


class TestOil:
    def test_diagonal(self):
        s = oil_to_strokes(oil(w=math.sqrt(2) * 0.4, theta=0.25))[0]
        assert torch.allclose(s[0:6], torch.tensor([.3, .3, .5, .5, .7, .7], dtype=s.dtype))

    def test_long_side_decides_the_axis(self):
        s = oil_to_strokes(oil(h=.6, w=.1, theta=0.))[0]        # tall: runs down the canvas
        assert torch.allclose(s[0:8], torch.tensor([.5, .2, .5, .5, .5, .8, .1, .1], dtype=s.dtype))

    def test_aspect_ratio_uses_the_shorter_side(self):
        s = oil_to_strokes(oil(w=.5, h=.1), canvas=(100, 200))[0]   # 50 px long on a 200 px wide canvas
        assert torch.allclose(s[[0, 4]], torch.tensor([.5 - .125, .5 + .125], dtype=s.dtype))
        assert torch.allclose(s[6:8], torch.tensor([.1, .1], dtype=s.dtype))

    def test_cut_at_the_canvas_edge_with_colours_following(self):
        s = oil_to_strokes(oil(x=.9, w=.4))[0]                  # would reach x = 1.1
        assert torch.allclose(s[[0, 4]], torch.tensor([.7, 1.0], dtype=s.dtype))
        assert torch.allclose(s[8:14], torch.tensor([1, 0, 0, .25, 0, .75], dtype=s.dtype))

    def test_all_values_in_layout_range(self):
        g = torch.Generator().manual_seed(0)
        s = oil_to_strokes(torch.rand(1000, 12, generator=g, dtype=torch.float64), canvas=(300, 500))
        assert s.shape == (1000, 15) and s.min() >= 0 and s.max() <= 1

    def test_round_trip(self):
        g = torch.Generator().manual_seed(1)
        o = torch.rand(200, 12, generator=g, dtype=torch.float64)
        o[:, 0:2] = 0.3 + 0.4 * o[:, 0:2]                      # centred, short enough to stay inside
        o[:, 3] = 0.05 + 0.45 * o[:, 3]
        o[:, 2] = o[:, 3] * torch.rand(200, generator=g, dtype=torch.float64)   # w is the long side
        for canvas in [(1, 1), (300, 500), (640, 200)]:
            back = strokes_to_oil(oil_to_strokes(o, canvas), canvas)
            inside = oil_to_strokes(o, canvas)
            assert torch.allclose(strokes_to_oil(inside, canvas), back)
            assert torch.allclose(back, o, atol=1e-9), canvas

    @pytest.mark.parametrize("theta", [0.0, 0.5, 0.999])
    def test_direction_and_colour_kept_from_strokes(self, theta):
        o = oil(theta=theta)
        back = strokes_to_oil(oil_to_strokes(o))
        assert torch.allclose(back, o, atol=1e-9)

    def test_leftward_stroke_swaps_colours(self):
        s = torch.tensor([[.8, .5, .5, .5, .2, .5, .1, .1, 1, 0, 0, 0, 0, 1, 1]], dtype=torch.float64)
        o = strokes_to_oil(s)[0]
        assert float(o[4]) == 0.0
        assert o[5:11].tolist() == [0, 0, 1, 1, 0, 0]
        assert torch.allclose(oil_to_strokes(o[None])[0, [0, 4]], s[0, [4, 0]])

    def test_gradients(self):
        inner = dict(c0=(.7, .2, .3), c2=(.1, .5, .9), alpha=.6)     # away from the clamps at 0 and 1
        o = oil(theta=0.1, x=0.45, **inner).requires_grad_()
        assert torch.autograd.gradcheck(lambda t: oil_to_strokes(t, (30, 50)), (o,))
        s = oil_to_strokes(oil(theta=0.3, **inner)).detach().requires_grad_()
        assert torch.autograd.gradcheck(lambda t: strokes_to_oil(t, (30, 50)), (s,))

    def test_batched(self):
        assert oil_to_strokes(torch.rand(2, 3, 12)).shape == (2, 3, 15)

    @pytest.mark.parametrize("bad", [torch.rand(3, 11), torch.ones(3, 12, dtype=torch.long), [0.5] * 12])
    def test_bad_shape(self, bad):
        with pytest.raises(ValueError, match=r"expected oil-brush parameters as a float tensor of shape \(\.\.\., 12\)"):
            oil_to_strokes(bad)


class TestBezier:
    def test_radius_is_half_a_width(self):
        b = torch.rand(10, 15) * 0.5
        s = bezier_to_strokes(b)
        assert torch.allclose(s[:, 6:8], 2 * b[:, 6:8])
        assert torch.equal(s[:, :6], b[:, :6]) and torch.equal(s[:, 8:], b[:, 8:])
        assert torch.allclose(strokes_to_bezier(s), b)

    def test_radius_unit_and_clamp(self):
        b = torch.zeros(1, 15)
        b[0, 6:8] = torch.tensor([0.1, 0.9])
        assert torch.allclose(bezier_to_strokes(b, radius_unit=0.5)[0, 6:8], torch.tensor([0.1, 0.9]))
        assert bezier_to_strokes(b)[0, 7] == 1.0

    def test_marker(self):
        m = torch.rand(5, 12) * 0.5
        s = marker_to_strokes(m)
        assert torch.equal(s[:, 8:11], s[:, 11:14])
        assert torch.allclose(strokes_to_marker(s), m)

    def test_bad_shape(self):
        with pytest.raises(ValueError, match=r"marker parameters .* \(\.\.\., 12\), got torch.float32 of shape \(2, 15\)"):
            marker_to_strokes(torch.rand(2, 15))
