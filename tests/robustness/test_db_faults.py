"""Concurrency on one SQLite file, and faults of the database mid-crawl.

Crawls and reports at once on one SQLite file never show the user "database is locked"; a
writer waits for a lock held briefly and, past the busy timeout, says what holds it. A disk
that fills up (SQLite ``max_page_count``) or a PostgreSQL database that becomes unreachable
stops the crawl with one clear line and nothing half-written; terminated PostgreSQL
connections are retried on new ones; the next crawl recovers.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from storage.archive import Archive
from tests.support.consistency import consistency_problems
from tests.support.databases import REPO, _pg_database
from tests.support.sites import PARAGRAPHS

PAGES = 8


def cli(ws, *args: str, env: dict | None = None) -> subprocess.Popen:
    full_env = {**os.environ, "MIRRORWATCH_EXTRACT_WORKERS": "1", **(env or {})}
    full_env.pop("MIRRORWATCH_SOURCES", None)
    full_env.setdefault("MIRRORWATCH_DB", str(ws.db))
    return subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=ws.dir, env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def articles(site, n: int = PAGES, *, tag: str = "") -> list[str]:
    paths = [f"/articles/{tag}a{i}.html" for i in range(n)]
    for i, path in enumerate(paths):
        site.article(path, f"Article {tag}{i}", [f"Article {tag}{i} reports. " + p for p in PARAGRAPHS])
    site.index(*paths)
    return paths


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


# -- SQLite: crawls and reports at once ----------------------------------------------------------

@pytest.mark.slow
def test_two_crawls_and_reports_at_once_on_one_sqlite_file(make_site, ws):
    one, two = make_site("one"), make_site("two")
    paths = {"one": articles(one, tag="x"), "two": articles(two, tag="y")}
    ws.sources("".join(f'[[source]]\nname = "{name}"\nrole = "origin"\nstart_urls = ["{site.url}/"]\n'
                       f'allow = ["/articles/"]\n' for name, site in (("one", one), ("two", two))))
    ws.cli("db", "upgrade")
    crawls = [cli(ws, "crawl", "--format", "json"), cli(ws, "crawl", "--format", "json")]  # both sources, twice
    reports = []
    while any(c.poll() is None for c in crawls):
        for args in (("runs", "--format", "json"), ("history", one.url + paths["one"][0], "--format", "json")):
            reports.append(cli(ws, *args))
        for r in reports[-2:]:
            r.wait(timeout=120)
    outputs = [(p.args, p.returncode, *p.communicate()) for p in crawls + reports]
    for args, code, _, err in outputs:
        assert "locked" not in err, (args, err[-1500:])
    for args, code, _, err in outputs[:2]:
        assert code == 0, err[-1500:]
    # history may run before the page exists (exit 1, "no page"); runs always answers
    assert all(code == 0 for args, code, _, _ in outputs[2:] if "runs" in args)
    assert consistency_problems(ws.db) == []
    with sqlite3.connect(ws.db) as conn:
        per_page = conn.execute("select count(*) from version group by page_id").fetchall()
    assert per_page == [(1,)] * (2 * PAGES)  # each page stored once, whoever recorded it first


def test_a_writer_waits_for_a_lock_held_briefly(sqlite_url, tmp_path):
    archive = Archive.open(sqlite_url)
    holder = sqlite3.connect(tmp_path / "archive.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, as another crawl's transaction holds it
    threading.Timer(1.5, holder.commit).start()
    started = time.monotonic()
    archive.ensure_source("late", role="origin", origin="http://127.0.0.1:9999")
    assert time.monotonic() - started >= 1.4
    archive.engine.dispose()
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        assert conn.execute("select name from source").fetchall() == [("late",)]


@pytest.mark.slow
def test_a_writer_that_waits_too_long_says_what_holds_the_lock(site, ws):
    articles(site, 2)
    ws.source(site)
    ws.cli("db", "upgrade")
    holder = sqlite3.connect(ws.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        crawl = cli(ws, "crawl", env={"MIRRORWATCH_SQLITE_BUSY_TIMEOUT_MS": "1000"})
        _, err = crawl.communicate(timeout=120)
    finally:
        holder.rollback()
        holder.close()
    assert crawl.returncode == 1
    assert error_lines(err) == [
        "Error: the database is locked: another writer held its lock for more than 1 s; processes with the file"
        f" open: pid {os.getpid()} ({' '.join(open(f'/proc/{os.getpid()}/cmdline').read().split(chr(0))).strip()[:80]})"]
    assert ws.crawl()["summary"]["new_version"] == 2  # once the lock is gone, the crawl works


# -- SQLite: the disk fills up mid-crawl ---------------------------------------------------------

FULL_DISK = """
import sys
from storage import db
EXTRA = int(sys.argv[1])
pragmas = db._sqlite_pragmas
def limited(conn, record):
    pragmas(conn, record)
    cursor = conn.cursor()
    pages = cursor.execute("PRAGMA page_count").fetchone()[0]
    cursor.execute(f"PRAGMA max_page_count = {pages + EXTRA}")  # SQLITE_FULL beyond this
    cursor.close()
