"""The sketcher: lines pulled onto edges, exact line counts, resume, CLI, bad input."""
import json

import numpy as np
import pytest
import torch
from PIL import Image

from strokes.cli import main
from strokes.sketcher import SketchError, sketch
from strokes.sketching.lines import lay_lines, line_darkness, line_strips, window_pixels
from strokes.sketching.loss import pyramid_loss
from strokes.sketching.optimize import LineBounds, Lines, optimize_lines


def photo(h=48, w=64):
    """A dark box and a bar on white: ``(3, h, w)``."""
    t = torch.ones(3, h, w)
    t[:, 10:38, 14:34] = 0.25
    t[:, 20:24, 40:60] = 0.1
    return t


def test_strips_draw_what_full_windows_draw():
    ends = torch.tensor([[10., 10, 70, 30], [40, 5, 45, 55], [20, 50, 60, 50]])
    mid = 0.5 * (ends[:, :2] + ends[:, 2:])
    mid[0, 1] += 4
    width, inten = torch.tensor([2., 1, 2.5]), torch.full((3,), .9)
    px, py, index = line_strips(ends, mid, 2.6, (60, 80))
    strips = lay_lines(torch.zeros(60, 80), line_darkness(ends, mid, width, inten, px, py), index)
    px, py = window_pixels(torch.zeros(3).long(), torch.zeros(3).long(), 80)
    full = line_darkness(ends, mid, width, inten, px, py)[:, :60]
    assert torch.allclose(strips, 1 - (1 - full.clamp(0, .98)).prod(0), atol=1e-6)


def test_a_line_moves_onto_an_edge_it_does_not_touch():
    # The target is a vertical line at x = 20; the line starts parallel to it at x = 27,
    # past the reach of its own profile, so at full resolution the two never overlap.
    H, W = 64, 64
    target = torch.zeros(H, W)
    target[8:56, 20] = 1.0
    start = Lines(torch.tensor([[27.5, 12., 27.5, 52.]]), torch.tensor([[27.5, 32.]]), torch.tensor([1.2]),
                  torch.tensor([0.8]))
    px, py, index = line_strips(start.ends, start.mid, 1.2, (H, W))
    touching = lay_lines(torch.zeros(H, W), line_darkness(*vars(start).values(), px, py), index)
    assert float((touching * target).sum()) == 0.0                          # not touching at first
    bounds = LineBounds(reach=12.0, min_width=0.9, max_width=2.0, min_intensity=0.3)
    moved, _ = optimize_lines(start, bounds, torch.zeros(H, W), target, steps=40, lr=0.12,
                              weights=(1.0, 2.0, 3.0, 3.0), ot_weight=0.02)
    x = moved.ends[0, [0, 2]]
    assert float((x - 20.5).abs().max()) < 1.5, moved.ends


def test_the_pyramid_gives_a_gradient_where_full_resolution_gives_none():
    target = torch.zeros(64, 64)
    target[:, 20] = 1
    x = torch.tensor([27.5], requires_grad=True)
    ends = torch.cat([x, torch.tensor([8.]), x, torch.tensor([56.])]).view(1, 4)
    mid = 0.5 * (ends[:, :2] + ends[:, 2:])
    px, py, index = line_strips(ends.detach(), mid.detach(), 1.0, (64, 64))
    drawing = lay_lines(torch.zeros(64, 64), line_darkness(ends, mid, torch.tensor([1.]), torch.tensor([1.]), px, py),
                        index)
    flat, = torch.autograd.grad(pyramid_loss(drawing, target, (1.0,)), x, retain_graph=True)
    pyr, = torch.autograd.grad(pyramid_loss(drawing, target, (1.0, 1.0, 1.0, 1.0)), x)
    assert abs(float(flat)) < 1e-8 and float(pyr) > 1e-5   # positive: moving left (towards x = 20) helps


def test_exact_count_deterministic_and_lines_are_near_straight_strokes():
    a = sketch(photo(), lines=37, size=64, progress=False, batch=16, steps=4)
    b = sketch(photo(), lines=37, size=64, progress=False, batch=16, steps=4)
    assert len(a.strokes) == 37 and a.strokes == b.strokes
    p = a.strokes.params
    chord = np.hypot((p[:, 4] - p[:, 0]) * 64, (p[:, 5] - p[:, 1]) * 48)
    bend = np.hypot((p[:, 2] - 0.5 * (p[:, 0] + p[:, 4])) * 64, (p[:, 3] - 0.5 * (p[:, 1] + p[:, 5])) * 48)
    assert (bend <= 0.25 * chord + 1e-3).all()                        # control point near the chord
    assert a.strokes.background == (1.0, 1.0, 1.0) and a.image.size == (64, 48)


def test_lines_go_to_the_dark_edges():
    d = sketch(photo(), lines=40, size=64, progress=False, batch=20, steps=6)
    ink = 1 - d.tensor().mean(0)
    assert float(ink[:, :10].mean()) < 0.25 * float(ink[8:40, 12:36].mean())    # the empty left strip stays bare


