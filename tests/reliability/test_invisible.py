"""render skips strokes that cannot cover a pixel, and changes no byte by it (defect 3, last case)."""
import io

import pytest
import torch

from strokes import tiles
from strokes.registry import get_style, list_styles
from strokes.rendering import render
from strokes.strokeset import StrokeSet


def visible(n=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    p = torch.rand(n, 15, generator=g, dtype=torch.float64)
    p[:, 6:8] = 0.02 + 0.1 * p[:, 6:8]
    p[:, 14] = 0.3 + 0.7 * p[:, 14]
    return p


def invisible(style, n=12, seed=1):
    """Strokes that lay no paint in ``style``: of no opacity, and of zero width where it draws no hairline."""
    p = visible(n, seed)
    p[0::2, 14] = 0.0
    p[1::2, 6:8] = 0.0
    if style.hairline:                  # a zero-width stroke is a faint line there: not invisible
        p[1::2, 14] = 0.0
    return p


def png(params, style_name, size=(40, 56), **options):
    image = render(StrokeSet(params, width=size[1], height=size[0]), style_name, size=max(size), **options)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("name", list_styles())
def test_invisible_strokes_change_no_byte(name):
    style = get_style(name)
    seen, hidden = visible(), invisible(style)
    mixed = torch.cat([hidden[:4], seen[:6], hidden[4:], seen[6:]])
    assert png(mixed, name) == png(seen, name)


def drawn_strokes(monkeypatch, style):
    """The strokes ``style.rasterize`` is asked to draw, counted."""
    asked = []
    rasterize = style.rasterize

    def counting(params, size, window=None):
        asked.append(params.shape[0])
        return rasterize(params, size, window=window)

    monkeypatch.setattr(style, "rasterize", counting)
    return asked


@pytest.mark.parametrize("name, options", [("pen", {}), ("pencil", {})])
def test_zero_width_strokes_are_not_drawn_where_they_lay_no_paint(monkeypatch, name, options):
    """Before: every zero-width stroke went to the style (1 M of them: 132 CPU-s for a blank picture)."""
    style = get_style(name, **options)
    asked = drawn_strokes(monkeypatch, style)
    p = visible(40)
    p[:, 6:8] = 0
    canvas = torch.ones(3, 48, 64)
    for _ in tiles.paint_tiles(tiles.to_tiles(canvas), p, style, (48, 64)):
        pass
    assert asked == []


def test_zero_width_strokes_are_drawn_where_the_style_draws_hairlines(monkeypatch):
    style = get_style("marker")
    assert style.hairline
    asked = drawn_strokes(monkeypatch, style)
    p = visible(5)
    p[:, 6:8] = 0
    for _ in tiles.paint_tiles(tiles.to_tiles(torch.ones(3, 48, 64)), p, style, (48, 64)):
        pass
    assert sum(asked) > 0


def test_the_plan_is_made_in_pieces_and_draws_the_same(monkeypatch):
    """A small plan budget: many pieces (bounded memory for a million strokes), the same picture and stops."""
    style = get_style("marker")
    p = visible(30, seed=3)
    p[::4, 14] = 0
    size = (48, 64)

    plan_pieces = tiles.plan_pieces

    def stages(**budget):
        pieces = []

        def counted(*args, **kw):
            for piece in plan_pieces(*args, **kw, **budget):
                pieces.append(piece[0])
                yield piece

        monkeypatch.setattr(tiles, "plan_pieces", counted)
        grid = tiles.to_tiles(torch.ones(3, *size))
        frames = []
        with torch.no_grad():
            for n in tiles.paint_tiles(grid, p, style, size, stops=[0, 1, 7, 8, 19, 30, 31]):
                frames.append((n, tiles.from_tiles(grid, size)))
        return pieces, frames

    whole_pieces, whole = stages()
    small_pieces, small = stages(budget=5, most=4)
    assert len(whole_pieces) == 1 and len(small_pieces) >= 8
    assert [n for n, _ in small] == [n for n, _ in whole] == [0, 1, 7, 8, 19, 30, 31]
    for (_, a), (_, b) in zip(whole, small):
        assert torch.equal(a, b)
