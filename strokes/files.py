"""Strokes files: a readable JSON form and a compact ``.npz`` form.

:func:`save` and :func:`load` pick the form by suffix (``.json`` or ``.npz``).
Round trips are exact: JSON floats are written with ``repr`` precision and
``.npz`` keeps the float64 array. Loading checks everything and any problem is
one :class:`StrokesFileError` (a ``ValueError``) naming the file, the stroke
and the field, e.g. ``still.json: stroke 12: field 'opacity': expected a
number in [0, 1], got nan``. Saving checks the same rules first, so a file
that :func:`save` writes always loads. See ``docs/file-format.md``.

>>> import os, tempfile
>>> from strokes.strokeset import StrokeSet
>>> s = StrokeSet([[.1, .2, .2, .25, .3, .2, .02, .01, .9, .1, .1, .8, .2, .1, .9]], width=640, height=400)
>>> path = os.path.join(tempfile.mkdtemp(), "still.json")
>>> save(s, path)
>>> load(path) == s
True
"""
from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import numpy as np

from .atomic import atomic_path, write_bytes
from .layout import COLUMNS, P
from .strokeset import StrokeSet

FORMAT = "strokes"
VERSION = 1
SUFFIXES = (".json", ".npz")
MAX_STROKES = 1_000_000          # more strokes than this is refused before allocating
MAX_CANVAS_SIDE = 100_000        # canvas width and height in pixels
MAX_JSON_BYTES = 1 << 30         # 1 GiB: far above MAX_STROKES strokes written by save()

# Where each JSON field of a stroke lives in the (S, 15) layout.
FIELDS = {
    "p0": (0, 1), "p1": (2, 3), "p2": (4, 5),
    "width": (6, 7),
    "color": (8, 9, 10, 11, 12, 13),
    "opacity": (14,),
}
_FIELD_OF_COLUMN = {col: name for name, cols in FIELDS.items() for col in cols}


class StrokesFileError(ValueError):
    """A strokes file that cannot be read or written; the message names the file, stroke and field."""


# -- public API ---------------------------------------------------------------------------------

def save(stroke_set: StrokeSet, path) -> None:
    """Write ``stroke_set`` to ``path`` (``.json`` or ``.npz``), atomically.

    The strokes are checked first with the same rules :func:`load` applies, so
    nothing is written that could not be read back.
    """
    path = Path(path)
    suffix = _suffix(path)
    _check_values(stroke_set.params, f"cannot save {path}")
    _check_canvas_numbers(stroke_set.width, stroke_set.height, stroke_set.background, f"cannot save {path}")
    if suffix == ".json":
        write_bytes(path, to_json(stroke_set).encode("utf-8"))
    else:
        with atomic_path(path) as tmp:
            with open(tmp, "wb") as fh:
                np.savez_compressed(
                    fh, format=np.array(FORMAT), version=np.array(VERSION, dtype=np.int64),
                    width=np.array(stroke_set.width, dtype=np.int64),
                    height=np.array(stroke_set.height, dtype=np.int64),
                    background=np.array(stroke_set.background, dtype=np.float64),
                    params=np.ascontiguousarray(stroke_set.params, dtype=np.float64),
                    metadata=np.array(json.dumps(stroke_set.metadata, allow_nan=False, sort_keys=True)))


def load(path) -> StrokeSet:
    """Read a strokes file written by :func:`save` (or by hand, for JSON); see ``docs/file-format.md``.

    Raises:
        StrokesFileError: the file is missing, unreadable, of an unknown suffix,
            not a strokes file, from a newer version, or holds a bad value.
    """
    path = Path(path)
    suffix = _suffix(path)
    if not path.is_file():
        raise StrokesFileError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise StrokesFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if size == 0:
        raise StrokesFileError(f"{path}: empty file, expected a strokes file")
    if suffix == ".json":
        if size > MAX_JSON_BYTES:
            raise StrokesFileError(f"{path}: file of {size} bytes is larger than the limit of {MAX_JSON_BYTES}")
        return _load_json(path)
    return _load_npz(path)


