"""Upkeep commands: `db upgrade` from an empty file, `prune` (dry run, then real)."""
import pytest
import sqlite3


def test_db_upgrade_creates_then_reports_current(ws):
    from storage.db import head_revision

    head = head_revision()
    first = ws.cli("--db", str(ws.db), "db", "upgrade").stdout
    assert f"empty -> {head}" in first
    assert f"already at {head}" in ws.cli("--db", str(ws.db), "db", "upgrade").stdout
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("pragma journal_mode").fetchone() == ("wal",)


# -- from test_reextract.py: Re-extraction after an extractor change, and retention (prune) of identical captures.

import sqlite3
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from storage.archive import Archive
from storage.models import Capture
from storage.retention import prune
from storage.types import Extracted, Fetch
from tests.support.workspace import Workspace


T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
SITE = "http://127.0.0.1:9"


def old_extraction(paragraphs, *, version="1.0-old", options="oldoptions") -> Extracted:
    """What an earlier extractor made of a page (here: the page furniture kept as text)."""
    return Extracted("Tram", None, None, None, "en", None, tuple(paragraphs), "trafilatura", version, options)


def fetch(url, body: bytes | None, minutes: int, status: int = 200) -> Fetch:
    return Fetch("gazette", url, T0 + timedelta(minutes=minutes), status, body)


@pytest.fixture
def archive(db_url):
    archive = Archive.open(db_url)
    archive.ensure_source("gazette", role="origin", origin=SITE)
    yield archive
    archive.engine.dispose()


def captures(archive) -> list[tuple[str, int, str]]:
    with archive.session() as s:
        return [(c.outcome, int((c.fetched_at - T0).total_seconds() // 86400), c.body_sha256 is not None)
                for c in s.scalars(select(Capture).order_by(Capture.fetched_at, Capture.id))]


def test_prune_command_dry_run_then_real(tmp_path):
    ws = Workspace(tmp_path)
    archive = Archive.open(ws.db_url)
    archive.ensure_source("gazette", role="origin", origin=SITE)
    archive.record(fetch(f"{SITE}/a.html", b"<p>v1</p>", 0), old_extraction(["one"]))
    archive.record(fetch(f"{SITE}/a.html", None, 60, status=304))
    archive.engine.dispose()
    dry = ws.json("prune", "--older-than", "30d", "--dry-run")
    assert (dry["captures"], dry["blobs"], dry["dry_run"]) == (1, 0, True)
    assert ws.cli("prune", "--dry-run").stdout == (
        "would remove 1 identical captures older than 90d and 0 unused bodies (0 bytes stored)\n")
    assert ws.json("prune", "--older-than", "30d")["captures"] == 1
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("select outcome from capture").fetchall() == [("new-version",)]
    bad = ws.cli("prune", "--older-than", "soon", check=False)
    assert (bad.returncode, bad.stderr.strip()) == (
        1, "Error: not a duration: 'soon' (a number and a unit s, m, h, d or w, such as 30m, 6h or 7d)")
