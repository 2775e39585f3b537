"""Centrelines followed through junctions, split at corners, fitted with few pieces."""
import numpy as np
from PIL import Image, ImageDraw

from strokes.tracing.fitting import fit_pieces, fit_quadratic
from strokes.tracing.paths import follow_paths, prune, skeleton_graph, split_corners


def drawn(lines, size=(120, 100), width=3):
    im = Image.new("L", size, 0)
    d = ImageDraw.Draw(im)
    for line in lines:
        d.line(line, fill=255, width=width)
    return np.asarray(im) > 127


def paths_of(mask, width=3.0):
    g = prune(skeleton_graph(mask), spur=1.5 * width + 2, merge=width + 2, min_length=6)
    return follow_paths(g, reach=3 * width)


def span(path):
    return np.linalg.norm(path[-1] - path[0])


class TestJunctions:
    def test_a_crossing_is_two_lines_straight_through(self):
        mask = drawn([[(10, 50), (110, 50)], [(60, 5), (60, 95)]])
        paths = paths_of(mask)
        assert len(paths) == 2
        spans = sorted(span(p) for p in paths)
        assert spans[0] > 80 and spans[1] > 90                      # each runs end to end
        for p in paths:                                             # and straight: no turn at the crossing
            ctrl, err = fit_quadratic(p)
            assert err < 2.0

    def test_a_t_junction_keeps_the_bar_whole(self):
        mask = drawn([[(10, 20), (110, 20)], [(60, 20), (60, 95)]])
        paths = sorted(paths_of(mask), key=span)
        assert len(paths) == 2
        bar, stem = paths[1], paths[0]
        assert span(bar) > 95
        assert 65 < span(stem) < 80 and min(stem[0][1], stem[-1][1]) < 24   # the stem reaches the bar

    def test_a_shallow_fork_is_not_a_crossing(self):
        mask = drawn([[(10, 50), (60, 50)], [(60, 50), (110, 20)], [(60, 50), (110, 80)]])
        assert len(paths_of(mask)) >= 2

    def test_a_closed_loop_is_one_path(self):
        im = Image.new("L", (100, 100), 0)
        ImageDraw.Draw(im).ellipse([20, 20, 80, 80], outline=255, width=3)
        paths = paths_of(np.asarray(im) > 127)
        assert len(paths) == 1 and len(paths[0]) > 150


class TestCornersAndPieces:
    def test_a_corner_splits_the_path(self):
        mask = drawn([[(10, 90), (60, 10), (110, 90)]])
        paths = paths_of(mask)
        assert len(paths) == 1
        parts = split_corners(paths[0], reach=8)
        assert len(parts) == 2
        assert np.linalg.norm(parts[0][-1] - [60, 12]) < 6          # cut at the apex

    def test_a_smooth_arc_is_one_piece_a_wave_needs_more(self):
        t = np.linspace(0, 1, 200)[:, None]
        arc = (1 - t) ** 2 * [0, 0] + 2 * t * (1 - t) * [50, 40] + t ** 2 * [100, 0]
        assert len(fit_pieces(arc, tolerance=1.0)) == 1
        x = np.linspace(0, 200, 400)
        wave = np.stack([x, 20 * np.sin(x / 200 * 4 * np.pi)], 1)
        pieces = fit_pieces(wave, tolerance=1.0)
        assert 3 <= len(pieces) <= 8
        for a, b in zip(pieces[:-1], pieces[1:]):                   # pieces join end to start
            assert np.allclose(a[2], b[0])
