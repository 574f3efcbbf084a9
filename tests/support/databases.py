"""The databases the tests run on: where PostgreSQL is, whether a missing service fails
(under ``CI=true``) or skips, and the repository's paths."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ADMIN_URL = os.environ.get("MIRRORWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"  # the seed case and the real article pages, beside the repository


def shared_path(relative: str) -> Path:
    """A file or folder of ``shared/``; a test that needs it fails under CI when it is missing."""
    path = SHARED / relative
    if not path.exists():
        (pytest.fail if IN_CI else pytest.skip)(f"{path} not found (shared/ must sit beside the repository)")
    return path


def unavailable(reason: str) -> None:
    """A service the test needs is missing: fail under CI, skip elsewhere."""
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def pg_admin():
    """An AUTOCOMMIT engine on the server's ``postgres`` database (skips or fails without a server)."""
    from sqlalchemy import create_engine, text

    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # any failure to connect
        unavailable(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {str(exc).splitlines()[0]}")
    return admin


def pg_url_of(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def pg_database(template: str | None = None) -> Iterator[str]:
    """A fresh PostgreSQL database for one test (a copy of ``template`` if given), dropped afterwards."""
    from sqlalchemy import text

    admin = pg_admin()
    name = f"mw_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield pg_url_of(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


_pg_database = pg_database  # the name the tests used before
