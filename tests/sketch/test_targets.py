"""The line-drawing filters of strokes.targets and the `strokes target` command."""
import numpy as np
import pytest
import torch
from PIL import Image

from strokes import targets
from strokes.cli import main


def square(size=48):
    """A dark square on a light ground, ``(3, size, size)``."""
    t = torch.full((3, size, size), 0.9)
    t[:, size // 4:3 * size // 4, size // 4:3 * size // 4] = 0.2
    return t


@pytest.mark.parametrize("kind", sorted(targets.KINDS))
def test_every_kind_is_gray_in_range(kind):
    out = targets.make_target(square(), kind)
    assert out.shape == (1, 48, 48) and out.dtype == torch.float32
    assert float(out.min()) >= 0 and float(out.max()) <= 1


def test_accepts_pil_and_grayscale_tensors():
    pil = Image.fromarray((square().permute(1, 2, 0).numpy() * 255).astype(np.uint8))
    assert torch.allclose(targets.dodge(pil), targets.dodge(square()), atol=0.02)
    assert targets.xdog(square()[:1]).shape == (1, 48, 48)


def test_dodge_whitens_flat_areas_and_darkens_the_dark_side_of_edges():
    d = targets.dodge(square(), blur=3)[0]
    assert float(d[2:8, 2:8].min()) > 0.97 and float(d[20:28, 20:28].min()) > 0.97   # flat: white
    assert float(d[24, 13]) < 0.8                                                      # just inside the edge


def test_edges_are_on_the_square_outline_only():
    e = targets.edges(square())[0] < 0.5
    ys, xs = torch.nonzero(e, as_tuple=True)
    assert len(ys) > 40
    near = ((ys - 12).abs() <= 1) | ((ys - 35).abs() <= 1) | ((xs - 12).abs() <= 1) | ((xs - 35).abs() <= 1)
    assert bool(near.all())


def test_adaptive_threshold_is_binary_and_inks_the_edge():
    t = targets.adaptive_threshold(square(), block=9, offset=0.02)[0]
    assert set(torch.unique(t).tolist()) <= {0.0, 1.0}
    assert float(t[2:8, 2:8].min()) == 1.0 and float(t[24, 12:14].min()) == 0.0


def test_xdog_draws_the_outline():
    x = targets.xdog(square())[0]
    assert float(x[2:6, 2:6].min()) > 0.95 and float(x[12:14, 20:28].mean()) < 0.5


@pytest.mark.parametrize("call, message", [
    (lambda: targets.dodge(square(), blur=0), "blur: expected a positive number, got 0"),
    (lambda: targets.adaptive_threshold(square(), block=8), "block: expected an odd number"),
    (lambda: targets.edges(square(), low=0.5, high=0.1), "expected 0 <= low <= high"),
    (lambda: targets.make_target(square(), "sobel"), "unknown kind 'sobel'"),
])
def test_bad_options(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_cli_writes_the_filter(tmp_path, capsys):
    photo = tmp_path / "p.png"
    Image.fromarray((square(64).permute(1, 2, 0).numpy() * 255).astype(np.uint8)).save(photo)
    assert main(["target", str(photo), "--kind", "xdog", "-o", str(tmp_path / "x.png")]) == 0
    out = Image.open(tmp_path / "x.png")
    assert out.mode == "L" and out.size == (64, 64)
    assert main(["target", str(tmp_path / "missing.png"), "-o", str(tmp_path / "y.png")]) == 1
    assert "missing.png" in capsys.readouterr().err and not (tmp_path / "y.png").exists()
