import numpy as np
import pytest
import torch

from strokes.color import ColorError, parse_palette, recolor
from strokes.files import load, save

from tests.color.synthetic import random_strokes


def distinct(s):
    return len(np.unique(s.params[:, 8:14], axis=0))


class TestPalette:
    @pytest.mark.parametrize("k", [1, 3, 8])
    def test_at_most_k_colours_exactly(self, k):
        out = recolor(random_strokes(60, hue=(0.4, 0.5, 0.6)), colors=k)
        assert distinct(out) <= k
        assert np.array_equal(out.params[:, 8:11], out.params[:, 11:14])      # start = end
        assert len(out.meta["palette"]) <= k

    def test_given_paints_only_and_recorded(self, tmp_path):
        paints = "#264653,#2a9d8f,#e9c46a,#f4a261,#e76f51"
        out = recolor(random_strokes(), palette=paints)
        allowed = {tuple(c) for c in parse_palette(paints)}
        assert {tuple(c) for c in out.params[:, 8:11]} <= allowed
        for name in ("p.json", "p.npz"):
            save(out, tmp_path / name)
            back = load(tmp_path / name)
            assert back == out and back.meta["palette"] == paints.split(",")

    def test_balance_keeps_paints_from_flooding(self):
        s = random_strokes(60, hue=(0.8, 0.3, 0.2))                           # reddish
        paints = ["#ff0000", "#0000ff", "#00ff00", "#ffffff"]                # red nearest to almost all
        nearest = recolor(s, palette=paints, balance=0)
        balanced = recolor(s, palette=paints, balance=0.5)
        assert distinct(balanced) > distinct(nearest)
        assert distinct(balanced) <= 4

    @pytest.mark.parametrize("bad, match", [("", "empty"), ("#12345", "colour 1"), ("#000000,red", "colour 2"),
                                            ([], "empty"), ([(0, 0, 2)], "colour 1")])
    def test_bad_palettes(self, bad, match):
        with pytest.raises(ColorError, match=match):
            recolor(random_strokes(3), palette=bad)

    @pytest.mark.parametrize("k", [0, -2, 1.5, True])
    def test_bad_counts(self, k):
        with pytest.raises(ColorError, match="colors"):
            recolor(random_strokes(3), colors=k)


class TestPaletteSnap:
    def test_colours_are_paints_and_carry_no_gradient(self):
        from strokes.color.palette import PaletteSnap
        paints = np.array([[0.1, 0.2, 0.6], [1.0, 0.75, 0.3], [1.0, 1.0, 1.0]])
        params = torch.rand(12, 15, requires_grad=True)
        out = PaletteSnap(paints)(params)
        allowed = torch.as_tensor(paints, dtype=torch.float32)
        for c in (out[:, 8:11], out[:, 11:14]):
            assert (torch.cdist(c, allowed).min(1).values < 1e-6).all()
        out.sum().backward()
        assert params.grad[:, 8:14].abs().max() == 0 and params.grad[:, :8].abs().max() > 0

    def test_balance_uses_more_paints_than_nearest(self):
        from strokes.color.palette import PaletteSnap
        params = torch.rand(40, 15)
        params[:, 8:14] = torch.tensor([0.5, 0.1, 0.1] * 2) + 0.05 * torch.rand(40, 6)      # all reddish
        paints = np.array([[0.9, 0.1, 0.1], [0.1, 0.1, 0.9], [0.1, 0.8, 0.1]])
        used = lambda snap: len(torch.unique(snap(params)[:, 8:11], dim=0))  # noqa: E731
        assert used(PaletteSnap(paints)) == 1
        assert used(PaletteSnap(paints, balance=0.5)) == 3

    def test_a_stroke_layers_a_paint_over_the_canvas_when_no_paint_is_its_colour(self):
        # Light blue wanted over white paper, with a gray and a deep blue: gray is the nearest
        # paint, but blue laid at 40% over the white gives the light blue exactly.
        from strokes.color.palette import PaletteSnap
        paints = np.array([[0.6, 0.6, 0.6], [0.0, 0.0, 1.0]])
        params = torch.tensor([[.4, .5, .5, .5, .6, .5, .1, .1, .6, .6, 1., .6, .6, 1., .98]])
        white = torch.ones(3, 16, 16)
        snap = PaletteSnap(paints)
        assert snap(params)[0, 8:11].tolist() == pytest.approx([0.6] * 3)
        seeded = snap.seed(params, white)
        alpha = float(seeded[0, 14])
        assert seeded[0, 8:14].tolist() == [0.0, 0.0, 1.0] * 2 and alpha == pytest.approx(0.4, abs=1e-6)
        assert snap(seeded)[0, 8:14].tolist() == [0.0, 0.0, 1.0] * 2          # and the snap keeps it
        layered = white[:, 0, 0] + alpha * (seeded[0, 8:11] - white[:, 0, 0])
        assert torch.allclose(layered, params[0, 8:11], atol=1e-6)

    def test_a_stroke_the_nearest_paint_matches_keeps_it_opaque(self):
        from strokes.color.palette import PaletteSnap
        paints = np.array([[0.6, 0.6, 0.6], [0.0, 0.0, 1.0]])
        params = torch.tensor([[.4, .5, .5, .5, .6, .5, .1, .1, .6, .6, .6, .6, .6, .6, .98]])
        seeded = PaletteSnap(paints).seed(params, torch.ones(3, 16, 16))
        assert seeded[0, 8:11].tolist() == pytest.approx([0.6] * 3) and float(seeded[0, 14]) == pytest.approx(0.98)
