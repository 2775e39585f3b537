"""``strokes paint``: files written, resume to the full count, clear errors."""
from PIL import Image

import strokes
from strokes.cli import main


def picture(tmp_path):
    path = tmp_path / "in.png"
    im = Image.new("RGB", (48, 30), (40, 90, 200))
    im.paste((230, 200, 40), (10, 5, 30, 20))
    im.save(path)
    return str(path)


def test_paint_writes_picture_and_strokes_then_resumes(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["paint", picture(tmp_path), "-o", str(out), "--style", "marker", "--size", "32", "-q"]
    assert main(args + ["--strokes", "5", "--npz"]) == 0
    assert Image.open(out / "painting.png").size == (32, 20)
    assert len(strokes.load(out / "strokes.json")) == 5 and len(strokes.load(out / "strokes.npz")) == 5
    first = strokes.load(out / "strokes.json")
    assert main(args + ["--strokes", "9", "--resume"]) == 0
    more = strokes.load(out / "strokes.json")
    assert len(more) == 9 and (more.params[:5] == first.params).all()


def test_clear_errors(tmp_path, capsys):
    src = picture(tmp_path)
    assert main(["paint", src, "-o", str(tmp_path / "a"), "--resume", "-q"]) == 1
    assert "nothing to continue from" in capsys.readouterr().err
    assert main(["paint", src, "-o", str(tmp_path / "b"), "--background", "pink", "-q"]) == 1
    assert "--background 'pink'" in capsys.readouterr().err
    assert main(["paint", str(tmp_path / "missing.png"), "-o", str(tmp_path / "c"), "-q"]) == 1
    assert "missing.png" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()
