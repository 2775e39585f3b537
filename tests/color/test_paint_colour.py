import json

import numpy as np
import pytest
import torch

from strokes.cli import main
from strokes.color import ColorError
from strokes.color import paint as paint_in_colour

from tests.color.synthetic import two_tone_picture

TINY = dict(style="marker", strokes=4, size=24, progress=False, steps=3)


class TestPaintWithPalette:
    def test_strokes_are_exactly_the_paints(self):
        p = paint_in_colour(two_tone_picture(24, 32), palette="#1a3399,#ffbf4d,#ffffff", **TINY)
        colours = {tuple(c) for c in p.strokes.params[:, 8:14].round(12)}
        allowed = {(r, g, b, r, g, b) for r, g, b in [(26 / 255, 51 / 255, 153 / 255), (1, 191 / 255, 77 / 255), (1, 1, 1)]}
        assert {tuple(np.round(c, 12)) for c in colours} <= {tuple(np.round(c, 12)) for c in allowed}
        assert p.strokes.meta["palette"] == ["#1a3399", "#ffbf4d", "#ffffff"]

    def test_k_paints(self):
        p = paint_in_colour(two_tone_picture(24, 32), colors=2, **TINY)
        assert len(np.unique(p.strokes.params[:, 8:14], axis=0)) <= 2

    def test_a_plotter_gets_one_pen_per_paint(self):
        import re
        from strokes.plotter import plotter_svg
        p = paint_in_colour(two_tone_picture(24, 32), palette="#1a3399,#ffbf4d,#ffffff", opaque=True,
                            **{**TINY, "strokes": 8})
        doc, report = plotter_svg(p.strokes)
        pens = re.findall(r'stroke="(#[0-9a-f]{6})"', doc)
        assert set(pens) <= {"#1a3399", "#ffbf4d", "#ffffff"} and len(pens) == len(set(pens)) == report.layers
        assert (p.strokes.params[:, 14] == 1).all()          # opaque, as a pen draws

    def test_style_image_term_is_used(self):
        calls = []

        class Counting:
            def __init__(self, inner):
                self.inner = inner

            def __call__(self, canvas):
                calls.append(canvas.shape)
                return self.inner(canvas)

        from strokes.color.style_image import StyleLoss
        from strokes.painter import paint
        paint(two_tone_picture(24, 32), extra_loss=Counting(StyleLoss(two_tone_picture(16, 16))), **TINY)
        assert len(calls) >= TINY["steps"]


class TestPaintCommandBadInput:
    @pytest.mark.parametrize("extra, match", [
        (["--palette", ""], "empty palette"),
        (["--palette", "#00000g"], "colour 1"),
        (["--colors", "0"], "--colors"),
        (["--palette", "#000000", "--colors", "2"], "got both"),
        (["--style-weight", "2"], "needs --style-image"),
        (["--colorize-like", "FLAT"], "single colour"),
        (["--style-image", "MISSING"], "cannot read"),
    ])
    def test_clear_error_nothing_written(self, tmp_path, capsys, extra, match):
        from PIL import Image
        image = tmp_path / "in.png"
        Image.fromarray((two_tone_picture(24, 32).permute(1, 2, 0).numpy() * 255).astype("uint8")).save(image)
        Image.new("RGB", (8, 8), (40, 90, 160)).save(tmp_path / "flat.png")
        extra = [str(tmp_path / "flat.png") if a == "FLAT" else str(tmp_path / "no.png") if a == "MISSING" else a
                 for a in extra]
        out = tmp_path / "out"
        assert main(["paint", str(image), "-o", str(out), "--strokes", "3", "--size", "24", "-q", *extra]) == 1
        assert match in capsys.readouterr().err
        assert not out.exists()


class TestRecolorCommand:
    def test_writes_and_bad_input_writes_nothing(self, tmp_path, capsys):
        from strokes.files import load, save
        from tests.color.synthetic import random_strokes
        src = tmp_path / "in.json"
        save(random_strokes(8), src)
        assert main(["recolor", str(src), "--colors", "3", "-o", str(tmp_path / "k.json")]) == 0
        assert len(load(tmp_path / "k.json").meta["palette"]) <= 3
        for bad in (["--palette", "#12"], ["--like", str(tmp_path / "nothing.png")], ["--colors", "-1"]):
            assert main(["recolor", str(src), *bad, "-o", str(tmp_path / "bad.json")]) == 1
            assert not (tmp_path / "bad.json").exists()
        assert "colour 1" in capsys.readouterr().err


class TestPaintFolderInColour:
    """`strokes paint FOLDER --palette/--colors ...` passes the colour options to every image."""

    def folder(self, tmp_path):
        from PIL import Image
        folder = tmp_path / "in"
        folder.mkdir()
        for name, flip in (("a", False), ("b", True)):
            picture = two_tone_picture(16, 20).flip(2) if flip else two_tone_picture(16, 20)
            Image.fromarray((picture.permute(1, 2, 0).numpy() * 255).astype("uint8")).save(folder / f"{name}.png")
        return folder

    def test_palette_reaches_every_image(self, tmp_path):
        out = tmp_path / "out"
        argv = ["paint", str(self.folder(tmp_path)), "-o", str(out), "--strokes", "3", "--size", "16", "-q",
                "--workers", "1", "--style", "marker"]
        assert main([*argv, "--palette", "#1a3399,#ffffff"]) == 0
        from strokes.files import load
        allowed = {(26, 51, 153, 26, 51, 153), (255, 255, 255, 255, 255, 255)}
        for name in ("a", "b"):
            painted = load(out / name / "strokes.json")
            assert painted.meta["palette"] == ["#1a3399", "#ffffff"]
            assert {tuple(np.round(c * 255).astype(int)) for c in painted.params[:, 8:14]} <= allowed

    def test_bad_colour_option_paints_nothing(self, tmp_path, capsys):
        out = tmp_path / "out"
        assert main(["paint", str(self.folder(tmp_path)), "-o", str(out), "--strokes", "3", "--size", "16", "-q",
                     "--workers", "1", "--palette", "#12"]) == 1
        assert "--palette: colour 1" in capsys.readouterr().err
        assert not out.exists()
