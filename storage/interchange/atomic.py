"""Output files written whole or not at all, wherever ``-o`` points.

An export or report that fails half-way (a full disk, a database error, Ctrl-C) must not
leave a truncated file that looks like a finished one: a regular file is written to
``NAME.part`` beside it and moved into place only when complete (keeping the old file's
permissions). A symlink is followed: its target is replaced, the link stays. A device, a
FIFO, a socket or anything under ``/dev`` or ``/proc`` (``/dev/stdout``, ``/dev/null``) is
written directly, never replaced by a regular file. Every failure is one
:class:`~storage.errors.StorageError` line naming the file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from storage.errors import StorageError

_SPECIAL_TREES = ("/dev/", "/proc/")


@contextlib.contextmanager
def written_atomically(path: str | Path) -> Iterator[Path]:
    """Yields the path to write to; a StorageError in one line if the file cannot be written."""
    path = Path(path)
    if written_directly(path):
        try:
            yield path
        except BrokenPipeError:
            raise  # the reader went away (``-o /dev/stdout | head``): not an error, the CLI ends quietly
        except OSError as exc:
            raise StorageError(_cannot_write(path, exc)) from None
        return
    target = Path(os.path.realpath(path))  # a symlink's target is replaced, the link kept
    partial = target.with_name(target.name + ".part")
    try:
        yield partial
        with contextlib.suppress(FileNotFoundError):
            os.chmod(partial, stat.S_IMODE(target.stat().st_mode))
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(_cannot_write(path, exc)) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def written_directly(path: Path) -> bool:
    """Whether ``path`` is written in place: it is, or leads to, something other than a regular file."""
    if str(path).startswith(_SPECIAL_TREES) or os.path.realpath(path).startswith(_SPECIAL_TREES):
        return True
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # let opening it say what is wrong


def _cannot_write(path: Path, exc: OSError) -> str:
    return f"{path}: cannot write: {exc.strerror or exc}"
