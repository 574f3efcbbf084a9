"""Engines, sessions and migrations.

The database URL is any SQLAlchemy URL; a plain path means a SQLite file.
SQLite runs in WAL mode with a busy timeout (30 s, or
``MIRRORWATCH_SQLITE_BUSY_TIMEOUT_MS``) so that a reader (the CLI) and a writer
(a crawl) can work at once. A new or old database is migrated to the
latest schema on first use (Alembic, ``storage/migrations``).
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import StorageError

log = logging.getLogger(__name__)

DEFAULT_DB = "mirrorwatch.db"
MIGRATIONS = Path(__file__).with_name("migrations")
# How long a SQLite writer waits for another's lock before giving up with a clear message.
SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("MIRRORWATCH_SQLITE_BUSY_TIMEOUT_MS", "30000"))


def database_url(value: str | None) -> str:
    """An SQLAlchemy URL from ``--db``/``MIRRORWATCH_DB``: a bare path means SQLite."""
    value = value or DEFAULT_DB
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(database_url(url))
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ImportError, ValueError) as exc:
        raise StorageError(f"bad database URL {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def upgrade(engine: Engine) -> tuple[str | None, str | None]:
    """Migrate to the latest schema; returns (revision before, revision after)."""
    before = current_revision(engine)
    head = head_revision()
    if before != head:
        log.info("migrating database from %s to %s", before, head)
        command.upgrade(alembic_config(engine), "head")
    return before, head


def open_engine(url: str | None, *, migrate: bool = True) -> Engine:
    """An engine on a reachable, migrated database, or a StorageError saying why not."""
    engine = make_engine(database_url(url))
    try:
        if migrate:
            upgrade(engine)
        else:
            with engine.connect():
                pass
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StorageError(f"cannot open database {engine.url.render_as_string()}: {reason}") from exc
    return engine


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
