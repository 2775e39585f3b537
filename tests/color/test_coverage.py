import torch

from strokes.color.coverage import coverage
from strokes.strokeset import StrokeSet

BAR = [0.1, 0.5, 0.5, 0.5, 0.9, 0.5, 0.3, 0.3, 1, 0, 0, 1, 0, 0, 1]


class TestCoverage:
    def test_a_stroke_painted_over_shows_nothing(self):
        s = StrokeSet([[*BAR[:6], 0.15, 0.15, *BAR[8:]], [*BAR[:6], 0.2, 0.2, *BAR[8:]], BAR], width=64, height=64)
        area, _ = coverage(s, size=64)
        assert area[0] < 0.01 * area[2] and area[1] < 0.01 * area[2]      # both under the wider third
        assert 0.15 < float(area[2]) < 0.45
        assert float(area.sum()) <= 1.0

    def test_features_are_averaged_under_the_stroke(self):
        s = StrokeSet([[0.1, 0.25, 0.2, 0.25, 0.35, 0.25, 0.2, 0.2, 1, 0, 0, 1, 0, 0, 1]], width=64, height=64)
        picture = torch.zeros(1, 64, 64)
        picture[:, :, 32:] = 1.0                            # the stroke lies on the left, dark half
        _, means = coverage(s, picture, size=64)
        assert float(means[0, 0]) < 0.05
