"""strokes.trace and `strokes trace`: rough sketches to clean strokes, round trips, bad input."""
import json
import warnings

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from strokes import load, render
from strokes.images import ImageError
from strokes.tracer import Drawing, TraceError, TraceWarning, trace
from strokes.tracing.synthetic import centreline_scores, rough_sketch, stroke_lines


@pytest.fixture(scope="module")
def sketch():
    return rough_sketch(seed=7, width=320, height=240, lines=6)


@pytest.fixture(scope="module")
def traced(sketch):
    return trace(sketch.image.astype(np.float32), progress=False, refine_steps=4)


class TestRoughSketch:
    def test_clean_lines_found(self, sketch, traced):
        precision, recall = centreline_scores(stroke_lines(traced.strokes), sketch.lines, within=3)
        assert precision >= 0.9 and recall >= 0.9
        assert len(traced.strokes) <= 1.5 * len(sketch.strokes)

    def test_result_is_a_drawing_of_valid_strokes(self, traced):
        assert isinstance(traced, Drawing) and traced.style.name == "pen"
        p = traced.strokes.params
        assert p.shape[1] == 15 and (p >= 0).all() and (p <= 1).all()
        assert traced.strokes.size == (240, 320) and traced.notes == []

    def test_drawing_order_biggest_part_and_longest_line_first(self):
        im = Image.new("L", (300, 200), 255)
        d = ImageDraw.Draw(im)
        d.line([(250, 20), (290, 20)], fill=0, width=3)              # a small part on its own
        d.line([(120, 40), (120, 100)], fill=0, width=3)             # a short line crossing ...
        d.line([(20, 70), (260, 70)], fill=0, width=3)               # ... a long one
        s = trace(im, progress=False, refine_steps=0).strokes
        assert len(s) == 3
        spans = [abs(r[4] - r[0]) * 300 + abs(r[5] - r[1]) * 200 for r in s.params]
        assert spans[0] > 200 and 40 < spans[1] < 70 and spans[2] < 45

    def test_refinement_keeps_colour_and_stays_near(self, sketch, traced):
        rough = trace(sketch.image.astype(np.float32), progress=False, refine_steps=0).strokes.params
        refined = traced.strokes.params
        assert np.array_equal(rough[:, 8:], refined[:, 8:])
        moved = np.abs(rough[:, :6] - refined[:, :6]) * np.tile([320, 240], 3)
        assert moved.max() <= 2.0 + 1e-4 and moved.max() > 0


class TestPages:
    def test_coloured_lines_keep_their_colour(self):
        im = Image.new("RGB", (200, 120), (245, 243, 235))
        d = ImageDraw.Draw(im)
        d.line([(20, 30), (180, 40)], fill=(200, 30, 30), width=3)
        d.line([(20, 90), (180, 80)], fill=(30, 60, 190), width=3)
        s = trace(im, progress=False, refine_steps=0).strokes
        assert len(s) == 2
        by_y = sorted(s.params, key=lambda r: r[1])
        red, blue = by_y[0][8:11], by_y[1][8:11]
        assert red[0] > 0.6 and red[2] < 0.35 and blue[2] > 0.55 and blue[0] < 0.35

    def test_binary_image_any_aspect_ratio(self):
        page = np.zeros((60, 400), bool)
        page[28:31, 20:380] = True
        s = trace(~page, progress=False, refine_steps=0).strokes
        assert s.size == (60, 400) and len(s) == 1
        assert abs(s.params[0, 1] * 60 - 29.5) < 1.5

    def test_a_curve_bulging_to_the_edge_stays_on_the_canvas(self):
        from strokes.tracing.synthetic import bezier_points
        arc = bezier_points((150, 10), (232, 60), (150, 110))        # control point off the page
        im = Image.new("L", (200, 120), 255)
        ImageDraw.Draw(im).line([tuple(p) for p in arc], fill=0, width=3)
        s = trace(im, progress=False, refine_steps=0).strokes
        assert len(s) >= 1 and (s.params[:, :6] <= 1).all()
        precision, recall = centreline_scores(stroke_lines(s), [arc], within=2)
        assert precision > 0.95 and recall > 0.95

    def test_empty_page_gives_no_strokes_and_a_note(self):
        with pytest.warns(TraceWarning, match="no ink"):
            d = trace(np.full((80, 100, 3), 0.93, np.float32), progress=False)
        assert len(d.strokes) == 0 and "no ink" in d.notes[0]

    def test_a_photo_gets_a_warning_and_a_result(self):
        from pathlib import Path

        import strokes
        with pytest.warns(TraceWarning, match="does not look like line art"):
            d = trace(Path(strokes.__file__).parent / "examples" / "chelsea.png", size=200, progress=False,
                      refine_steps=0)
        assert isinstance(d, Drawing) and len(d.strokes) > 0


