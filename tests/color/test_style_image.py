import numpy as np
import ot
import pytest
import torch

from strokes.color.style_image import StyleLoss, projections, sliced_wasserstein


class TestSlicedWasserstein:
    def test_equals_pot(self):
        g = torch.Generator().manual_seed(0)
        x = torch.rand(200, 6, generator=g, dtype=torch.float64)
        y = torch.rand(200, 6, generator=g, dtype=torch.float64) * 0.5 + 0.2
        d = projections(6, 30, g)
        ours = float(sliced_wasserstein(x, y, d))
        pot = ot.sliced_wasserstein_distance(x.numpy(), y.numpy(), projections=d.numpy())
        assert ours == pytest.approx(pot, rel=1e-9)

    def test_different_sizes_and_gradient(self):
        g = torch.Generator().manual_seed(1)
        x = torch.rand(20, 3, generator=g, dtype=torch.float64, requires_grad=True)
        y = torch.rand(80, 3, generator=g, dtype=torch.float64)
        d = projections(3, 10, g)
        assert float(sliced_wasserstein(y[::2], y, d)) < 0.08            # a sample is close to its whole
        torch.autograd.gradcheck(lambda x: sliced_wasserstein(x, y, d), (x,))


class TestStyleLoss:
    def test_moving_towards_the_style_lowers_it(self):
        style = torch.zeros(3, 32, 32)
        style[2] = 1.0                                                      # blue
        canvas = torch.full((3, 32, 32), 0.5, requires_grad=True)
        loss = StyleLoss(style, weight=1.0, seed=0)
        first = loss(canvas)
        grad, = torch.autograd.grad(first, canvas)
        assert grad[2].mean() < 0 < grad[0].mean()                          # more blue, less red
        with torch.no_grad():
            assert loss(canvas - 2.0 * grad.sign() * 0.1) < first
