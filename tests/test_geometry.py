import math

import pytest
import torch

from strokes.geometry import (SEGMENTS, _pieces, centreline, centreline_distance, coverage, fitted_pieces,
                              stroke_boxes, stroke_frame)
from tests.conftest import make_params


def test_fitted_pieces_keep_the_frame_within_their_tolerance_and_straight_strokes_exact():
    straight = make_params([dict(x0=.1, y0=.3, x1=.45, y1=.5, x2=.8, y2=.7, w0=.2, w2=.1)])
    curved = make_params([dict(x0=.1, y0=.8, x1=.5, y1=.0, x2=.9, y2=.8, w0=.1, w2=.2)])
    size = (60, 80)
    with fitted_pieces(0.1):
        assert _pieces(straight, size, None) == 1
        assert 1 < _pieces(curved, size, None) <= SEGMENTS
        assert _pieces(curved, size, 3) == 3                      # a given count is kept
        few = stroke_frame(torch.cat([straight, curved]), size)
    assert _pieces(curved, size, None) == SEGMENTS                # outside the block: the default
    full = stroke_frame(torch.cat([straight, curved]), size)
    assert torch.allclose(few.dist[0], full.dist[0], atol=1e-4)  # a straight stroke: one piece, exact
    assert float((few.dist - full.dist).abs().max()) < 0.1 + 0.05
    near = full.dist < full.half_width                            # inside the paint
    assert float((few.t - full.t)[near].abs().max()) < 0.05


class TestStrokeFrame:
    def test_straight_stroke_distances(self):
        p = make_params([dict(x0=.1, y0=.5, x1=.5, y1=.5, x2=.9, y2=.5, w0=.2, w2=.2)])
        f = stroke_frame(p, (20, 20))
        assert f.dist.shape == (1, 20, 20)
        assert float(f.length) == pytest.approx(16.0, abs=1e-4)
        # row 10 centre is y=10.5: 0.5 px from the centreline at y=10
        assert float(f.dist[0, 10, 10]) == pytest.approx(0.5, abs=1e-4)
        assert float(f.half_width[0, 10, 10]) == pytest.approx(2.0, abs=1e-5)
        # along runs from -1.5 (pixel x=0.5) to 17.5 (x=19.5)
        assert float(f.along[0, 10, 0]) == pytest.approx(-1.5, abs=1e-4)
        assert float(f.along[0, 10, 19]) == pytest.approx(17.5, abs=1e-4)

    def test_across_sign_and_round_caps(self):
        p = make_params([dict(x0=.25, y0=.5, x1=.5, y1=.5, x2=.75, y2=.5)])
        f = stroke_frame(p, (40, 40))
        assert float(f.across[0, 5, 20]) * float(f.across[0, 35, 20]) < 0
        # beyond the end the distance is to the end point (round cap)
        assert float(f.dist[0, 20, 39]) == pytest.approx(math.hypot(39.5 - 30, 0.5), abs=1e-3)

    def test_curved_stroke_passes_through_its_midpoint(self):
        p = make_params([dict(x0=.1, y0=.8, x1=.5, y1=.0, x2=.9, y2=.8)])
        H = W = 100
        mid = centreline(p, (H, W), segments=2)[0, 1]          # B(0.5) in pixels
        f = stroke_frame(p, (H, W))
        i, j = int(mid[1]), int(mid[0])
        assert float(f.dist[0, i, j]) < 1.0
        assert float(f.t[0, i, j]) == pytest.approx(0.5, abs=0.02)

    def test_windows_equal_crops(self):
        torch.manual_seed(0)
        p = torch.rand(4, 15)
        full = stroke_frame(p, (30, 50))
        part = stroke_frame(p, (30, 50), window=(5, 10, 12, 20))
        torch.testing.assert_close(part.dist, full.dist[:, 5:17, 10:30], atol=1e-4, rtol=0)
        tops, lefts = torch.tensor([0, 3, 9, 18]), torch.tensor([1, 30, 0, 12])
        each = stroke_frame(p, (30, 50), window=(tops, lefts, 12, 20))
        for s in range(4):
            t, l = int(tops[s]), int(lefts[s])
            torch.testing.assert_close(each.along[s], full.along[s, t:t + 12, l:l + 20], atol=1e-3, rtol=0)

    def test_bad_params_shape(self):
        with pytest.raises(ValueError, match=r"expected stroke parameters of shape \(S, 15\), got \(3, 14\)"):
            stroke_frame(torch.zeros(3, 14), (8, 8))

    def test_with_and_without_gradients_the_frame_is_the_same(self):
        # With gradients the nearest pieces are found without autograd and worked out again.
        torch.manual_seed(1)
        p = torch.rand(12, 15, dtype=torch.float64)
        p[:, 6:8] *= 0.3
        tops, lefts = torch.randint(-4, 30, (12,)), torch.randint(-4, 40, (12,))
        for window in (None, (tops, lefts, 14, 18)):
            with torch.no_grad():
                plain = stroke_frame(p, (40, 50), window)
            traced = stroke_frame(p.clone().requires_grad_(True), (40, 50), window)
            for name in ("along", "across", "dist", "t", "half_width"):
                assert torch.equal(getattr(plain, name), getattr(traced, name).detach()), name
            torch.testing.assert_close(centreline_distance(p, (40, 50), window), plain.dist, atol=0, rtol=0)

    def test_no_strokes(self):
        for grad in (False, True):
            f = stroke_frame(torch.zeros(0, 15, requires_grad=grad), (8, 9))
            assert f.dist.shape == f.along.shape == (0, 8, 9)

    def test_gradcheck_frame(self):
        p = make_params([dict(x0=.21, y0=.43, x1=.52, y1=.31, x2=.77, y2=.61, w0=.3, w2=.2)]).double().requires_grad_()
        for part in ("along", "across", "half_width"):
            f = lambda q: getattr(stroke_frame(q, (6, 7)), part)  # noqa: E731
            assert torch.autograd.gradcheck(f, (p,), eps=1e-6, atol=1e-5), part

    def test_gradcheck_distance(self):
        p = make_params([dict(x0=.21, y0=.43, x1=.52, y1=.31, x2=.77, y2=.61)]).double().requires_grad_()
        f = lambda q: stroke_frame(q, (6, 7)).dist  # noqa: E731
        assert torch.autograd.gradcheck(f, (p,), eps=1e-6, atol=1e-5)


def test_coverage_is_antialiased():
    c = coverage(torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0]))
    assert c.tolist() == [1.0, 1.0, 0.5, 0.0, 0.0]


def test_boxes_contain_the_stroke():
    p = make_params([dict(x0=.1, y0=.2, x1=.5, y1=.9, x2=.7, y2=.3, w0=.1, w2=.05)])
    H, W = 60, 80
    top, left, bottom, right = stroke_boxes(p, (H, W))[0].tolist()
    f = stroke_frame(p, (H, W))
    inside = (f.dist <= f.half_width + 0.5)[0]
    ys, xs = torch.nonzero(inside, as_tuple=True)
    assert top <= int(ys.min()) and int(ys.max()) < bottom
    assert left <= int(xs.min()) and int(xs.max()) < right
