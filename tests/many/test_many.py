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


def ctrl_c_at(monkeypatch, n: int):
    """Painting stops as if Ctrl-C came when the ``n``-th image starts; returns the real painter."""
    real, calls = many.paint_files, []

    def stopped(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == n:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(many, "paint_files", stopped)
    return real


def test_rerun_skips_what_is_done_and_resumes_after_ctrl_c(tmp_path, monkeypatch):
    src = pictures(tmp_path / "in", 3)
    out = tmp_path / "out"
    real = ctrl_c_at(monkeypatch, 2)
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


CORRUPT = {"broken": b"\x89PNG\r\n\x1a\n cut short", "empty": b"", "text": b"not an image at all"}
TINY = ["--style", "marker", "--strokes", "3", "--size", "16", "--steps", "2", "-q"]


def batch_with_corrupt_ones(folder, n):
    """``n`` small pictures, 3 of them corrupt (spread through the batch, by name)."""
    folder.mkdir()
    bad = {n // 6: "broken", n // 2: "empty", n - 2: "text"}
    for k in range(n):
        if k in bad:
            (folder / f"img{k:03d}.png").write_bytes(CORRUPT[bad[k]])
            continue
        im = Image.new("RGB", (32, 24), (k * 2 % 256, 90, 200 - k))
        im.paste((230, 200 - k, 40), (4 + k % 10, 4, 20, 18))
        im.save(folder / f"img{k:03d}.png")
    return sorted(f"img{k:03d}.png" for k in bad)


def finished(out):
    """``{image folder: mtime of its painting.png}`` for every finished image."""
    return {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/painting.png")}


def failed_names(err):
    """The file names of the summary's ``failed: FILE: reason`` lines."""
    return sorted(os.path.basename(line.split(": ")[1]) for line in err.splitlines()
                  if line.strip().startswith("failed:"))


def test_ten_images_three_corrupt_interrupted_and_resumed_from_the_command(tmp_path, monkeypatch, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    bad = batch_with_corrupt_ones(src, 10)
    real = ctrl_c_at(monkeypatch, 6)
    assert main(["paint", str(src), "-o", str(out), "--workers", "1"] + TINY) == 130
    err = capsys.readouterr().err
    before = finished(out)
    assert len(before) == 4 and "4 painted, 0 already done, 1 failed" in err and "interrupted" in err
    assert sorted(p.name for p in out.iterdir()) == sorted(before)          # nothing else written, not even half
    monkeypatch.setattr(many, "paint_files", real)
    assert main(["paint", str(src), "-o", str(out), "--workers", "1"] + TINY) == 1
    err = capsys.readouterr().err
    assert "3 painted, 4 already done, 3 failed" in err
    assert failed_names(err) == bad
    after = finished(out)
    assert len(after) == 7 and all(after[name] == t for name, t in before.items())     # not repainted


@pytest.mark.slow
def test_a_hundred_images_three_corrupt_survive_a_real_ctrl_c(tmp_path):
    import signal
    import subprocess
    import time

    src, out = tmp_path / "in", tmp_path / "out"
    bad = batch_with_corrupt_ones(src, 100)
    command = [sys.executable, "-m", "strokes", "paint", str(src), "-o", str(out), "--workers", "2"] + TINY
    run = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 300
    while len(finished(out)) < 10 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGINT)                  # Ctrl-C: the whole process group, workers too
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    before = finished(out)
    assert 10 <= len(before) < 97 and "interrupted" in err
    assert not [p for p in out.rglob("*") if p.is_file() and p.name not in ("painting.png", "strokes.json")]
    again = subprocess.run(command, stderr=subprocess.PIPE, text=True, timeout=600)
    assert again.returncode == 1, again.stderr
    assert f"{97 - len(before)} painted, {len(before)} already done, 3 failed" in again.stderr
    assert failed_names(again.stderr) == bad
    after = finished(out)
    assert len(after) == 97 and all(after[name] == t for name, t in before.items())    # none repainted