def to_json(stroke_set: StrokeSet) -> str:
    """The JSON text of a strokes file: a header, then one stroke per line.

    >>> s = StrokeSet([[0, 0, .5, .5, 1, 1, .1, .1, 1, 0, 0, 1, 0, 0, 1]], width=4, height=3)
    >>> print(to_json(s))  # doctest: +NORMALIZE_WHITESPACE
    {"format": "strokes", "version": 1,
     "canvas": {"width": 4, "height": 3, "background": [1.0, 1.0, 1.0]},
     "strokes": [
      {"p0": [0.0, 0.0], "p1": [0.5, 0.5], "p2": [1.0, 1.0], "width": [0.1, 0.1], "color": [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]], "opacity": 1.0}
     ]}
    """
    canvas = {"width": stroke_set.width, "height": stroke_set.height,
              "background": [float(c) for c in stroke_set.background]}
    lines = [f'{{"format": "{FORMAT}", "version": {VERSION},',
             f' "canvas": {json.dumps(canvas, allow_nan=False)},']
    if stroke_set.metadata:
        lines.append(f' "metadata": {json.dumps(stroke_set.metadata, allow_nan=False, sort_keys=True)},')
    rows = [_stroke_json(row) for row in stroke_set.params.tolist()]
    if rows:
        lines.append(' "strokes": [')
        lines.append(",\n".join(rows))
        lines.append(" ]}")
    else:
        lines.append(' "strokes": []}')
    return "\n".join(lines) + "\n"


# -- JSON ---------------------------------------------------------------------------------------

_STROKE_LINE = ('  {"p0": [%r, %r], "p1": [%r, %r], "p2": [%r, %r], "width": [%r, %r], '
                '"color": [[%r, %r, %r], [%r, %r, %r]], "opacity": %r}')


def _stroke_json(r: list) -> str:
    """One stroke as a line of JSON; ``repr`` of a float is the shortest text that reads back exactly."""
    return _STROKE_LINE % tuple(r)


