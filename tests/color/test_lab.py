import torch

from strokes.color.lab import hex_to_rgb, lab_to_rgb, rgb_to_hex, rgb_to_lab


class TestLab:
    def test_round_trip(self):
        rgb = torch.rand(200, 3)
        assert (lab_to_rgb(rgb_to_lab(rgb)) - rgb).abs().max() < 1e-3

    def test_out_of_gamut_keeps_lightness(self):
        lab = torch.tensor([[50.0, 120.0, -120.0], [90.0, -90.0, 90.0], [10.0, 60.0, 60.0]])
        rgb = lab_to_rgb(lab)
        assert rgb.min() >= 0 and rgb.max() <= 1
        assert (rgb_to_lab(rgb)[:, 0] - lab[:, 0]).abs().max() < 0.05

    def test_hex(self):
        assert rgb_to_hex(hex_to_rgb("#2A9D8F")) == "#2a9d8f"
