"""Animations: frame counts, last frame equal to the render, streaming, formats, clear errors."""
import gc
import io
import sys
import weakref

import numpy as np
import pytest
import torch
from PIL import Image

from strokes import StrokeSet
from strokes.animation import animate, frame_counts, frames
from strokes.cli import main
from strokes.rendering import render
from strokes.video import MissingVideoDependency, write_apng, write_gif, write_webp


def painting(n=30, seed=0, width=120, height=80):
    g = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        scale = 0.3 * (1 - i / max(n, 1)) + 0.05
        p0 = g.uniform(0.1, 0.9, 2)
        p2 = np.clip(p0 + g.normal(0, scale, 2), 0, 1)
        p1 = np.clip((p0 + p2) / 2 + g.normal(0, scale / 4, 2), 0, 1)
        rows.append([*p0, *p1, *p2, scale * 0.4, scale * 0.3, *g.uniform(0, 1, 6), g.uniform(0.6, 1)])
    return StrokeSet(rows, width=width, height=height, background=(0.95, 0.92, 0.85))


def pixels(im):
    return np.asarray(im.convert("RGB"), np.int16)


class TestFrameCounts:
    def test_strokes_per_frame_and_frame_count(self):
        assert frame_counts(7, strokes_per_frame=3) == [0, 3, 6, 7]
        assert frame_counts(7, n_frames=8) == list(range(8))
        assert frame_counts(2, n_frames=5) == [0, 0, 1, 2, 2]
        for n, k in [(0, 1), (1, 1), (500, 7), (3, 10)]:
            c = frame_counts(n, strokes_per_frame=k)
            assert c[0] == 0 and c[-1] == n and len(c) == 1 + -(-n // k)

    def test_bad_pacing(self):
        with pytest.raises(ValueError, match="not both"):
            frame_counts(5, strokes_per_frame=1, n_frames=3)
        with pytest.raises(ValueError, match="got strokes_per_frame=0"):
            frame_counts(5, strokes_per_frame=0)
        with pytest.raises(ValueError, match="got n_frames=0"):
            frame_counts(5, n_frames=0)


class TestFrames:
    @pytest.mark.parametrize("style", ["marker", "oil"])
    def test_last_frame_is_the_render(self, style):
        s = painting(14)
        out = list(frames(s, style, size=72, strokes_per_frame=4, seed=3))
        assert len(out) == 1 + 4
        assert np.array_equal(pixels(out[-1]), pixels(render(s, style, size=72, seed=3)))
        # The first frame is the bare canvas.
        assert np.all(pixels(out[0]) == np.round(np.array(s.background) * 255).astype(int))

    def test_middle_frames_show_the_first_strokes(self):
        s = painting(30)
        out = list(frames(s, "marker", size=72, n_frames=4))            # 0, 10, 20, 30 strokes
        for im, n in zip(out, [0, 10, 20, 30]):
            diff = np.abs(pixels(im) - pixels(render(s[:n], "marker", size=72)))
            assert diff.max() <= 1                                   # batches differ: float rounding only
        assert not np.array_equal(pixels(out[1]), pixels(out[2]))

    def test_zero_and_one_stroke(self):
        empty = StrokeSet([], width=40, height=30, background=(0, 0, 1))
        (only,) = list(frames(empty, "marker", size=40))
        assert only.size == (40, 30) and only.getpixel((5, 5)) == (0, 0, 255)
        one = painting(1)
        out = list(frames(one, "marker", size=60))
        assert len(out) == 2 and np.array_equal(pixels(out[1]), pixels(render(one, "marker", size=60)))

    def test_grad_mode_of_the_caller_is_untouched(self):
        it = frames(painting(5), "marker", size=40)
        next(it)
        assert torch.is_grad_enabled()


def _tracked(images, durations):
    """Pairs for a writer, checking that frames are not kept alive once written."""
    alive = []
    for im, d in zip(images, durations):
        gc.collect()
        assert sum(r() is not None for r in alive) <= 2, "writer holds on to old frames"
        alive.append(weakref.ref(im))
        yield im, d


class TestWriters:
    @pytest.mark.parametrize("writer", ["gif", "apng", "webp"])
    def test_streams_frames(self, writer):
        s = painting(20)
        n = len(frame_counts(20, strokes_per_frame=2))
        pairs = _tracked(frames(s, "marker", size=80, strokes_per_frame=2), [40] * n)
        buf = io.BytesIO()
        if writer == "gif":
            assert write_gif(buf, pairs) == n
        elif writer == "apng":
            assert write_apng(buf, pairs, n) == n
        else:
            assert write_webp(buf, pairs, n) == n
        buf.seek(0)
        assert Image.open(buf).n_frames == n

    def test_apng_frame_count_is_checked(self):
        pairs = ((Image.new("RGB", (4, 4)), 40) for _ in range(2))
        with pytest.raises(ValueError, match="expected 3 frames, got 2"):
            write_apng(io.BytesIO(), pairs, 3)


class TestAnimate:
    def test_gif_frames_timing_and_last_frame(self, tmp_path):
        s = painting(30)
        n = animate(s, tmp_path / "a.gif", style="marker", size=80, fps=20, duration=1.0, hold=0.5)
        im = Image.open(tmp_path / "a.gif")
        assert n == im.n_frames == 20
        total = 0
        for k in range(im.n_frames):
            im.seek(k)
            total += im.info["duration"]
        assert total == pytest.approx(1500, abs=10)
        diff = np.abs(pixels(im) - pixels(render(s, "marker", size=80)))
        assert diff.mean() < 3                                       # 255 colours per changed area

    def test_apng_last_frame_exact_and_webp(self, tmp_path):
        s = painting(12)
        ref = pixels(render(s, "marker", size=100))
        assert animate(s, tmp_path / "a.png", style="marker", size=100, strokes_per_frame=5) == 4
        im = Image.open(tmp_path / "a.png")
        assert im.n_frames == 4
        im.seek(3)
        assert np.array_equal(pixels(im), ref)
        assert animate(s, tmp_path / "a.webp", style="marker", size=100, strokes_per_frame=5) == 4
        im = Image.open(tmp_path / "a.webp")
        assert im.n_frames == 4
        im.seek(3)
        assert np.abs(pixels(im) - ref).mean() < 3

    def test_empty_painting_animates(self, tmp_path):
        empty = StrokeSet([], width=50, height=20)
        assert animate(empty, tmp_path / "e.gif", style="marker", size=50) == 1
        assert Image.open(tmp_path / "e.gif").size == (50, 20)

    def test_unknown_format_and_bad_values(self, tmp_path):
        s = painting(3)
        with pytest.raises(ValueError, match=r"a\.avi: unknown animation format '\.avi'"):
            animate(s, tmp_path / "a.avi")
        with pytest.raises(ValueError, match="fps"):
            animate(s, tmp_path / "a.gif", fps=0)
        with pytest.raises(ValueError, match="not both"):
            animate(s, tmp_path / "a.gif", duration=2, strokes_per_frame=3)
        assert list(tmp_path.iterdir()) == []

    def test_failure_leaves_nothing_behind(self, tmp_path):
        from strokes.style import Style

        class Breaks(Style):
            name = "breaks"

            def rasterize(self, params, size, window=None):
                raise RuntimeError("brush broke")
        target = tmp_path / "a.gif"
        target.write_bytes(b"old")
        with pytest.raises(RuntimeError, match="brush broke"):
            animate(painting(5), target, style=Breaks(), size=40)
        assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["a.gif"]

    def test_mp4_without_the_video_extra_is_a_clear_error(self, tmp_path, monkeypatch):
        monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)     # as if not installed
        with pytest.raises(MissingVideoDependency, match=r"pip install 'strokes\[video\]'"):
            animate(painting(3), tmp_path / "a.mp4", style="marker", size=40)
        assert list(tmp_path.iterdir()) == []

    def test_mp4_when_available(self, tmp_path):
        ffmpeg = pytest.importorskip("imageio_ffmpeg", reason="MP4 needs the optional video extra")
        s = painting(10)
        animate(s, tmp_path / "a.mp4", style="marker", size=61, fps=10, strokes_per_frame=2, hold=1)
        reader = ffmpeg.read_frames(str(tmp_path / "a.mp4"))
        meta = next(reader)
        n = sum(1 for _ in reader)
        assert meta["size"] == (62, 42) and n == 6 + 10          # 61x41 padded to even; hold = 10 repeats


def test_cli(tmp_path, capsys):
    s = painting(8)
    s.save(tmp_path / "p.json")
    assert main(["animate", str(tmp_path / "p.json"), "-o", str(tmp_path / "p.gif"), "--style", "marker",
                 "--size", "64", "--strokes-per-frame", "3", "--hold", "0"]) == 0
    assert Image.open(tmp_path / "p.gif").n_frames == 4
    assert main(["animate", str(tmp_path / "p.json"), "-o", str(tmp_path / "p.mov")]) == 1
    assert "unknown animation suffix '.mov'" in capsys.readouterr().err
