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
import re
import tokenize
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .atomic import atomic_path, write_bytes
from .errors import StrokesFileError
from .layout import COLUMNS, P
from .strokeset import StrokeSet

FORMAT = "strokes"
VERSION = 1
SUFFIXES = (".json", ".npz")
MAX_STROKES = 1_000_000          # more strokes than this is refused before allocating
MAX_CANVAS_SIDE = 100_000        # canvas width and height in pixels
MAX_META_BYTES = 1 << 16         # the notes of a strokes file ("meta": a palette, ...) as JSON text
MAX_JSON_BYTES = 1 << 30         # 1 GiB: far above MAX_STROKES strokes written by save()
# A JSON file may hold at most this much per stroke (its "p0" keys), plus the slack, or it is refused
# before it is parsed: memory follows the strokes, whatever else the file holds.
JSON_BYTES_PER_STROKE = 4096
JSON_CONTAINERS_PER_STROKE = 8   # a stroke in full form is 1 object and 7 lists
JSON_SLACK_BYTES = 1 << 20
JSON_SLACK_CONTAINERS = 4096
_KNOWN_KEYS = {"format", "version", "canvas", "meta", "strokes"}
_SCAN_CHUNK = 1 << 20            # bytes per read of the structure count
_READ_CHUNK = 1 << 20            # characters per read of the parser
_ROWS_PER_CHUNK = 1 << 11        # strokes gathered in a list before they go into the array

# Where each JSON field of a stroke lives in the (S, 15) layout.
FIELDS = {
    "p0": (0, 1), "p1": (2, 3), "p2": (4, 5),
    "width": (6, 7),
    "color": (8, 9, 10, 11, 12, 13),
    "opacity": (14,),
}
_FIELD_OF_COLUMN = {col: name for name, cols in FIELDS.items() for col in cols}


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
    meta = _meta_json(stroke_set.meta, f"cannot save {path}")
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
                    **({"meta": np.array(meta)} if stroke_set.meta else {}))


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
        return _load_json(path, size)
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
    if stroke_set.meta:
        lines.append(f' "meta": {_meta_json(stroke_set.meta, "cannot write strokes")},')
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


def _load_json(path: Path, size: int) -> StrokeSet:
    """Read a JSON strokes file in pieces: memory follows its strokes, not its size or structure."""
    where = str(path)
    containers, strokes = _prescan(path, where)
    if strokes > MAX_STROKES + JSON_SLACK_CONTAINERS:
        raise StrokesFileError(f"{where}: {strokes} \"p0\" keys: more strokes than the limit of {MAX_STROKES}")
    budget_bytes = JSON_SLACK_BYTES + JSON_BYTES_PER_STROKE * strokes
    budget_containers = JSON_SLACK_CONTAINERS + JSON_CONTAINERS_PER_STROKE * strokes
    if size > budget_bytes or containers > budget_containers:
        raise StrokesFileError(
            f"{where}: {size} bytes and {containers} JSON lists/objects for at most {strokes} strokes; a strokes "
            f"file has at most {JSON_BYTES_PER_STROKE} bytes and {JSON_CONTAINERS_PER_STROKE} lists/objects per "
            f"stroke (plus {JSON_SLACK_BYTES} bytes, {JSON_SLACK_CONTAINERS} lists/objects): not a strokes file, "
            "or one with large extra data (refused to keep memory bounded)")
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise StrokesFileError(f"{where}: cannot read: {exc.strerror or exc}") from None
    with fh:
        try:
            return _JsonReader(fh, where).document(strokes)
        except UnicodeDecodeError:
            raise StrokesFileError(f"{where}: not a text file (binary data, not UTF-8 JSON); "
                                   "expected a strokes file") from None
        except OSError as exc:
            raise StrokesFileError(f"{where}: cannot read: {exc.strerror or exc}") from None


