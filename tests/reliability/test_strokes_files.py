"""Defects 1-3, 11 of issue 12 in strokes files: each a regression test that failed before the fix."""
import json
import os
import tracemalloc
import zipfile

import numpy as np
import pytest

from strokes import files
from strokes.errors import StrokesError
from strokes.files import StrokesFileError, load, save
from strokes.strokeset import StrokeSet

HEADER = '{"format": "strokes", "version": 1, "canvas": {"width": 4, "height": 3}, '
STROKE = '{"p0": [0, 0], "p1": [0.5, 0.5], "p2": [1, 1], "width": %s, "color": [1, 0, 0], "opacity": 1}'


def write(tmp_path, text, name="a.json"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, field", [
    (HEADER.replace('"width": 4', '"width": 1' + "0" * 400) + '"strokes": []}', "canvas: field 'width'"),
    (HEADER.replace('"version": 1', '"version": 1' + "0" * 400) + '"strokes": []}', "field 'version'"),
    (HEADER + '"strokes": [' + STROKE % ("1" + "0" * 400) + "]}", "stroke 0: field 'width'"),
    (HEADER + '"strokes": [' + STROKE % ("[0.1, 1" + "0" * 5000 + "]") + "]}", "stroke 0: field 'width'"),
    (HEADER.replace('"width": 4', '"width": 1' + "0" * 5000) + '"strokes": []}', "canvas: field 'width'"),
])
def test_huge_integer_names_file_field_and_value(tmp_path, text, field):
    """Defect 1: OverflowError traceback (400 digits), a plain ValueError naming no file (> 4,300 digits)."""
    path = write(tmp_path, text)
    with pytest.raises(StrokesFileError) as info:
        load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {field}") and "(an integer of " in message and len(message) < 300


def test_huge_integer_in_an_ignored_key_is_ignored(tmp_path):
    path = write(tmp_path, HEADER + '"note": 1' + "0" * 5000 + ', "strokes": [' + STROKE % 0.1 + "]}")
    assert len(load(path)) == 1


def npz_bytes(tmp_path, n=40):
    s = StrokeSet(np.random.default_rng(1).random((n, 15)), width=64, height=48)
    path = tmp_path / "a.npz"
    save(s, path)
    return path, path.read_bytes(), s


def test_every_flipped_byte_of_an_npz_is_our_error_or_the_same_strokes(tmp_path):
    """Defect 2: one flipped byte in the deflate stream was a zlib.error traceback."""
    path, raw, s = npz_bytes(tmp_path)
    for i in range(0, len(raw), max(1, len(raw) // 100)):
        damaged = bytearray(raw)
        damaged[i] ^= 0xA5
        path.write_bytes(bytes(damaged))
        try:
            got = load(path)
        except StrokesFileError as exc:
            assert str(exc).startswith(str(path))
        else:
            assert got == s, i        # a byte the format does not check (e.g. a timestamp)


def test_npz_with_a_doubled_entry_is_refused(tmp_path):
    """Defect 11: a zip with two params.npy entries silently used the last one."""
    path, raw, _ = npz_bytes(tmp_path)
    with zipfile.ZipFile(path) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        zf.writestr("params.npy", entries["params.npy"])
    with pytest.raises(StrokesFileError, match="holds array 'params' 2 times"):
        load(path)


def test_junk_structure_is_refused_quickly(tmp_path):
    """Defect 3: 99 MB of empty lists under an ignored key took 2.7 GB and 26 s; here 3 MB of them."""
    path = tmp_path / "junk.json"
    path.write_text(HEADER + '"junk": [' + "[]," * 1_000_000 + '[]], "strokes": []}')
    tracemalloc.start()
    try:
        with pytest.raises(StrokesFileError, match="lists/objects for at most 0 strokes"):
            load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20                                  # the file is never parsed


def test_large_text_without_strokes_is_refused(tmp_path):
    path = write(tmp_path, HEADER + '"note": "' + "x" * (files.JSON_SLACK_BYTES + 10) + '", "strokes": []}')
    with pytest.raises(StrokesFileError, match="bytes and 3 JSON lists/objects for at most 0 strokes"):
        load(path)


def test_memory_follows_the_strokes(tmp_path, monkeypatch):
    """Defect 3: the largest valid file took 2.8 GB; peak memory is now the array plus the pieces read."""
    monkeypatch.setattr(files, "_READ_CHUNK", 1 << 14)              # small pieces: a small file shows it
    monkeypatch.setattr(files, "_SCAN_CHUNK", 1 << 14)
    monkeypatch.setattr(files, "_ROWS_PER_CHUNK", 256)
    n = 3000
    s = StrokeSet(np.random.default_rng(2).random((n, 15)), width=400, height=300)
    path = tmp_path / "big.json"
    save(s, path)
    tracemalloc.start()
    try:
        got = load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == s
    array = n * 15 * 8
    assert peak < array + (1 << 20), (peak, os.path.getsize(path))   # json.loads alone takes 4x the file


def test_strokes_before_header_and_any_key_order(tmp_path):
    doc = {"strokes": [json.loads(STROKE % 0.1)], "canvas": {"width": 4, "height": 3}, "version": 1,
           "format": "strokes"}
    assert len(load(write(tmp_path, json.dumps(doc, indent=3)))) == 1
    doc["format"] = "other"
    doc["strokes"][0]["p0"] = 5
    with pytest.raises(StrokesFileError, match="not a strokes file"):   # the header is the news, not stroke 0
        load(write(tmp_path, json.dumps(doc)))


def test_doubled_key_is_refused(tmp_path):
    path = write(tmp_path, HEADER + '"strokes": [], "strokes": [' + STROKE % 0.1 + "]}")
    with pytest.raises(StrokesFileError, match="key 'strokes' appears twice"):
        load(path)


@pytest.mark.parametrize("tail, what", [("", "truncated JSON"), ("]} x", "malformed JSON: Extra data"),
                                        ("]", "truncated JSON"), (",,", "malformed JSON")])
def test_broken_json_position_is_in_the_file(tmp_path, tail, what, monkeypatch):
    monkeypatch.setattr(files, "_READ_CHUNK", 64)                  # many pieces: positions must add up
    text = HEADER + '\n "strokes": [\n' + ",\n".join([STROKE % 0.1] * 30) + tail
    with pytest.raises(StrokesFileError, match=what) as info:
        load(write(tmp_path, text))
    if "Extra data" in what:
        assert f"(line 32, column {len(STROKE % 0.1) + 4})" in str(info.value)


def test_small_pieces_read_the_same_strokes(tmp_path, monkeypatch):
    s = StrokeSet(np.random.default_rng(3).random((300, 15)), width=50, height=70, background=(.2, .3, .4))
    path = tmp_path / "s.json"
    save(s, path)
    monkeypatch.setattr(files, "_READ_CHUNK", 7)
    monkeypatch.setattr(files, "_ROWS_PER_CHUNK", 11)
    assert load(path) == s


def test_errors_are_strokes_errors(tmp_path):
    with pytest.raises(StrokesError):
        load(write(tmp_path, "[]"))


def test_many_stroke_like_objects_are_refused_before_parsing(tmp_path, monkeypatch):
    """Each "p0" buys room for one stroke; more of them than MAX_STROKES cannot be a strokes file."""
    monkeypatch.setattr(files, "MAX_STROKES", 10)
    path = write(tmp_path, HEADER + '"junk": [' + ", ".join(['{"p0": 1}'] * 5000) + '], "strokes": []}')
    with pytest.raises(StrokesFileError, match='5000 "p0" keys: more strokes than the limit of 10'):
        load(path)
