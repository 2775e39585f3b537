"""Outputs: atomic writes name the output, stale temporary files go, folders are locked (defects 9-11)."""
import errno
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from strokes import atomic
from strokes.atomic import atomic_path, remove_stale_temporaries, write_bytes
from strokes.errors import FolderLockedError, OutputError
from strokes.locking import LOCK_NAME, folder_lock

from .helpers import stroke_set


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_sigkilled_writer_leaves_a_temporary_the_next_write_removes(tmp_path):
    """Defect 9: SIGKILL during an .npz save left hidden temporary files that were never cleaned up."""
    target = tmp_path / "strokes.npz"
    code = ("import sys, time; from strokes.atomic import atomic_path\n"
            "with atomic_path(sys.argv[1]) as tmp:\n"
            "    open(tmp, 'wb').write(b'x' * 100000); print('writing', flush=True); time.sleep(60)\n")
    writer = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline() == "writing\n"
    writer.kill()
    writer.wait()
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".strokes.npz.tmp-")]
    assert len(left) == 1 and not target.exists()
    stroke_set().save(tmp_path / "other.json")                  # any write into the folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.json"]


def test_temporaries_of_running_writers_are_kept(tmp_path):
    with atomic_path(tmp_path / "a.png") as tmp:
        tmp.write_bytes(b"x")
        assert remove_stale_temporaries(tmp_path) == [] and tmp.exists()
    stale = tmp_path / f".b.json.tmp-{dead_pid()}-0123abcd.json"
    stale.write_bytes(b"x")
    user_file = tmp_path / ".b.json.tmp-notes.json"               # not ours: never touched
    user_file.write_bytes(b"x")
    assert remove_stale_temporaries(tmp_path) == [stale]
    assert user_file.exists()


def test_ctrl_c_just_after_the_temporary_is_made_leaves_nothing(tmp_path, monkeypatch):
    """A Ctrl-C lands at the next call after the temporary file is created (here: closing
    it); the batch painter's slow test once found the file left behind."""
    real_close = os.close

    def interrupted(fd):
        real_close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "close", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_bytes(tmp_path / "strokes.json", b"{}")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_write_failure_names_the_output_not_the_temporary(tmp_path, monkeypatch, code):
    """Defect 11: a full disk gave '[Errno 28] No space left on device' without the path; a read-only
    folder named the temporary file."""
    def fails(self, data):
        raise OSError(code, os.strerror(code), str(self))
    monkeypatch.setattr(Path, "write_bytes", fails)
    target = tmp_path / "strokes.json"
    with pytest.raises(OutputError) as info:
        write_bytes(target, b"{}")
    assert str(info.value).startswith(f"cannot write {target}: {os.strerror(code)}")
    assert ".tmp-" not in str(info.value) and info.value.errno == code
    assert os.listdir(tmp_path) == []


def test_folder_that_cannot_be_made_is_named(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match=f"cannot write {tmp_path / 'file' / 'a.json'}"):
        write_bytes(tmp_path / "file" / "a.json", b"")


class TestFolderLock:
    def test_second_run_is_told_who_holds_it(self, tmp_path):
        with folder_lock(tmp_path, "strokes paint a.png"):
            with pytest.raises(FolderLockedError, match=rf"in use by another run: strokes paint a.png \(pid {os.getpid()}"):
                with folder_lock(tmp_path, "strokes paint b.png"):
                    pass
        assert not (tmp_path / LOCK_NAME).exists()             # released

    def test_stale_lock_is_taken_over_with_a_message(self, tmp_path):
        (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": dead_pid(), "host": socket.gethostname(),
                                                      "command": "strokes paint old.png"}))
        said = []
        with folder_lock(tmp_path, "strokes paint new.png", on_stale=said.append):
            owner = json.loads((tmp_path / LOCK_NAME).read_text())
            assert owner["pid"] == os.getpid()
        assert len(said) == 1 and "took over the lock of a run that no longer runs" in said[0]
        assert "strokes paint old.png" in said[0]

    def test_lock_of_another_machine_is_respected(self, tmp_path):
        (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": 1, "host": "elsewhere", "command": "strokes paint"}))
        with pytest.raises(FolderLockedError, match="on elsewhere"):
            with folder_lock(tmp_path, "strokes paint"):
                pass

    def test_released_on_error(self, tmp_path):
        with pytest.raises(ZeroDivisionError), folder_lock(tmp_path, "x"):
            1 / 0
        assert not (tmp_path / LOCK_NAME).exists()

    def test_second_paint_into_a_folder_is_refused(self, tmp_path, capsys):
        """Defect 10: two paint runs into one folder mixed their files and their checkpoint."""
        from strokes.cli import main

        holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        try:
            (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": holder.pid, "host": socket.gethostname(),
                                                          "command": "strokes paint first.png"}))
            image = tmp_path / "in.png"
            from PIL import Image
            Image.new("RGB", (32, 32), (200, 10, 10)).save(image)
            assert main(["paint", str(image), "-o", str(tmp_path), "--strokes", "2", "--size", "32", "-q"]) == 1
            err = capsys.readouterr().err
            assert f"strokes paint: error: {tmp_path} is in use by another run: strokes paint first.png " \
                   f"(pid {holder.pid}" in err and err.count("\n") == 1
            assert sorted(os.listdir(tmp_path)) == [LOCK_NAME, "in.png"]
        finally:
            holder.kill()
            holder.wait()


def test_lock_leaves_no_empty_folder_it_made(tmp_path):
    with pytest.raises(ZeroDivisionError), folder_lock(tmp_path / "a" / "b", "x"):
        1 / 0
    assert list(tmp_path.iterdir()) == []
    with folder_lock(tmp_path / "a" / "b", "x"):
        (tmp_path / "a" / "b" / "kept.json").write_text("{}")
    assert (tmp_path / "a" / "b" / "kept.json").exists()
