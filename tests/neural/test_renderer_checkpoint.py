"""Renderer checkpoints: round trip, and one clear error for every bad file."""
import io
import pickle

import pytest
import torch

from strokes.layout import LAYOUT_VERSION
from strokes.neural import CheckpointError, NeuralRenderer, RendererConfig, load_checkpoint, save_checkpoint
from strokes.neural import load_renderer, weights_path

TINY = RendererConfig(picture=(8, 16), channels=(8, 8), hidden=16)


@pytest.fixture
def saved(tmp_path):
    r = NeuralRenderer(TINY, style="marker")
    r.train_size, r.val_psnr = 32, {"foreground": 30.0, "alpha": 31.0}
    path = tmp_path / "marker.pt"
    save_checkpoint(path, r, steps=7)
    return r, path


def _rewrite(path, change):
    data = torch.load(path, weights_only=True)
    change(data)
    buf = io.BytesIO()
    torch.save(data, buf)
    path.write_bytes(buf.getvalue())


def test_round_trip_same_drawing(saved):
    r, path = saved
    back = load_checkpoint(path, style="marker")
    p = torch.rand(3, 15)
    torch.testing.assert_close(back(p, (24, 24)), r.eval()(p, (24, 24)))
    assert back.val_psnr == {"foreground": 30.0, "alpha": 31.0} and back.train_size == 32
    assert not back.training


def test_half_precision_storage_is_small_and_close(saved, tmp_path):
    r, path = saved
    half = tmp_path / "half.pt"
    save_checkpoint(half, r, half=True)
    assert half.stat().st_size < path.stat().st_size
    p = torch.rand(3, 15)
    a = load_checkpoint(half)(p, (24, 24))[1]
    torch.testing.assert_close(a, r.eval()(p, (24, 24))[1], atol=2e-2, rtol=0)


def test_checkpoint_records_what_it_is(saved):
    _, path = saved
    data = torch.load(path, weights_only=True)
    assert data["style"] == "marker" and data["layout_version"] == LAYOUT_VERSION
    assert data["train_size"] == 32 and data["val_psnr"]["alpha"] == 31.0
    assert data["config"]["picture"] == [8, 16]


class TestBadCheckpoints:
    def expect(self, path, match, **kw):
        with pytest.raises(CheckpointError, match=match) as info:
            load_checkpoint(path, **kw)
        assert str(path) in str(info.value)

    def test_missing_file(self, tmp_path):
        self.expect(tmp_path / "nope.pt", "no such")

    def test_truncated(self, saved):
        _, path = saved
        path.write_bytes(path.read_bytes()[:200])
        self.expect(path, "not a readable")

    def test_not_a_torch_file(self, tmp_path):
        path = tmp_path / "text.pt"
        path.write_text("hello")
        self.expect(path, "not a readable")

    def test_pickled_object_refused(self, tmp_path):
        import argparse
        path = tmp_path / "evil.pt"
        torch.save({"format": "strokes-renderer", "x": argparse.Namespace(a=1)}, path)
        self.expect(path, "pickled Python objects")
        path.write_bytes(pickle.dumps(argparse.Namespace(a=1), protocol=2))   # plain pickle, not a torch file
        self.expect(path, "not a readable")

    def test_other_style(self, saved):
        _, path = saved
        self.expect(path, "style 'marker', expected 'oil'", style="oil")

    def test_other_layout_version(self, saved):
        _, path = saved
        _rewrite(path, lambda d: d.update(layout_version=LAYOUT_VERSION + 1))
        self.expect(path, "layout version")

    def test_wrong_shapes(self, saved):
        _, path = saved
        _rewrite(path, lambda d: d["weights"].update({"raster_net.head.bias": torch.zeros(5)}))
        self.expect(path, "do not fit")

    def test_missing_fields(self, saved):
        _, path = saved
        _rewrite(path, lambda d: d.pop("val_psnr"))
        self.expect(path, "lacks")

    def test_not_a_checkpoint_dict(self, tmp_path):
        path = tmp_path / "list.pt"
        torch.save([1, 2, 3], path)
        self.expect(path, "not a strokes renderer checkpoint")

    def test_bad_config(self, saved):
        _, path = saved
        _rewrite(path, lambda d: d["config"].update(picture=[10, 16]))
        self.expect(path, "config")


def test_unknown_style_has_no_shipped_renderer():
    with pytest.raises(CheckpointError, match="train-renderer --style pencil-x"):
        load_renderer("pencil-x")
    assert weights_path("oil").name == "oil.pt"
