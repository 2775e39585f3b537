import torch

from strokes.compositing import composite


def sequential(fg, alpha, bg):
    canvas = bg.view(3, 1, 1).expand(3, *fg.shape[-2:]).clone()
    for f, a in zip(fg, alpha):
        canvas = f * a + canvas * (1 - a)
    return canvas


class TestComposite:
    def test_equals_sequential_over(self):
        torch.manual_seed(1)
        fg, alpha, bg = torch.rand(7, 3, 5, 6), torch.rand(7, 1, 5, 6), torch.rand(3)
        torch.testing.assert_close(composite(fg, alpha, bg), sequential(fg, alpha, bg))

    def test_last_stroke_on_top_and_opaque_is_exact(self):
        fg = torch.stack([torch.full((3, 2, 2), 0.2), torch.full((3, 2, 2), 0.7)])
        alpha = torch.ones(2, 1, 2, 2)
        assert torch.equal(composite(fg, alpha, torch.zeros(3)), torch.full((3, 2, 2), 0.7))

    def test_batched(self):
        fg, alpha = torch.rand(2, 4, 3, 3, 3), torch.rand(2, 4, 1, 3, 3)
        bg = torch.rand(2, 3, 3, 3)
        out = composite(fg, alpha, bg)
        assert out.shape == (2, 3, 3, 3)
        torch.testing.assert_close(out[1], composite(fg[1], alpha[1], bg[1]))

    def test_gradcheck(self):
        torch.manual_seed(2)
        args = [torch.rand(3, 3, 2, 2, dtype=torch.float64, requires_grad=True),
                torch.rand(3, 1, 2, 2, dtype=torch.float64, requires_grad=True),
                torch.rand(3, dtype=torch.float64, requires_grad=True)]
        assert torch.autograd.gradcheck(composite, args)

    def test_bad_shapes(self):
        import pytest
        with pytest.raises(ValueError, match="expected foreground"):
            composite(torch.rand(2, 3, 4, 4), torch.rand(3, 1, 4, 4), torch.rand(3))
