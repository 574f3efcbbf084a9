"""Where a crawl's log goes: Scrapy's and Twisted's lines (tracebacks of a site that is down
included) belong in a log file, not on the terminal, where the crawl says in one line per
source what went wrong.

The file is ``<archive>-crawl.log`` next to a SQLite archive (``mirrorwatch.db`` →
``mirrorwatch-crawl.log``), ``mirrorwatch-crawl.log`` in the working directory for another
database, or ``--log-file``; it keeps 3 older files of 10 MB. With ``-v`` the log goes to the
terminal instead, as for every other command.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import warnings
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import database_url

LOG_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 3
_HANDLER_NAME = "mirrorwatch-crawl-log"


class CrawlLogError(OSError):
    """The log file cannot be opened; the message is one line."""


class _QuietFileHandler(logging.handlers.RotatingFileHandler):
    def handleError(self, record: logging.LogRecord) -> None:
        """A line that cannot be written (a full disk) is lost, not a traceback on the terminal."""


def log_path(db: str, given: str | None = None) -> Path:
    if given:
        return Path(given)
    url = make_url(database_url(db))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        file = Path(url.database)
        return file.with_name(f"{file.stem}-crawl.log")
    return Path("mirrorwatch-crawl.log")


@contextlib.contextmanager
def crawl_log(path: Path, *, level: int) -> Iterator[None]:
    """For the crawl, the root logger writes to ``path`` only (at ``level``, INFO at least), and
    Python's warnings go there too; the terminal handlers come back afterwards."""
    root = logging.getLogger()
    terminal = [h for h in root.handlers if isinstance(h, logging.StreamHandler)
                and not isinstance(h, logging.FileHandler)]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _QuietFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    except OSError as exc:
        raise CrawlLogError(f"cannot write the crawl's log {path}: {exc.strerror or exc} "
                            "(choose another with --log-file, or -v for the terminal)") from None
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    before = root.level
    for old in terminal:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(min(level, logging.INFO))
    logging.captureWarnings(True)
    try:
        with warnings.catch_warnings():
            yield
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        handler.close()
        for old in terminal:
            root.addHandler(old)
        root.setLevel(before)
