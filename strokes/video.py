"""Writing animations frame by frame: GIF, animated PNG, animated WebP and MP4.

Every writer takes an iterator of ``(frame, duration_ms)`` pairs (RGB PIL
images of one size) and consumes it one frame at a time, so memory stays flat
however many frames there are. Pillow's own multi-frame GIF and APNG writers
keep every frame until the end; here each frame is encoded and written as soon
as it arrives, and only what changed since the previous frame is stored:

* GIF: the changed rectangle, quantized to its own 255-colour palette, with
  unchanged pixels transparent (so nothing flickers);
* APNG: the changed rectangle, drawn over the previous frame;
* WebP: frames are handed one by one to libwebp's animation encoder (through
  Pillow), which keeps only compressed frames;
* MP4 (H.264): frames are piped to the ``ffmpeg`` that ``imageio-ffmpeg``
  carries (optional: ``pip install 'strokes[video]'``).
"""
from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import numpy as np
from PIL import GifImagePlugin, Image

from .errors import StrokesError

FORMATS = {".gif": "GIF", ".png": "APNG", ".apng": "APNG", ".webp": "WebP", ".mp4": "MP4"}

Frames = Iterable[tuple[Image.Image, float]]


class MissingVideoDependency(StrokesError, RuntimeError):
    """MP4 output asked for without the optional video dependency."""


def check_mp4_support():
    """The ``imageio_ffmpeg`` module, or a clear error saying how to install it."""
    try:
        import imageio_ffmpeg
        imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise MissingVideoDependency(
            "MP4 output needs the optional video dependency, which carries its own ffmpeg encoder: "
            "pip install 'strokes[video]' (or pip install imageio-ffmpeg); "
            f"GIF, WebP and APNG need nothing more ({type(exc).__name__}: {exc})") from None
    return imageio_ffmpeg


def changed_box(now: np.ndarray, before: np.ndarray | None):
    """``(left, top, right, bottom)`` around the pixels that differ, and the ``(H, W)`` change mask.

    ``None`` before means everything changed; no change gives a 1x1 box at the origin.
    """
    H, W = now.shape[:2]
    if before is None:
        return (0, 0, W, H), None
    diff = np.any(now != before, axis=2)
    rows, cols = np.flatnonzero(diff.any(1)), np.flatnonzero(diff.any(0))
    if rows.size == 0:
        return (0, 0, 1, 1), diff
    return (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1), diff


# -- GIF ----------------------------------------------------------------------------------------

def write_gif(fp: BinaryIO, frames: Frames, loop: int = 0) -> int:
    """Write frames as an animated GIF to an open binary file; returns the frame count."""
    before = None
    shown_cs = 0.0
    written_cs = 0
    count = 0
    for image, duration_ms in frames:
        now = np.asarray(image.convert("RGB"))
        if before is None:
            H, W = now.shape[:2]
            fp.write(b"GIF89a" + struct.pack("<HHBBB", W, H, 0, 0, 0))      # no global colour table
            fp.write(b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", loop) + b"\x00")
        # GIF delays are centiseconds: round the running time, not each frame.
        shown_cs += duration_ms / 10
        delay = round(shown_cs) - written_cs
        written_cs += delay
        (x0, y0, x1, y1), diff = changed_box(now, before)
        crop = Image.fromarray(now[y0:y1, x0:x1])
        quantized = crop.quantize(colors=255, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.FLOYDSTEINBERG)
        palette = (quantized.getpalette() or [])[:765]
        index = np.asarray(quantized).copy()
        params = {"duration": delay * 10, "disposal": 1, "include_color_table": True}
        if diff is not None:
            index[~diff[y0:y1, x0:x1]] = 255                                  # unchanged: keep what is shown
            params["transparency"] = 255
        frame = Image.fromarray(index)
        frame.putpalette(palette + [0] * (768 - len(palette)))
        fp.writelines(GifImagePlugin.getdata(frame, offset=(x0, y0), **params))
        before = now
        count += 1
    if count == 0:
        raise ValueError("no frames to write")
    fp.write(b";")
    return count


# -- APNG ---------------------------------------------------------------------------------------

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png_chunks(image: Image.Image, compress_level: int) -> Iterator[tuple[bytes, bytes]]:
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=compress_level)
    data = buf.getvalue()
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        yield data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length


