"""The painter's promises: exact stroke count, aspect kept, same seed same strokes,
any input kind, nothing lost when interrupted, resume to the full count."""
import numpy as np
import pytest
import torch
from PIL import Image

import strokes
from strokes.layout import OPACITY
from strokes.painter import PaintError, paint
from strokes.painting.schedule import batches, plan

from tests.painter.scenes import FAST, scene


@pytest.mark.parametrize("count", [1, 7, 23])
def test_exactly_the_strokes_asked_for(count):
    p = paint(scene(), strokes=count, **FAST)
    assert len(p.strokes) == count
    assert np.all((p.strokes.params >= 0) & (p.strokes.params <= 1))


@pytest.mark.parametrize("count", [1, 5, 40, 150, 499, 500, 2001])
def test_the_plan_adds_up(count):
    levels = plan(count, (300, 500))
    assert sum(lv.count for lv in levels) == count
    assert sum(n for _, _, n in batches(levels)) == count


@pytest.mark.parametrize("count", [100, 500, 2000])
def test_the_first_level_is_laid_in_as_few_batches_as_max_batch_allows(count):
    levels = plan(count, (341, 512), max_batch=100)
    first = [n for level, _, n in batches(levels) if level.index == 0]
    assert len(first) == -(-levels[0].count // 100) and max(first) <= 100


def test_wide_and_tall_images_keep_their_shape():
    wide = paint(scene(90, 30), strokes=6, **FAST)
    assert (wide.strokes.width, wide.strokes.height) == (40, 13)
    assert wide.image.size == (40, 13)
    tall = paint(scene(30, 90), strokes=6, **FAST)
    assert tall.image.size == (13, 40)


def test_same_seed_same_strokes_other_seed_other_strokes():
    a = paint(scene(), strokes=12, seed=3, **FAST)
    b = paint(scene(), strokes=12, seed=3, **FAST)
    c = paint(scene(), strokes=12, seed=4, **FAST)
    assert a.strokes == b.strokes
    assert not np.array_equal(a.strokes.params, c.strokes.params)


def test_the_painting_looks_like_the_picture():
    target = scene()
    p = paint(target, style="marker", strokes=40, size=60, progress=False, steps=10)
    got = torch.tensor(np.asarray(p.image), dtype=torch.float32).permute(2, 0, 1) / 255
    blank = torch.tensor(p.strokes.background).view(3, 1, 1).expand_as(target)
    assert (got - target).abs().mean() < 0.6 * (blank - target).abs().mean()


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "I;16"])
def test_any_image_mode_from_a_file(tmp_path, mode):
    arr = (scene().permute(1, 2, 0).numpy() * 255).astype(np.uint8)
    im = Image.fromarray(arr, "RGB")
    im = im.convert("L").convert("I;16") if mode == "I;16" else im.convert(mode)
    path = tmp_path / "in.png"
    im.save(path)
    p = paint(str(path), strokes=3, **FAST)
    assert len(p.strokes) == 3 and p.image.size == (40, 27)


def test_tiny_and_large_inputs_are_resized_to_the_painting_size():
    tiny = paint(torch.rand(3, 3, 5), strokes=2, **FAST)
    assert tiny.image.size == (40, 24)
    big = paint(Image.new("RGB", (1800, 1200), (200, 30, 30)), strokes=2, **FAST)
    assert big.image.size == (40, 27)


def test_checkpoint_after_every_batch_and_a_valid_file_after_an_interrupt(tmp_path):
    path = tmp_path / "strokes.json"
    seen = []

    def stop_after_one(painting):
        seen.append(len(painting.strokes))
        assert len(strokes.load(path)) == len(painting.strokes)    # the file follows the painting
        if len(seen) == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        paint(scene(), strokes=30, checkpoint=path, callback=stop_after_one, **FAST)
    saved = strokes.load(path)
    assert len(saved) == seen[-1] and 0 < len(saved) < 30
    assert (saved.width, saved.height) == (40, 27)


def test_resume_continues_to_the_full_count(tmp_path):
    path = tmp_path / "strokes.json"
    with pytest.raises(KeyboardInterrupt):
        paint(scene(), strokes=30, checkpoint=path, callback=_interrupt_at(10), **FAST)
    partial = strokes.load(path)
    done = paint(scene(), strokes=30, checkpoint=path, resume=path, **FAST)
    assert len(done.strokes) == 30 and strokes.load(path) == done.strokes
    laid = np.r_[0:8, OPACITY]                                         # where and how wide: all but the colours
    assert np.array_equal(done.strokes.params[:len(partial), laid], partial.params[:, laid])
    # The colours are retouched with the rest, as if the run had never stopped.
    assert np.array_equal(done.strokes.params, paint(scene(), strokes=30, **FAST).strokes.params)


def test_a_finished_painting_continued_keeps_its_strokes(tmp_path):
    first = paint(scene(), strokes=12, **FAST).strokes
    more = paint(scene(), strokes=20, resume=first, **FAST).strokes
    assert np.array_equal(more.params[:12], first.params)
    assert not np.array_equal(more.params[12:], paint(scene(), strokes=20, retouch=False, resume=first,
                                                        **FAST).strokes.params[12:])   # the new ones are retouched


def _interrupt_at(n):
    def callback(painting):
        if len(painting.strokes) >= n:
            raise KeyboardInterrupt
    return callback


