"""Per-stroke windows: laying them over a canvas equals the full-canvas composite."""
import torch

from strokes.compositing import composite
from strokes.painting.windows import WindowLayout, draw_strokes, lay_windows
from strokes.rendering import paint_layers
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


def test_drawing_in_chunks_matches_drawing_stroke_by_stroke():
    g = torch.Generator().manual_seed(2)
    p = torch.rand(60, 15, generator=g)
    p[:, 6:8] *= 0.15
    style = MarkerStyle()
    ours = draw_strokes(torch.ones(3, 40, 56), p, style, budget=3000)
    theirs = paint_layers(torch.ones(3, 40, 56), p, style)
    # The same strokes rasterized in differently sized batches differ by float rounding only.
    assert (ours - theirs).abs().mean() < 1e-3
