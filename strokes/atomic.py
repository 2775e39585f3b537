"""Atomic file writes: a failure never leaves a half-written output behind."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path next to ``path``; rename it over ``path`` on success.

    The temporary file keeps the suffix of ``path`` so that writers that pick a
    format by suffix (Pillow, numpy) still do the right thing.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> with atomic_path(os.path.join(d, "a.txt")) as tmp:
    ...     _ = open(tmp, "w").write("hi")
    >>> open(os.path.join(d, "a.txt")).read()
    'hi'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix,
                               dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _final_mode(path))      # mkstemp makes 0600 files; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _final_mode(path: Path) -> int:
    """The mode of the file being replaced, or what a plain ``open(path, "w")`` would give (umask applied)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_bytes(path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def save_image(image, path, **kwargs) -> None:
    """Save a PIL image atomically; the format follows the suffix of ``path``."""
    with atomic_path(path) as tmp:
        image.save(tmp, format=_format_for(path), **kwargs)


def _format_for(path) -> str | None:
    from PIL import Image
    Image.init()
    return Image.EXTENSION.get(Path(path).suffix.lower())
