"""The neural renderer as a drop-in for Style.rasterize: shapes, dtypes, windows, gradients."""
import pytest
import torch

from strokes.neural import NeuralRenderer, RendererConfig, load_renderer, model, shipped_renderers
import torch.nn.functional as F

from strokes.geometry import full_window
from strokes.neural.frame import OUTSIDE, local_frame, picture_map, sampling_grid
from strokes.neural.sampling import random_strokes
from strokes.registry import get_style


@pytest.fixture(scope="module")
def renderer():
    return load_renderer("marker")


@pytest.fixture(scope="module")
def strokes():
    return random_strokes(6, torch.Generator().manual_seed(3))


class TestShapes:
    def test_full_canvas(self, renderer, strokes):
        fg, alpha = renderer(strokes, (40, 56))
        assert not fg.requires_grad       # shipped weights are frozen; gradients go to the strokes
        assert fg.shape == (6, 3, 40, 56) and alpha.shape == (6, 1, 40, 56)
        assert fg.dtype == alpha.dtype == torch.float32
        assert 0 <= float(fg.min()) and float(fg.max()) <= 1
        assert 0 <= float(alpha.min()) and float(alpha.max()) <= 1

    def test_float64_in_float64_out(self, renderer, strokes):
        fg, alpha = renderer(strokes.double(), (16, 16))
        assert fg.dtype == alpha.dtype == torch.float64

    def test_untrained_model_from_config(self, strokes):
        r = NeuralRenderer(RendererConfig(picture=(8, 16), channels=(8, 8), hidden=16), style="marker")
        fg, alpha = r(strokes, (20, 30))
        assert fg.shape == (6, 3, 20, 30)

    def test_bad_params_rejected(self, renderer):
        with pytest.raises(ValueError, match=r"\(S, 15\)"):
            renderer(torch.rand(3, 14), (16, 16))

    def test_bad_config_rejected(self):
        with pytest.raises(ValueError, match="divisible"):
            RendererConfig(picture=(10, 32), channels=(8, 8, 8))


class TestWindows:
    def test_window_is_crop_of_full(self, renderer, strokes):
        fg, alpha = renderer(strokes, (64, 80))
        wfg, walpha = renderer(strokes, (64, 80), window=(10, 21, 30, 40))
        torch.testing.assert_close(wfg, fg[..., 10:40, 21:61], atol=1e-5, rtol=0)
        torch.testing.assert_close(walpha, alpha[..., 10:40, 21:61], atol=1e-5, rtol=0)

    def test_per_stroke_windows_are_crops(self, renderer, strokes):
        fg, alpha = renderer(strokes, (64, 80))
        top = torch.tensor([0, 5, 10, 20, 30, 34])
        left = torch.tensor([0, 40, 7, 3, 50, 12])
        wfg, walpha = renderer(strokes, (64, 80), window=(top, left, 30, 30))
        for i in range(6):
            t, l = int(top[i]), int(left[i])
            torch.testing.assert_close(walpha[i], alpha[i, :, t:t + 30, l:l + 30], atol=1e-5, rtol=0)
            torch.testing.assert_close(wfg[i], fg[i, :, t:t + 30, l:l + 30], atol=1e-5, rtol=0)


class TestFrame:
    def test_picture_corners_land_on_the_frame(self):
        # A horizontal stroke: its picture spans the chord plus the half width and margin.
        p = torch.tensor([[.25, .5, .5, .5, .75, .5, .1, .1] + [0.] * 7])
        f = local_frame(p, (100, 100), margin=0.0)
        grid = sampling_grid(f, (100, 100))
        inside = (grid.abs() <= 1).all(-1)[0]
        cols = inside.any(0).nonzero().flatten()
        rows = inside.any(1).nonzero().flatten()
        assert (int(cols[0]), int(cols[-1])) == (20, 79)
        assert (int(rows[0]), int(rows[-1])) == (45, 54)

    def test_outside_reads_no_paint(self, renderer):
        p = torch.tensor([[.25, .5, .5, .5, .75, .5, .1, .1] + [0.5] * 7])
        fg, alpha = renderer(p, (100, 100))
        assert float(alpha[0, 0, :30].max()) < 1e-6 and float(alpha[0, 0, 70:].max()) < 1e-6  # sigmoid(-OUTSIDE)


def _plain_grid(frame, size, window):
    """The sampling grid as elementwise autograd ops, pixel centres minus the origin (the original formula)."""
    top, left, h, w = window if window is not None else full_window(size)

    def centres(start, n):
        ramp = torch.arange(n, dtype=frame.origin.dtype) + 0.5
        return start.to(ramp.dtype).view(-1, 1) + ramp if isinstance(start, torch.Tensor) else ramp + start

    xs, ys = centres(left, w).view(-1, 1, w), centres(top, h).view(-1, h, 1)
    ax = (2 * frame.along / frame.length.view(-1, 1)).view(-1, 2, 1, 1)
    ay = (2 * frame.across / frame.breadth.view(-1, 1)).view(-1, 2, 1, 1)
    ox, oy = frame.origin[:, 0].view(-1, 1, 1), frame.origin[:, 1].view(-1, 1, 1)
    gx = (xs - ox) * ax[:, 0] - 1 + (ys - oy) * ax[:, 1]
    gy = (xs - ox) * ay[:, 0] - 1 + (ys - oy) * ay[:, 1]
    return torch.stack([gx, gy], -1)