def write_apng(fp: BinaryIO, frames: Frames, n_frames: int, loop: int = 0, compress_level: int = 6) -> int:
    """Write exactly ``n_frames`` frames as an animated PNG to an open binary file; returns the count.

    The frame count goes in the header (``acTL``), before the frames.
    """
    fp.write(b"\x89PNG\r\n\x1a\n")
    before = None
    sequence = 0
    count = 0
    for image, duration_ms in frames:
        if count == n_frames:
            raise ValueError(f"expected {n_frames} frames, got more")
        now = np.asarray(image.convert("RGB"))
        (x0, y0, x1, y1), _ = changed_box(now, before)
        chunks = list(_png_chunks(Image.fromarray(now[y0:y1, x0:x1]), compress_level))
        if before is None:
            fp.write(_chunk(b"IHDR", dict(chunks)[b"IHDR"]))
            fp.write(_chunk(b"acTL", struct.pack(">II", n_frames, loop)))
        # Frame control: size, offset, delay in ms, keep the previous frame, draw over it.
        fp.write(_chunk(b"fcTL", struct.pack(">IIIIIHHBB", sequence, x1 - x0, y1 - y0, x0, y0,
                                             min(65535, round(duration_ms)), 1000, 0, 0)))
        sequence += 1
        for kind, data in chunks:
            if kind != b"IDAT":
                continue
            if before is None:                       # the first frame is the default image
                fp.write(_chunk(b"IDAT", data))
            else:
                fp.write(_chunk(b"fdAT", struct.pack(">I", sequence) + data))
                sequence += 1
        before = now
        count += 1
    if count != n_frames:
        raise ValueError(f"expected {n_frames} frames, got {count}")
    fp.write(_chunk(b"IEND", b""))
    return count


# -- WebP ---------------------------------------------------------------------------------------

class _FrameStream(Image.Image):
    """A multi-frame image whose frames arrive one at a time as Pillow seeks through it.

    Pillow's WebP writer walks ``seek(0) .. seek(n_frames - 1)`` and encodes each
    frame as it goes, so only the current frame is held here.
    """

    def __init__(self, frames: Iterator[Image.Image], n_frames: int):
        super().__init__()
        self._frames = frames
        first = next(frames).convert("RGB")
        self._mode, self._size = first.mode, first.size
        self.im = first.im
        self.n_frames = n_frames
        self.is_animated = n_frames > 1
        self._index = 0

    def seek(self, frame: int) -> None:
        if frame == self._index + 1:
            self.im = next(self._frames).convert("RGB").im
            self._index = frame
        elif frame != self._index and frame != 0:    # Pillow seeks back to 0 when done
            raise EOFError(f"frames can only be read in order, asked for {frame} after {self._index}")

    def tell(self) -> int:
        return self._index


def write_webp(fp: BinaryIO, frames: Frames, n_frames: int, loop: int = 0, quality: int = 90) -> int:
    """Write exactly ``n_frames`` frames as an animated WebP to an open binary file; returns the count."""
    durations = []

    def images():
        for image, duration_ms in frames:
            durations.append(duration_ms)
            yield image
    stream = _FrameStream(images(), n_frames)
    stream.save(fp, "WEBP", save_all=True, duration=_DurationList(durations), loop=loop, quality=quality, method=4)
    if len(durations) != n_frames:
        raise ValueError(f"expected {n_frames} frames, got {len(durations)}")
    return n_frames


class _DurationList(list):
    """Durations read by index as the frames arrive (the list grows while Pillow reads it)."""

    def __init__(self, grown: list):
        super().__init__()
        self._grown = grown

    def __getitem__(self, i):
        return self._grown[i]

    def __len__(self):
        return len(self._grown)


# -- MP4 ----------------------------------------------------------------------------------------

def write_mp4(path, frames: Frames, fps: float, quality: float = 8) -> int:
    """Encode frames as H.264 MP4 at ``fps``; a frame lasting k frame-times is repeated k times.

    Needs ``imageio-ffmpeg`` (see :func:`check_mp4_support`). Odd sizes are padded
    by one repeated edge pixel (H.264 in yuv420p needs even sizes).
    """
    imageio_ffmpeg = check_mp4_support()
    writer = None
    shown = 0.0
    sent = 0
    count = 0
    try:
        for image, duration_ms in frames:
            now = np.asarray(image.convert("RGB"))
            H, W = now.shape[:2]
            now = np.pad(now, ((0, H % 2), (0, W % 2), (0, 0)), mode="edge")
            if writer is None:
                writer = imageio_ffmpeg.write_frames(
                    str(path), (now.shape[1], now.shape[0]), fps=fps, codec="libx264", quality=quality,
                    pix_fmt_in="rgb24", pix_fmt_out="yuv420p", macro_block_size=2,
                    output_params=["-movflags", "+faststart"], ffmpeg_log_level="error")
                writer.send(None)
            shown += duration_ms * fps / 1000
            repeat = max(1, round(shown) - sent)
            data = np.ascontiguousarray(now).tobytes()
            for _ in range(repeat):
                writer.send(data)
            sent += repeat
            count += 1
    finally:
        if writer is not None:
            writer.close()
    if count == 0:
        raise ValueError("no frames to write")
    return count
