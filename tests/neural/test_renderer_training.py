"""Training: loss goes down, checkpoints resume, any Style can be trained, the CLI works."""
import pytest
import torch

from strokes.cli import main as cli
from strokes.neural import NeuralRenderer, RendererConfig, load_checkpoint, train_renderer
from strokes.neural.sampling import random_strokes
from strokes.neural.training import reference, renderer_loss
from strokes.registry import get_style
from strokes.style import Style

TINY = RendererConfig(picture=(8, 16), channels=(16, 8), hidden=32)


def test_a_few_steps_lower_the_loss():
    torch.manual_seed(0)
    style = get_style("marker")
    r = NeuralRenderer(TINY, style="marker")
    params = random_strokes(16, torch.Generator().manual_seed(1))
    fg_ref, a_ref = reference(style, params, 32)
    opt = torch.optim.Adam(r.parameters(), lr=3e-3)
    first = float(renderer_loss(r, params, fg_ref, a_ref, 32).detach())
    for _ in range(25):
        loss = renderer_loss(r, params, fg_ref, a_ref, 32)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert float(renderer_loss(r, params, fg_ref, a_ref, 32).detach()) < 0.7 * first


def test_train_writes_checkpoint_and_resumes(tmp_path):
    out = tmp_path / "m.pt"
    r = train_renderer("marker", out, steps=3, batch=4, size=32, config=TINY, validation=8, progress=False)
    assert out.exists() and set(r.val_psnr) == {"foreground", "alpha"}
    assert torch.load(out, weights_only=True)["steps"] == 3
    train_renderer("marker", out, steps=5, batch=4, size=32, resume=True, validation=8, progress=False)
    data = torch.load(out, weights_only=True)
    assert data["steps"] == 5 and "optimizer" in data
    with pytest.raises(ValueError, match="style 'marker', expected 'tape'"):
        train_renderer("tape", out, steps=6, batch=4, size=32, resume=True, progress=False)


class Dots(Style):
    """A third-party style defined on the spot: a soft round dab at P0."""
    name = "test-dots"

    def rasterize(self, params, size, window=None):
        from strokes.geometry import stroke_frame
        f = stroke_frame(params, size, window)
        alpha = (1 - f.dist / (f.half_width + 1)).clamp(0, 1) * params[:, 14].view(-1, 1, 1)
        return params[:, 8:11, None, None].expand(-1, -1, *alpha.shape[-2:]), alpha[:, None]


def test_any_style_instance_can_be_trained(tmp_path):
    out = tmp_path / "dots.pt"
    train_renderer(Dots(), out, steps=2, batch=4, size=32, config=TINY, validation=8, progress=False, half=True)
    r = load_checkpoint(out, style="test-dots")
    assert r(torch.rand(2, 15), (20, 20))[0].shape == (2, 3, 20, 20)
    assert "optimizer" not in torch.load(out, weights_only=True)


def test_cli_trains(tmp_path, capsys):
    out = tmp_path / "cli.pt"
    assert cli(["train-renderer", "--style", "marker", "--out", str(out), "--steps", "2", "--batch", "4",
                "--size", "32", "--device", "cpu"]) == 0
    assert out.exists() and "validation PSNR" in capsys.readouterr().out


def test_cli_bad_input_is_one_clear_error(tmp_path, capsys):
    assert cli(["train-renderer", "--style", "oill", "--out", str(tmp_path / "x.pt"), "--steps", "1"]) == 1
    assert "unknown style 'oill'" in capsys.readouterr().err
    assert cli(["train-renderer", "--style", "marker", "--out", str(tmp_path / "x.pt"), "--steps", "0"]) == 1
    assert "--steps" in capsys.readouterr().err