def _prescan(path: Path, where: str) -> tuple[int, int]:
    """``(lists and objects, strokes)`` counted on the raw bytes: ``[`` and ``{``, and the ``"p0"`` keys."""
    containers = strokes = 0
    tail = b""
    try:
        with open(path, "rb") as fh:
            first = True
            while chunk := fh.read(_SCAN_CHUNK):
                if first:
                    _check_text(chunk, where)
                    first = False
                containers += chunk.count(b"[") + chunk.count(b"{")
                strokes += chunk.count(b'"p0"') + (tail + chunk[:3]).count(b'"p0"')   # and across the seam
                tail = chunk[-3:]
    except OSError as exc:
        raise StrokesFileError(f"{where}: cannot read: {exc.strerror or exc}") from None
    return containers, strokes


def _check_text(head: bytes, where: str) -> None:
    import codecs
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        raise StrokesFileError(f"{where}: not a text file (binary data, not UTF-8 JSON); "
                               "expected a strokes file") from None


class _Huge(float):
    """An integer of more digits than any field can use, read as a float (``inf`` past 1e308); shown short."""

    def __new__(cls, text: str):
        value = super().__new__(cls, float(text))
        value.text = text
        return value

    def __repr__(self) -> str:
        digits = len(self.text.lstrip("-"))
        return f"{self.text[:12]}... (an integer of {digits} digits)"


def _parse_int(text: str):
    return int(text) if len(text) <= 18 else _Huge(text)


_DECODER = json.JSONDecoder(parse_int=_parse_int)
_SPACE = re.compile(r"[ \t\n\r]*")


class _JsonReader:
    """The top-level object of a strokes file read piece by piece; ``strokes`` streamed into an array."""

    def __init__(self, fh, where: str):
        self.fh, self.where = fh, where
        self.buf, self.pos, self.eof = "", 0, False
        self.lines, self.column = 0, 0         # of the text already dropped from ``buf``

    # -- the document ----------------------------------------------------------------------------
    def document(self, expected_strokes: int) -> StrokeSet:
        if self._peek() == "":
            raise StrokesFileError(f"{self.where}: empty file, expected a strokes file")
        if self._peek() != "{":
            doc = self._value()
            self._end()
            return _from_document(doc, self.where, None)
        self.pos += 1
        doc, params, stroke_error = {}, None, None
        if self._peek() == "}":
            self.pos += 1
        else:
            while True:
                key = self._value()
                if not isinstance(key, str):
                    self._fail("malformed JSON: Expecting property name enclosed in double quotes")
                self._expect(":", "Expecting ':' delimiter")
                if key in doc or (key == "strokes" and params is not None):
                    if key in _KNOWN_KEYS:
                        raise StrokesFileError(f"{self.where}: key {key!r} appears twice")
                if key == "strokes" and self._peek() == "[":
                    params, stroke_error = self._strokes(expected_strokes, doc)
                    doc["strokes"] = []
                else:
                    doc[key] = self._value()
                if self._next_or_close("}"):
                    break
        self._end()
        if stroke_error is not None:
            _header(doc, self.where)                       # a bad header is the first thing to say
            raise stroke_error
        return _from_document(doc, self.where, params)

    def _strokes(self, expected: int, header: dict):
        """The ``strokes`` list as an ``(S, 15)`` array, and the first bad stroke's error (or ``None``)."""
        self.pos += 1                                      # the "["
        out = np.empty((min(max(expected, 1), MAX_STROKES), P))
        rows, n, error = [], 0, None
        if self._peek() == "]":
            self.pos += 1
            return out[:0], None
        while True:
            stroke = self._value()
            if n >= MAX_STROKES:
                raise StrokesFileError(f"{self.where}: field 'strokes': more strokes than the limit of "
                                       f"{MAX_STROKES}")
            if error is None:
                try:
                    rows.append(_stroke_row(stroke, n, self.where))
                except StrokesFileError as exc:
                    if _header_ok(header, self.where):
                        raise
                    error = exc                            # reported after the header, if that is fine
            n += 1
            if len(rows) == _ROWS_PER_CHUNK:
                out = _put(out, n - len(rows), rows)
                rows = []
            if self._next_or_close("]"):
                break
        if error is None and rows:
            out = _put(out, n - len(rows), rows)
        return out[:n], error

    # -- pieces of text --------------------------------------------------------------------------
    def _more(self) -> bool:
        """Read more text (as much again as is held, at least one chunk); ``False`` at the end of the file."""
        if self.eof:
            return False
        chunk = self.fh.read(max(_READ_CHUNK, len(self.buf) - self.pos))
        if not chunk:
            self.eof = True
            return False
        dropped = self.buf[:self.pos]
        newline = dropped.rfind("\n")
        if newline >= 0:
            self.lines += dropped.count("\n")
            self.column = len(dropped) - newline - 1
        else:
            self.column += len(dropped)
        self.buf, self.pos = self.buf[self.pos:] + chunk, 0
        return True

    def _peek(self) -> str:
        while True:
            self.pos = _SPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def _next_or_close(self, close: str) -> bool:
        """Past a ``,`` (``False``: more follows) or ``close`` (``True``: the end of the list or object)."""
        c = self._peek()
        if c in (",", close):
            self.pos += 1
            return c == close
        if c == "":
            self._fail(f"truncated JSON (the file ends too early): Expecting ',' or '{close}'")
        self._fail("malformed JSON: Expecting ',' delimiter")

    def _expect(self, char: str, message: str) -> None:
        c = self._peek()
        if c != char:
            self._fail(f"{'truncated JSON (the file ends too early)' if c == '' else 'malformed JSON'}: {message}")
        self.pos += 1

    def _value(self):
        if self._peek() == "":
            self._fail("truncated JSON (the file ends too early): Expecting value")
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                unterminated = exc.msg.startswith("Unterminated string")
                if (unterminated or exc.pos >= len(self.buf) - 16) and self._more():
                    continue                                  # the value may go on in the next piece
                truncated = unterminated or exc.pos >= len(self.buf.rstrip())
                what = "truncated JSON (the file ends too early)" if truncated else "malformed JSON"
                self._fail(f"{what}: {exc.msg}", exc.pos)
            except RecursionError:
                raise StrokesFileError(f"{self.where}: malformed JSON: nested too deeply") from None
            if end == len(self.buf) and self._more():        # a number may go on in the next piece
                continue
            self.pos = end
            return value

    def _end(self) -> None:
        if self._peek() != "":
            self._fail("malformed JSON: Extra data")

    def _fail(self, message: str, pos: int | None = None):
        pos = self.pos if pos is None else pos
        newline = self.buf.rfind("\n", 0, pos)
        line = self.lines + self.buf.count("\n", 0, pos) + 1
        column = pos - newline if newline >= 0 else self.column + pos + 1
        raise StrokesFileError(f"{self.where}: {message} (line {line}, column {column})")


