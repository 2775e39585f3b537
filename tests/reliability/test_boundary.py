"""Plugins, renderers, devices and request sizes checked at the boundary (defects 4-7)."""
import io
import os
import re
import resource

import numpy as np
import pytest
import torch
from PIL import Image

from strokes.boundary import checked, device
from strokes.errors import CheckpointError, OptionError, PaintError, StyleOutputError
from strokes.rendering import render
from strokes.style import Style

from .helpers import stroke_set


class Plugin(Style):
    """A plugin that draws the stroke's colour everywhere, then spoils its output as ``spoil`` says."""

    name = "spoiled"

    def __init__(self, spoil: str = "", seed: int = 0):
        super().__init__(seed)
        self.spoil = spoil

    def rasterize(self, params, size, window=None):
        h, w = size if window is None else window[2:]
        S = params.shape[0]
        fg = params[:, 8:11].view(S, 3, 1, 1).expand(S, 3, h, w).clone()
        alpha = torch.full((S, 1, h, w), 0.5, dtype=params.dtype)
        if self.spoil == "nan":
            fg[0, 0, 0, 0] = float("nan")
        elif self.spoil == "range":
            alpha = alpha * 3
        elif self.spoil == "int":
            fg = (fg * 255).to(torch.uint8)
        elif self.spoil == "shape":
            alpha = alpha[:, :, :-1]
        elif self.spoil == "one":
            return fg
        elif self.spoil == "keyerror":
            raise KeyError("texture")
        return fg, alpha


@pytest.mark.parametrize("spoil, message", [
    ("nan", "foreground with 1 NaN or infinite value(s); expected finite values in [0, 1]"),
    ("range", "alpha with values from 1.5 to 1.5; expected values in [0, 1]"),
    ("int", "foreground of dtype torch.uint8, expected torch.float32"),
    ("shape", r"alpha of shape \(\d+, 1, 15, 16\), expected \(\d+, 1, 16, 16\)"),
    ("one", "rasterize returned a Tensor; expected (foreground, alpha)"),
    ("keyerror", "rasterize failed: KeyError: 'texture'"),
])
def test_bad_plugin_output_is_an_error_naming_the_style(spoil, message):
    """Defect 6: NaN or out-of-range output was written with status 0, integers accepted, a wrong shape a
    torch message naming no style, a KeyError a traceback."""
    style = checked(Plugin(spoil))
    with pytest.raises(StyleOutputError) as info:
        render(stroke_set(), style, size=64)
    assert str(info.value).startswith("style 'spoiled' (Plugin): ")
    assert re.search(message if spoil == "shape" else re.escape(message), str(info.value))


def test_good_plugin_draws_unchanged():
    plain = render(stroke_set(n=1), Plugin(), size=64)            # get_style wraps it
    assert np.asarray(plain)[24, 32].tolist() == [242, 140, 140]   # half of the red over white


def test_builtin_styles_are_not_wrapped():
    from strokes.registry import get_style
    assert "rasterize" not in vars(get_style("marker"))


def test_device_this_torch_cannot_use_is_one_clear_error():
    """Defect 5: --device cuda on a CPU-only torch was an AssertionError traceback."""
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(OptionError, match="device 'cuda'"):
        device("cuda")
    with pytest.raises(OptionError, match="not a device name"):
        device("gpu")
    assert device("auto") == torch.device("cpu")


def test_paint_refuses_more_strokes_than_a_file_holds():
    """Defect 5: --strokes 1000000000 ran until killed, though more than 1,000,000 can never be saved."""
    from strokes.painter import paint
    with pytest.raises(PaintError, match="from 1 to 1000000"):
        paint(torch.rand(3, 16, 16), strokes=1_000_000_000, progress=False)


def test_thin_image_is_a_clear_error(tmp_path):
    """Defect 4: a 10000 x 10 image ended in torch.gradient's 'edge_order+1' message, no file, no cause."""
    from strokes.painter import paint
    with pytest.raises(PaintError, match="painted at size 512, this image is 512x1 pixels"):
        paint(Image.new("RGB", (10000, 10)), strokes=2, progress=False)
    path = tmp_path / "thin.png"
    Image.new("RGB", (10000, 10)).save(path)
    with pytest.raises(PaintError, match=f"{path}: painted at size 512, this image is 512x1 pixels"):
        paint(path, strokes=2, progress=False)


