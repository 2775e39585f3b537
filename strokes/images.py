"""Images in: any picture Pillow reads, as an RGB float tensor.

:func:`load_image` accepts a file path, an open binary file, a PIL image, a
numpy array ``(H, W)`` / ``(H, W, C)`` or a tensor ``(H, W)`` / ``(C, H, W)``
and always returns a ``(3, H, W)`` float32 tensor in [0, 1]:

* grayscale and bilevel images are repeated over the three channels;
* transparency (RGBA, LA, PA, a palette or colour key) is laid over
  ``background``;
* 16-bit images (``I;16`` and friends, 32-bit ``I``) keep their precision
  (scaled by 1/65535); float ``F`` images are read as [0, 1] values;
* palette, CMYK, YCbCr, LAB and HSV images are converted to RGB;
* a photo is turned upright from its EXIF orientation tag;
* only the first frame of an animation is read.

Anything else is one :class:`ImageError` (a ``ValueError``) naming the file:
missing, empty, not an image, truncated or damaged, or larger than
``max_pixels`` — checked from the header, before the pixels are decoded, so a
decompression bomb never gets a chance to fill the memory.

>>> from PIL import Image
>>> load_image(Image.new("LA", (4, 2), (0, 0)), background=(1, 0, 0))[:, 0, 0].tolist()
[1.0, 0.0, 0.0]
"""
from __future__ import annotations

import os
import struct
import zlib
import warnings
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps

from .errors import ImageError

MAX_PIXELS = 50_000_000   # default limit on width x height (a 50-megapixel photo)

_ALPHA_MODES = {"RGBA", "LA", "PA", "RGBa", "La"}
_SIXTEEN_BIT = {"I;16", "I;16L", "I;16B", "I;16N", "I"}


def load_image(source, background=(1.0, 1.0, 1.0), max_pixels: int = MAX_PIXELS,
               max_side: int | None = None) -> torch.Tensor:
    """Any image as a ``(3, H, W)`` float32 tensor in [0, 1] (see the module docstring).

    Args:
        source: path (``str`` / ``Path``), binary file object, ``PIL.Image.Image``,
            numpy array ``(H, W)`` or ``(H, W, C)``, or tensor ``(H, W)`` or
            ``(C, H, W)``, with ``C`` in 1 (gray), 2 (gray + alpha), 3 (RGB), 4 (RGBA).
            Integer arrays are scaled by their type's maximum (255 for uint8,
            65535 for uint16); float arrays must already be in [0, 1].
        background: RGB in [0, 1] under transparent pixels.
        max_pixels: refuse images with more than this many pixels.
        max_side: for files and PIL images, shrink by a whole factor while decoding
            (JPEG draft mode, then ``Image.reduce``), keeping the longest side
            no less than ``max_side``: the memory then follows
            ``max_side``, not the picture. ``None`` or 0 keeps the full size.

    >>> import numpy as np
    >>> load_image(np.full((2, 3), 255, np.uint8)).shape
    torch.Size([3, 2, 3])
    """
    bg = _check_background(background)
    if isinstance(source, (str, os.PathLike)):
        return _from_file(Path(source), bg, max_pixels, max_side)
    if isinstance(source, Image.Image):
        return _from_pil(source, bg, max_pixels, "image", max_side)
    if isinstance(source, torch.Tensor):
        arr = source.detach().cpu()
        if arr.ndim == 3:
            arr = arr.permute(1, 2, 0)
        return _from_array(arr.numpy(), bg, max_pixels, "tensor", layout="(H, W) or (C, H, W)")
    if isinstance(source, np.ndarray):
        return _from_array(source, bg, max_pixels, "array", layout="(H, W) or (H, W, C)")
    if hasattr(source, "read"):
        return _from_file(source, bg, max_pixels, max_side)
    raise ImageError(f"expected an image path, file, PIL image, numpy array or tensor, got {type(source).__name__}")


# -- files and PIL images ---------------------------------------------------------------------