def _put(out: np.ndarray, first: int, rows: list) -> np.ndarray:
    """Copy ``rows`` into ``out[first:]``, growing ``out`` when the ``"p0"`` count was short."""
    block = np.array(rows, dtype=np.float64).reshape(-1, P)
    if first + len(block) > len(out):
        grown = np.empty((min(max(2 * len(out), first + len(block)), MAX_STROKES), P))
        grown[:first] = out[:first]
        out = grown
    out[first:first + len(block)] = block
    return out


def _header_ok(header: dict, where: str) -> bool:
    """Whether the keys read so far already make a valid strokes header (so a stroke error is the news)."""
    try:
        _header(header, where)
    except StrokesFileError:
        return False
    return True


def _from_document(doc, where: str, params: np.ndarray | None) -> StrokeSet:
    """The StrokeSet of a parsed document; ``params`` are its strokes when they were streamed already."""
    width, height, background = _header(doc, where)
    if params is None:
        strokes = _require(doc, "strokes", list, where, "a JSON list")
        if len(strokes) > MAX_STROKES:
            raise StrokesFileError(f"{where}: field 'strokes': {len(strokes)} strokes is more than the limit "
                                   f"of {MAX_STROKES}")
        rows = [_stroke_row(s, i, where) for i, s in enumerate(strokes)]
        params = np.array(rows, dtype=np.float64).reshape(-1, P)
    _check_values(params, where)
    meta = doc.get("meta", {})
    if not isinstance(meta, dict):
        raise StrokesFileError(f"{where}: field 'meta': expected a JSON object, got {_json_type(meta)}")
    return StrokeSet(params, width=width, height=height, background=background, meta=meta)


