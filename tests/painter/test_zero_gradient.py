"""The zero-gradient problem: a stroke that does not overlap the paint it should match.

Under the pixel loss alone, moving such a stroke changes nothing, so it stays
put; the optimal-transport loss pulls it onto its target. Checked with the
styles' differentiable reference rasterizers (the neural renderer, once it
exists, is checked in the same way by ``test_zero_gradient_neural``).
"""
import pytest
import torch

from strokes.compositing import composite
from strokes.losses import pixel_loss, transport_loss

SIZE = (32, 48)
BG = torch.tensor([1.0, 1.0, 1.0])


def stroke_at(x: float, y: float) -> torch.Tensor:
    """A short dark-red horizontal stroke centred at (x, y), canvas units."""
    return torch.tensor([[x - 0.08, y, x, y, x + 0.08, y, 0.2, 0.2, 0.6, 0.1, 0.1, 0.6, 0.1, 0.1, 1.0]])


def draw(rasterize, params):
    fg, alpha = rasterize(params, SIZE)
    return composite(fg, alpha, BG)


def slide(rasterize, loss_fn, steps=80, lr=0.5):
    """Plain gradient descent on the position of a stroke seeded at the right, target at the left."""
    target = draw(rasterize, stroke_at(0.25, 0.5)).detach()
    start = stroke_at(0.72, 0.5)
    shift = torch.zeros(2, requires_grad=True)
    for _ in range(steps):
        p = start.clone()
        p[:, 0:6:2] = p[:, 0:6:2] + shift[0]
        p[:, 1:6:2] = p[:, 1:6:2] + shift[1]
        loss = loss_fn(draw(rasterize, p), target)
        grad, = torch.autograd.grad(loss, shift)
        with torch.no_grad():
            shift -= lr * grad / SIZE[0] * 32        # same step size whatever the canvas
    return 0.72 + float(shift[0].detach()), float(shift[1].detach())


def ot_only(canvas, target):
    return transport_loss(canvas, target, BG, grid=24, reg=0.01)


@pytest.fixture(params=["oil", "marker"])
def rasterize(request):
    from strokes.registry import get_style
    return get_style(request.param).rasterize


def test_pixel_loss_alone_never_brings_a_flat_stroke_onto_its_target():
    # Only the anti-aliased edges give the pixel loss a gradient, tiny and tied to where the
    # edge falls between pixel centres: plain descent wanders a little (how far depends on the
    # CPU's rounding; 0.56 to 0.71 seen) but never reaches the target, which OT does below.
    # A textured style (oil) is not used: its texture makes the wandering larger.
    from strokes.registry import get_style
    rasterize = get_style("marker").rasterize
    pixel, transport = start_gradients(rasterize)
    assert abs(pixel) < 0.05 * transport, (pixel, transport)
    x, y = slide(rasterize, pixel_loss)
    assert x > 0.45 and abs(y) < 0.02, (x, y)        # the target ends at 0.33 plus its half-width


def test_transport_loss_moves_the_stroke_onto_its_target(rasterize):
    x, y = slide(rasterize, ot_only)
    assert abs(x - 0.25) < 0.04, x
    assert abs(y) < 0.03, y


def test_transport_loss_moves_the_stroke_with_the_neural_renderer_too():
    from strokes.neural import load_renderer
    renderer = load_renderer("marker")
    x, y = slide(lambda p, size: renderer(p, size), ot_only)
    assert abs(x - 0.25) < 0.04 and abs(y) < 0.03, (x, y)


def start_gradients(rasterize):
    """Gradient of the pixel loss and of the OT loss on the stroke's x position, before it moves."""
    target = draw(rasterize, stroke_at(0.25, 0.5)).detach()
    shift = torch.zeros(1, requires_grad=True)
    p = stroke_at(0.72, 0.5)
    p[:, 0:6:2] = p[:, 0:6:2] + shift
    canvas = draw(rasterize, p)
    pixel, = torch.autograd.grad(pixel_loss(canvas, target), shift, retain_graph=True)
    transport, = torch.autograd.grad(ot_only(canvas, target), shift)
    return float(pixel), float(transport)


def test_far_from_its_target_a_stroke_gets_almost_no_pixel_gradient_with_the_neural_renderer():
    # Plain descent on the pixel loss is not used here: the learned renderer is not exactly
    # translation-invariant, and that leaves a small systematic pixel gradient (about 1/150
    # of the OT gradient with the marker weights of this writing) which a long descent
    # integrates; the OT gradient points the right way and dwarfs it.
    from strokes.neural import load_renderer
    renderer = load_renderer("marker")
    pixel, transport = start_gradients(lambda p, size: renderer(p, size))
    assert transport > 0                                   # descent moves it left, towards the target
    assert abs(pixel) < 0.05 * transport, (pixel, transport)
