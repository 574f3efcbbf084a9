"""Database failures in one line a user can act on.

:func:`describe` turns a driver error into a sentence: a SQLite file that another
writer kept locked past the busy timeout (naming the crawl runs still marked
running and the processes that have the file open, since SQLite itself cannot
say who holds its lock), a full disk or size limit, a lost or refused connection.
:func:`is_disconnect` tells a dropped connection, worth one retry on a fresh one
(a PostgreSQL backend terminated by an administrator), from a database that is gone.

Settings: the SQLite busy timeout is ``storage.db.SQLITE_BUSY_TIMEOUT_MS``
(``MIRRORWATCH_SQLITE_BUSY_TIMEOUT_MS`` in the environment).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

_LOCKED = ("database is locked", "database table is locked")
_FULL = ("database or disk is full", "no space left on device", "could not extend file", "disk full")
_GONE = ("terminating connection", "server closed the connection", "connection refused", "connection failed",
         "could not connect", "does not exist", "not currently accepting connections", "connection is closed",
         "the connection is lost", "consuming input failed")


def describe(exc: BaseException, url: str | None = None, *, busy_timeout_ms: int | None = None) -> str:
    """One line saying what went wrong with the database at ``url``."""
    orig = getattr(exc, "orig", None) or exc
    text = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    low = text.lower()
    if any(m in low for m in _LOCKED):
        waited = f" for more than {busy_timeout_ms / 1000:g} s" if busy_timeout_ms else ""
        return f"the database is locked: another writer held its lock{waited}; {lock_holders(url)}"
    if any(m in low for m in _FULL):
        return f"the database is full (disk full or its size limit reached): {text}"
    if is_disconnect(exc) or any(m in low for m in _GONE):
        return f"lost the connection to the database: {text}"
    return f"database error: {text}"


def is_disconnect(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def lock_holders(url: str | None) -> str:
    """Who may hold a SQLite file's lock: crawl runs still running, processes with it open."""
    path = _sqlite_path(url)
    if path is None:
        return "see which sessions are active on the server"
    parts = []
    runs = _running_crawls(path)
    if runs:
        parts.append("crawl runs still running: " + ", ".join(runs))
    processes = _processes_with(path)
    if processes:
        parts.append("processes with the file open: " + ", ".join(processes))
    return "; ".join(parts) or f"no other process was found using {path}"


def _sqlite_path(url: str | None) -> Path | None:
    if not url:
        return None
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - a URL we cannot parse names no file
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database).resolve()


def _running_crawls(path: Path) -> list[str]:
    try:  # a reader never waits for a writer in WAL mode
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
            rows = conn.execute("select r.id, s.name, r.started_at from crawl_run r join source s"
                                " on s.id = r.source_id where r.status = 'running' order by r.id").fetchall()
    except sqlite3.Error:
        return []
    return [f"#{run_id} of {name!r} since {str(started)[:19]}" for run_id, name, started in rows]


def _processes_with(path: Path) -> list[str]:
    """Processes (Linux /proc) with the database or its WAL open, other than this one."""
    names = {str(path), f"{path}-wal"}
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if any(os.readlink(fd) in names for fd in (entry / "fd").iterdir()):
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                found.append(f"pid {entry.name} ({cmd[:80]})")
        except OSError:
            continue  # gone, or not ours to look at
    return found
