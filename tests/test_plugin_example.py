"""The example third-party style, examples/plugin-charcoal: installed, discovered, listed and drawn end to end.

CI installs it (`pip install ./examples/plugin-charcoal`); where it is not installed these tests are
skipped with that instruction.
"""
import doctest
import importlib.metadata

import numpy as np
import pytest
import torch

import strokes
from strokes.cli import main
from strokes.registry import ENTRY_POINT_GROUP, list_styles, refresh_styles, style_class
from strokes.rendering import render
from strokes.strokeset import StrokeSet

installed = any(ep.name == "charcoal" for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))
pytestmark = pytest.mark.skipif(
    not installed, reason="example plugin not installed: run `pip install ./examples/plugin-charcoal`")

DARK = [.1, .1, .1]


@pytest.fixture(autouse=True)
def fresh_discovery():
    refresh_styles()
    yield
    refresh_styles()


def one_stroke(width=0.2, color=DARK, bend=0.05):
    return torch.tensor([[.1, .5, .5, .5 - bend, .9, .5, width, width, *color, *color, 1.0]])


def test_discovered_through_the_entry_point():
    import strokes_charcoal
    assert "charcoal" in list_styles()
    cls = style_class("charcoal")
    assert cls is strokes_charcoal.CharcoalStyle and issubclass(cls, strokes.Style)
    assert set(cls.option_defaults()) == {"seed", "darkness", "tint", "grain", "smudge"}
    assert doctest.testmod(strokes_charcoal).failed == 0


def test_listed_by_the_cli(capsys):
    assert main(["styles", "charcoal"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("charcoal "))
    assert "charcoal on paper" in row and "[plugin: strokes_charcoal]" in row


def test_rendered_by_the_cli(tmp_path):
    s = StrokeSet(one_stroke().double().numpy(), width=200, height=100)
    s.save(tmp_path / "s.json")
    out = tmp_path / "charcoal.png"
    assert main(["render", str(tmp_path / "s.json"), "--style", "charcoal", "--size", "200",
                 "--option", "smudge=0.8", "-o", str(out)]) == 0
    from PIL import Image
    img = np.asarray(Image.open(out).convert("L"), dtype=np.float64) / 255
    assert img.shape == (100, 200)
    assert img[45:55, 60:140].mean() < 0.5          # dark charcoal along the stroke
    assert img[:5, :].min() > 0.95                  # clean paper far away


class TestLooks:
    def draw(self, params=None, size=(96, 192), window=None, **options):
        style = strokes.get_style("charcoal", **options)
        return style.rasterize(one_stroke() if params is None else params, size, window)

    def test_shapes_and_ranges(self):
        params = torch.rand(5, 15)
        params[:, 6:8] *= 0.3
        fg, alpha = self.draw(params)
        assert fg.shape == (5, 3, 96, 192) and alpha.shape == (5, 1, 96, 192)
        for t in (fg, alpha):
            assert t.dtype == params.dtype and float(t.min()) >= 0 and float(t.max()) <= 1

    def test_grainy_inside(self):
        # A strip along the middle of the stroke on a 1024 px canvas (drawn through a window: cheap).
        strip = dict(size=(512, 1024), window=(248, 300, 16, 400))
        grainy = self.draw(**strip)[1]
        smooth = self.draw(grain=0.0, **strip)[1]
        assert float(grainy.std()) > 0.05 and float(grainy.std()) > 1.5 * float(smooth.std())  # paper shows through
        assert float(grainy.mean()) > 0.4

    def test_smudged_edges(self):
        # Nominal half width 0.1 x 96 = 9.6 px; look 12-16 px off the centreline, on both sides
        # (the smudge is dragged mostly to one side).
        def beside(alpha):
            return torch.stack([alpha[0, 0, 48 - 16:48 - 12, 60:130], alpha[0, 0, 48 + 12:48 + 16, 60:130]])
        straight = one_stroke(bend=0.0)
        crisp = beside(self.draw(straight, smudge=0.0)[1])
        smudged = beside(self.draw(straight, smudge=1.0)[1])
        assert float(crisp.max()) < 0.05
        assert float(smudged.mean((1, 2)).max()) > 0.05

    def test_smudge_fades_out_within_reach(self):
        # Drawn through the library's per-stroke boxes, nothing may be cut off at a box edge.
        _, alpha = self.draw(one_stroke(bend=0.0), smudge=1.0)
        reach_px = 2.5 * 9.6
        assert float(alpha[0, 0, :int(48 - reach_px) - 1].max()) == 0.0
        assert float(alpha[0, 0, int(48 + reach_px) + 1:].max()) == 0.0

    def test_dark_and_gray(self):
        fg, alpha = self.draw(params=one_stroke(color=[.5, .5, .5]), tint=0.0)
        assert float(fg[0, :, 48, 96].max()) < 0.5          # darker than the stroke's own mid gray
        assert float((fg[0, 0] - fg[0, 1]).abs().max()) < 1e-6

    def test_deterministic_and_seeded(self):
        a, b, c = (self.draw(seed=s)[1] for s in (1, 1, 2))
        assert torch.equal(a, b) and not torch.equal(a, c)

    def test_same_pixels_in_any_window(self):
        fg, alpha = self.draw()
        wfg, walpha = self.draw(window=(30, 50, 40, 60))
        assert torch.allclose(walpha, alpha[..., 30:70, 50:110], atol=1e-6)
        assert torch.allclose(wfg, fg[..., 30:70, 50:110], atol=1e-6)

    def test_twice_the_size_matches_after_downsampling(self):
        g = torch.Generator().manual_seed(0)
        params = torch.rand(8, 15, generator=g, dtype=torch.float64)
        params[:, 6:8] = 0.02 + 0.08 * params[:, 6:8]
        s = StrokeSet(params.numpy(), width=300, height=200, background=(0.95, 0.94, 0.9))
        small = np.asarray(render(s, "charcoal", size=180), dtype=np.float64)
        big = np.asarray(render(s, "charcoal", size=360), dtype=np.float64)
        big = big.reshape(120, 2, 180, 2, 3).mean((1, 3))
        psnr = 10 * np.log10(255 ** 2 / ((small - big) ** 2).mean())
        assert psnr >= 30, psnr

    def test_bad_option(self):
        with pytest.raises(ValueError, match=r"charcoal option 'grain': expected a number in \[0, 1\], got 2"):
            strokes.get_style("charcoal", grain=2)
