"""Engines, sessions and migrations.

The database URL is any SQLAlchemy URL; a plain path means a SQLite file.
SQLite runs in WAL mode with a busy timeout (30 s, or
``MIRRORWATCH_SQLITE_BUSY_TIMEOUT_MS``) so that a reader (the CLI) and a writer
(a crawl) can work at once.

Two ways to open an archive (:func:`open_engine`). A *writer* (crawl, import, schedule,
``db upgrade``, ...) creates a missing archive and migrates an old one to the latest
schema (Alembic, ``storage/migrations``). A *reader* (report, history, export, the
dashboard, ...) never creates or migrates anything: a missing or empty database is
:class:`NoArchive`, an older schema asks for ``mirrorwatch db upgrade``, and a SQLite
file it may not write (or in a folder it may not write) is opened read-only. Both refuse
a database holding another application's tables, and one written by a newer mirrorwatch.
"""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from typing import TYPE_CHECKING

from sqlalchemy import Engine, Table, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

DEFAULT_DB = "mirrorwatch.db"
MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration's revision (tests/storage/test_migrations.py checks it is Alembic's head):
# an archive already there is seen by one query, and Alembic is imported only to migrate.
HEAD_REVISION = "0010"
# Tables only a mirrorwatch archive has: a database holding tables but none of these is another's.
OUR_TABLES = frozenset({"alembic_version", "source", "page"})
# How long a SQLite writer waits for another's lock before giving up with a clear message.
SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("MIRRORWATCH_SQLITE_BUSY_TIMEOUT_MS", "30000"))


def database_url(value: str | None) -> str:
    """An SQLAlchemy URL from ``--db``/``MIRRORWATCH_DB``: a bare path means SQLite."""
    value = value or DEFAULT_DB
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


class NoArchive(StorageError):
    """No archive at this database: nothing there, and a reader never creates one."""


def shown(url: str | None) -> str:
    """The database as the user named it: a path as given, a URL without its password."""
    value = url or DEFAULT_DB
    if "://" not in value:
        return value
    try:
        return make_url(value).render_as_string(hide_password=True)
    except ArgumentError:
        return value


def make_engine(url: str | URL) -> Engine:
    try:
        parsed = make_url(database_url(url) if isinstance(url, str) else url)
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, pool_pre_ping=True)
    except ImportError as exc:
        if "postgresql" in str(url):
            raise StorageError("PostgreSQL support is not installed: pip install 'mirrorwatch[postgres]'") from None
        raise StorageError(f"bad database URL {str(url)!r}: {exc}") from exc
    except (ArgumentError, ValueError) as exc:
        raise StorageError(f"bad database URL {str(url)!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:  # a read-only file: its journal mode stays as it is
        pass
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str | None:
    """The head revision as Alembic reads it from ``storage/migrations``."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def archive_revision(engine: Engine, where: str | None = None) -> str | None:
    """The schema revision of the archive on ``engine``, None for an empty database; a
    StorageError for another application's database or one from a newer mirrorwatch."""
    where = where or shown(engine.url.render_as_string())
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if not tables:
            return None
        if not tables & OUR_TABLES:
            names = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
            raise StorageError(f"{where} is not a mirrorwatch archive: it holds another application's tables "
                               f"({names}); give another --db")
        revision = (conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                    if "alembic_version" in tables else None)
    if revision not in (None, HEAD_REVISION) and revision not in _known_revisions():
        raise StorageError(f"{where}: this archive was written by a newer mirrorwatch (schema revision {revision}); "
                           "upgrade mirrorwatch")
    return revision


def upgrade(engine: Engine, where: str | None = None) -> tuple[str | None, str | None]:
    """Create or migrate to the latest schema; returns (revision before, revision after)."""
    before = archive_revision(engine, where)
    if before != HEAD_REVISION:
        from alembic import command

        log.info("migrating database from %s to %s", before, HEAD_REVISION)
        command.upgrade(alembic_config(engine), "head")
    return before, HEAD_REVISION


def open_engine(url: str | None, *, migrate: bool = True, read_only: bool = False) -> Engine:
    """An engine on a reachable archive, or a StorageError saying why not.

    A writer gets the archive created or migrated (``migrate=False``: only connected, for
    ``db upgrade`` to migrate itself); a reader (``read_only``) gets it as it is, or
    :class:`NoArchive` when there is none, or a line asking for ``db upgrade``."""
    where = shown(url)
    target = _reader_url(database_url(url), where) if read_only else database_url(url)
    engine = make_engine(target)
    try:
        if read_only:
            _require_current(archive_revision(engine, where), where)
        elif migrate:
            upgrade(engine, where)
        else:
            with engine.connect():
                pass
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StorageError(f"cannot open database {where}: {reason}") from exc
    except StorageError:
        engine.dispose()
        raise
    return engine


def _require_current(revision: str | None, where: str) -> None:
    if revision is None:
        raise NoArchive(f"no archive at {where} (run `mirrorwatch crawl` to create one, or check --db)")
    if revision != HEAD_REVISION:
        raise StorageError(f"{where} has an older schema (revision {revision}, this mirrorwatch reads {HEAD_REVISION}): "
                           "run `mirrorwatch db upgrade` to migrate it")


def _reader_url(url: str, where: str) -> str | URL:
    """A reader's URL: a SQLite file must exist (``mode=rw`` never creates one), and one this
    process may not write is opened read-only; immutable when its folder is not writable
    either, since SQLite could not create the shared-memory file a WAL reader needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:") or "uri" in parsed.query:
        return url
    path = Path(parsed.database)
    if not path.is_file() or path.stat().st_size == 0:
        raise NoArchive(f"no archive at {where} (run `mirrorwatch crawl` to create one, or check --db)")
    query = {"mode": "rw"}
    if not os.access(path.parent, os.W_OK) and not Path(f"{path}-shm").exists():
        query = {"mode": "ro", "immutable": "1"}
    elif not os.access(path, os.W_OK):
        query = {"mode": "ro"}
    return parsed.set(database=f"file:{quote(str(path))}", query={**query, "uri": "true"})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@functools.lru_cache(maxsize=None)
def insert_ignore_statement(dialect: str, table: Table):
    """INSERT ... ON CONFLICT DO NOTHING into ``table``, built once per dialect and table."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise StorageError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")
    return insert(table).on_conflict_do_nothing()


def insert_ignore(s: Session, model, rows: list[dict]) -> None:
    """Insert rows that another writer may create at the same time (ON CONFLICT DO NOTHING)."""
    if rows:
        s.execute(insert_ignore_statement(s.get_bind().dialect.name, model.__table__), rows)
