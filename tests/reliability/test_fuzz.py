"""Fuzzing the readers of untrusted input: ``strokes.load`` (JSON and ``.npz``) and ``load_image``.

Valid in, exact round trip; anything else in, the library's own error naming the file, never another
exception. Fast by default (a few hundred examples, fixed seed); the ``slow`` variants run thousands,
with fresh random examples, in CI (``make test-slow``).
"""
import io
import json
import math
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from strokes.errors import ImageError, StrokesFileError
from strokes.files import load, save, to_json
from strokes.images import load_image
from strokes.strokeset import StrokeSet

FAST, SLOW = 30, 500


def examples(n: int, slow: bool = False):
    return settings(max_examples=n, deadline=None, database=None, derandomize=not slow,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])




unit = st.floats(0.0, 1.0, allow_nan=False)
stroke_sets = st.builds(
    lambda rows, w, h, bg: StrokeSet(np.array(rows, dtype=np.float64).reshape(-1, 15), width=w, height=h,
                                     background=bg),
    st.lists(st.lists(unit, min_size=15, max_size=15), max_size=12),
    st.integers(1, 100_000), st.integers(1, 100_000), st.tuples(unit, unit, unit))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(-10 ** 500, 10 ** 500).map(int)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12)


def expect_ours_or_valid(path, error=StrokesFileError):
    try:
        got = load(path)
    except error as exc:
        assert str(exc).startswith(str(path)), exc
        assert "\n" not in str(exc)
        return None
    params = got.params
    assert params.ndim == 2 and params.shape[1] == 15 and ((params >= 0) & (params <= 1)).all()
    return got


# -- valid in, exact round trip ------------------------------------------------------------------

def _round_trip(tmp_path, stroke_set, suffix):
    path = tmp_path / f"s{suffix}"
    save(stroke_set, path)
    assert load(path) == stroke_set


@pytest.mark.parametrize("suffix", [".json", ".npz"])
@given(stroke_set=stroke_sets)
@examples(FAST)
def test_round_trip(tmp_path, stroke_set, suffix):
    _round_trip(tmp_path, stroke_set, suffix)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".json", ".npz"])
@given(stroke_set=stroke_sets)
@examples(SLOW, slow=True)
def test_round_trip_long(tmp_path, stroke_set, suffix):
    _round_trip(tmp_path, stroke_set, suffix)


# -- damaged bytes -------------------------------------------------------------------------------

edits = st.lists(st.tuples(st.sampled_from(["flip", "cut", "insert", "delete"]), st.floats(0, 1),
                           st.binary(min_size=1, max_size=8)), min_size=1, max_size=4)


def damage(raw: bytes, edit_list) -> bytes:
    data = bytearray(raw)
    for kind, where, chunk in edit_list:
        i = min(int(where * len(data)), max(len(data) - 1, 0))
        if kind == "flip" and data:
            data[i] ^= chunk[0] or 1
        elif kind == "cut":
            del data[i:]
        elif kind == "insert":
            data[i:i] = chunk
        elif kind == "delete":
            del data[i:i + len(chunk)]
    return bytes(data)


SAMPLE = StrokeSet(np.random.default_rng(0).random((6, 15)), width=640, height=400)


def _damaged(tmp_path, suffix, edit_list):
    path = tmp_path / f"d{suffix}"
    save(SAMPLE, path)
    path.write_bytes(damage(path.read_bytes(), edit_list))
    expect_ours_or_valid(path)


@pytest.mark.parametrize("suffix", [".json", ".npz"])
@given(edit_list=edits)
@examples(FAST * 3)
def test_damaged_file(tmp_path, suffix, edit_list):
    _damaged(tmp_path, suffix, edit_list)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".json", ".npz"])
@given(edit_list=edits)
@examples(SLOW * 3, slow=True)
def test_damaged_file_long(tmp_path, suffix, edit_list):
    _damaged(tmp_path, suffix, edit_list)


# -- well-formed JSON with wrong values anywhere --------------------------------------------------