def test_big_image_is_shrunk_while_decoding(tmp_path):
    """Defect 3: a small PNG of 7000 x 7000 took 2.3 GB in paint; the painter now decodes it near its size."""
    from strokes.images import load_image
    path = tmp_path / "big.png"
    Image.new("RGB", (3000, 2000), (200, 100, 50)).save(path)
    small = load_image(path, max_side=256)
    assert tuple(small.shape) == (3, -(-2000 // 11), -(-3000 // 11))       # reduced 11 times (ceil)
    assert torch.allclose(small[:, 0, 0], torch.tensor([200, 100, 50]) / 255.0)


class TestCheckpoints:
    """Defect 7: checkpoint fields were used before they were checked."""

    @pytest.fixture
    def saved(self, tmp_path):
        from strokes.neural import NeuralRenderer, RendererConfig, save_checkpoint
        r = NeuralRenderer(RendererConfig(picture=(8, 16), channels=(8, 8), hidden=16), style="marker")
        r.train_size, r.val_psnr = 32, {"foreground": 30.0, "alpha": 31.0}
        path = tmp_path / "marker.pt"
        save_checkpoint(path, r, steps=7)
        return path

    def rewrite(self, path, change):
        data = torch.load(path, weights_only=True)
        change(data)
        buffer = io.BytesIO()
        torch.save(data, buffer)
        path.write_bytes(buffer.getvalue())

    def expect(self, path, match):
        from strokes.neural import load_checkpoint
        with pytest.raises(CheckpointError, match=match) as info:
            load_checkpoint(path)
        assert str(path) in str(info.value)

    def test_huge_hidden_refused_before_allocating(self, saved):
        self.rewrite(saved, lambda d: d["config"].update(hidden=20000))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.expect(saved, "expected hidden in 1..4096")
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024   # KiB: no 3.4 GB

    def test_shapes_checked_without_building(self, saved):
        self.rewrite(saved, lambda d: d["config"].update(hidden=2000))
        self.expect(saved, "weights do not fit the architecture")

    def test_no_channels(self, saved):
        self.rewrite(saved, lambda d: d["config"].update(channels=[]))
        self.expect(saved, "bad architecture config")

    def test_val_psnr_of_the_wrong_type(self, saved):
        self.rewrite(saved, lambda d: d.update(val_psnr=[30.0, 31.0]))
        self.expect(saved, "field 'val_psnr': expected a dict of names to numbers")

    def test_nan_weights(self, saved):
        def spoil(d):
            name = next(iter(d["weights"]))
            d["weights"][name] = torch.full_like(d["weights"][name], float("nan"))
        self.rewrite(saved, spoil)
        self.expect(saved, "hold NaN or infinite values")

    def test_random_bytes_are_not_called_a_pickle(self, saved):
        saved.write_bytes(os.urandom(4096).replace(b"PK", b"pk").lstrip(b"\x80") or b"x")
        self.expect(saved, "not a file written by torch.save")
        saved.write_bytes(b"PK\x03\x04" + os.urandom(2000))
        self.expect(saved, "damaged or truncated")


def test_render_skips_strokes_of_no_opacity(monkeypatch):
    """Defect 3: strokes that cannot change a pixel cost as much as any other."""
    from strokes import rendering
    from strokes.registry import get_style
    rows = np.random.default_rng(0).random((50, 15))
    rows[10:, 14] = 0.0
    style = get_style("marker")
    drawn = []
    real = style.rasterize
    monkeypatch.setattr(style, "rasterize", lambda p, size, window=None: drawn.append(p) or real(p, size, window))
    from strokes.strokeset import StrokeSet
    full = rendering.render_tensor(StrokeSet(rows, width=64, height=48), style, size=64)
    assert drawn and all(bool((p[:, 14] > 0).all()) for p in drawn)
    monkeypatch.setattr(style, "rasterize", real)
    assert torch.equal(full, rendering.render_tensor(StrokeSet(rows[:10], width=64, height=48), style, size=64))
