"""Procedural noise: the int32 lattice hash is the int64 formula, bit for bit; slopes are derivatives."""
import pytest
import torch

from strokes.noise import _MASK, _corners, fractal_noise, plain_textures


def exact_hash(ix: int, iy: int, seed: int) -> float:
    """The lattice hash in Python's unbounded integers: the definition the textures were made with."""
    h = (ix * 374761393 + iy * 668265263 + (seed * 1442695041 & _MASK)) & _MASK
    h = ((h ^ (h >> 13)) * 1274126177) & _MASK
    h = h ^ (h >> 16)
    return (h & 0xFFFFFF) / float(1 << 24)


def test_the_int32_hash_of_every_corner_is_the_exact_hash():
    g = torch.Generator().manual_seed(0)
    ix = torch.cat([torch.randint(-50_000_000, 50_000_000, (300,), generator=g), torch.tensor([0, -1, 1, 2 ** 30])])
    iy = torch.cat([torch.randint(-50_000_000, 50_000_000, (300,), generator=g), torch.tensor([0, 1, -1, -2 ** 30])])
    for seed in (0, 7, 123456):
        corners = _corners(ix.float().floor(), iy.float().floor(), seed)
        x0 = ix.float().floor().long().tolist()
        y0 = iy.float().floor().long().tolist()
        for (dx, dy), got in zip(((0, 0), (1, 0), (0, 1), (1, 1)), corners):
            want = [exact_hash(x + dx, y + dy, seed) for x, y in zip(x0, y0)]
            assert got.tolist() == want


@pytest.mark.parametrize("pixel", [0.0, 0.05, torch.tensor([[0.02], [0.3]])])
def test_the_slope_along_y_is_the_derivative_of_the_noise(pixel):
    g = torch.Generator().manual_seed(1)
    x, y = torch.rand(2, 500, generator=g).double() * 20
    kw = dict(seed=3, octaves=5, pixel=pixel, gain=0.6)
    noise, slope = fractal_noise(x, y, slope=True, **kw)
    h = 1e-5
    central = (fractal_noise(x, y + h, **kw) - fractal_noise(x, y - h, **kw)) / (2 * h)
    assert torch.equal(noise, fractal_noise(x, y, **kw))
    assert torch.allclose(slope, central, atol=1e-6)
    assert float(slope.abs().max()) > 0.5                 # not flat: five octaves of relief
    with plain_textures():
        plain, flat = fractal_noise(x, y, slope=True, **kw)
    assert bool((plain == 0.5).all()) and bool((flat == 0).all())


@pytest.mark.parametrize("slope", [False, True])
def test_a_batch_of_strokes_gets_the_noise_each_stroke_gets_alone(slope):
    # Per-stroke pixel sizes where an octave shows on only some strokes (worked out on those rows only).
    g = torch.Generator().manual_seed(2)
    x, y = torch.rand(2, 6, 3, 40, generator=g) * 30
    pixel = torch.tensor([0.01, 0.3, 0.6, 0.05, 0.9, 0.2]).view(6, 1, 1)
    batch = fractal_noise(x, y, seed=5, octaves=5, pixel=pixel, gain=0.6, slope=slope)
    alone = [fractal_noise(x[k], y[k], seed=5, octaves=5, pixel=float(pixel[k]), gain=0.6, slope=slope)
             for k in range(6)]
    if slope:
        assert torch.allclose(batch[0], torch.stack([a[0] for a in alone]), atol=1e-6)
        assert torch.allclose(batch[1], torch.stack([a[1] for a in alone]), atol=1e-5)
    else:
        assert torch.allclose(batch, torch.stack(alone), atol=1e-6)


def test_same_textures_lays_a_texture_again_only_where_it_is_the_same(monkeypatch):
    """The retouch draws the same strokes at three colours: inside ``same_textures`` the noise is
    computed once and laid again, equal to what is computed afresh; other coordinates get their own."""
    import strokes.noise as noise
    from strokes.noise import same_textures
    from strokes.registry import get_style

    oil = get_style("oil")
    strokes = torch.tensor([[0.1, 0.2, 0.5, 0.4, 0.9, 0.6, 0.2, 0.1, 0.8, 0.2, 0.1, 0.1, 0.3, 0.9, 1.0]])
    moved = strokes.clone()
    moved[:, 0:6] += 0.05
    alone = [oil.rasterize(s, (40, 60)) for s in (strokes, moved)]
    computed, fractal = [], noise._fractal
    monkeypatch.setattr(noise, "_fractal", lambda *a: computed.append(1) or fractal(*a))
    with same_textures():
        first = oil.rasterize(strokes, (40, 60))
        once = len(computed)
        again = oil.rasterize(strokes, (40, 60))
        assert len(computed) == once > 0                   # laid again, not computed
        other = oil.rasterize(moved, (40, 60))
        assert len(computed) == 2 * once
    for got, want in ((first, alone[0]), (again, alone[0]), (other, alone[1])):
        assert all(torch.equal(g, w) for g, w in zip(got, want))
