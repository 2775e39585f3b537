"""A style that is very slow gets a progress bar, not silence (What to build, 5)."""
import time

import pytest

from strokes import cli, rendering, tiles
from strokes.animation import frames_at
from strokes.style import Style

from .helpers import stroke_set


class Sluggish(Style):
    """A flat dot style that takes its time over every batch of tiles."""

    name = "sluggish"
    description = "slow on purpose"

    def rasterize(self, params, size, window=None):
        time.sleep(0.01)
        top, left, h, w = window
        S = params.shape[0]
        return params.new_full((S, 3, h, w), 0.2), params.new_full((S, 1, h, w), 0.5)


@pytest.fixture
def small_batches(monkeypatch):
    """Two tiles a batch, a bar after 0.05 s: a slow render in a fraction of a second."""
    monkeypatch.setattr(tiles, "BATCH_PIXELS", 2 * tiles.TILE * tiles.TILE)
    monkeypatch.setattr(rendering, "PROGRESS_AFTER", 0.05)


def test_a_slow_style_gets_a_bar(small_batches, capsys):
    picture = rendering.render(stroke_set(6), Sluggish(), size=64, progress=True)
    err = capsys.readouterr().err
    assert "drawing" in err and "6/6" in err and "stroke" in err
    assert picture.size == (64, 48)


def test_no_bar_when_quiet(small_batches, capsys):
    quiet = rendering.render(stroke_set(6), Sluggish(), size=64, progress=False)
    assert capsys.readouterr().err == ""
    assert quiet.tobytes() == rendering.render(stroke_set(6), Sluggish(), size=64, progress=True).tobytes()


def test_no_bar_when_quick(capsys):
    rendering.render(stroke_set(1), "marker", size=16, progress=True)    # done long before PROGRESS_AFTER
    assert capsys.readouterr().err == ""


def test_animation_frames_share_the_bar(small_batches, capsys):
    shown = list(frames_at(stroke_set(6), [0, 3, 6], Sluggish(), size=64, progress=True))
    assert len(shown) == 3 and "6/6" in capsys.readouterr().err


@pytest.mark.parametrize("quiet", [False, True])
def test_render_command_shows_it_unless_quiet(monkeypatch, tmp_path, capsys, quiet):
    monkeypatch.setattr(rendering, "PROGRESS_AFTER", 0.0)
    path = tmp_path / "s.json"
    stroke_set(3).save(path)
    assert cli.main(["render", str(path), "--style", "marker", "--size", "32", "-o", str(tmp_path / "a.png")]
                    + ["-q"] * quiet) == 0
    out, err = capsys.readouterr()
    assert ("drawing" in err) is not quiet and ("wrote" in out) is not quiet
    assert (tmp_path / "a.png").exists()
