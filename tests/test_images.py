"""Images in: every odd kind Pillow writes loads as RGB in [0, 1]; every broken one fails cleanly."""
import io

import numpy as np
import pytest
import torch
from PIL import Image, ImageFile

from strokes.images import ImageError, load_image


def check_rgb(t, h, w):
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32
    assert t.shape == (3, h, w)
    assert float(t.min()) >= 0 and float(t.max()) <= 1


def save(tmp_path, im, name, **kwargs):
    path = tmp_path / name
    im.save(path, **kwargs)
    return path


class TestKinds:
    def test_rgb_png(self, tmp_path):
        im = Image.new("RGB", (5, 3), (255, 128, 0))
        t = load_image(save(tmp_path, im, "a.png"))
        check_rgb(t, 3, 5)
        assert torch.allclose(t[:, 1, 2], torch.tensor([1.0, 128 / 255, 0.0]))

    @pytest.mark.parametrize("mode, value", [("L", 51), ("1", 255)])
    def test_gray_and_bilevel(self, tmp_path, mode, value):
        t = load_image(save(tmp_path, Image.new(mode, (4, 6), value), "g.png"))
        check_rgb(t, 6, 4)
        assert torch.allclose(t, torch.full_like(t, value / 255))

    def test_rgba_is_laid_over_the_background(self, tmp_path):
        im = Image.new("RGBA", (4, 4), (255, 0, 0, 0))
        im.putpixel((1, 2), (255, 0, 0, 255))
        im.putpixel((3, 3), (0, 0, 255, 128))
        path = save(tmp_path, im, "a.png")
        t = load_image(path, background=(0.0, 1.0, 0.0))
        check_rgb(t, 4, 4)
        assert t[:, 0, 0].tolist() == [0.0, 1.0, 0.0]           # clear: the background
        assert t[:, 2, 1].tolist() == [1.0, 0.0, 0.0]           # opaque: the paint
        a = 128 / 255
        assert torch.allclose(t[:, 3, 3], torch.tensor([0.0, 1 - a, a]))
        assert load_image(path)[:, 0, 0].tolist() == [1.0, 1.0, 1.0]   # white by default

    def test_gray_with_alpha(self, tmp_path):
        t = load_image(save(tmp_path, Image.new("LA", (3, 3), (0, 0)), "la.png"), background=(0.2, 0.4, 0.6))
        assert torch.allclose(t[:, 1, 1], torch.tensor([0.2, 0.4, 0.6]))

    def test_palette_with_and_without_transparency(self, tmp_path):
        im = Image.new("P", (4, 4), 0)
        im.putpalette([10, 20, 30, 200, 100, 50] + [0] * 762)
        im.putpixel((2, 2), 1)
        t = load_image(save(tmp_path, im, "p.png"))
        assert torch.allclose(t[:, 2, 2], torch.tensor([200, 100, 50]) / 255)
        assert torch.allclose(t[:, 0, 0], torch.tensor([10, 20, 30]) / 255)
        t = load_image(save(tmp_path, im, "pt.png", transparency=0), background=(1, 1, 1))
        assert t[:, 0, 0].tolist() == [1.0, 1.0, 1.0]
        assert torch.allclose(t[:, 2, 2], torch.tensor([200, 100, 50]) / 255)

    def test_palette_alpha_gif(self, tmp_path):
        im = Image.new("P", (4, 4), 1)
        im.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
        im.putpixel((0, 0), 0)
        t = load_image(save(tmp_path, im, "a.gif", transparency=0), background=(0, 0, 1))
        assert t[:, 0, 0].tolist() == [0.0, 0.0, 1.0]
        assert t[:, 3, 3].tolist() == [1.0, 0.0, 0.0]

    def test_sixteen_bit_keeps_precision(self, tmp_path):
        values = np.array([[0, 1000, 32768, 65535]], dtype=np.uint16)
        im = Image.fromarray(values)
        assert im.mode.startswith("I;16")
        t = load_image(save(tmp_path, im, "deep.png"))
        check_rgb(t, 1, 4)
        assert torch.allclose(t[0, 0], torch.tensor(values[0] / 65535.0, dtype=torch.float32))
        assert abs(float(t[0, 0, 1]) - 1000 / 65535) < 1e-6   # finer than any 8-bit step

    def test_thirty_two_bit_integer_tiff(self, tmp_path):
        im = Image.fromarray(np.array([[0, 65535]], dtype=np.int32), mode="I")
        t = load_image(save(tmp_path, im, "i.tif"))
        assert t[0, 0].tolist() == [0.0, 1.0]

    def test_float_tiff(self, tmp_path):
        im = Image.fromarray(np.array([[0.0, 0.25, 1.0]], dtype=np.float32), mode="F")
        t = load_image(save(tmp_path, im, "f.tif"))
        assert t[1, 0].tolist() == [0.0, 0.25, 1.0]

    def test_cmyk_jpeg(self, tmp_path):
        im = Image.new("CMYK", (8, 8), (0, 255, 255, 0))     # pure red ink
        t = load_image(save(tmp_path, im, "c.jpg", quality=95))
        check_rgb(t, 8, 8)
        r, g, b = t[:, 4, 4].tolist()
        assert r > 0.9 and g < 0.1 and b < 0.1

    def test_exif_rotation(self, tmp_path):
        im = Image.new("RGB", (40, 20), (255, 255, 255))
        im.paste((255, 0, 0), (0, 0, 10, 10))             # red in the top-left corner as stored
        exif = Image.Exif()
        exif[0x0112] = 6                                   # "rotate 90 degrees clockwise to view"
        t = load_image(save(tmp_path, im, "photo.jpg", exif=exif.tobytes(), quality=95))
        check_rgb(t, 40, 20)                                  # upright: tall, not wide
        assert t[0, 5, 15] > 0.9 and t[1, 5, 15] < 0.2      # red now in the top-right corner
        assert t[1, 5, 5] > 0.9

    def test_first_frame_of_an_animation(self, tmp_path):
        frames = [Image.new("RGB", (6, 6), c) for c in ((255, 0, 0), (0, 0, 255))]
        path = tmp_path / "anim.gif"
        frames[0].save(path, save_all=True, append_images=frames[1:])
        t = load_image(path)
        assert t[0, 3, 3] > 0.9 and t[2, 3, 3] < 0.1

    def test_webp_and_open_file(self, tmp_path):
        path = save(tmp_path, Image.new("RGB", (7, 5), (0, 255, 0)), "a.webp", lossless=True)
        with open(path, "rb") as fh:
            t = load_image(fh)
        check_rgb(t, 5, 7)
        assert t[:, 2, 2].tolist() == [0.0, 1.0, 0.0]

    def test_pil_image_is_not_changed(self):
        im = Image.new("RGBA", (3, 2), (0, 0, 0, 0))
        t = load_image(im, background=(1, 0, 1))
        check_rgb(t, 2, 3)
        assert im.mode == "RGBA"


