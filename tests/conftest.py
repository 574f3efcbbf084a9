"""Shared fixtures: databases, local sites, workspaces (the helpers live in ``tests.support``).

``db_url`` is parametrised over SQLite and PostgreSQL (127.0.0.1:5432). Each test gets a copy of
one database migrated once per session: a copied SQLite file, or a PostgreSQL database created
from a migrated template. ``empty_db_url`` is the same pair of backends without any schema (for
the tests of the migrations themselves). Without a reachable server the PostgreSQL cases skip
with a reason, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator

import pytest

from crawler.demo.server import SiteServer
from tests.support.databases import pg_admin, pg_database
from tests.support.sites import Site
from tests.support.workspace import Workspace

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """One SQLite file migrated to head, copied for each test."""
    from storage.db import open_engine

    path = tmp_path_factory.mktemp("template") / "archive.db"
    open_engine(f"sqlite:///{path}").dispose()
    return str(path)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """One PostgreSQL database migrated to head; each test's database is created from it."""
    from sqlalchemy import text

    from storage.db import open_engine
    from tests.support.databases import pg_url_of

    admin = pg_admin()
    name = f"mw_tmpl_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        # PostgreSQL refuses a template with open connections: dispose of the migrating engine.
        open_engine(pg_url_of(name)).dispose()
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> Iterator[str]:
    """A migrated database of its own for the test, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "archive.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        yield from pg_database(template=request.getfixturevalue("pg_template"))


@pytest.fixture(params=BACKENDS)
def empty_db_url(request, tmp_path) -> Iterator[str]:
    """A database without any table (the migrations start from nothing), on both backends."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.db'}"
    else:
        yield from pg_database()


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template) -> str:
    """A migrated SQLite archive of the test's own."""
    path = tmp_path / "archive.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def archive(db_url):
    """An archive with the source "gazette" (http://127.0.0.1:9), on SQLite and PostgreSQL."""
    from storage.archive import Archive

    archive = Archive.open(db_url)
    archive.ensure_source("gazette", role="origin", origin="http://127.0.0.1:9")
    yield archive
    archive.engine.dispose()


@pytest.fixture
def make_site(tmp_path) -> Iterator:
    servers: list[SiteServer] = []

    def make(name: str = "site", *, validators: bool = True) -> Site:
        root = tmp_path / name
        root.mkdir()
        server = SiteServer(root, validators=validators).start()
        servers.append(server)
        return Site(root, server)

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def site(make_site) -> Site:
    return make_site()


@pytest.fixture
def ws(tmp_path) -> Workspace:
    d = tmp_path / "ws"
    d.mkdir()
    return Workspace(d)