def test_bad_requests_are_clear_errors(tmp_path):
    with pytest.raises(PaintError, match="strokes"):
        paint(scene(), strokes=0, **FAST)
    with pytest.raises(PaintError, match="unknown option"):
        paint(scene(), strokes=2, brush=3, **FAST)
    with pytest.raises(PaintError, match="background"):
        paint(scene(), strokes=2, background=(2, 0, 0), **FAST)
    many = tmp_path / "many.json"
    paint(scene(), strokes=5, **FAST).strokes.save(many)
    with pytest.raises(PaintError, match="already has 5 strokes"):
        paint(scene(), strokes=3, resume=many, **FAST)


def test_save_writes_picture_and_strokes(tmp_path):
    p = paint(scene(), strokes=4, **FAST)
    p.save(tmp_path / "out", npz=True)
    assert Image.open(tmp_path / "out" / "painting.png").size == (40, 27)
    assert strokes.load(tmp_path / "out" / "strokes.json") == p.strokes
    assert strokes.load(tmp_path / "out" / "strokes.npz") == p.strokes


def test_painting_through_the_neural_renderer_gives_the_count_and_the_real_style():
    p = paint(scene(), strokes=8, renderer="neural", **FAST)
    assert len(p.strokes) == 8 and p.style.name == "marker"
    with pytest.raises(PaintError, match="renderer"):
        paint(scene(), strokes=2, renderer="magic", **FAST)


@pytest.mark.parametrize("choice, expected", [
    ("style", ["style"] * 4), ("neural", ["neural"] * 4), ("mixed", ["neural"] * 3 + ["style"]),
    ("auto", ["neural"] * 3 + ["style"])])
def test_where_the_neural_renderer_is_faster_auto_paints_all_but_the_last_level_through_it(monkeypatch, choice, expected):
    from strokes.painter import NeuralDrawer, _optimizing_renderers
    from strokes.registry import get_style

    style = get_style("marker")
    monkeypatch.setattr(style, "paint_renderer", "mixed")
    drawers = _optimizing_renderers(choice, style, "cpu", 4)
    assert ["neural" if isinstance(d, NeuralDrawer) else "style" for d in drawers] == expected
    assert all(d is style for d in drawers if not isinstance(d, NeuralDrawer))
    # A one-level plan (a handful of strokes) is painted by the style itself.
    assert _optimizing_renderers("auto", style, "cpu", 1) == [style]
    monkeypatch.setattr(style, "paint_renderer", "style")
    assert _optimizing_renderers("auto", style, "cpu", 4) == [style] * 4


def test_auto_paints_every_shipped_style_with_the_style_itself():
    """Watercolor too: painted mixed, the optimizer played on the neural renderer's small errors at
    the broad levels, and the finished painting showed gray worm-shaped strokes over flat light areas."""
    from strokes.painter import NeuralDrawer, _optimizing_renderers
    from strokes.registry import get_style

    for name in ("oil", "marker", "watercolor", "pencil", "tape"):
        drawers = _optimizing_renderers("auto", get_style(name), "cpu", 4)
        assert not any(isinstance(d, NeuralDrawer) for d in drawers), name


def test_the_strokes_cover_the_whole_picture():
    """On its default white ground nothing of the canvas is left bare where the picture is not white
    (on a ground of the picture's mean colour, the strokes leave patches where the picture is near it)."""
    from strokes.rendering import bare_canvas

    p = paint(scene(), style="oil", strokes=40, size=64, steps=12, progress=False)
    s = p.strokes
    assert s.background == (1.0, 1.0, 1.0)
    bare = bare_canvas(s.to_tensor(), (s.height, s.width), p.style)
    assert float((bare > 0.5).float().mean()) < 0.01


def test_pencil_shades_on_toned_paper_and_a_given_ground_wins():
    picture = scene()
    mean = tuple(float(v) for v in picture.mean((1, 2)))
    toned = paint(picture, style="pencil", strokes=4, size=60, steps=2, progress=False).strokes.background
    assert np.allclose(toned, mean, atol=0.02)
    given = paint(picture, style="pencil", strokes=4, size=60, steps=2, progress=False, background=(0.2, 0.3, 0.4))
    assert given.strokes.background == (0.2, 0.3, 0.4)


_HEAVY = ("print(sorted({m.split('.')[0] for m in sys.modules} & {'kornia', 'ot', 'scipy', 'skimage'})"
          " + [m for m in sys.modules if m.startswith('torch._dynamo')])")


@pytest.mark.parametrize("how", ["api", "cli"])
def test_painting_imports_nothing_heavy_beyond_torch(how, tmp_path):
    """Start-up is most of a small painting's time: painting and saving, from a script or with
    ``strokes paint``, leave kornia, POT, SciPy and torch's compiler unimported (each costs a
    tenth of a second or more)."""
    import subprocess
    import sys
    Image.fromarray((np.random.default_rng(0).random((24, 32, 3)) * 255).astype(np.uint8)).save(tmp_path / "in.png")
    if how == "api":
        run = (f"from strokes import paint; paint({str(tmp_path / 'in.png')!r}, style='oil', strokes=3, size=32, "
               f"progress=False).save({str(tmp_path / 'out')!r})")
    else:
        run = (f"from strokes.cli import main; main(['paint', {str(tmp_path / 'in.png')!r}, '-o', "
               f"{str(tmp_path / 'out')!r}, '--strokes', '3', '--size', '32', '-q'])")
    out = subprocess.run([sys.executable, "-c", f"import sys; {run}; {_HEAVY}"], capture_output=True, text=True,
                         timeout=120)
    assert (tmp_path / "out" / "painting.png").exists(), out.stdout + out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr
