"""Shipped weights: present for the promised styles, small, and faithful on fresh strokes."""
import pytest
import torch

from strokes.layout import LAYOUT_VERSION
from strokes.neural import has_renderer, load_renderer, shipped_renderers, weights_path
from strokes.neural.sampling import random_strokes
from strokes.neural.training import evaluate
from strokes.registry import painting_style


def test_promised_styles_are_shipped():
    assert {"oil", "marker", "watercolor", "pencil", "tape"} <= set(shipped_renderers())
    assert has_renderer("oil") and not has_renderer("nonexistent")


@pytest.mark.parametrize("name", shipped_renderers())
def test_shipped_checkpoint_is_small_and_faithful(name):
    path = weights_path(name)
    assert path.stat().st_size <= 10 * 2 ** 20
    data = torch.load(path, weights_only=True)
    assert data["layout_version"] == LAYOUT_VERSION and data["style"] == name
    r = load_renderer(name)
    fresh = random_strokes(48, torch.Generator().manual_seed(20240 + len(name)))   # not the validation stream
    psnr = evaluate(r, painting_style(name), fresh, 128)   # the look it paints in
    assert psnr["foreground"] >= 28 and psnr["alpha"] >= 28, psnr