def _header(doc, where: str) -> tuple:
    """``(width, height, background)`` of a document, checked; the strokes are not looked at."""
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
    return width, height, background


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
    except (zipfile.BadZipFile, EOFError, NotImplementedError, ValueError, zlib.error):
        raise StrokesFileError(f"{where}: not an .npz (zip) archive, or truncated or damaged") from None
    except OSError as exc:
        raise StrokesFileError(f"{where}: cannot read: {exc.strerror or exc}") from None
    with zf:
        listed = [n[:-4] for n in zf.namelist() if n.endswith(".npy")]
        names = set(listed)
        twice = sorted(n for n in names & _NPZ_KEYS if listed.count(n) > 1)
        if twice:
            raise StrokesFileError(f"{where}: the archive holds array {twice[0]!r} {listed.count(twice[0])} "
                                   "times (ambiguous; refused)")
        missing = sorted(_NPZ_KEYS - names)
        if "format" in missing or "params" in missing:
            raise StrokesFileError(f"{where}: not a strokes .npz: missing array(s) {', '.join(missing)}")
        arrays = {}
        for key in sorted(_NPZ_KEYS & names):
            arrays[key] = _read_npy(zf, key, where)
        meta = _npz_meta(_read_npy(zf, "meta", where), where) if "meta" in names else {}
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
    return StrokeSet(params, width=scalars["width"], height=scalars["height"], background=background, meta=meta)


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
            elif int(np.prod(shape)) * dtype.itemsize > (MAX_META_BYTES * 4 if key == "meta" else 4096):
                raise StrokesFileError(f"{where}: array {key!r}: unexpectedly large {dtype} of shape {shape}")
        with zf.open(key + ".npy") as fh:
            return fmt.read_array(fh, allow_pickle=False)
    except StrokesFileError:
        raise
    except (ValueError, EOFError, OSError, zipfile.BadZipFile, RuntimeError, zlib.error, SyntaxError,
            NotImplementedError, TypeError, tokenize.TokenError) as exc:  # what a damaged zip or header raises
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise StrokesFileError(f"{where}: array {key!r} is damaged or truncated: {reason[:200]}") from None


# -- meta ---------------------------------------------------------------------------------------

def _meta_json(meta: dict, where: str) -> str:
    """The notes of a strokes file as one line of JSON (checked: a dict of JSON values, not too large)."""
    if not isinstance(meta, dict):
        raise StrokesFileError(f"{where}: field 'meta': expected a dict, got {type(meta).__name__}")
    try:
        text = json.dumps(meta, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise StrokesFileError(f"{where}: field 'meta': not JSON-able: {exc}") from None
    if len(text) > MAX_META_BYTES:
        raise StrokesFileError(f"{where}: field 'meta': {len(text)} characters is more than the limit of "
                               f"{MAX_META_BYTES}")
    return text


def _npz_meta(a: np.ndarray, where: str) -> dict:
    if a.dtype.kind != "U" or a.shape != ():
        raise StrokesFileError(f"{where}: array 'meta': expected a JSON string, got {_show_array(a)}")
    try:
        meta = json.loads(str(a))
    except (json.JSONDecodeError, RecursionError):
        raise StrokesFileError(f"{where}: array 'meta': malformed JSON") from None
    if not isinstance(meta, dict):
        raise StrokesFileError(f"{where}: array 'meta': expected a JSON object, got {_json_type(meta)}")
    return meta


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
    if not _is_number(v) or isinstance(v, _Huge):
        raise StrokesFileError(f"{at}: expected a number, got {_show(v)}")
    return float(v)


def _numbers(v, n: int, at: str, expected: str | None = None) -> list:
    if not isinstance(v, list) or len(v) != n or not all(_is_number(x) and type(x) is not _Huge for x in v):
        raise StrokesFileError(f"{at}: expected {expected or f'a list of {n} numbers'}, got {_show(v)}")
    return [float(x) for x in v]


def _json_type(v) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(v), "number")


def _show(v) -> str:
    if isinstance(v, list) and any(isinstance(x, _Huge) for x in v):
        text = "[" + ", ".join(_show(x) for x in v) + "]"
    else:
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