def test_resume_continues_to_the_count(tmp_path):
    part = sketch(photo(), lines=20, size=64, progress=False, batch=10, steps=3)
    part.strokes.save(tmp_path / "s.json")
    full = sketch(photo(), lines=30, size=64, progress=False, batch=10, steps=3, resume=tmp_path / "s.json")
    assert len(full.strokes) == 30
    assert np.allclose(full.strokes.params[:20], part.strokes.params, atol=1e-6)
    with pytest.raises(SketchError, match="already has 30 lines, more than the 10"):
        sketch(photo(), lines=10, size=64, progress=False, resume=full.strokes)


@pytest.mark.parametrize("lines, message", [(0, "got 0"), (-5, "got -5"), (10 ** 7, "from 1 to 100,000"),
                                            (2.5, "got 2.5")])
def test_bad_line_counts(lines, message):
    with pytest.raises(SketchError, match=message):
        sketch(photo(), lines=lines, size=64, progress=False)


def test_bad_options_and_flat_images():
    with pytest.raises(SketchError, match="min_width, max_width"):
        sketch(photo(), lines=5, size=64, progress=False, min_width=3, max_width=1)
    with pytest.raises(SketchError, match="unknown option"):
        sketch(photo(), lines=5, size=64, progress=False, strokes=3)
    with pytest.raises(SketchError, match="target: expected one of"):
        sketch(photo(), lines=5, size=64, target="sobel", progress=False)
    with pytest.raises(SketchError, match="size: expected"):
        sketch(photo(), lines=5, size=100000, progress=False)
    with pytest.raises(SketchError, match="blank paper"):
        sketch(torch.full((3, 40, 40), 0.5), lines=5, size=40, progress=False)
    # A flat image still has a tone to draw.
    assert len(sketch(torch.full((3, 40, 40), 0.5), lines=5, size=40, target="image", progress=False).strokes) == 5


def test_binary_line_art_is_drawn(tmp_path):
    art = np.full((48, 48), 255, np.uint8)
    art[10:38, 24] = 0
    art[24, 10:38] = 0
    d = sketch(Image.fromarray(art, "L"), lines=12, size=48, progress=False, batch=12, steps=6)
    ink = 1 - d.tensor().mean(0)
    assert float(ink[8:40, 22:27].mean()) > 3 * float(ink[0:8, 0:8].mean() + 1e-3)


def test_cli_writes_drawing_and_strokes_and_resumes(tmp_path, capsys):
    src = tmp_path / "p.png"
    Image.fromarray((photo().permute(1, 2, 0).numpy() * 255).astype(np.uint8)).save(src)
    out = tmp_path / "out"
    assert main(["sketch", str(src), "-o", str(out), "--lines", "12", "--size", "64", "--quiet",
                 "--threads", "1"]) == 0
    assert Image.open(out / "drawing.png").size == (64, 48)
    assert len(json.loads((out / "strokes.json").read_text())["strokes"]) == 12
    assert main(["sketch", str(src), "-o", str(out), "--lines", "20", "--size", "64", "--quiet", "--resume",
                 "--style", "pen", "--threads", "1"]) == 0
    assert len(json.loads((out / "strokes.json").read_text())["strokes"]) == 20


def test_cli_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys):
    src = tmp_path / "p.png"
    Image.fromarray((photo().permute(1, 2, 0).numpy() * 255).astype(np.uint8)).save(src)
    for argv, needle in [(["--lines", "0"], "--lines 0"), (["--lines", "-3"], "--lines -3"),
                         (["--resume"], "--resume"), (["--style", "crayonz"], "unknown style 'crayonz'")]:
        out = tmp_path / "o"
        assert main(["sketch", str(src), "-o", str(out), "--size", "32", "-q", *argv]) == 1
        err = capsys.readouterr().err.strip()
        assert needle in err and len(err.splitlines()) == 1 and not (out / "drawing.png").exists()
    flat = tmp_path / "flat.png"
    Image.new("RGB", (30, 30), (128, 128, 128)).save(flat)
    assert main(["sketch", str(flat), "-o", str(tmp_path / "f"), "--size", "32", "-q"]) == 1
    assert "blank paper" in capsys.readouterr().err
    assert not (tmp_path / "f" / "drawing.png").exists()


def test_a_placed_line_ends_where_its_edge_ends():
    from strokes.sketching.placing import best_lines, edge_direction, pick_slots
    residual = torch.zeros(48, 64)
    residual[24, 20:44] = 0.8                                                # an edge 24 px long
    angle, _ = edge_direction(residual, sigma=2.0)
    gen = torch.Generator().manual_seed(0)
    slots = pick_slots(residual, 1, cell=8, generator=gen)
    assert abs(float(slots[0, 1]) - 24.5) < 1.0                              # the slot lies on the edge
    ends, score = best_lines(residual, angle, slots, length=40.0, tries=64, intensity=0.5, generator=gen)
    xs = sorted([float(ends[0, 0]), float(ends[0, 2])])
    assert abs(xs[0] - 20) < 4 and abs(xs[1] - 44) < 4, ends                # not past the edge's ends
    assert float(score[0]) > 0
