import numpy as np
import torch

from strokes.color import colorize
from strokes.color.lab import rgb_to_lab
from strokes.strokeset import StrokeSet

from tests.color.synthetic import two_tone_picture


def bars(gray):
    """Strokes painting each half of a two-tone gray picture with its gray."""
    rows = []
    for i, y in enumerate(np.linspace(0.1, 0.9, 6)):
        for x0, x2 in ((0.05, 0.4), (0.6, 0.95)):
            v = float(gray[0, int(y * 47), int((x0 + x2) / 2 * 63)])
            rows.append([x0, y, (x0 + x2) / 2, y, x2, y, 0.15, 0.15, v, v, v, v, v, v, 1.0])
    return StrokeSet(rows, width=64, height=48, background=(0.5, 0.5, 0.5))


class TestColorize:
    def test_chroma_follows_lightness_and_lightness_stays(self):
        colour = two_tone_picture(dark=(0.1, 0.2, 0.7), light=(1.0, 0.8, 0.3))      # dark blue, light yellow
        gray = rgb_to_lab(colour.reshape(3, -1).T)[:, 0].reshape(1, 48, 64) / 100
        gray = gray.repeat(3, 1, 1)                                                # a gray stand-in
        s = bars(two_tone_picture(dark=(0.25,) * 3, light=(0.8,) * 3, noise=0))
        out = colorize(s, two_tone_picture(dark=(0.25,) * 3, light=(0.8,) * 3, noise=0), like=colour)
        before = rgb_to_lab(torch.as_tensor(s.params[:, 8:11], dtype=torch.float32))
        after = rgb_to_lab(torch.as_tensor(out.params[:, 8:11], dtype=torch.float32))
        assert (after[:, 0] - before[:, 0]).abs().max() < 1.0
        left = torch.tensor([x < 0.5 for x in s.params[:, 2]])
        assert after[left, 2].mean() < -20 and after[~left, 2].mean() > 20         # blue left, yellow right
