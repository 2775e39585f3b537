"""Plotter SVG: centrelines only, one layer per pen, travel reduced, read back by vpype."""
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from strokes.cli import main
from strokes.plotter import INKSCAPE, plot_order, plotter_svg, travel
from strokes.strokeset import StrokeSet

SVG = "{http://www.w3.org/2000/svg}"


def scattered_lines(n=120, colours=((0, 0, 0),), seed=0):
    rng = np.random.default_rng(seed)
    p = np.zeros((n, 15))
    c = rng.random((n, 2)) * 0.8 + 0.1
    d = (rng.random((n, 2)) - 0.5) * 0.1
    p[:, 0:2], p[:, 4:6] = c - d, c + d
    p[:, 2:4] = c + 0.1 * d[:, ::-1]
    p[:, 6:8] = 0.004
    col = np.asarray(colours, float)[rng.integers(0, len(colours), n)]
    p[:, 8:11] = p[:, 11:14] = col
    p[:, 14] = 1
    return StrokeSet(p, width=400, height=300)


def test_layers_per_pen_and_no_fills():
    s = scattered_lines(colours=((0, 0, 0), (0.8, 0.1, 0.1), (0.1, 0.2, 0.9)))
    doc, report = plotter_svg(s)
    root = ET.fromstring(doc)
    layers = root.findall(f"{SVG}g")
    assert len(layers) == report.layers == 3
    assert all(g.get(f"{{{INKSCAPE}}}groupmode") == "layer" and g.get("fill") == "none" for g in layers)
    strokes = {g.get("stroke") for g in layers}
    assert strokes == {"#000000", "#cc1a1a", "#1a33e6"}
    paths = root.findall(f".//{SVG}path")
    assert len(paths) == 120
    assert all(p.get("fill") in (None, "none") and re.fullmatch(r"M[\d. ]+Q[\d. ]+", p.get("d")) for p in paths)
    assert "Gradient" not in doc and "<rect" not in doc


def test_many_colours_are_merged_into_at_most_the_pens_asked_for():
    rng = np.random.default_rng(1)
    s = scattered_lines(60, colours=rng.random((40, 3)))
    _, report = plotter_svg(s, pens=4)
    assert report.layers == 4


def test_travel_is_reduced_and_reported_consistently():
    s = scattered_lines(300)
    _, report = plotter_svg(s)
    assert report.after < 0.3 * report.before
    p = s.params * np.array([400, 300] * 3 + [1] * 9)
    order, flipped = plot_order(p[:, 0:2], p[:, 4:6])
    assert sorted(order.tolist()) == list(range(300)) and flipped.any()         # every path once; some reversed
    starts = np.where(flipped[:, None], p[order, 4:6], p[order, 0:2])
    ends = np.where(flipped[:, None], p[order, 0:2], p[order, 4:6])
    assert travel(starts, ends) == pytest.approx(report.after)


def test_vpype_reads_it(tmp_path):
    vpype = pytest.importorskip("vpype")
    s = scattered_lines(50, colours=((0, 0, 0), (0.9, 0.2, 0.1)))
    out = tmp_path / "plot.svg"
    assert main(["export", _save(s, tmp_path), "-o", str(out), "--plotter"]) == 0
    doc = vpype.read_multilayer_svg(str(out), quantization=0.1)
    assert len(doc.layers) == 2 and sum(len(lc) for lc in doc.layers.values()) == 50


def test_cli_prints_travel_and_refuses_a_style(tmp_path, capsys):
    s = scattered_lines(40)
    src = _save(s, tmp_path)
    assert main(["export", src, "-o", str(tmp_path / "a.svg"), "--plotter"]) == 0
    out = capsys.readouterr().out
    before, after = map(float, re.search(r"travel (\d+) px before, (\d+) px after", out).groups())
    assert after < before
    assert main(["export", src, "-o", str(tmp_path / "b.svg"), "--plotter", "--style", "oil"]) == 1
    assert "--plotter" in capsys.readouterr().err and not (tmp_path / "b.svg").exists()


def _save(s, tmp_path):
    path = tmp_path / "s.json"
    s.save(path)
    return str(path)
