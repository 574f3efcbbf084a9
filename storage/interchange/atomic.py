"""Output files written whole or not at all.

An export that fails half-way (a full disk, a database error, Ctrl-C) must not
leave a truncated file that looks like a finished one: it is written to
``NAME.part`` beside the target and moved into place only when complete.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from storage.errors import StorageError


@contextlib.contextmanager
def written_atomically(path: Path) -> Iterator[Path]:
    """Yields the path to write to; a StorageError in one line if the file cannot be written."""
    partial = path.with_name(path.name + ".part")
    try:
        yield partial
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