class TestArrays:
    def test_uint8_hwc(self):
        arr = np.zeros((2, 3, 3), np.uint8)
        arr[1, 2] = (255, 0, 51)
        t = load_image(arr)
        check_rgb(t, 2, 3)
        assert torch.allclose(t[:, 1, 2], torch.tensor([1.0, 0.0, 0.2]))

    def test_uint16_gray_and_rgba_float(self):
        assert load_image(np.full((2, 2), 65535, np.uint16)).min() == 1.0
        rgba = np.zeros((2, 2, 4), np.float32)
        assert load_image(rgba, background=(0.5, 0.5, 0.5)).tolist() == [[[0.5] * 2] * 2] * 3

    def test_tensor_chw(self):
        t = torch.rand(3, 4, 5)
        assert torch.equal(load_image(t), t)
        assert load_image(torch.rand(1, 4, 5)).shape == (3, 4, 5)
        assert load_image(torch.rand(4, 5)).shape == (3, 4, 5)

    @pytest.mark.parametrize("source, words", [
        (np.zeros((2, 2, 5)), r"expected an image of shape \(H, W\) or \(H, W, C\) with 1 to 4 channels"),
        (np.zeros((2,)), "with 1 to 4 channels"),
        (torch.zeros(7, 2, 2), r"tensor: expected an image of shape \(H, W\) or \(C, H, W\) .* got \(7, 2, 2\)"),
        (np.full((2, 2, 3), 1.5), r"expected float values in \[0, 1\], got values from 1.5 to 1.5"),
        (np.full((2, 2, 3), np.nan), r"expected float values in \[0, 1\], got NaN or inf"),
        (np.zeros((2, 2), np.int64), "expected uint8, uint16 or float values, got int64"),
        (np.zeros((2, 2), "U1"), "got <U1"),
        ("not a path object".encode(), "expected an image path, file, PIL image, numpy array or tensor, got bytes"),
    ])
    def test_bad_arrays(self, source, words):
        with pytest.raises(ImageError, match=words):
            load_image(source)

    def test_bad_background(self):
        with pytest.raises(ValueError, match=r"expected background as 3 numbers in \[0, 1\], got \(1, 2, 3\)"):
            load_image(np.zeros((2, 2)), background=(1, 2, 3))


class TestBroken:
    def test_missing(self, tmp_path):
        with pytest.raises(ImageError, match="nope.png: no such file"):
            load_image(tmp_path / "nope.png")

    def test_zero_bytes(self, tmp_path):
        (tmp_path / "empty.png").write_bytes(b"")
        with pytest.raises(ImageError, match=r"empty.png: empty file \(0 bytes\)"):
            load_image(tmp_path / "empty.png")

    def test_not_an_image(self, tmp_path):
        (tmp_path / "notes.jpg").write_text("dear diary, today I painted")
        with pytest.raises(ImageError, match="notes.jpg: not an image Pillow can read"):
            load_image(str(tmp_path / "notes.jpg"))

    @pytest.mark.parametrize("fmt", ["png", "jpeg"])
    def test_truncated(self, tmp_path, fmt):
        rng = np.random.default_rng(0)
        im = Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8))
        buf = io.BytesIO()
        im.save(buf, format=fmt)
        path = tmp_path / f"cut.{fmt}"
        path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
        with pytest.raises(ImageError, match=f"cut.{fmt}: truncated or damaged image"):
            load_image(path)

    def test_over_large_is_refused_before_decoding(self, tmp_path, monkeypatch):
        path = save(tmp_path, Image.new("L", (2000, 1500)), "big.png")   # a few kB on disk
        decoded = []
        original = ImageFile.ImageFile.load
        monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(1) or original(self))
        with pytest.raises(ImageError, match=r"big.png: image of 2000x1500 = 3000000 pixels is larger than "
                                             r"the limit of 1000000 pixels"):
            load_image(path, max_pixels=1_000_000)
        assert decoded == []
        assert load_image(path, max_pixels=3_000_000).shape == (3, 1500, 2000)

    def test_pillow_bomb_guard_becomes_image_error(self, tmp_path, monkeypatch):
        path = save(tmp_path, Image.new("L", (100, 100)), "bomb.png")
        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)       # 10,000 > 2 x 1,000
        with pytest.raises(ImageError, match="bomb.png: image too large to load safely"):
            load_image(path)

    def test_is_a_value_error(self):
        assert issubclass(ImageError, ValueError)
