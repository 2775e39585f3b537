"""Output-folder locks: one run at a time writes into a folder.

:func:`folder_lock` holds ``FOLDER/.strokes.lock`` (advisory: it stops other
``strokes`` runs, not other programs) for as long as a command writes into the
folder. The lock file holds the owner's process id, host, command and start
time. A second run into the same folder gets a :class:`FolderLockedError`
naming the run that holds it; a lock left by a process that no longer runs
(killed with SIGKILL, a crash) is taken over, and ``on_stale`` is told.

>>> import tempfile
>>> d = tempfile.mkdtemp()
>>> with folder_lock(d, "strokes paint"):
...     try:
...         with folder_lock(d, "strokes paint"):
...             pass
...     except FolderLockedError as exc:
...         print(str(exc).split(":")[0].endswith("in use by another run"))
True
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from pathlib import Path
from typing import Callable

from .atomic import pid_alive
from .errors import FolderLockedError, OutputError

LOCK_NAME = ".strokes.lock"


@contextlib.contextmanager
def folder_lock(folder, command: str, on_stale: Callable[[str], None] | None = None):
    """Hold the lock of ``folder`` (created if missing, removed again if left empty) while the ``with`` body runs.

    Raises:
        FolderLockedError: another running process holds it.
        OutputError: the folder cannot be created or written.
    """
    folder = Path(folder)
    lock = folder / LOCK_NAME
    made = [p for p in (folder, *folder.parents) if not p.exists()]   # removed again if left empty
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    mine = {"pid": os.getpid(), "host": socket.gethostname(), "command": command,
            "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    for _ in range(3):                      # a stale lock is removed, then the race to create it again
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            owner = read_lock(lock)
            if owner is not None and not _stale(owner):
                raise FolderLockedError(
                    f"{folder} is in use by another run: {owner.get('command', 'strokes')} "
                    f"(pid {owner.get('pid')} on {owner.get('host')}, started {owner.get('started')}); "
                    f"wait for it to finish, or choose another output folder") from None
            if owner is None and _age(lock) < 5.0:
                time.sleep(0.2)              # being written by its owner this very moment
                continue
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock)
            if on_stale is not None:
                who = f"pid {owner.get('pid')}, {owner.get('command')}" if owner else "unreadable"
                on_stale(f"{folder}: took over the lock of a run that no longer runs ({who})")
            continue
        except OSError as exc:
            raise OutputError(f"cannot write into {folder}: {exc.strerror or exc}") from None
        with os.fdopen(fd, "w") as fh:
            json.dump(mine, fh)
        break
    else:
        raise FolderLockedError(f"{folder}: cannot take its lock {lock} (another run keeps taking it)")
    try:
        yield lock
    finally:
        if (read_lock(lock) or {}).get("pid") == mine["pid"]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock)
        for path in made:                      # a run that wrote nothing leaves no folder behind
            try:
                path.rmdir()
            except OSError:
                break


def read_lock(lock) -> dict | None:
    """The owner recorded in a lock file, or ``None`` if it is missing or unreadable."""
    try:
        owner = json.loads(Path(lock).read_text())
    except (OSError, ValueError):
        return None
    return owner if isinstance(owner, dict) and isinstance(owner.get("pid"), int) else None


def _stale(owner: dict) -> bool:
    if owner.get("host") != socket.gethostname():
        return False                          # cannot tell whether a process on another machine runs
    return not pid_alive(owner["pid"])


def _age(path) -> float:
    try:
        return time.time() - os.stat(path).st_mtime
    except OSError:
        return 0.0


__all__ = ["folder_lock", "read_lock", "LOCK_NAME"]