def _load_json(path: Path) -> StrokeSet:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StrokesFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StrokesFileError(f"{path}: not a text file (binary data, not UTF-8 JSON); "
                               "expected a strokes file") from None
    if not text.strip():
        raise StrokesFileError(f"{path}: empty file, expected a strokes file")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        truncated = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        what = "truncated JSON (the file ends too early)" if truncated else "malformed JSON"
        raise StrokesFileError(f"{path}: {what}: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise StrokesFileError(f"{path}: malformed JSON: nested too deeply") from None
    return _from_document(doc, path)


def _from_document(doc, path: Path) -> StrokeSet:
    where = str(path)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        got = f"a JSON {_json_type(doc)}" if not isinstance(doc, dict) else \
            f"'format': {_show(doc['format'])}" if "format" in doc else "no 'format' key"
        raise StrokesFileError(f"{where}: not a strokes file: expected a JSON object with "
                               f"\"format\": \"{FORMAT}\", got {got}")
    _check_version(doc.get("version", _MISSING), where)
    canvas = _require(doc, "canvas", dict, where, "a JSON object")
    width = _int_field(canvas, "width", f"{where}: canvas")
    height = _int_field(canvas, "height", f"{where}: canvas")
    background = canvas.get("background", [1.0, 1.0, 1.0])
    background = _numbers(background, 3, f"{where}: canvas: field 'background'")
    _check_canvas_numbers(width, height, background, where)
    strokes = _require(doc, "strokes", list, where, "a JSON list")
    if len(strokes) > MAX_STROKES:
        raise StrokesFileError(f"{where}: field 'strokes': {len(strokes)} strokes is more than the limit "
                               f"of {MAX_STROKES}")
    rows = [_stroke_row(s, i, where) for i, s in enumerate(strokes)]
    params = np.array(rows, dtype=np.float64).reshape(-1, P)
    _check_values(params, where)
    metadata = doc.get("metadata", {})
    if not isinstance(metadata, dict):
        raise StrokesFileError(f"{where}: field 'metadata': expected a JSON object, got {_json_type(metadata)}")
    return StrokeSet(params, width=width, height=height, background=background, metadata=metadata)


_NUMBER_TYPES = {int, float}
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"}


def _stroke_row(stroke, i: int, where: str) -> list:
    """The 15 numbers of one JSON stroke; a fast path for the full form, then careful checks."""
    try:
        p0, p1, p2 = stroke["p0"], stroke["p1"], stroke["p2"]
        width, color, opacity = stroke["width"], stroke["color"], stroke["opacity"]
        if (type(p0) is list and type(p1) is list and type(p2) is list and type(width) is list
                and type(color) is list and len(p0) == len(p1) == len(p2) == len(width) == len(color) == 2
                and type(color[0]) is list and type(color[1]) is list and len(color[0]) == len(color[1]) == 3):
            row = [*p0, *p1, *p2, *width, *color[0], *color[1], opacity]
            if set(map(type, row)) <= _NUMBER_TYPES:
                return row
    except (TypeError, KeyError):
        pass
    return _checked_stroke_row(stroke, i, where)


def _checked_stroke_row(stroke, i: int, where: str) -> list:
    at = f"{where}: stroke {i}"
    if not isinstance(stroke, dict):
        raise StrokesFileError(f"{at}: expected a JSON object, got {_json_type(stroke)}")
    row = []
    for name in ("p0", "p1", "p2"):
        row += _numbers(_field(stroke, name, at), 2, f"{at}: field {name!r}")
    width = _field(stroke, "width", at)
    row += [_number(width, f"{at}: field 'width'")] * 2 if _is_number(width) else \
        _numbers(width, 2, f"{at}: field 'width'", "a number or [start, end]")
    color = _field(stroke, "color", at)
    if isinstance(color, list) and len(color) == 3 and all(_is_number(c) for c in color):
        row += _numbers(color, 3, f"{at}: field 'color'") * 2          # one colour for both ends
    elif isinstance(color, list) and len(color) == 2:
        row += _numbers(color[0], 3, f"{at}: field 'color' (start)", "[r, g, b]")
        row += _numbers(color[1], 3, f"{at}: field 'color' (end)", "[r, g, b]")
    else:
        raise StrokesFileError(f"{at}: field 'color': expected [r, g, b] or [[r, g, b], [r, g, b]], "
                               f"got {_show(color)}")
    row.append(_number(_field(stroke, "opacity", at), f"{at}: field 'opacity'"))
    return row


def _check_version(version, where: str) -> None:
    if version is _MISSING:
        raise StrokesFileError(f"{where}: missing key 'version'")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise StrokesFileError(f"{where}: field 'version': expected a positive integer, got {_show(version)}")
    if version > VERSION:
        raise StrokesFileError(f"{where}: written by a newer strokes (file version {version}); this version "
                               f"reads files up to version {VERSION} - upgrade strokes to read it")


# -- npz ----------------------------------------------------------------------------------------

_NPZ_KEYS = {"format", "version", "width", "height", "background", "params"}


def _load_npz(path: Path) -> StrokeSet:
    where = str(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError):
        raise StrokesFileError(f"{where}: not an .npz (zip) archive, or truncated") from None
    except OSError as exc:
        raise StrokesFileError(f"{where}: cannot read: {exc.strerror or exc}") from None
    with zf:
        names = {n[:-4] for n in zf.namelist() if n.endswith(".npy")}
        missing = sorted(_NPZ_KEYS - names)
        if "format" in missing or "params" in missing:
            raise StrokesFileError(f"{where}: not a strokes .npz: missing array(s) {', '.join(missing)}")
        arrays = {}
        for key in sorted(_NPZ_KEYS & names):
            arrays[key] = _read_npy(zf, key, where)
        if "metadata" in names:
            arrays["metadata"] = _read_npy(zf, "metadata", where)
    fmt = arrays["format"]
    if fmt.dtype.kind != "U" or fmt.shape != () or str(fmt) != FORMAT:
        raise StrokesFileError(f"{where}: not a strokes .npz: array 'format' is {_show_array(fmt)}, "
                               f"expected {FORMAT!r}")
    if missing:
        raise StrokesFileError(f"{where}: missing array(s) {', '.join(missing)}")
    scalars = {}
    for key in ("version", "width", "height"):
        a = arrays[key]
        if a.shape != () or a.dtype.kind not in "iu":
            raise StrokesFileError(f"{where}: array {key!r}: expected an integer scalar, got {_show_array(a)}")
        scalars[key] = int(a)
    _check_version(scalars["version"], where)
    bg = arrays["background"]
    if bg.shape != (3,) or bg.dtype.kind != "f":
        raise StrokesFileError(f"{where}: array 'background': expected 3 floats, got {_show_array(bg)}")
    background = [float(c) for c in bg]
    _check_canvas_numbers(scalars["width"], scalars["height"], background, where)
    params = np.ascontiguousarray(arrays["params"], dtype=np.float64)
    _check_values(params, where)
    metadata = {}
    if "metadata" in arrays:
        m = arrays["metadata"]
        try:
            metadata = json.loads(str(m)) if m.dtype.kind == "U" and m.shape == () else None
        except json.JSONDecodeError:
            metadata = None
        if not isinstance(metadata, dict):
            raise StrokesFileError(f"{where}: array 'metadata': expected a JSON object as text, got {_show_array(m)}")
    return StrokeSet(params, width=scalars["width"], height=scalars["height"], background=background,
                     metadata=metadata)


def _read_npy(zf: zipfile.ZipFile, key: str, where: str) -> np.ndarray:
    """One array of the archive, its header checked before its data is read (no pickles, sane shapes)."""
    fmt = np.lib.format
    try:
        with zf.open(key + ".npy") as fh:
            version = fmt.read_magic(fh)
            if version == (1, 0):
                shape, fortran, dtype = fmt.read_array_header_1_0(fh)
            elif version == (2, 0):
                shape, fortran, dtype = fmt.read_array_header_2_0(fh)
            else:
                raise ValueError(f"unsupported .npy version {version}")
            if dtype.hasobject:
                raise StrokesFileError(f"{where}: array {key!r} holds Python objects (a pickle); "
                                       "refusing to load it")
            if key == "params":
                if len(shape) != 2 or shape[1] != P or dtype.kind != "f":
                    raise StrokesFileError(f"{where}: array 'params': expected floats of shape (S, {P}), "
                                           f"got {dtype} of shape {shape}")
                if shape[0] > MAX_STROKES:
                    raise StrokesFileError(f"{where}: array 'params': {shape[0]} strokes is more than the "
                                           f"limit of {MAX_STROKES}")
            elif int(np.prod(shape)) * dtype.itemsize > (1 << 20 if key == "metadata" else 4096):
                raise StrokesFileError(f"{where}: array {key!r}: unexpectedly large {dtype} of shape {shape}")
        with zf.open(key + ".npy") as fh:
            return fmt.read_array(fh, allow_pickle=False)
    except StrokesFileError:
        raise
    except (ValueError, EOFError, OSError, zipfile.BadZipFile, RuntimeError) as exc:
        raise StrokesFileError(f"{where}: array {key!r} is damaged or truncated: {exc}") from None


# -- checks -------------------------------------------------------------------------------------

_MISSING = object()


def _check_values(params: np.ndarray, where: str) -> None:
    """Every value finite and in [0, 1]; names the first bad stroke, field and value."""
    if params.ndim != 2 or params.shape[1] != P:
        raise StrokesFileError(f"{where}: expected strokes of shape (S, {P}), got {params.shape}")
    if params.shape[0] > MAX_STROKES:
        raise StrokesFileError(f"{where}: {params.shape[0]} strokes is more than the limit of {MAX_STROKES}")
    bad = ~((params >= 0.0) & (params <= 1.0))          # NaN compares false, so it is bad too
    if bad.any():
        i, col = (int(v) for v in np.argwhere(bad)[0])
        field = _FIELD_OF_COLUMN[col]
        column = "" if field == COLUMNS[col] else f" (column {COLUMNS[col]})"
        raise StrokesFileError(f"{where}: stroke {i}: field {field!r}{column}: "
                               f"expected a number in [0, 1], got {float(params[i, col])!r}")


def _check_canvas_numbers(width, height, background, where: str) -> None:
    for name, value in (("width", width), ("height", height)):
        if not 1 <= value <= MAX_CANVAS_SIDE:
            raise StrokesFileError(f"{where}: canvas: field {name!r}: expected an integer from 1 to "
                                   f"{MAX_CANVAS_SIDE}, got {value!r}")
    for c in background:
        if not 0.0 <= c <= 1.0:
            raise StrokesFileError(f"{where}: canvas: field 'background': expected 3 numbers in [0, 1], "
                                   f"got {[float(v) for v in background]}")


def _field(obj: dict, key: str, at: str):
    if key not in obj:
        raise StrokesFileError(f"{at}: missing key {key!r}")
    return obj[key]


def _require(obj: dict, key: str, kind: type, at: str, expected: str):
    value = _field(obj, key, at)
    if not isinstance(value, kind):
        raise StrokesFileError(f"{at}: field {key!r}: expected {expected}, got {_json_type(value)}")
    return value


def _int_field(obj: dict, key: str, at: str) -> int:
    value = _field(obj, key, at)
    if _is_number(value) and math.isfinite(value) and float(value).is_integer():
        return int(value)
    raise StrokesFileError(f"{at}: field {key!r}: expected a positive integer, got {_show(value)}")


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _number(v, at: str) -> float:
    if not _is_number(v):
        raise StrokesFileError(f"{at}: expected a number, got {_show(v)}")
    return float(v)


def _numbers(v, n: int, at: str, expected: str | None = None) -> list:
    if not isinstance(v, list) or len(v) != n or not all(_is_number(x) for x in v):
        raise StrokesFileError(f"{at}: expected {expected or f'a list of {n} numbers'}, got {_show(v)}")
    return [float(x) for x in v]


def _json_type(v) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(v), "number")


def _show(v) -> str:
    text = json.dumps(v) if not isinstance(v, float) else repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _show_array(a: np.ndarray) -> str:
    return f"{a.dtype} of shape {a.shape}"


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        hint = " (this looks like an image: `strokes paint` turns an image into strokes)" \
            if suffix in _IMAGE_SUFFIXES else ""
        raise StrokesFileError(f"{path}: unknown suffix {path.suffix!r}; a strokes file ends in "
                               f"{' or '.join(SUFFIXES)}{hint}")
    return suffix


__all__ = ["save", "load", "to_json", "StrokesFileError", "FORMAT", "VERSION", "MAX_STROKES",
           "MAX_CANVAS_SIDE"]