paths_in_doc = st.sampled_from([
    (), ("format",), ("version",), ("canvas",), ("canvas", "width"), ("canvas", "height"),
    ("canvas", "background"), ("canvas", "background", 1), ("strokes",), ("strokes", 0), ("strokes", 0, "p0"),
    ("strokes", 0, "p0", 1), ("strokes", 1, "width"), ("strokes", 2, "color"), ("strokes", 2, "color", 0),
    ("strokes", 3, "opacity"), ("extra",), ("strokes", 4, "extra")])


def _replaced(tmp_path, where, value):
    doc = json.loads(to_json(SAMPLE))
    if not where:
        doc = value
    else:
        target = doc
        for key in where[:-1]:
            target = target[key]
        target[where[-1]] = value
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc, allow_nan=True) if not isinstance(doc, float) or math.isfinite(doc)
                    else "NaN")
    expect_ours_or_valid(path)


@given(where=paths_in_doc, value=json_values)
@examples(FAST * 3)
def test_wrong_value_anywhere(tmp_path, where, value):
    _replaced(tmp_path, where, value)


@pytest.mark.slow
@given(where=paths_in_doc, value=json_values)
@examples(SLOW * 3, slow=True)
def test_wrong_value_anywhere_long(tmp_path, where, value):
    _replaced(tmp_path, where, value)


# -- .npz archives with other arrays --------------------------------------------------------------

arrays = st.sampled_from(["format", "version", "width", "height", "background", "params"]).flatmap(
    lambda key: st.tuples(st.just(key), st.sampled_from([np.float64, np.float32, np.int64, np.uint8, np.bool_,
                                                         np.str_]),
                          st.lists(st.integers(0, 20), max_size=3)))


def _npz_with(tmp_path, key, dtype, shape):
    path = tmp_path / "a.npz"
    save(SAMPLE, path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    value = np.zeros(shape, dtype=dtype) if dtype is not np.str_ else np.full(shape, "strokes")
    npy = io.BytesIO()
    np.save(npy, value)
    entries[key + ".npy"] = npy.getvalue()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    expect_ours_or_valid(path)


@given(spec=arrays)
@examples(FAST * 2)
def test_npz_with_other_arrays(tmp_path, spec):
    _npz_with(tmp_path, *spec)


# -- images ---------------------------------------------------------------------------------------

def image_bytes(mode: str, fmt: str, w: int, h: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    im = Image.fromarray((rng.random((h, w, 3)) * 255).astype(np.uint8)).convert(mode)
    out = io.BytesIO()
    im.save(out, format=fmt)
    return out.getvalue()


images = st.tuples(st.sampled_from([("RGB", "PNG"), ("L", "PNG"), ("RGBA", "PNG"), ("P", "GIF"), ("RGB", "JPEG"),
                                    ("L", "JPEG"), ("RGB", "BMP"), ("CMYK", "TIFF"), ("RGBA", "WEBP")]),
                   st.integers(1, 40), st.integers(1, 40), st.integers(0, 3), st.sampled_from([None, 8, 16]))


def _image(tmp_path, spec, edit_list):
    (mode, fmt), w, h, seed, max_side = spec
    raw = image_bytes(mode, fmt, w, h, seed)
    path = tmp_path / f"i.{fmt.lower()}"
    path.write_bytes(raw if edit_list is None else damage(raw, edit_list))
    try:
        picture = load_image(path, max_side=max_side)
    except ImageError as exc:
        assert edit_list is not None, exc                     # a valid image is never refused
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        return
    assert picture.dtype.is_floating_point and picture.ndim == 3 and picture.shape[0] == 3
    assert bool(((picture >= 0) & (picture <= 1)).all())
    if edit_list is None:
        if max_side and max(w, h) >= 2 * max_side:       # shrunk, never below max_side
            assert max_side <= max(picture.shape[1:]) <= 2 * max_side
        else:
            assert tuple(picture.shape[1:]) == (h, w)


@pytest.mark.filterwarnings("ignore::UserWarning")     # Pillow's notes on damaged EXIF and TIFF tags
@given(spec=images, edit_list=st.none() | edits)
@examples(FAST * 3)
def test_image(tmp_path, spec, edit_list):
    _image(tmp_path, spec, edit_list)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::UserWarning")
@given(spec=images, edit_list=st.none() | edits)
@examples(SLOW * 3, slow=True)
def test_image_long(tmp_path, spec, edit_list):
    _image(tmp_path, spec, edit_list)
