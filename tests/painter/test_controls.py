"""The painter's controls: stroke count by rule, width limits, flat and opaque strokes,
style options, all kept in the strokes file's metadata; and the CLI flags for them."""
import numpy as np
import pytest
import torch

import strokes
from strokes.cli import main
from strokes.painter import PaintError, paint
from strokes.painting.count import BASE, BUSY_RANGE, auto_strokes, busyness
from strokes.painting.schedule import plan
from strokes.painting.seeding import choose_strokes

from tests.painter.scenes import FAST, scene


def busy(side=96, seed=0):
    """Coloured noise with edges everywhere: the busiest kind of picture."""
    g = torch.Generator().manual_seed(seed)
    return torch.rand(3, side // 2, side // 2, generator=g).repeat_interleave(2, 1).repeat_interleave(2, 2)


class TestStrokeCount:
    def test_a_flat_picture_needs_fewer_strokes_than_a_busy_one(self):
        flat = torch.full((3, 64, 64), 0.4)
        assert busyness(flat) == BUSY_RANGE[0] and busyness(busy()) == BUSY_RANGE[1]
        assert auto_strokes(flat, (512, 512)) < auto_strokes(scene(), (512, 512)) < auto_strokes(busy(), (512, 512))

    def test_grows_with_the_canvas_and_with_detail(self):
        img = scene()
        at512 = auto_strokes(img, (512, 512))
        assert abs(auto_strokes(img, (1024, 1024)) - 2 * at512) <= 1       # twice the side, twice the strokes
        assert abs(auto_strokes(img, (512, 512), detail=1.5) - 1.5 * at512) <= 1
        assert round(BASE * BUSY_RANGE[0]) <= at512 <= round(BASE * BUSY_RANGE[1])

    def test_auto_paints_the_counted_strokes_and_explicit_n_stays_exact(self):
        img = scene()
        p = paint(img, strokes="auto", detail=0.02, **FAST)
        assert len(p.strokes) == auto_strokes(img, p.strokes.size, detail=0.02)
        assert len(paint(img, strokes=3, detail=5.0, **FAST).strokes) == 3

    @pytest.mark.parametrize("bad", ["many", 0, -3, 2.5, True])
    def test_bad_counts_are_clear_errors(self, bad):
        with pytest.raises(PaintError, match="strokes"):
            paint(scene(), strokes=bad, **FAST)
        with pytest.raises(PaintError, match="detail"):
            paint(scene(), strokes="auto", detail=0, **FAST)


class TestStrokeControls:
    def test_widths_stay_within_the_limits_in_output_pixels(self):
        p = paint(scene(), strokes=12, min_width=3.0, max_width=5.0, **FAST)
        px = p.strokes.params[:, 6:8] * min(p.strokes.size)
        assert px.min() >= 3.0 - 1e-4 and px.max() <= 5.0 + 1e-4
        assert all(3.0 / 26 - 1e-9 <= lv.width <= 5.0 / 26 + 1e-9
                   for lv in plan(200, (26, 40), widths=(3.0 / 26, 5.0 / 26)))
        with pytest.raises(PaintError, match="min_width"):
            paint(scene(), strokes=4, min_width=6, max_width=2, **FAST)

    def test_strokes_are_chosen_among_trials_within_the_limits(self, monkeypatch):
        import strokes.painter as painter
        tried = []

        def choose(canvas, target, angles, count, widths, *args, **kwargs):
            tried.append(tuple(w / min(canvas.shape[-2:]) for w in widths))   # fractions of the shorter side
            return choose_strokes(canvas, target, angles, count, widths, *args, **kwargs)

        monkeypatch.setattr(painter, "choose_strokes", choose)
        p = paint(scene(), strokes=12, min_width=9.0, max_width=12.0, **FAST)   # wider than the plan's strokes
        short = min(p.strokes.size)
        assert tried and all(9.0 / short - 1e-6 <= a <= b <= 12.0 / short + 1e-6 for a, b in tried), tried

    def test_flat_strokes_have_one_colour_and_opaque_ones_full_opacity(self):
        p = paint(scene(), strokes=10, flat=True, opaque=True, **FAST)
        rows = p.strokes.params
        assert np.array_equal(rows[:, 8:11], rows[:, 11:14])
        assert np.all(rows[:, 14] == 1.0)
        free = paint(scene(), strokes=10, **FAST).strokes.params
        assert not np.array_equal(free[:, 8:11], free[:, 11:14]) and np.all(free[:, 14] < 1.0)

    def test_style_options_reach_the_style_and_the_metadata(self, tmp_path):
        p = paint(scene(), strokes=4, style="oil", size=32, progress=False, steps=2,
                  style_options={"bristles": 0.4}, flat=True)
        assert p.style.bristles == 0.4
        p.strokes.save(tmp_path / "s.json")
        p.strokes.save(tmp_path / "s.npz")
        for suffix in ("json", "npz"):
            meta = strokes.load(tmp_path / f"s.{suffix}").meta["painter"]
            assert meta["style"] == "oil" and meta["style_options"]["bristles"] == 0.4
            assert meta["flat"] is True and meta["strokes"] == 4 and meta["size"] == 32
        with pytest.raises(TypeError):
            paint(scene(), strokes=4, style="oil", style_options={"bristels": 1}, **{**FAST, "style": "oil"})


def test_cli_flags(tmp_path, capsys):
    from PIL import Image
    src = tmp_path / "in.png"
    Image.fromarray((scene().permute(1, 2, 0).numpy() * 255).astype(np.uint8)).save(src)
    out = tmp_path / "out"
    assert main(["paint", str(src), "-o", str(out), "--style", "oil", "--size", "32", "-q", "--strokes", "auto",
                 "--detail", "0.02", "--flat", "--opaque", "--max-width", "6", "--option", "impasto=0.2"]) == 0
    s = strokes.load(out / "strokes.json")
    assert s.meta["painter"]["style_options"]["impasto"] == 0.2 and s.meta["painter"]["opaque"] is True
    assert len(s) == s.meta["painter"]["strokes"] and np.all(s.params[:, 14] == 1.0)
    assert (s.params[:, 6:8] * 21).max() <= 6 + 1e-4
    assert s.meta["painter"]["retouch"] is True and s.meta["finished"] is True
    assert main(["paint", str(src), "-o", str(tmp_path / "plain"), "--size", "32", "-q", "--strokes", "6",
                 "--no-retouch"]) == 0
    plain = strokes.load(tmp_path / "plain" / "strokes.json")
    assert plain.meta["painter"]["retouch"] is False
    assert main(["paint", str(src), "-o", str(tmp_path / "x"), "--option", "nonsense=1", "-q"]) == 1
    assert "nonsense" in capsys.readouterr().err