def _plain_draw(renderer, params, size, window=None):
    """The renderer's warp and fusion as plain autograd ops: grid_sample, then squash."""
    pictures, frame = renderer.pictures(params, size)
    grid = _plain_grid(frame, size, window)
    shifted = torch.cat([pictures[:, :1] + OUTSIDE, pictures[:, 1:]], 1)
    placed = F.grid_sample(shifted, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    mask = torch.sigmoid(placed[:, :1] - OUTSIDE)
    if renderer.config.edge:
        mask = mask * torch.sigmoid(placed[:, 1:2])
    return placed[:, -3:], mask * params[:, 14].view(-1, 1, 1, 1)


class TestFusedWarp:
    """The hand-written warp and fusion equal the same computation in plain autograd ops."""

    @pytest.mark.parametrize("window", [None, (7, 3, 20, 30), "per stroke"])
    def test_grid_equals_pixel_centre_formula(self, strokes, window):
        if window == "per stroke":
            window = (torch.tensor([0, 5, 10, 20, 30, 34]), torch.tensor([0, 40, 7, 3, 50, 12]), 30, 30)
        frame = local_frame(strokes.double(), (64, 80))
        torch.testing.assert_close(sampling_grid(frame, (64, 80), window), _plain_grid(frame, (64, 80), window),
                                   atol=1e-10, rtol=1e-12)
        frame = local_frame(strokes, (64, 80))
        torch.testing.assert_close(sampling_grid(frame, (64, 80), window), _plain_grid(frame, (64, 80), window),
                                   atol=1e-5, rtol=1e-5)

    @pytest.mark.parametrize("edge", [True, False])
    @pytest.mark.parametrize("chunk", [None, 9000])
    def test_values_and_gradients(self, strokes, edge, chunk, monkeypatch):
        if chunk:
            monkeypatch.setattr(model, "CHUNK", chunk)   # 2 strokes a step: several steps
        torch.manual_seed(0)
        r = NeuralRenderer(RendererConfig(picture=(8, 16), channels=(8, 8), hidden=16, edge=edge), style="marker")
        r.double()   # trainable: the nets' weights get gradients too
        size = (64, 80)
        window = (torch.tensor([0, 5, 10, 20, 30, 34]), torch.tensor([0, 40, 7, 3, 50, 12]), 30, 30)
        weights = torch.rand(6, 3, 30, 30, dtype=torch.float64)

        def fused(p):
            return r._draw(*r.pictures(p, size), p[:, 14], size, window)

        results = []
        for draw in (fused, lambda p: _plain_draw(r, p, size, window)):
            r.zero_grad()
            p = strokes.double().requires_grad_(True)
            fg, alpha = draw(p)
            ((fg * alpha * weights).sum() + alpha.sum()).backward()
            results.append([fg, alpha, p.grad] + [w.grad for w in r.parameters()])
        for a, b in zip(*results):
            torch.testing.assert_close(a, b)

    def test_picture_map_is_differentiable(self, strokes):
        p = strokes.clone().requires_grad_(True)
        theta, h, w = picture_map(local_frame(p, (64, 80)), (64, 80))
        theta.sum().backward()
        assert (h, w) == (64, 80) and torch.isfinite(p.grad).all() and float(p.grad.abs().sum()) > 0


def _used_columns(style, params, size):
    """Columns whose change changes the reference drawing (finite differences)."""
    fg, alpha = style.rasterize(params, size)
    base = torch.cat([fg * alpha, alpha], 1)
    used = []
    for c in range(15):
        q = params.clone()
        q[:, c] = (q[:, c] + 0.03).clamp(0, 1) if c != 14 else q[:, c] * 0.9
        f2, a2 = style.rasterize(q, size)
        if float((torch.cat([f2 * a2, a2], 1) - base).abs().max()) > 1e-4:
            used.append(c)
    return used


@pytest.mark.parametrize("name", shipped_renderers())
def test_gradients_reach_every_column_the_style_uses(name, params_factory):
    rows = [dict(x1=.5, y1=.35, w0=.12, w2=.06, r2=.1, g2=.7, b2=.9, opacity=.9),
            dict(x0=.3, y0=.2, x2=.6, y2=.8, x1=.7, y1=.4, w0=.08, w2=.15, opacity=.7)]
    params = params_factory(rows)
    used = _used_columns(get_style(name), params, (48, 48))
    assert {0, 1, 4, 5, 6, 14} <= set(used)          # every style uses position, width and opacity
    p = params.clone().requires_grad_(True)
    fg, alpha = load_renderer(name)(p, (48, 48))
    ((fg * alpha).sum() + alpha.sum()).backward()
    g = p.grad.abs().sum(0)
    missing = [c for c in used if float(g[c]) == 0]
    assert not missing, f"no gradient reaches columns {missing}"
    assert torch.isfinite(p.grad).all()


def test_renderer_stands_in_for_rasterize(renderer, strokes):
    from strokes.rendering import draw
    canvas = draw(torch.ones(3, 40, 40), strokes, renderer)
    assert canvas.shape == (3, 40, 40) and torch.isfinite(canvas).all()


def test_no_strokes(renderer):
    p = torch.zeros(0, 15, requires_grad=True)
    fg, alpha = renderer(p, (20, 30))
    assert fg.shape == (0, 3, 20, 30) and alpha.shape == (0, 1, 20, 30)
    (fg.sum() + alpha.sum()).backward()
    assert p.grad.shape == (0, 15)
    fg, alpha = renderer(p, (20, 30), window=(torch.zeros(0), torch.zeros(0), 8, 9))
    assert fg.shape == (0, 3, 8, 9) and alpha.shape == (0, 1, 8, 9)
