"""The optimizer's steps: control points move at the style's share of the learning rate, the rest at the full rate."""
import torch

from strokes.layout import PAINT, POINTS, WIDTHS
from strokes.painting.optimize import Adam

POINTS_LR = 0.3


def test_adam_takes_a_learning_rate_per_column():
    x = torch.zeros(4, 15)
    rates = torch.full((15,), 0.2)
    rates[POINTS] = 0.2 * POINTS_LR
    adam = Adam(x, rates)
    adam.step(torch.randn(4, 15, generator=torch.Generator().manual_seed(0)))
    moved = x.abs()                                   # Adam's first step is the rate times the gradient's sign
    assert torch.allclose(moved[:, POINTS], torch.full((4, 6), 0.2 * POINTS_LR), rtol=1e-4)
    assert torch.allclose(moved[:, WIDTHS], torch.full((4, 2), 0.2), rtol=1e-4)
    assert torch.allclose(moved[:, PAINT], torch.full((4, 7), 0.2), rtol=1e-4)


def test_styles_painted_as_solid_capsules_keep_their_chosen_places():
    from strokes.registry import get_style, list_styles

    assert all(get_style(name).points_lr == POINTS_LR for name in ("oil", "marker", "tape"))
    assert all(get_style(name).points_lr == 1.0 for name in ("watercolor", "pencil"))
    assert all(0 < get_style(name).points_lr <= 1 for name in list_styles())
