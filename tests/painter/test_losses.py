"""The losses: pixel L1 and the separable Sinkhorn, checked against POT."""
import ot
import pytest
import torch

from strokes.losses import grid_cost, paint_mass, pixel_loss, sinkhorn, sinkhorn_loss, transport_loss


def dense_cost(h, w):
    cy, cx = grid_cost(h, w)
    ys, xs = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    ys, xs = ys.flatten(), xs.flatten()
    return cy[ys][:, ys] + cx[xs][:, xs]


def random_pair(h, w, seed):
    g = torch.Generator().manual_seed(seed)
    a = torch.rand(h, w, generator=g, dtype=torch.float64) ** 3
    b = torch.rand(h, w, generator=g, dtype=torch.float64) ** 3
    return a / a.sum(), b / b.sum()


@pytest.mark.parametrize("h,w,reg", [(6, 5, 0.05), (7, 9, 0.01), (8, 8, 0.004), (4, 6, 0.001)])
def test_transport_cost_matches_pot(h, w, reg):
    a, b = random_pair(h, w, seed=h * w)
    ours = sinkhorn(a, b, reg=reg, iters=3000, tol=1e-12, warn=False).cost
    theirs = ot.sinkhorn2(a.flatten(), b.flatten(), dense_cost(h, w), reg, numItermax=20000,
                          stopThr=1e-13, method="sinkhorn_log")
    assert float(ours) == pytest.approx(float(theirs), rel=1e-4, abs=1e-7)


def test_gradient_points_the_same_way_as_pots():
    a, b = random_pair(7, 6, seed=3)
    x = a.clone().requires_grad_(True)
    sinkhorn_loss(x, b, reg=0.01, iters=500).backward()
    ours = x.grad - x.grad.mean()
    y = a.flatten().clone().requires_grad_(True)
    ot.sinkhorn2(y, b.flatten(), dense_cost(7, 6), 0.01, numItermax=5000, stopThr=1e-12).backward()
    theirs = (y.grad - y.grad.mean()).view(7, 6)
    cosine = (ours * theirs).sum() / (ours.norm() * theirs.norm())
    assert cosine > 0.95


def test_distance_grows_with_how_far_the_paint_is():
    costs = []
    for shift in (1, 3, 6):
        a = torch.zeros(8, 12); a[4, 2] = 1
        b = torch.zeros(8, 12); b[4, 2 + shift] = 1
        costs.append(float(sinkhorn(a, b, reg=0.002, iters=300).cost))
    assert costs[0] < costs[1] < costs[2]
    assert costs[2] == pytest.approx((6 / 12) ** 2, rel=0.05)


def test_same_paint_costs_about_nothing():
    img = torch.rand(3, 20, 30)
    assert float(transport_loss(img, img, torch.ones(3), grid=10)) < 1e-3 + float(
        transport_loss(img, img.flip(-1), torch.ones(3), grid=10))


def test_paint_mass_is_a_distribution_on_a_grid_with_the_canvas_shape():
    m = paint_mass(torch.rand(3, 40, 60), torch.ones(3), (8, 12))
    assert m.shape == (8, 12) and float(m.sum()) == pytest.approx(1.0) and bool((m > 0).all())


def test_pixel_loss_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        pixel_loss(torch.zeros(3, 4, 4), torch.zeros(3, 4, 5))
    assert float(pixel_loss(torch.zeros(3, 2, 2), torch.full((3, 2, 2), 0.25))) == 0.25


def test_sinkhorn_stops_once_converged_and_warns_when_it_does_not():
    import warnings

    a, b = random_pair(10, 12, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")               # converged: no warning
        long = sinkhorn(a, b, reg=0.02, iters=500)
        longer = sinkhorn(a, b, reg=0.02, iters=5000)
    # Both stopped at the same iteration, long before their limits.
    assert torch.equal(long.f, longer.f) and torch.equal(long.g, longer.g)
    with pytest.warns(RuntimeWarning, match="did not converge in 3 iterations"):
        sinkhorn(a, b, reg=0.02, iters=3)
