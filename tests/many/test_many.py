"""paint_many / ``strokes paint FOLDER``: same bytes as one image alone, bad images isolated, resume."""
import os
import sys

import pytest
from PIL import Image

import strokes.many as many
from strokes.cli import main
from strokes.many import ManyError, find_images, paint_many

OPTIONS = dict(style="marker", strokes=4, size=24, steps=6)
FLAGS = ["--style", "marker", "--strokes", "2", "--size", "16", "-q"]


def pictures(folder, n=3):
    folder.mkdir()
    for k in range(n):
        im = Image.new("RGB", (40, 28), (40 + 60 * k, 90, 200 - 50 * k))
        im.paste((230, 200 - 40 * k, 40), (5 + 5 * k, 4, 25, 20))
        im.save(folder / f"img{k}.png")
    return folder


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_batch_paints_each_image_as_it_is_painted_alone(tmp_path):
    import strokes
    src = pictures(tmp_path / "in")
    assert paint_many(src, tmp_path / "batch", workers=1, seed=3, progress=False, **OPTIONS).ok
    for k in range(3):
        strokes.paint(src / f"img{k}.png", seed=3, progress=False, **OPTIONS).save(tmp_path / "alone" / f"img{k}")
    batch, alone = files_of(tmp_path / "batch"), files_of(tmp_path / "alone")
    assert sorted(batch) == [f"img{k}/{f}" for k in range(3) for f in ("painting.png", "strokes.json")]
    assert batch == alone


def test_the_command_paints_a_folder_as_it_paints_one_image(tmp_path):
    src = pictures(tmp_path / "in", 1)
    assert main(["paint", str(src), "-o", str(tmp_path / "batch"), "--workers", "1"] + FLAGS) == 0
    assert main(["paint", str(src / "img0.png"), "-o", str(tmp_path / "alone" / "img0")] + FLAGS) == 0
    assert files_of(tmp_path / "batch") == files_of(tmp_path / "alone")


def test_a_bad_image_is_reported_and_the_rest_carry_on(tmp_path, capsys):
    src = pictures(tmp_path / "in", 1)
    (src / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    (src / "empty.jpg").write_bytes(b"")
    assert main(["paint", str(src), "-o", str(tmp_path / "out"), "--workers", "1"] + FLAGS) == 1
    err = capsys.readouterr().err
    assert "1 painted" in err and "2 failed" in err
    assert "broken.png: not an image" in err and "empty.jpg: empty file" in err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["img0"]


def test_rerun_skips_what_is_done_and_resumes_after_ctrl_c(tmp_path, monkeypatch):
    src = pictures(tmp_path / "in", 3)
    out = tmp_path / "out"
    real = many.paint_files
    calls = []

    def stopped_at_the_second(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(many, "paint_files", stopped_at_the_second)
    first = paint_many(src, out, workers=1, progress=False, **OPTIONS)
    assert first.interrupted and first.painted == ["img0"] and not first.ok
    assert not (out / "img1").exists()                      # nothing half-written
    monkeypatch.setattr(many, "paint_files", real)
    done = (out / "img0" / "painting.png").stat().st_mtime_ns
    second = paint_many(src, out, workers=1, progress=False, **OPTIONS)
    assert second.ok and second.skipped == ["img0"] and second.painted == ["img1", "img2"]
    assert (out / "img0" / "painting.png").stat().st_mtime_ns == done
    forced = paint_many(src, out, workers=1, progress=False, force=True, **OPTIONS)
    assert forced.painted == ["img0", "img1", "img2"] and not forced.skipped


def test_inputs_from_a_glob_and_clashing_names(tmp_path):
    src = pictures(tmp_path / "in", 2)
    Image.new("RGB", (8, 8)).save(src / "img0.jpg")
    assert [p.name for p in find_images(str(src / "*.png"))] == ["img0.png", "img1.png"]
    assert many.output_names(find_images(src)) == ["img0-jpg", "img0-png", "img1"]
    with pytest.raises(ManyError, match="no images found"):
        paint_many(str(tmp_path / "nothing" / "*.png"), tmp_path / "out", **OPTIONS)


def test_ray_without_ray_says_how_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)
    src = pictures(tmp_path / "in", 1)
    with pytest.raises(ManyError, match=r"strokes\[ray\]"):
        paint_many(src, tmp_path / "out", ray=True, **OPTIONS)
    assert main(["paint", str(src), "-o", str(tmp_path / "out"), "--ray"] + FLAGS) == 1
    assert "pip install 'strokes[ray]'" in capsys.readouterr().err


@pytest.mark.slow
def test_worker_processes_and_ray_give_the_same_bytes(tmp_path):
    src = pictures(tmp_path / "in", 3)
    paint_many(src, tmp_path / "serial", workers=1, progress=False, **OPTIONS)
    paint_many(src, tmp_path / "two", workers=2, progress=False, **OPTIONS)
    serial = files_of(tmp_path / "serial")
    assert len(serial) == 6 and files_of(tmp_path / "two") == serial
    pytest.importorskip("ray")
    summary = paint_many(src, tmp_path / "ray", ray=True, progress=False, **OPTIONS)
    assert summary.ok and files_of(tmp_path / "ray") == serial


@pytest.mark.slow
def test_worker_processes_isolate_a_bad_image(tmp_path):
    src = pictures(tmp_path / "in", 2)
    (src / "bad.png").write_bytes(b"nope")
    summary = paint_many(src, tmp_path / "out", workers=2, progress=False, **OPTIONS)
    assert summary.painted == ["img0", "img1"] or sorted(summary.painted) == ["img0", "img1"]
    assert [os.path.basename(s) for s, _ in summary.failed] == ["bad.png"]