def _from_file(source, bg, max_pixels: int, max_side: int | None = None) -> torch.Tensor:
    name = str(source) if isinstance(source, Path) else str(getattr(source, "name", "<stream>"))
    if isinstance(source, Path):
        if not source.exists():
            raise ImageError(f"{name}: no such file")
        if not source.is_file():
            raise ImageError(f"{name}: not a file")
        if source.stat().st_size == 0:
            raise ImageError(f"{name}: empty file (0 bytes), expected an image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(source)       # reads the header only
    except Image.DecompressionBombError as exc:
        raise ImageError(f"{name}: image too large to load safely ({exc})") from None
    except Image.UnidentifiedImageError:
        raise ImageError(f"{name}: not an image Pillow can read") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageError(f"{name}: cannot read image: {exc}") from None
    with im:
        return _from_pil(im, bg, max_pixels, name, max_side)


def _from_pil(im: Image.Image, bg, max_pixels: int, name: str, max_side: int | None = None) -> torch.Tensor:
    _check_pixels(im.width, im.height, max_pixels, name)
    try:
        factor = max(1, max(im.size) // max_side) if max_side else 1
        if factor > 1 and im.format == "JPEG":
            im.draft(im.mode, (max(1, im.width // factor), max(1, im.height // factor)))  # at 1/2, 1/4, 1/8
            factor = max(1, max(im.size) // max_side)
        im.load()                         # decode now, so damage is reported here
        if factor > 1:
            im = _reduce(im, factor)
        im = ImageOps.exif_transpose(im) or im
    except (OSError, ValueError, SyntaxError, EOFError, struct.error, zlib.error) as exc:
        raise ImageError(f"{name}: truncated or damaged image: {exc}") from None
    return _to_rgb(im, bg, name)


def _reduce(im: Image.Image, factor: int) -> Image.Image:
    """``im`` shrunk ``factor`` times by box averaging (modes ``reduce`` does not take are converted first)."""
    if "transparency" in im.info or im.mode in ("P", "PA"):
        im = im.convert("RGBA")
    elif im.mode.startswith("I;16"):
        im = im.convert("I")
    elif im.mode not in ("L", "LA", "RGB", "RGBA", "I", "F"):
        im = im.convert("RGB")
    info = im.info
    out = im.reduce(factor)
    out.info.update({k: v for k, v in info.items() if k in ("exif",)})
    return out


def _to_rgb(im: Image.Image, bg, name: str) -> torch.Tensor:
    if im.width == 0 or im.height == 0:
        raise ImageError(f"{name}: image of size {im.width}x{im.height} has no pixels")
    mode = im.mode
    if mode in _SIXTEEN_BIT or mode == "F":
        gray = np.asarray(im, dtype=np.float64)
        gray = gray / 65535.0 if mode != "F" else gray
        rgb = np.repeat(np.clip(gray, 0, 1)[..., None], 3, axis=-1)
        return _finish(rgb, None, bg)
    if mode in _ALPHA_MODES or "transparency" in im.info:
        rgba = np.asarray(im.convert("RGBA"), dtype=np.float64) / 255.0
        return _finish(rgba[..., :3], rgba[..., 3:], bg)
    planes = np.ascontiguousarray(np.asarray(im.convert("RGB")).transpose(2, 0, 1))   # (3, H, W) uint8
    if not planes.flags.writeable:                       # a 1 x 1 image: the view was contiguous already
        planes = planes.copy()
    return torch.from_numpy(planes).to(torch.float32).div_(255.0)


# -- arrays -------------------------------------------------------------------------------------

def _from_array(arr: np.ndarray, bg, max_pixels: int, name: str, layout: str) -> torch.Tensor:
    if arr.ndim == 2:
        arr = arr[..., None]
    if arr.ndim != 3 or arr.shape[-1] not in (1, 2, 3, 4):
        shape = tuple(arr.shape) if name == "array" or arr.ndim != 3 else (arr.shape[2], *arr.shape[:2])
        raise ImageError(f"{name}: expected an image of shape {layout} with 1 to 4 channels, got {shape}")
    _check_pixels(arr.shape[1], arr.shape[0], max_pixels, name)
    if arr.dtype == bool:
        values = arr.astype(np.float64)
    elif arr.dtype.kind in "ui":
        top = 255.0 if arr.dtype.itemsize == 1 else float(np.iinfo(arr.dtype).max) if arr.dtype.itemsize == 2 \
            else None
        if top is None:
            raise ImageError(f"{name}: expected uint8, uint16 or float values, got {arr.dtype}")
        values = arr.astype(np.float64) / top
    elif arr.dtype.kind == "f":
        values = arr.astype(np.float64)
        finite = np.isfinite(values)
        if not finite.all():
            raise ImageError(f"{name}: expected float values in [0, 1], got NaN or inf")
        if values.size and (values.min() < 0 or values.max() > 1):
            raise ImageError(f"{name}: expected float values in [0, 1], got values from "
                             f"{values.min():g} to {values.max():g}")
    else:
        raise ImageError(f"{name}: expected uint8, uint16 or float values, got {arr.dtype}")
    values = np.clip(values, 0, 1)
    channels = values.shape[-1]
    if channels in (1, 2):
        rgb = np.repeat(values[..., :1], 3, axis=-1)
    else:
        rgb = values[..., :3]
    alpha = values[..., -1:] if channels in (2, 4) else None
    return _finish(rgb, alpha, bg)


# -- helpers ------------------------------------------------------------------------------------

def _finish(rgb: np.ndarray, alpha, bg) -> torch.Tensor:
    """``(H, W, 3)`` colours (and ``(H, W, 1)`` alpha) to a ``(3, H, W)`` float32 tensor."""
    if alpha is not None:
        rgb = rgb * alpha + np.asarray(bg, dtype=np.float64) * (1.0 - alpha)
    out = torch.from_numpy(np.ascontiguousarray(rgb.transpose(2, 0, 1), dtype=np.float32))
    return out.clamp_(0, 1)


def _check_pixels(width: int, height: int, max_pixels: int, name: str) -> None:
    if width * height > max_pixels:
        raise ImageError(f"{name}: image of {width}x{height} = {width * height} pixels is larger than the "
                         f"limit of {max_pixels} pixels (max_pixels)")


def _check_background(background) -> tuple:
    try:
        bg = tuple(float(c) for c in background)
    except (TypeError, ValueError):
        bg = ()
    if len(bg) != 3 or not all(0.0 <= c <= 1.0 for c in bg):
        raise ValueError(f"expected background as 3 numbers in [0, 1], got {background!r}")
    return bg


__all__ = ["load_image", "ImageError", "MAX_PIXELS"]
