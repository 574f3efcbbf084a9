"""Copy matching beside a crawl (``storage.copies.queue``): done when the crawl command returns,
including what a killed run had left queued; ``db match`` drains it without a crawl."""

from __future__ import annotations

import sqlite3

from crawler.demo.run import SEED_COPY, SEED_ORIGIN
from storage.archive import Archive
from storage.archive.write import leave_queued
from tests.support.harbour import MIRROR, ORIGIN, put
from tests.support.records import ARTICLE
from tests.support.workspace import Workspace, demo_sites


def _queued_by_a_killed_run(db_url: str) -> None:
    """Two versions on two sources, stored but never matched (the run died before draining)."""
    archive = Archive.open(db_url)
    archive.writer.matcher = leave_queued
    archive.ensure_source("port-news", role="origin", origin=ORIGIN)
    archive.ensure_source("harbour-watch", role="mirror", origin=MIRROR)
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE, minutes=5)
    assert archive.pending_matches() == 2
    archive.engine.dispose()


def _state(db) -> tuple[int, list[tuple[str, str, str]]]:
    with sqlite3.connect(db) as conn:
        queued = conn.execute("select count(*) from match_queue").fetchone()[0]
        links = conn.execute("select o.url, c.url, l.relation from copy_link l join page o on o.id = l.original_page_id"
                             " join page c on c.id = l.copy_page_id order by o.url").fetchall()
    return queued, links


def test_a_crawl_returns_with_its_copies_matched_and_what_a_crash_left_drained(tmp_path):
    with demo_sites(tmp_path) as (ws, origin, blog):
        _queued_by_a_killed_run(ws.db_url)
        ws.json("crawl")
        queued, links = _state(ws.db)
    assert queued == 0
    assert (f"{ORIGIN}/a.html", f"{MIRROR}/copy/", "identical") in links
    assert (f"{origin.url}/{SEED_ORIGIN}", f"{blog.url}/{SEED_COPY}", "excerpt") in links


def test_db_match_drains_the_queue_without_a_crawl(tmp_path):
    ws = Workspace(tmp_path)
    ws.cli("db", "upgrade")
    _queued_by_a_killed_run(ws.db_url)
    assert ws.json("db", "match") == {"matched": 2}
    assert _state(ws.db) == (0, [(f"{ORIGIN}/a.html", f"{MIRROR}/copy/", "identical")])
    assert ws.cli("db", "match").stdout.strip() == "0 queued versions matched for copies"