class TestRoundTrip:
    def test_save_load_render_export(self, traced, tmp_path):
        from strokes import export_svg
        out = traced.save(tmp_path / "out")
        assert sorted(p.name for p in out.iterdir()) == ["drawing.png", "strokes.json"]
        back = load(out / "strokes.json")
        assert back == traced.strokes
        assert render(back, "marker", size=160).size == (160, 120)
        svg = tmp_path / "d.svg"
        export_svg(back, svg)
        assert svg.read_text().count("<path") >= len(back)


class TestBadInput:
    @pytest.mark.parametrize("value", [-0.1, 1.5, float("nan"), "lots"])
    def test_simplify_out_of_range(self, value):
        with pytest.raises(TraceError, match="simplify"):
            trace(np.ones((20, 20)), simplify=value, progress=False)

    def test_unknown_option_and_bad_size(self):
        with pytest.raises(TraceError, match="unknown option.*wiggle"):
            trace(np.ones((20, 20)), wiggle=1, progress=False)
        with pytest.raises(TraceError, match="size"):
            trace(np.ones((20, 20)), size=10 ** 6, progress=False)

    def test_unreadable_and_huge_images(self, tmp_path):
        bad = tmp_path / "scan.png"
        bad.write_bytes(b"not a picture")
        with pytest.raises(ImageError, match="scan.png"):
            trace(bad, progress=False)
        big = tmp_path / "big.png"
        Image.new("L", (300, 200), 255).save(big)
        with pytest.raises(ImageError, match="big.png.*larger than the limit"):
            trace(big, progress=False, max_pixels=10_000)


class TestCommand:
    def test_writes_strokes_and_drawing(self, tmp_path, capsys):
        from strokes.cli import main
        im = Image.new("L", (160, 100), 255)
        ImageDraw.Draw(im).line([(10, 50), (150, 40)], fill=30, width=3)
        im.save(tmp_path / "line.png")
        assert main(["trace", str(tmp_path / "line.png"), "-o", str(tmp_path / "out"), "--simplify", "0.3"]) == 0
        assert capsys.readouterr().out.startswith("1 strokes")
        assert json.loads((tmp_path / "out" / "strokes.json").read_text())
        assert Image.open(tmp_path / "out" / "drawing.png").size == (160, 100)

    def test_errors_leave_nothing_behind(self, tmp_path, capsys):
        from strokes.cli import main
        (tmp_path / "bad.png").write_bytes(b"\x89PNG broken")
        assert main(["trace", str(tmp_path / "bad.png"), "-o", str(tmp_path / "out")]) == 1
        assert "bad.png" in capsys.readouterr().err
        assert main(["trace", str(tmp_path / "bad.png"), "-o", str(tmp_path / "out2"), "--simplify", "3"]) == 1
        assert "--simplify 3.0: expected a number in [0, 1]" in capsys.readouterr().err
        assert not (tmp_path / "out").exists() and not (tmp_path / "out2").exists()

    def test_empty_page_is_not_an_error(self, tmp_path, capsys):
        from strokes.cli import main
        Image.new("L", (64, 48), 240).save(tmp_path / "blank.png")
        assert main(["trace", str(tmp_path / "blank.png"), "-o", str(tmp_path / "out"), "-q"]) == 0
        assert "no ink" in capsys.readouterr().err
        assert len(load(tmp_path / "out" / "strokes.json")) == 0
