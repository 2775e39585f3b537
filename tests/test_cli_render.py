"""`strokes render` and `strokes styles`, run in-process through strokes.cli.main (and once as a real process)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from strokes.cli import main
from strokes.strokeset import StrokeSet

RED = [.9, .1, .1]


@pytest.fixture
def still(tmp_path):
    """One wide red stroke across the middle of a 200 x 100 canvas, white background."""
    s = StrokeSet([[.1, .5, .5, .5, .9, .5, .3, .3, *RED, *RED, 1.0]], width=200, height=100)
    path = tmp_path / "still.json"
    s.save(path)
    return path


def pixels(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.float64) / 255


class TestRender:
    def test_draws_the_stroke_where_it_is(self, still, tmp_path, capsys):
        out = tmp_path / "out" / "marker.png"          # a missing folder is made
        assert main(["render", str(still), "--style", "marker", "--size", "64", "-o", str(out)]) == 0
        assert "wrote" in capsys.readouterr().out
        img = pixels(out)
        assert img.shape == (32, 64, 3)                  # longest side 64, aspect 2:1 kept
        assert img[16, 32, 0] > img[16, 32, 1] + 0.3     # red on the centreline
        assert np.allclose(img[1, 1], 1.0)               # the far corner stays white

    def test_same_seed_same_picture_other_seed_other_texture(self, still, tmp_path):
        runs = {}
        for name, seed in [("a", 3), ("b", 3), ("c", 4)]:
            out = tmp_path / f"{name}.png"
            assert main(["render", str(still), "--style", "watercolor", "--size", "96", "--seed", str(seed),
                         "-o", str(out)]) == 0
            runs[name] = pixels(out)
        assert np.array_equal(runs["a"], runs["b"])
        assert not np.array_equal(runs["a"], runs["c"])

    def test_options_reach_the_style_with_their_types(self, still, tmp_path):
        light, dark = tmp_path / "light.png", tmp_path / "dark.png"
        assert main(["render", str(still), "--style", "marker", "--size", "64", "--option", "ink=0.2",
                     "-o", str(light)]) == 0
        assert main(["render", str(still), "--style", "marker", "--size", "64", "--option", "ink=1",
                     "-o", str(dark)]) == 0
        assert pixels(light)[16, 32].mean() > pixels(dark)[16, 32].mean() + 0.1

    def test_bool_option(self, still, tmp_path):
        out = tmp_path / "gray.png"
        assert main(["render", str(still), "--style", "pencil", "--size", "64", "--option", "monochrome=yes",
                     "-o", str(out)]) == 0
        img = pixels(out)
        assert np.abs(img[..., 0] - img[..., 1]).max() < 0.02   # graphite gray, not red

    def test_npz_and_jpeg(self, still, tmp_path):
        from strokes.files import load
        load(still).save(tmp_path / "still.npz")
        out = tmp_path / "out.jpg"
        assert main(["render", str(tmp_path / "still.npz"), "--style", "tape", "--size", "50", "-o", str(out)]) == 0
        assert Image.open(out).format == "JPEG" and Image.open(out).size == (50, 25)


class TestRenderErrors:
    def run_error(self, capsys, argv):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.startswith("strokes render: error: ") and err.count("\n") == 1   # one line, no traceback
        return err

    def test_unknown_option_lists_the_options(self, still, tmp_path, capsys):
        out = tmp_path / "x.png"
        err = self.run_error(capsys, ["render", str(still), "--style", "marker", "--option", "inky=2",
                                      "-o", str(out)])
        assert "style 'marker' has no option 'inky'; its options are: seed=0, ink=" in err
        assert not out.exists()

    @pytest.mark.parametrize("option, words", [
        ("ink=lots", "--option ink: expected a number, got 'lots'"),
        ("ink=nan", "--option ink: expected a finite number, got 'nan'"),
        ("ink", "--option 'ink': expected KEY=VALUE"),
        ("seed=3", "give the seed with --seed"),
    ])
    def test_bad_option_values(self, still, tmp_path, capsys, option, words):
        err = self.run_error(capsys, ["render", str(still), "--style", "marker", "--option", option,
                                      "-o", str(tmp_path / "x.png")])
        assert words in err

    def test_bool_option_value(self, still, tmp_path, capsys):
        err = self.run_error(capsys, ["render", str(still), "--style", "pencil", "--option", "monochrome=maybe",
                                      "-o", str(tmp_path / "x.png")])
        assert "--option monochrome: expected true or false, got 'maybe'" in err

    def test_unknown_style(self, still, tmp_path, capsys):
        err = self.run_error(capsys, ["render", str(still), "--style", "oill", "-o", str(tmp_path / "x.png")])
        assert "unknown style 'oill'; available: " in err
        assert all(name in err for name in ["marker", "oil", "pencil", "tape", "watercolor", "strokes.styles"])

    def test_bad_strokes_file(self, tmp_path, capsys):
        doc = {"format": "strokes", "version": 1, "canvas": {"width": 10, "height": 10},
               "strokes": [{"p0": [0, 0], "p1": [0, 0], "p2": [1, 1], "width": 0.1, "color": RED,
                            "opacity": 7}]}
        (tmp_path / "bad.json").write_text(json.dumps(doc))
        out = tmp_path / "x.png"
        err = self.run_error(capsys, ["render", str(tmp_path / "bad.json"), "-o", str(out)])
        assert "bad.json: stroke 0: field 'opacity': expected a number in [0, 1], got 7.0" in err
        assert not out.exists()

    def test_missing_file(self, tmp_path, capsys):
        err = self.run_error(capsys, ["render", str(tmp_path / "gone.json"), "-o", str(tmp_path / "x.png")])
        assert "gone.json: no such file" in err

    def test_unknown_image_suffix_before_any_work(self, tmp_path, capsys):
        err = self.run_error(capsys, ["render", str(tmp_path / "gone.json"), "-o", str(tmp_path / "x.pngg")])
        assert "unknown image suffix '.pngg'" in err

    @pytest.mark.parametrize("size", ["0", "100000"])
    def test_bad_size(self, still, tmp_path, capsys, size):
        err = self.run_error(capsys, ["render", str(still), "--size", size, "-o", str(tmp_path / "x.png")])
        assert "expected a size between 1 and" in err

    def test_failure_leaves_the_old_output_untouched(self, still, tmp_path, capsys, monkeypatch):
        out = tmp_path / "keep.png"
        out.write_bytes(b"old picture")

        def broken_save(self, fp, *args, **kwargs):
            with open(fp, "wb") as fh:
                fh.write(b"half a PNG")
            raise OSError("No space left on device")
        monkeypatch.setattr(Image.Image, "save", broken_save)
        err = self.run_error(capsys, ["render", str(still), "--style", "tape", "--size", "32", "-o", str(out)])
        assert "No space left on device" in err
        assert out.read_bytes() == b"old picture"
        assert sorted(os.listdir(tmp_path)) == ["keep.png", "still.json"]   # no half-written temporary


class TestStyles:
    def test_lists_builtins_with_descriptions(self, capsys):
        assert main(["styles"]) == 0
        out = capsys.readouterr().out
        lines = out.splitlines()
        assert lines[0].split() == ["name", "paintable", "description"]
        from strokes.registry import style_class
        for name in ["marker", "oil", "pencil", "tape", "watercolor"]:
            row = next(line for line in lines if line.startswith(name + " "))
            assert style_class(name).description in row
            assert row.split()[1] in ("yes", "no")
        assert "strokes.styles" in out

    def test_pattern_and_options(self, capsys):
        assert main(["styles", "p*", "--options"]) == 0
        out = capsys.readouterr().out
        assert "pencil" in out and "marker" not in out
        assert "options: seed=0, monochrome=False" in out

    def test_no_match(self, capsys):
        assert main(["styles", "zzz*"]) == 1
        assert "no style matches 'zzz*'" in capsys.readouterr().err

    def test_paintable_column_says_which_styles_have_a_neural_renderer(self, capsys, monkeypatch):
        import strokes.neural
        monkeypatch.setattr(strokes.neural, "has_renderer", lambda name: name == "marker")
        assert main(["styles"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert next(line for line in lines if line.startswith("marker ")).split()[1] == "yes"
        assert next(line for line in lines if line.startswith("tape ")).split()[1] == "no"
        assert next(line for line in lines if line.startswith("charcoal ")).split()[1] == "no"


def test_real_process(still, tmp_path):
    out = tmp_path / "proc.png"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-m", "strokes", "render", str(still), "--style", "marker",
                           "--size", "40", "-o", str(out)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert Image.open(out).size == (40, 20)
    done = subprocess.run([sys.executable, "-m", "strokes", "render", str(tmp_path / "gone.json"), "-o", str(out)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"strokes render: error: {tmp_path / 'gone.json'}: no such file"]
