"""Atomic file writes: a failure never leaves a half-written output behind.

An output is written to a hidden temporary file next to it, then renamed over
it. The temporary file's name carries the writer's process id
(``.NAME.tmp-PID-RANDOM.SUFFIX``): it is removed on every exit path Python sees
(errors, SIGINT, and SIGTERM under the ``strokes`` command), and one left by a
killed process (SIGKILL, power loss) is removed by the next write into the
same folder, once no process of that id is running.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
from pathlib import Path

from .errors import OutputError

_TEMP = re.compile(r"^\..+\.tmp-(\d+)-[0-9a-f]{8}(\.[^.]*)?$")


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path next to ``path``; rename it over ``path`` on success.

    The temporary file keeps the suffix of ``path`` so that writers that pick a
    format by suffix (Pillow, numpy) still do the right thing. An ``OSError``
    while writing (full disk, read-only folder) becomes an :class:`OutputError`
    naming ``path``.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> with atomic_path(os.path.join(d, "a.txt")) as tmp:
    ...     _ = open(tmp, "w").write("hi")
    >>> open(os.path.join(d, "a.txt")).read(), os.listdir(d)
    ('hi', ['a.txt'])
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path.parent)
    except OSError as exc:
        raise _output_error(path, exc) from None
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}{path.suffix}"
    created = False
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        created = True                        # before the next call: a signal is handled only at a call
        os.close(fd)
        yield tmp
        os.chmod(tmp, _final_mode(path))      # the temporary file is 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException as exc:
        if created:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise _output_error(path, exc) from exc
        raise


def remove_stale_temporaries(folder) -> list[Path]:
    """Remove the temporary files of :func:`atomic_path` left in ``folder`` by processes no longer running.

    Returns the removed paths. Files of running processes (other writers) are left alone.
    """
    removed = []
    try:
        entries = os.scandir(folder)
    except OSError:
        return removed
    with entries:
        for entry in entries:
            match = _TEMP.match(entry.name)
            if match and not pid_alive(int(match.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a process of another user counts)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _output_error(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    hint = {errno.ENOSPC: " (the disk is full)", errno.EDQUOT: " (disk quota exceeded)",
            errno.EROFS: " (read-only file system)", errno.EACCES: " (no permission to write there)"}
    error = OutputError(f"cannot write {path}: {reason}{hint.get(exc.errno, '')}")
    error.errno, error.filename = exc.errno, str(path)
    return error


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
