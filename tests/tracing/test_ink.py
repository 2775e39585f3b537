"""Ink separated from paper: lines in, paper grain, lighting and specks out."""
import numpy as np
import torch
from scipy import ndimage

from strokes.tracing.ink import binary_closing, ink_mask, ink_strength


def page(h=96, w=128, paper=(0.95, 0.94, 0.9), grain=0.0, seed=0):
    rng = np.random.default_rng(seed)
    img = np.ones((h, w, 3)) * np.array(paper)
    if grain:
        img += ndimage.gaussian_filter(rng.normal(0, grain, (h, w)), 0.8)[..., None]
    return img


def as_tensor(img):
    return torch.from_numpy(np.clip(img, 0, 1)).float().permute(2, 0, 1)


class TestInkMask:
    def test_pencil_line_on_grainy_paper(self):
        img = page(grain=0.04)
        img[47:50, 10:118] = 0.45                                 # a grey pencil line, 3 px
        ink = ink_mask(as_tensor(img))
        assert ink.mask[47:50, 14:114].mean() > 0.95              # the line is ink
        off = ink.mask.copy()
        off[44:53] = False
        assert off.sum() == 0                                      # the grain is not
        assert 2 <= ink.width <= 5

    def test_grain_alone_is_an_empty_page(self):
        assert ink_mask(as_tensor(page(grain=0.05))).empty

    def test_uneven_lighting_is_paper_and_coloured_lines_are_ink(self):
        img = page()
        img *= np.linspace(1.0, 0.6, 128)[None, :, None]          # a shadow across the scan
        img[30:32, 10:118] = (0.9, 0.75, 0.1)                      # a yellow ochre line, as light as the shadow
        ink = ink_mask(as_tensor(img))
        assert ink.mask[30:32, 14:114].mean() > 0.95
        assert ink.mask[50:].sum() == 0

    def test_specks_dropped_lines_kept(self):
        img = page()
        img[60:62, 20:100] = 0.2
        for y, x in ((10, 10), (20, 90), (80, 40)):
            img[y:y + 2, x:x + 2] = 0.2
        ink = ink_mask(as_tensor(img), min_length=8)
        labels, n = ndimage.label(ink.mask)
        assert n == 1 and ink.mask[60:62, 30:90].all()

    def test_closing_joins_passes_side_by_side(self):
        img = page()
        img[40:42, 10:118] = 0.3
        img[46:48, 10:118] = 0.3                                  # a second pass 4 px below
        apart = ink_mask(as_tensor(img), close=0)
        joined = ink_mask(as_tensor(img), close=3)
        assert ndimage.label(apart.mask)[1] == 2
        assert ndimage.label(joined.mask)[1] == 1


def test_strength_ignores_highlights():
    img = torch.full((3, 16, 16), 0.8)
    img[:, 8] = 1.0                                                 # lighter than the paper
    img[:, 4] = 0.3
    s = ink_strength(img)
    assert float(s[8].max()) < 0.02 and float(s[4].min()) > 0.5


def test_binary_closing_equals_kornia():
    import kornia
    from strokes.tracing.ink import _disk
    mask = np.random.default_rng(0).uniform(size=(40, 50)) > 0.7
    ref = kornia.morphology.closing(torch.from_numpy(mask).float()[None, None], _disk(2))[0, 0].numpy() > 0.5
    assert (binary_closing(mask, 2) == ref).all()


def test_a_photo_is_not_line_art_a_sketch_is():
    from pathlib import Path

    import strokes
    from strokes.images import load_image
    from strokes.painter import resize
    from strokes.tracing.synthetic import rough_sketch
    cat = resize(load_image(Path(strokes.__file__).parent / "examples" / "chelsea.png"), (85, 128))
    found = ink_mask(cat).looks_like_line_art()
    assert found is not None and "does not look like line art" in found and "% of the page" in found
    sketch = rough_sketch(seed=1, width=160, height=120, lines=5)
    assert ink_mask(as_tensor(sketch.image)).looks_like_line_art() is None
