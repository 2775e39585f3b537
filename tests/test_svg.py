"""SVG export: valid XML, one path per stroke in order, and it looks like the raster."""
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch
from PIL import Image

from strokes import StrokeSet
from strokes.rendering import render
from strokes.geometry import coverage, stroke_frame
from strokes.svg import export_svg, flat_look, to_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
RSVG = shutil.which("rsvg-convert")
needs_rsvg = pytest.mark.skipif(RSVG is None, reason="rsvg-convert not installed (Debian package librsvg2-bin); "
                                "the independent-renderer comparison needs it")


def painting(n=60, seed=0, width=300, height=200):
    """Painter-like strokes: broad ones first, then smaller, curved, tapered, with colour gradients."""
    g = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        scale = 0.25 * (1 - i / n) + 0.04
        p0 = g.uniform(0.05, 0.95, 2)
        ang = g.uniform(0, 2 * np.pi)
        p2 = np.clip(p0 + scale * np.array([np.cos(ang), np.sin(ang)]), 0, 1)
        p1 = np.clip((p0 + p2) / 2 + g.normal(0, scale / 4, 2), 0, 1)
        w = g.uniform(0.3, 0.6) * scale
        rows.append([*p0, *p1, *p2, w, w * g.uniform(0.5, 1), *g.uniform(0, 1, 6), g.uniform(0.6, 1)])
    return StrokeSet(rows, width=width, height=height, background=(0.95, 0.93, 0.88))


def rasterize_svg(path, width, height, out):
    subprocess.run([RSVG, "-w", str(width), "-h", str(height), "-o", str(out), str(path)], check=True)
    return np.asarray(Image.open(out).convert("RGB"), np.float64) / 255


def psnr(a, b):
    return 10 * np.log10(1 / np.mean((a - b) ** 2))


def test_well_formed_one_path_per_stroke_in_order(tmp_path):
    s = painting(25, width=640, height=400)
    path = export_svg(s, tmp_path / "p.svg", style="oil")
    root = ET.parse(path).getroot()
    assert root.get("viewBox") == "0 0 640 400"
    assert (root.get("width"), root.get("height")) == ("640", "400")
    group = root.find("svg:g[@id='strokes']", NS)
    paths = list(group)
    assert len(paths) == 25 and all(p.tag == "{http://www.w3.org/2000/svg}path" for p in paths)
    assert [p.get("id") for p in paths] == [f"stroke-{i}" for i in range(25)]
    # Each outline starts on its own stroke: the first point is within half a width of P0.
    for p, row in zip(paths, s.params):
        x, y = (float(v) for v in p.get("d")[1:].split("L")[0].split())
        assert np.hypot(x - row[0] * 640, y - row[1] * 400) <= 0.5 * max(row[6], row[7]) * 400 + 1e-3


def test_empty_set_and_display_size(tmp_path):
    root = ET.fromstring(to_svg(StrokeSet([], width=30, height=90), size=300).encode())
    assert root.get("viewBox") == "0 0 30 90" and (root.get("width"), root.get("height")) == ("100", "300")
    assert len(root.find("svg:g[@id='strokes']", NS)) == 0
    with pytest.raises(ValueError, match="StrokeSet"):
        to_svg([[0] * 15])


def test_output_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "keep.svg"
    target.write_text("old")
    from strokes import svg

    def broken(*a, **k):
        raise RuntimeError("boom")
    monkeypatch.setattr(svg, "to_svg", broken)
    with pytest.raises(RuntimeError):
        svg.export_svg(painting(3), target)
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["keep.svg"]


def test_flat_look_measures_the_style():
    assert flat_look(None) == ("", 1.0, 1.0)
    name, opacity, color = flat_look("marker")
    assert name == "marker" and opacity == pytest.approx(0.75, abs=0.02) and color == pytest.approx(1, abs=0.02)
    assert flat_look("watercolor")[1] < 0.7            # a transparent wash


@needs_rsvg
def test_marker_svg_matches_the_raster(tmp_path):
    s = painting(80, seed=1, width=320, height=240)
    path = export_svg(s, tmp_path / "m.svg", style="marker")
    ours = np.asarray(render(s, "marker", size=320), np.float64) / 255
    theirs = rasterize_svg(path, 320, 240, tmp_path / "m.png")
    assert psnr(ours, theirs) >= 25


@needs_rsvg
def test_variable_width_outline_matches_geometry(tmp_path):
    # Tapered, strongly bent strokes (the inner side folds over itself): the
    # outline must cover what stroke_frame says lies within the half width.
    rows = [[.1, .8, .5, -.0, .9, .8, .20, .02, 0, 0, 0, 0, 0, 0, 1],
            [.2, .2, .9, .5, .2, .6, .05, .25, 0, 0, 0, 0, 0, 0, 1],
            [.6, .9, .6, .9, .6, .9, .1, .1, 0, 0, 0, 0, 0, 0, 1]]
    rows[0][3] = 0.0
    s = StrokeSet(rows, width=200, height=200, background=(1, 1, 1))
    path = export_svg(s, tmp_path / "o.svg")
    theirs = rasterize_svg(path, 200, 200, tmp_path / "o.png")[..., 0]
    f = stroke_frame(torch.tensor(rows, dtype=torch.float64), (200, 200), segments=64)
    cover = coverage(f.dist - f.half_width).amax(0).numpy()
    ours = 1 - cover
    assert np.abs(ours - theirs).mean() < 0.01
    assert psnr(ours, theirs) > 25
