"""Retouching: all colours fitted anew once every stroke is laid (strokes.painting.retouch)."""
import numpy as np
import pytest
import torch

from strokes.layout import COLOR_END, COLOR_START, OPACITY
from strokes.painter import paint, resize
from strokes.painting.retouch import _slopes, retouch
from strokes.registry import get_style
from strokes.rendering import draw
from tests.painter.scenes import FAST, scene

LAID = np.r_[0:8, OPACITY]          # where the strokes are and how wide: all but the colours


@pytest.mark.parametrize("style", ["marker", "tape", "oil"])
def test_the_picture_is_affine_in_the_colours(style):
    """What the fit works on: the ground seen plus each stroke's slopes times its colours is the
    picture (oil: but for a few highlights that clip at white)."""
    painted = paint(scene(), strokes=14, **{**FAST, "style": style}).strokes
    params, look = painted.to_tensor(), get_style(style)
    size = (painted.height, painted.width)
    slopes, known = _slopes(params, look, size, painted.background, [(0, 6), (6, 8)], keep=torch.zeros(14, dtype=torch.bool))
    colours = torch.stack([params[:, COLOR_START], params[:, COLOR_END]])
    model = (known + slopes.picture(colours).T).view(3, *size)
    ground = torch.tensor(painted.background).view(3, 1, 1).repeat(1, *size)
    miss = (model - draw(ground, params, look)).abs()
    assert float(miss.mean()) < 1e-4 and float(miss.quantile(0.99)) < 1e-4 and float(miss.max()) < 0.05


@pytest.mark.parametrize("style", ["watercolor", "pencil"])
def test_styles_whose_cover_depends_on_the_colour_are_not_retouched(style):
    """A dark wash or a dark pencil line covers more: alpha depends on the colour, so the picture is not
    affine in it."""
    painted = paint(scene(), strokes=6, **{**FAST, "style": style}).strokes
    params = painted.to_tensor()
    target = resize(scene(), (painted.height, painted.width))
    assert retouch(params, get_style(style), target, painted.background) is params


def test_retouched_colours_bring_the_picture_closer_and_move_nothing():
    target = scene()
    plain = paint(target, strokes=16, retouch=False, **FAST)
    touched = paint(target, strokes=16, **FAST)
    assert np.array_equal(plain.strokes.params[:, LAID], touched.strokes.params[:, LAID])
    assert not np.array_equal(plain.strokes.params, touched.strokes.params)
    want = resize(target, (plain.strokes.height, plain.strokes.width))
    err = lambda p: (p.tensor() - want).abs().mean().item()  # noqa: E731
    assert err(touched) < 0.97 * err(plain)
    assert touched.strokes.meta["painter"]["retouch"] and not plain.strokes.meta["painter"]["retouch"]


def test_flat_strokes_stay_one_colour():
    p = paint(scene(), strokes=10, flat=True, **FAST).strokes.params
    assert np.array_equal(p[:, COLOR_START], p[:, COLOR_END])


class Squared(type(get_style("marker"))):
    """A style whose paint is the square of its colour: not affine, so not retouched."""

    name = "squared-marker"

    def rasterize(self, params, size, window=None):
        fg, alpha = super().rasterize(params, size, window=window)
        return fg * fg, alpha


def test_a_style_whose_paint_is_not_affine_in_its_colours_is_left_as_it_is():
    painted = paint(scene(), strokes=8, **FAST).strokes
    params = painted.to_tensor()
    target = resize(scene(), (painted.height, painted.width))
    assert retouch(params, Squared(), target, painted.background) is params
    assert retouch(params, get_style("marker"), target, painted.background) is not params


def test_colours_kept_are_kept():
    painted = paint(scene(), strokes=10, retouch=False, **FAST).strokes
    params = painted.to_tensor()
    target = resize(scene(), (painted.height, painted.width))
    out = retouch(params, get_style("marker"), target, painted.background, keep=7)
    assert torch.equal(out[:7], params[:7]) and not torch.equal(out[7:], params[7:])
    mask = torch.arange(10) % 3 == 0
    out = retouch(params, get_style("marker"), target, painted.background, keep=mask)
    assert torch.equal(out[mask], params[mask]) and not torch.equal(out[~mask], params[~mask])


def test_the_fit_does_not_depend_on_how_the_strokes_are_read(monkeypatch):
    """Strokes are read in runs that bound the memory; one stroke at a time gives the same colours."""
    import strokes.painting.retouch as module
    painted = paint(scene(), strokes=12, retouch=False, **FAST).strokes
    params = painted.to_tensor()
    target = resize(scene(), (painted.height, painted.width))
    whole = retouch(params, get_style("marker"), target, painted.background)
    monkeypatch.setattr(module, "BUDGET", 1)
    assert len(module._runs(params, target.shape[-2:], get_style("marker"))) == 12
    assert torch.allclose(retouch(params, get_style("marker"), target, painted.background), whole, atol=1e-3)
