"""Opening an archive: a writer creates and migrates, a reader finds it as it is or says why not,
and neither touches a database that is not a mirrorwatch archive or is newer than this code."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from storage.db import NoArchive, head_revision, open_engine
from storage.errors import StorageError


def tables(url: str) -> set[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def execute(url: str, *statements: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def test_a_reader_never_creates_a_sqlite_file(tmp_path):
    path = tmp_path / "typo.db"
    with pytest.raises(NoArchive) as err:
        open_engine(str(path), read_only=True)
    assert str(err.value) == f"no archive at {path} (run `mirrorwatch crawl` to create one, or check --db)"
    assert not path.exists()


def test_a_reader_finds_no_archive_in_an_empty_database(empty_db_url):
    with pytest.raises(NoArchive, match=r"^no archive at .* \(run `mirrorwatch crawl` to create one, or check --db\)$"):
        open_engine(empty_db_url, read_only=True)
    assert tables(empty_db_url) == set()


def test_a_reader_opens_a_current_archive(db_url):
    engine = open_engine(db_url, read_only=True)
    with engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == head_revision()
    engine.dispose()


def test_a_reader_does_not_migrate_an_older_archive(db_url):
    execute(db_url, "update alembic_version set version_num = '0006'")
    with pytest.raises(StorageError) as err:
        open_engine(db_url, read_only=True)
    assert str(err.value) == (f"{db_url} has an older schema (revision 0006, this mirrorwatch reads "
                              f"{head_revision()}): run `mirrorwatch db upgrade` to migrate it")
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == "0006"
    engine.dispose()


@pytest.mark.parametrize("read_only", [True, False], ids=["reader", "writer"])
def test_another_applications_database_is_refused(empty_db_url, read_only):
    execute(empty_db_url, "create table users (id integer primary key)", "create table orders (id integer)")
    with pytest.raises(StorageError) as err:
        open_engine(empty_db_url, read_only=read_only)
    assert str(err.value) == (f"{empty_db_url} is not a mirrorwatch archive: it holds another "
                              "application's tables (orders, users); give another --db")
    assert tables(empty_db_url) == {"orders", "users"}


@pytest.mark.parametrize("read_only", [True, False], ids=["reader", "writer"])
def test_an_archive_from_a_newer_mirrorwatch_is_one_line(db_url, read_only):
    execute(db_url, "update alembic_version set version_num = '0042'")
    with pytest.raises(StorageError) as err:
        open_engine(db_url, read_only=read_only)
    assert str(err.value) == (f"{db_url}: this archive was written by a newer mirrorwatch "
                              "(schema revision 0042); upgrade mirrorwatch")


READ_AS_OTHER_USER = """
import sys
from storage.archive import Archive
archive = Archive.open(sys.argv[1], read_only=True)
print(archive.runs())
"""


@pytest.mark.parametrize("journal", ["wal", "delete"])
@pytest.mark.parametrize("folder_mode", [0o777, 0o555], ids=["read-only file", "read-only folder"])
def test_a_read_only_archive_can_be_read(sqlite_url, folder_mode, journal):
    """A file this user may not write is opened read-only; in a folder it may not write either,
    SQLite could not create the shared-memory file of a WAL reader, so it is opened immutable."""
    folder = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        path = folder / "archive.db"
        shutil.copy(sqlite_url.removeprefix("sqlite:///"), path)
        with sqlite3.connect(path) as conn:  # "delete": an archive copied by a tool that left WAL mode
            assert conn.execute(f"pragma journal_mode={journal}").fetchone() == (journal,)
        conn.close()
        path.chmod(0o444)
        folder.chmod(folder_mode)
        command = [sys.executable, "-c", READ_AS_OTHER_USER, str(path)]
        if os.geteuid() == 0:  # root may write anything: read as nobody
            assert shutil.which("setpriv"), "setpriv (util-linux) is needed to read as another user"
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60,
                                cwd=Path(__file__).resolve().parents[2])
        assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "[]", "")
        if folder_mode == 0o555:
            assert sorted(p.name for p in folder.iterdir()) == ["archive.db"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_a_writer_creates_the_archive(tmp_path):
    path = tmp_path / "new.db"
    open_engine(str(path)).dispose()
    with sqlite3.connect(path) as conn:
        assert conn.execute("select version_num from alembic_version").fetchone() == (head_revision(),)


def test_postgresql_without_its_driver_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    with pytest.raises(StorageError) as err:
        open_engine("postgresql://127.0.0.1/mirrorwatch", read_only=True)
    assert str(err.value) == "PostgreSQL support is not installed: pip install 'mirrorwatch[postgres]'"
