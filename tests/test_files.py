"""Strokes files: exact round trips and one clear error for every kind of bad file."""
import json
import os
import zipfile

import numpy as np
import pytest

import strokes
from strokes import files
from strokes.files import StrokesFileError, load, save
from strokes.strokeset import StrokeSet

ISSUE_EXAMPLE = {
    "format": "strokes", "version": 1,
    "canvas": {"width": 640, "height": 400, "background": [1, 1, 1]},
    "strokes": [{"p0": [0.1, 0.2], "p1": [0.2, 0.25], "p2": [0.3, 0.2],
                 "width": [0.02, 0.01], "color": [[0.9, 0.1, 0.1], [0.8, 0.2, 0.1]],
                 "opacity": 0.9}],
}


def random_set(n=50, seed=0):
    rng = np.random.default_rng(seed)
    params = rng.random((n, 15))
    # Values whose decimal form is long or extreme: repr must keep every bit.
    params[0, :5] = [0.1 + 0.2, 1 / 3, 5e-324, 1.0, 0.0]
    params[1, 0] = np.nextafter(1.0, 0.0)
    return StrokeSet(params, width=1234, height=567, background=(0.25, 1 / 7, 0.9999999999999999))


def write_doc(tmp_path, doc, name="still.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return path


def stroke_doc(**changes):
    doc = json.loads(json.dumps(ISSUE_EXAMPLE))
    doc["strokes"] = [dict(doc["strokes"][0]) for _ in range(3)]
    for key, value in changes.items():
        if value is files._MISSING:
            del doc["strokes"][2][key]
        else:
            doc["strokes"][2][key] = value
    return doc


class TestRoundTrip:
    @pytest.mark.parametrize("suffix", [".json", ".npz"])
    def test_exact(self, tmp_path, suffix):
        s = random_set()
        path = tmp_path / f"painting{suffix}"
        s.save(path)
        back = strokes.load(path)
        assert back == s
        assert back.params.dtype == np.float64
        assert np.array_equal(back.params.view(np.uint64), s.params.view(np.uint64))  # bit for bit
        assert back.background == s.background and back.size == s.size

    @pytest.mark.parametrize("suffix", [".json", ".npz", ".JSON"])
    def test_empty_set(self, tmp_path, suffix):
        s = StrokeSet(width=10, height=20, background=(0, 0, 0))
        save(s, tmp_path / f"empty{suffix}")
        assert load(tmp_path / f"empty{suffix}") == s

    def test_json_is_readable_and_matches_issue_format(self, tmp_path):
        s = random_set(3)
        save(s, tmp_path / "a.json")
        doc = json.loads((tmp_path / "a.json").read_text())
        assert doc["format"] == "strokes" and doc["version"] == 1
        assert doc["canvas"] == {"width": 1234, "height": 567, "background": list(s.background)}
        assert set(doc["strokes"][0]) == {"p0", "p1", "p2", "width", "color", "opacity"}
        assert doc["strokes"][2]["color"][1] == list(s.params[2, 11:14])
        assert len((tmp_path / "a.json").read_text().splitlines()) == 3 + 3 + 1  # one stroke per line

    def test_npz_is_smaller_than_json(self, tmp_path):
        s = random_set(500)
        save(s, tmp_path / "a.json")
        save(s, tmp_path / "a.npz")
        assert os.path.getsize(tmp_path / "a.npz") < os.path.getsize(tmp_path / "a.json")

    def test_issue_example_loads(self, tmp_path):
        s = load(write_doc(tmp_path, ISSUE_EXAMPLE))
        assert (s.width, s.height, s.background) == (640, 400, (1.0, 1.0, 1.0))
        assert s.params.tolist() == [[0.1, 0.2, 0.2, 0.25, 0.3, 0.2, 0.02, 0.01,
                                      0.9, 0.1, 0.1, 0.8, 0.2, 0.1, 0.9]]

    def test_unknown_keys_are_ignored(self, tmp_path):
        doc = stroke_doc(pressure=[1, 2, 3], note="hand drawn")
        doc["generator"] = {"name": "someone else", "params": None}
        doc["canvas"]["dpi"] = 300
        assert load(write_doc(tmp_path, doc)) == load(write_doc(tmp_path, stroke_doc(), "b.json"))

    def test_shorthand_width_and_single_colour(self, tmp_path):
        s = load(write_doc(tmp_path, stroke_doc(width=0.05, color=[0.1, 0.2, 0.3])))
        assert s.params[2, 6:8].tolist() == [0.05, 0.05]
        assert s.params[2, 8:14].tolist() == [0.1, 0.2, 0.3] * 2

    def test_background_defaults_to_white(self, tmp_path):
        doc = stroke_doc()
        del doc["canvas"]["background"]
        assert load(write_doc(tmp_path, doc)).background == (1.0, 1.0, 1.0)


# Each bad stroke: (change to stroke 2, words the message must contain).
BAD_STROKES = [
    ({"opacity": files._MISSING}, "stroke 2: missing key 'opacity'"),
    ({"p1": files._MISSING}, "stroke 2: missing key 'p1'"),
    ({"opacity": "0.5"}, "stroke 2: field 'opacity': expected a number, got \"0.5\""),
    ({"opacity": True}, "stroke 2: field 'opacity': expected a number, got true"),
    ({"p0": [0.1]}, "stroke 2: field 'p0': expected a list of 2 numbers, got [0.1]"),
    ({"p2": "middle"}, "stroke 2: field 'p2': expected a list of 2 numbers"),
    ({"width": [0.1, None]}, "stroke 2: field 'width': expected a number or [start, end]"),
    ({"color": [[1, 0, 0]]}, "stroke 2: field 'color': expected [r, g, b] or [[r, g, b], [r, g, b]]"),
    ({"color": [[1, 0, 0], [1, 0]]}, "stroke 2: field 'color' (end): expected [r, g, b]"),
    ({"opacity": float("nan")}, "stroke 2: field 'opacity': expected a number in [0, 1], got nan"),
    ({"p1": [0.5, float("inf")]}, "stroke 2: field 'p1' (column y1): expected a number in [0, 1], got inf"),
    ({"opacity": 1.5}, "stroke 2: field 'opacity': expected a number in [0, 1], got 1.5"),
    ({"p0": [-0.01, 0.5]}, "stroke 2: field 'p0' (column x0): expected a number in [0, 1], got -0.01"),
    ({"color": [[0, 0, 0], [0, 2, 0]]}, "stroke 2: field 'color' (column g2): expected a number in [0, 1], got 2.0"),
    ({"width": -1}, "stroke 2: field 'width' (column w0): expected a number in [0, 1], got -1.0"),
]


class TestJsonErrors:
    @pytest.mark.parametrize("change, words", BAD_STROKES)
    def test_bad_stroke(self, tmp_path, change, words):
        path = write_doc(tmp_path, stroke_doc(**change))
        with pytest.raises(StrokesFileError) as err:
            load(path)
        assert str(err.value).startswith(str(path) + ": ")
        assert words in str(err.value)

    def test_message_of_the_issue(self, tmp_path):
        doc = stroke_doc()
        doc["strokes"] = doc["strokes"] * 5
        doc["strokes"][12] = dict(doc["strokes"][0], opacity=float("nan"))
        with pytest.raises(StrokesFileError, match=r"still\.json: stroke 12: field 'opacity': "
                                                   r"expected a number in \[0, 1\], got nan$"):
            load(write_doc(tmp_path, doc))

    def test_is_a_value_error(self):
        assert issubclass(StrokesFileError, ValueError)

    @pytest.mark.parametrize("doc, words", [
        ([1, 2, 3], "not a strokes file: expected a JSON object with \"format\": \"strokes\", got a JSON list"),
        ({"type": "FeatureCollection"}, "not a strokes file: expected a JSON object with \"format\": \"strokes\", "
                                        "got no 'format' key"),
        ({"format": "svg"}, "got 'format': \"svg\""),
        ({"format": "strokes", "canvas": {}, "strokes": []}, "missing key 'version'"),
        ({"format": "strokes", "version": 2, "canvas": {}, "strokes": []},
         "written by a newer strokes (file version 2); this version reads files up to version 1"),
        ({"format": "strokes", "version": "1"}, "field 'version': expected a positive integer, got \"1\""),
        ({"format": "strokes", "version": 1, "strokes": []}, "missing key 'canvas'"),
        ({"format": "strokes", "version": 1, "canvas": [640, 400], "strokes": []},
         "field 'canvas': expected a JSON object, got list"),
        ({"format": "strokes", "version": 1, "canvas": {"width": 640, "height": 400}},
         "missing key 'strokes'"),
        ({"format": "strokes", "version": 1, "canvas": {"width": 640, "height": 400}, "strokes": {}},
         "field 'strokes': expected a JSON list, got object"),
        ({"format": "strokes", "version": 1, "canvas": {"height": 400}, "strokes": []},
         "canvas: missing key 'width'"),
        ({"format": "strokes", "version": 1, "canvas": {"width": 64.5, "height": 400}, "strokes": []},
         "canvas: field 'width': expected a positive integer, got 64.5"),
        ({"format": "strokes", "version": 1, "canvas": {"width": 0, "height": 400}, "strokes": []},
         "canvas: field 'width': expected an integer from 1 to 100000, got 0"),
        ({"format": "strokes", "version": 1, "canvas": {"width": 10, "height": 10 ** 9}, "strokes": []},
         "canvas: field 'height': expected an integer from 1 to 100000, got 1000000000"),
        ({"format": "strokes", "version": 1, "canvas": {"width": 10, "height": 10, "background": [1, 1]},
          "strokes": []}, "canvas: field 'background': expected a list of 3 numbers, got [1, 1]"),
        ({"format": "strokes", "version": 1, "canvas": {"width": 10, "height": 10, "background": [1, 1, 9]},
          "strokes": []}, "canvas: field 'background': expected 3 numbers in [0, 1], got [1.0, 1.0, 9.0]"),
        ({"format": "strokes", "version": 1, "canvas": {"width": 10, "height": 10}, "strokes": [7]},
         "stroke 0: expected a JSON object, got number"),
    ])
    def test_bad_document(self, tmp_path, doc, words):
        path = write_doc(tmp_path, doc)
        with pytest.raises(StrokesFileError) as err:
            load(path)
        assert str(err.value).startswith(str(path) + ": ")
        assert words in str(err.value)

    def test_absurd_stroke_count(self, tmp_path, monkeypatch):
        monkeypatch.setattr(files, "MAX_STROKES", 2)
        with pytest.raises(StrokesFileError, match="field 'strokes': (3 strokes is )?more (strokes )?than the limit of 2"):
            load(write_doc(tmp_path, stroke_doc()))

    def test_limit_is_a_million(self):
        assert files.MAX_STROKES == 1_000_000

    @pytest.mark.parametrize("content, words", [
        (b"", "empty file"),
        (b"  \n\n ", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not a text file"),
        (b"{\"format\": \"strokes\", \"version\": 1, \"canv", "truncated JSON"),
        (b"{\"format\": \"strokes\",, }", "malformed JSON"),
        (b"[" * 100000, "JSON"),
    ])
    def test_broken_text(self, tmp_path, content, words):
        path = tmp_path / "broken.json"
        path.write_bytes(content)
        with pytest.raises(StrokesFileError, match=words) as err:
            load(path)
        assert str(path) in str(err.value)

    def test_truncated_saved_file(self, tmp_path):
        save(random_set(20), tmp_path / "a.json")
        data = (tmp_path / "a.json").read_bytes()
        (tmp_path / "a.json").write_bytes(data[:len(data) // 2])
        with pytest.raises(StrokesFileError, match="truncated JSON"):
            load(tmp_path / "a.json")


class TestNpzErrors:
    def write(self, tmp_path, **arrays):
        good = dict(format=np.array("strokes"), version=np.array(1), width=np.array(64), height=np.array(32),
                    background=np.ones(3), params=np.full((4, 15), 0.5))
        good.update(arrays)
        path = tmp_path / "hostile.npz"
        with open(path, "wb") as fh:
            np.savez(fh, **{k: v for k, v in good.items() if v is not None})
        return path

    def test_good_base_loads(self, tmp_path):
        assert len(load(self.write(tmp_path))) == 4

    @pytest.mark.parametrize("arrays, words", [
        ({"params": np.array([{"evil": 1}] * 15, dtype=object).reshape(1, 15)},
         "array 'params' holds Python objects (a pickle); refusing to load it"),
        ({"background": np.array([None, None, None], dtype=object)}, "array 'background' holds Python objects"),
        ({"params": np.full((4, 14), 0.5)}, "array 'params': expected floats of shape (S, 15), got float64 of shape (4, 14)"),
        ({"params": np.full((4, 15), 1, dtype=np.int64)}, "expected floats of shape (S, 15), got int64"),
        ({"params": np.full((15,), 0.5)}, "got float64 of shape (15,)"),
        ({"params": np.full((2, 15), np.nan)}, "stroke 0: field 'p0' (column x0): expected a number in [0, 1], got nan"),
        ({"params": None}, "not a strokes .npz: missing array(s) params"),
        ({"format": np.array("pictures")}, "not a strokes .npz: array 'format'"),
        ({"version": np.array(3)}, "written by a newer strokes (file version 3)"),
        ({"version": np.array(1.0)}, "array 'version': expected an integer scalar, got float64"),
        ({"width": np.array(-5)}, "canvas: field 'width': expected an integer from 1 to 100000, got -5"),
        ({"background": np.ones(4)}, "array 'background': expected 3 floats, got float64 of shape (4,)"),
        ({"background": np.zeros((100000,))}, "array 'background'"),
        ({"height": None}, "missing array(s) height"),
    ])
    def test_hostile(self, tmp_path, arrays, words):
        path = self.write(tmp_path, **arrays)
        with pytest.raises(StrokesFileError) as err:
            load(path)
        assert str(err.value).startswith(str(path) + ": ")
        assert words in str(err.value)

    def test_huge_claimed_count_is_refused_before_reading(self, tmp_path):
        # A header claiming 10^9 strokes (120 GB) over a few bytes of data.
        path = tmp_path / "bomb.npz"
        header = np.lib.format.header_data_from_array_1_0(np.zeros((1, 15)))
        header["shape"] = (10 ** 9, 15)
        with zipfile.ZipFile(self.write(tmp_path)) as src, zipfile.ZipFile(path, "w") as dst:
            for name in src.namelist():
                if name != "params.npy":
                    dst.writestr(name, src.read(name))
            import io
            buf = io.BytesIO()
            np.lib.format.write_array_header_1_0(buf, header)
            dst.writestr("params.npy", buf.getvalue() + b"\0" * 120)
        with pytest.raises(StrokesFileError, match="1000000000 strokes is more than the limit of 1000000"):
            load(path)

    @pytest.mark.parametrize("cut", [0.3, 0.9])
    def test_truncated(self, tmp_path, cut):
        save(random_set(300), tmp_path / "a.npz")
        data = (tmp_path / "a.npz").read_bytes()
        (tmp_path / "a.npz").write_bytes(data[:int(len(data) * cut)])
        with pytest.raises(StrokesFileError, match="a.npz"):
            load(tmp_path / "a.npz")

    def test_garbage(self, tmp_path):
        (tmp_path / "a.npz").write_bytes(os.urandom(1000))
        with pytest.raises(StrokesFileError, match=r"not an \.npz \(zip\) archive"):
            load(tmp_path / "a.npz")

    def test_json_inside_npz_name(self, tmp_path):
        save(random_set(3), tmp_path / "a.json")
        os.replace(tmp_path / "a.json", tmp_path / "b.npz")
        with pytest.raises(StrokesFileError, match="not an .npz"):
            load(tmp_path / "b.npz")


class TestPaths:
    def test_unknown_suffix(self, tmp_path):
        with pytest.raises(StrokesFileError, match=r"unknown suffix '\.txt'; a strokes file ends in \.json or \.npz"):
            load(tmp_path / "a.txt")
        with pytest.raises(StrokesFileError, match="unknown suffix"):
            save(random_set(2), tmp_path / "a.png")
        assert not (tmp_path / "a.png").exists()
        with pytest.raises(StrokesFileError, match=r"this looks like an image: `strokes paint` turns an image"):
            load(tmp_path / "photo.JPG")

    def test_missing_file(self, tmp_path):
        with pytest.raises(StrokesFileError, match="nowhere.json: no such file"):
            load(tmp_path / "nowhere.json")

    def test_directory(self, tmp_path):
        (tmp_path / "dir.json").mkdir()
        with pytest.raises(StrokesFileError, match="not a file"):
            load(tmp_path / "dir.json")


class TestSaving:
    @pytest.mark.parametrize("suffix", [".json", ".npz"])
    def test_bad_values_are_refused_and_nothing_is_written(self, tmp_path, suffix):
        path = tmp_path / f"keep{suffix}"
        good = random_set(5)
        save(good, path)
        before = path.read_bytes()
        bad = random_set(5)
        bad.params[3, 14] = np.nan
        with pytest.raises(StrokesFileError, match=r"cannot save .*keep.*: stroke 3: field 'opacity'"):
            save(bad, path)
        assert path.read_bytes() == before                # the old file is untouched
        assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]   # no temporary left

    def test_failure_while_writing_leaves_no_file(self, tmp_path, monkeypatch):
        def explode(*args, **kwargs):
            raise OSError("disk full")
        monkeypatch.setattr(np, "savez_compressed", explode)
        with pytest.raises(OSError, match="disk full"):
            save(random_set(5), tmp_path / "a.npz")
        assert list(tmp_path.iterdir()) == []

    def test_module_level_and_method_agree(self, tmp_path):
        s = random_set(4)
        strokes.save(s, tmp_path / "a.json")
        s.save(tmp_path / "b.json")
        assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_saved_files_get_the_usual_permissions(tmp_path):
    """Atomic writes go through a private temporary file; the result must not stay private (0600)."""
    umask = os.umask(0o022)
    try:
        save(random_set(2), tmp_path / "a.json")
        save(random_set(2), tmp_path / "a.npz")
        assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o644
        assert (tmp_path / "a.npz").stat().st_mode & 0o777 == 0o644
        os.chmod(tmp_path / "a.json", 0o600)                   # a file the user made private stays private
        save(random_set(2), tmp_path / "a.json")
        assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)