db._sqlite_pragmas = limited
from crawler.cli import main
sys.argv = ["mirrorwatch", "crawl"]
main()
"""


@pytest.mark.slow
def test_a_full_disk_stops_the_crawl_in_one_line_and_the_next_crawl_recovers(site, ws):
    paths = articles(site, 12)
    ws.source(site, download_delay=0.1, concurrency=1)
    ws.cli("db", "upgrade")
    env = {**os.environ, "MIRRORWATCH_EXTRACT_WORKERS": "1", "PYTHONPATH": str(REPO)}
    full = subprocess.run([sys.executable, "-c", FULL_DISK, "5"], cwd=ws.dir, env=env,
                          capture_output=True, text=True, timeout=180)
    assert full.returncode == 1
    assert "Traceback" not in full.stderr, full.stderr[-3000:]
    (line,) = [l for l in error_lines(full.stderr) if "database" in l]
    assert line.startswith("Error: test: the crawl stopped: the database is full")  # Scrapy's log: in the file
    assert consistency_problems(ws.db) == []
    with sqlite3.connect(ws.db) as conn:
        stored = conn.execute("select count(*) from version").fetchone()[0]
        run = conn.execute("select status, finish_reason from crawl_run order by id desc limit 1").fetchone()
    assert 0 < stored < len(paths)  # the limit was hit mid-crawl
    assert run == ("failed", "database_error")  # closing the run rewrites a row: no new page needed
    again = ws.crawl()
    assert again["summary"]["new_version"] == len(paths) - stored
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("select count(*) from version group by page_id").fetchall() == [(1,)] * len(paths)


# -- PostgreSQL: connections terminated, database unreachable ------------------------------------

@pytest.fixture
def pg_url():
    yield from _pg_database()


def watch_then(pg_url: str, threshold: int, action) -> threading.Thread:
    """Once ``threshold`` captures are stored, run ``action(admin_connection, database_name)``."""
    name = pg_url.rsplit("/", 1)[1]
    admin = create_engine(pg_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    watcher = create_engine(pg_url)

    def run():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with watcher.connect() as conn:
                    if conn.execute(text("select count(*) from capture")).scalar() >= threshold:
                        break
            except Exception:  # noqa: BLE001 - the schema may not exist yet
                pass
            time.sleep(0.1)
        watcher.dispose()
        with admin.connect() as conn:
            action(conn, name)
        admin.dispose()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def terminate(conn, name: str) -> None:
    conn.execute(text("select pg_terminate_backend(pid) from pg_stat_activity"
                      " where datname = :name and pid <> pg_backend_pid()"), {"name": name})


def pg_versions(pg_url: str) -> list[int]:
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        rows = conn.execute(text("select count(*) from version group by page_id")).scalars().all()
    engine.dispose()
    return rows


@pytest.mark.slow
@pytest.mark.postgres
def test_terminated_postgresql_connections_are_retried_and_nothing_is_lost(pg_url, site, ws):
    paths = articles(site, 10)
    ws.source(site, download_delay=0.2, concurrency=1)
    watcher = watch_then(pg_url, 3, terminate)
    crawl = cli(ws, "crawl", "--format", "json", env={"MIRRORWATCH_DB": pg_url})
    out, err = crawl.communicate(timeout=180)
    watcher.join(timeout=10)
    assert crawl.returncode == 0, err[-2000:]
    assert json.loads(out)["sources"][0]["new_version"] == len(paths)
    assert pg_versions(pg_url) == [1] * len(paths)


@pytest.mark.slow
@pytest.mark.postgres
def test_an_unreachable_postgresql_database_stops_the_crawl_and_the_next_recovers(pg_url, site, ws):
    paths = articles(site, 10)
    ws.source(site, download_delay=0.2, concurrency=1)

    def lock_out(conn, name):
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        terminate(conn, name)

    watcher = watch_then(pg_url, 3, lock_out)
    crawl = cli(ws, "crawl", env={"MIRRORWATCH_DB": pg_url})
    _, err = crawl.communicate(timeout=180)
    watcher.join(timeout=10)
    assert crawl.returncode == 1
    assert "Traceback" not in err
    (line,) = [l for l in error_lines(err) if "database" in l]
    assert line.startswith("Error: test: the crawl stopped: lost the connection to the database")
    name = pg_url.rsplit("/", 1)[1]
    admin = create_engine(pg_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
    admin.dispose()
    stored = sum(pg_versions(pg_url))
    assert 0 < stored < len(paths)
    again = cli(ws, "crawl", "--format", "json", env={"MIRRORWATCH_DB": pg_url})
    out, err = again.communicate(timeout=180)
    assert again.returncode == 0, err[-2000:]
    assert json.loads(out)["sources"][0]["new_version"] == len(paths) - stored
    assert pg_versions(pg_url) == [1] * len(paths)


@pytest.mark.postgres
def test_a_record_whose_connection_is_terminated_mid_transaction_is_retried(pg_url):
    from datetime import UTC, datetime

    from sqlalchemy import event

    from storage.types import Extracted, Fetch

    archive = Archive.open(pg_url)
    archive.ensure_source("s", role="origin", origin="http://127.0.0.1:9301")
    admin = create_engine(pg_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    terminated = []

    @event.listens_for(archive.engine, "before_cursor_execute")
    def terminate_own_backend(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO CAPTURE") and not terminated:
            terminated.append(cursor.connection.info.backend_pid)  # inside the record's transaction
            with admin.connect() as c:
                c.execute(text("select pg_terminate_backend(:pid)"), {"pid": terminated[0]})

    extracted = Extracted("T", None, None, None, "en", None, tuple(PARAGRAPHS), "trafilatura", "2", "t")
    recorded = archive.record(Fetch("s", "http://127.0.0.1:9301/a.html", datetime.now(UTC), 200, b"<p>a</p>"),
                              extracted)
    assert terminated and recorded.outcome == "new-version"
    with archive.engine.connect() as conn:
        assert conn.execute(text("select count(*) from capture")).scalar() == 1
        assert conn.execute(text("select count(*) from version")).scalar() == 1
    archive.engine.dispose()
    admin.dispose()
