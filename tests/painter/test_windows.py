"""Per-stroke windows and the one drawing function: each equals the full-canvas composite."""
import pytest
import torch

from strokes.compositing import WindowLayout, composite, lay_windows, over
from strokes.registry import get_style, list_styles
from strokes.rendering import draw, layers
from strokes.styles.marker import MarkerStyle


def full_layers(fg, a, tops, lefts, H, W, pad=20):
    S, _, h, w = fg.shape
    F = torch.zeros(S, 3, H + 2 * pad, W + 2 * pad)
    A = torch.zeros(S, 1, H + 2 * pad, W + 2 * pad)
    for k in range(S):
        t, l = int(tops[k]) + pad, int(lefts[k]) + pad
        F[k, :, t:t + h, l:l + w] = fg[k]
        A[k, :, t:t + h, l:l + w] = a[k]
    return F[..., pad:pad + H, pad:pad + W], A[..., pad:pad + H, pad:pad + W]


def test_windows_composite_like_full_layers_even_overlapping_and_off_the_edge():
    g = torch.Generator().manual_seed(0)
    for _ in range(30):
        S, h, w, H, W = 7, 6, 9, 15, 13
        fg, a = torch.rand(S, 3, h, w, generator=g), torch.rand(S, 1, h, w, generator=g)
        tops = torch.randint(-4, H, (S,), generator=g)
        lefts = torch.randint(-5, W, (S,), generator=g)
        bg = torch.rand(3, H, W, generator=g)
        F, A = full_layers(fg, a, tops, lefts, H, W)
        assert torch.allclose(lay_windows(bg, fg, a, tops, lefts), composite(F, A, bg), atol=1e-5)


def test_pixel_lists_composite_like_full_layers_overlapping_padded_and_off_the_edge():
    from strokes.compositing import PixelLayout, lay_pixels

    g = torch.Generator().manual_seed(3)
    S, P, H, W = 6, 40, 9, 11
    for _ in range(20):
        # Each stroke: P different pixels, those past H * W padding or off the canvas; strokes overlap.
        index = torch.stack([torch.randperm(H * W + 15, generator=g)[:P] for _ in range(S)])
        fg = torch.rand(S, 3, 1, P, generator=g, dtype=torch.float64, requires_grad=True)
        alpha = (0.9 * torch.rand(S, 1, 1, P, generator=g, dtype=torch.float64)).requires_grad_(True)
        bg = torch.rand(3, H, W, generator=g, dtype=torch.float64)
        on = index < H * W
        F = torch.zeros(S, 3, H * W + 15, dtype=torch.float64).scatter(2, index.view(S, 1, P).expand(S, 3, P), fg[:, :, 0])
        A = torch.zeros(S, 1, H * W + 15, dtype=torch.float64).scatter(2, index.view(S, 1, P), alpha[:, :, 0])
        expected = composite(F[..., :H * W].reshape(S, 3, H, W), A[..., :H * W].reshape(S, 1, H, W), bg)
        ours = lay_pixels(bg, fg, alpha, PixelLayout(index, (H, W)))
        assert on.sum() < on.numel() and torch.allclose(ours, expected, atol=1e-9)
        weight = torch.rand(3, H, W, generator=g, dtype=torch.float64)
        for x in (fg, alpha):
            a, = torch.autograd.grad((ours * weight).sum(), x, retain_graph=True)
            b, = torch.autograd.grad((expected * weight).sum(), x, retain_graph=True)
            assert torch.allclose(a, b, atol=1e-9)


