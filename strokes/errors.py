"""The errors a user of strokes can meet, all under one base class, :class:`StrokesError`.

Each is also a ``ValueError`` (or, for an output that cannot be written, an
``OSError``), so code written against the older, separate classes keeps
working. The message is one line that names the file, field, option or style
and the value that is wrong; the command line prints exactly that line.

* :class:`StrokesFileError`  a strokes file (``.json`` / ``.npz``) that cannot be read or written
* :class:`ImageError`        an image that cannot be read
* :class:`UnknownStyleError`, :class:`StyleOptionError`  a style name or option nobody has
* :class:`StyleOutputError`  a style (plugin) that failed or drew something outside the contract
* :class:`PaintError`        a painting request that cannot be carried out
* :class:`CheckpointError`   a renderer checkpoint that cannot be used
* :class:`OptionError`       a bad command-line value
* :class:`OutputError`       an output that cannot be written (full disk, read-only folder)
* :class:`FolderLockedError` an output folder another run is writing into
* :class:`Interrupted`       SIGINT / SIGTERM (a ``KeyboardInterrupt``, not a ``StrokesError``)

>>> issubclass(StrokesFileError, StrokesError) and issubclass(StrokesFileError, ValueError)
True
"""
from __future__ import annotations

import signal


class StrokesError(Exception):
    """Base of every error strokes raises for bad input or a bad environment (not for its own bugs)."""


class StrokesFileError(StrokesError, ValueError):
    """A strokes file that cannot be read or written; the message names the file, stroke and field."""


class ImageError(StrokesError, ValueError):
    """An image that cannot be read; the message names the file and what is wrong."""


class UnknownStyleError(StrokesError, ValueError):
    """A style name nobody registered."""


class StyleOptionError(StrokesError, ValueError):
    """An option a style does not have."""


class StyleOutputError(StrokesError, ValueError):
    """A style that raised, or returned layers outside the contract of ``Style.rasterize``."""


class PaintError(StrokesError, ValueError):
    """A painting request that cannot be carried out (bad option or resume file)."""


class CheckpointError(StrokesError, ValueError):
    """A renderer checkpoint that cannot be used."""


class OptionError(StrokesError, ValueError):
    """A command-line value that cannot be used; the message names the option."""


class OutputError(StrokesError, OSError):
    """An output that cannot be written; the message names the output, not a temporary file."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class FolderLockedError(OutputError):
    """An output folder that another run (named in the message) is writing into."""


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal: ``signum`` is ``signal.SIGINT`` or ``signal.SIGTERM``.

    ``exit_status`` is the shell's convention, 128 + the signal number (130, 143).
    """

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


__all__ = ["StrokesError", "StrokesFileError", "ImageError", "UnknownStyleError", "StyleOptionError",
           "StyleOutputError", "PaintError", "CheckpointError", "OptionError", "OutputError",
           "FolderLockedError", "Interrupted"]
