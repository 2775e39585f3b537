"""High-resolution rendering: tile by tile equals the direct render, any size up to the limit."""
import pytest
import torch

from strokes import StrokeSet
from strokes.cli import main
from strokes.compositing import composite
from strokes.registry import get_style
from strokes.rendering import MAX_SIZE, draw, render_tensor
from strokes.tiles import TILE, from_tiles, paint_tiles, plan_tiles, to_tiles


def strokes(n=40, seed=0):
    """Painter-like strokes: broad first, then smaller, bent, tapered, some off the canvas edge."""
    g = torch.Generator().manual_seed(seed)
    p = torch.rand(n, 15, generator=g)
    scale = torch.linspace(0.35, 0.05, n)
    p[:, 2:6] = (p[:, 0:2].repeat(1, 2) + (torch.rand(n, 4, generator=g) - 0.5) * scale[:, None]).clamp(0, 1)
    p[:, 6:8] = scale[:, None] * (0.2 + 0.3 * torch.rand(n, 2, generator=g))
    p[:, 14] = 0.5 + 0.5 * p[:, 14]
    return p


def direct(params, style, size, background):
    """Every stroke on a full-canvas layer, composited at once (only possible for small canvases)."""
    with torch.no_grad():
        fg, alpha = style.rasterize(params, size)
        return composite(fg, alpha, torch.tensor(background))


@pytest.mark.parametrize("name", ["marker", "oil", "tape"])
def test_tiled_render_equals_direct_composite(name):
    style = get_style(name)
    p = strokes()
    s = StrokeSet(p, width=150, height=97, background=(0.9, 0.85, 0.8))   # not whole tiles
    tiled = render_tensor(s, style, size=150)
    full = direct(s.to_tensor(), style, (97, 150), s.background).clamp(0, 1)
    diff = (tiled - full).abs()
    assert float(diff.max()) < 1e-4
    assert float(diff.mean()) < 1e-3


@pytest.mark.parametrize("name", ["marker", "oil", "watercolor", "pencil", "tape"])
def test_tiles_equal_box_by_box(name):
    style = get_style(name)
    p = strokes(25, seed=1)
    canvas = torch.full((3, 70, 101), 0.5)
    with torch.no_grad():
        tiled = draw(canvas.clone(), p, style)
    boxed = draw(canvas.clone(), p.clone().requires_grad_(True), style).detach()
    diff = (tiled - boxed).abs()
    assert float(diff.max()) < 1e-4 and float(diff.mean()) < 1e-6


def test_plan_skips_tiles_the_paint_cannot_reach():
    # A thin diagonal stroke across a big canvas: its box is the whole canvas,
    # but it is drawn on a thin band of tiles only.
    p = torch.tensor([[0.02, 0.02, 0.5, 0.5, 0.98, 0.98, 0.005, 0.005] + [0.5] * 6 + [1.0]])
    size = (2048, 2048)
    stroke, ty, tx, boxes = plan_tiles(p, size)
    box_tiles = ((boxes[0, 2] - boxes[0, 0]) // TILE) * ((boxes[0, 3] - boxes[0, 1]) // TILE)
    assert stroke.numel() < 0.05 * float(box_tiles)
    # ... and every pixel it paints lies on a planned tile.
    canvas = to_tiles(torch.zeros(3, *size))
    with torch.no_grad():
        for _ in paint_tiles(canvas, p, get_style("marker"), size):
            pass
    painted = from_tiles(canvas, size).sum(0) > 0
    ys, xs = torch.nonzero(painted, as_tuple=True)
    planned = set(zip(ty.tolist(), tx.tolist()))
    assert painted.any() and all((y // TILE, x // TILE) in planned for y, x in zip(ys[::97].tolist(), xs[::97].tolist()))


def test_stops_cut_the_drawing_exactly():
    style = get_style("marker")
    p = strokes(30, seed=2)
    size = (64, 96)
    grid = to_tiles(torch.ones(3, *size))
    seen = []
    with torch.no_grad():
        for n in paint_tiles(grid, p, style, size, stops=[0, 7, 7, 19, 30], batch_pixels=TILE * TILE * 5):
            seen.append((n, from_tiles(grid, size)))
        assert [n for n, _ in seen] == [0, 7, 19, 30]
        for n, picture in seen:
            alone = to_tiles(torch.ones(3, *size))
            for _ in paint_tiles(alone, p[:n], style, size, batch_pixels=TILE * TILE * 5):
                pass
            assert float((picture - from_tiles(alone, size)).abs().max()) < 1e-4


@pytest.mark.slow
def test_poster_size_crop_equals_direct_window():
    # 4,096 px: compare a crop with the strokes drawn directly in that window.
    style = get_style("marker")
    p = strokes(60, seed=3)
    s = StrokeSet(p, width=4096, height=2731, background=(1, 1, 1))
    big = render_tensor(s, style, size=4096)
    assert big.shape == (3, 2731, 4096)
    top, left, h, w = 1200, 2000, 200, 300
    with torch.no_grad():
        fg, alpha = style.rasterize(s.to_tensor(), (2731, 4096), window=(top, left, h, w))
        crop = composite(fg, alpha, torch.ones(3)).clamp(0, 1)
    diff = (big[:, top:top + h, left:left + w] - crop).abs()
    assert float(diff.max()) < 1e-4 and float(diff.mean()) < 1e-6


def test_size_beyond_the_limit_is_refused(tmp_path, capsys):
    s = StrokeSet(strokes(3), width=100, height=50)
    with pytest.raises(ValueError, match=f"between 1 and {MAX_SIZE} pixels, got {MAX_SIZE + 1}"):
        render_tensor(s, "marker", size=MAX_SIZE + 1)
    s.save(tmp_path / "s.json")
    out = tmp_path / "big.png"
    assert main(["render", str(tmp_path / "s.json"), "-o", str(out), "--style", "marker",
                 "--size", str(10 * MAX_SIZE)]) == 1
    assert f"got {10 * MAX_SIZE}" in capsys.readouterr().err and not out.exists()


def test_no_strokes_and_gradients():
    canvas = torch.full((3, 20, 30), 0.25)
    assert torch.equal(draw(canvas.clone(), torch.zeros(0, 15), get_style("marker")), canvas)
    # With gradients wanted, strokes are drawn box by box and gradients reach the parameters.
    p = strokes(3).requires_grad_()
    out = draw(canvas.clone(), p, get_style("marker"))
    out.sum().backward()
    assert p.grad is not None and float(p.grad.abs().sum()) > 0
