import pytest
import torch

from strokes import StrokeSet, render
from strokes.compositing import composite
from strokes.rendering import MAX_SIZE, canvas_size, render_tensor
from strokes.styles.marker import MarkerStyle
from tests.conftest import make_params


def test_canvas_size_keeps_aspect():
    assert canvas_size(640, 400, 1024) == (640, 1024)
    assert canvas_size(400, 640, 100) == (100, 62)
    with pytest.raises(ValueError, match=f"between 1 and {MAX_SIZE} pixels, got {MAX_SIZE + 1}"):
        canvas_size(10, 10, MAX_SIZE + 1)


def test_render_longest_side_and_background():
    s = StrokeSet(make_params([dict(x0=.1, x2=.3)]), width=300, height=150, background=(0, 0, 1))
    im = render(s, MarkerStyle(), size=120)
    assert im.size == (120, 60) and im.mode == "RGB"
    assert im.getpixel((110, 5)) == (0, 0, 255)


def test_box_by_box_equals_full_canvas_composite():
    torch.manual_seed(3)
    p = torch.rand(12, 15) * torch.tensor([1.] * 6 + [.2, .2] + [1.] * 7)
    s = StrokeSet(p, width=90, height=60, background=(0.9, 0.8, 0.7))
    style = MarkerStyle()
    boxed = render_tensor(s, style, size=90)
    fg, alpha = style.rasterize(s.to_tensor(), (60, 90))
    full = composite(fg, alpha, torch.tensor(s.background))
    assert float((boxed - full).abs().max()) < 1e-4
    assert float((boxed - full).abs().mean()) < 1e-3


def test_public_functions_are_not_shadowed_by_modules():
    import importlib

    import strokes
    for module in ("rendering", "animation", "compositing", "painter", "files", "images", "svg"):
        importlib.import_module(f"strokes.{module}")
    for name in ("render", "animate", "frames", "composite", "paint", "load", "save", "load_image", "export_svg"):
        assert callable(getattr(strokes, name)), name