def test_gradients_match_the_full_composite():
    g = torch.Generator().manual_seed(1)
    S, h, w, H, W = 4, 5, 5, 9, 9
    fg = torch.rand(S, 3, h, w, generator=g, dtype=torch.float64, requires_grad=True)
    a = (0.8 * torch.rand(S, 1, h, w, generator=g, dtype=torch.float64)).requires_grad_(True)
    tops, lefts = torch.tensor([0, 2, 3, 6]), torch.tensor([1, 0, 3, 5])
    bg = torch.rand(3, H, W, dtype=torch.float64, generator=g)
    weight = torch.rand(3, H, W, dtype=torch.float64, generator=g)
    layout = WindowLayout(tops, lefts, h, w, (H, W))
    ours = torch.autograd.grad((lay_windows(bg, fg, a, layout) * weight).sum(), (fg, a))
    F, A = full_layers(fg, a, tops, lefts, H, W)
    theirs = torch.autograd.grad((composite(F, A, bg) * weight).sum(), (fg, a))
    for x, y in zip(ours, theirs):
        assert torch.allclose(x, y, atol=1e-6)


def strokes(n=40, seed=2):
    g = torch.Generator().manual_seed(seed)
    p = torch.rand(n, 15, generator=g, dtype=torch.float64)
    p[:, 6:8] *= 0.15
    return p


def plain_over_loop(canvas, params, style):
    """The reference: every stroke drawn on the whole canvas, laid by `over`, one at a time."""
    for i in range(len(params)):
        fg, alpha = style.rasterize(params[i:i + 1], tuple(canvas.shape[-2:]))
        canvas = over(canvas, fg[0], alpha[0])
    return canvas


@pytest.mark.parametrize("name", list_styles())
def test_draw_equals_a_plain_over_loop_with_and_without_gradients(name):
    style = get_style(name)
    p = strokes(30)
    canvas = torch.full((3, 40, 56), 0.6, dtype=torch.float64)
    expected = plain_over_loop(canvas, p, style)
    with torch.no_grad():
        tiled = draw(canvas.clone(), p, style)
    boxed = draw(canvas.clone(), p.clone().requires_grad_(True), style)
    fg, alpha = layers(p, style, (40, 56))
    for ours in (tiled, boxed.detach(), composite(fg, alpha, canvas)):
        assert float((ours - expected).abs().max()) < 1e-9


def test_draw_in_windows_is_differentiable_and_equals_drawing_in_boxes():
    style = MarkerStyle()
    p = strokes(12, seed=3).requires_grad_(True)
    canvas = torch.full((3, 40, 56), 0.5, dtype=torch.float64)
    layout = WindowLayout(torch.zeros(12, dtype=torch.long), torch.zeros(12, dtype=torch.long), 40, 56, (40, 56))
    windowed = draw(canvas, p, style, window=layout)
    assert float((windowed - draw(canvas, p, style)).detach().abs().max()) < 1e-9
    windowed.sum().backward()
    assert torch.isfinite(p.grad).all() and float(p.grad.abs().sum()) > 0


@pytest.mark.parametrize("name", list_styles())
def test_the_windows_a_batch_is_optimized_in_hold_all_its_paint_and_gradient(name):
    from strokes.rendering import stroke_pixels, stroke_windows

    style = get_style(name)
    p = strokes(20, seed=4)
    p[:, :6] = p[:, :6].roll(1, 0)[:, [0, 1] * 3] + 0.25 * (p[:, :6] - 0.5)   # short strokes, anywhere
    canvas = torch.full((3, 40, 56), 0.4, dtype=torch.float64)
    weight = torch.rand(3, 40, 56, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    whole = WindowLayout(torch.zeros(20, dtype=torch.long), torch.zeros(20, dtype=torch.long), 40, 56, (40, 56))
    results = []
    layouts = [stroke_windows(p, (40, 56), style), whole]
    if style.pointwise:
        layouts.insert(1, stroke_pixels(p, (40, 56), style))
    for layout in layouts:
        q = p.clone().requires_grad_(True)
        out = draw(canvas, q, style, window=layout)
        grad, = torch.autograd.grad((out * weight).sum(), q)
        results.append((out.detach(), grad))
    small = stroke_windows(p, (40, 56), style)
    assert small.h * small.w < 40 * 56 / 2
    for picture, grad in results[:-1]:
        assert float((picture - results[-1][0]).abs().max()) < 1e-9
        assert torch.allclose(grad, results[-1][1], atol=1e-7)
