"""Upkeep commands: `db upgrade` from an empty file, `prune` (dry run, then real)."""
import sqlite3


def test_db_upgrade_creates_then_reports_current(ws):
    from storage.db import head_revision

    head = head_revision()
    first = ws.cli("--db", str(ws.db), "db", "upgrade").stdout
    assert f"empty -> {head}" in first
    assert f"already at {head}" in ws.cli("--db", str(ws.db), "db", "upgrade").stdout
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("pragma journal_mode").fetchone() == ("wal",)


# -- Re-extraction after an extractor change, and retention (prune) of identical captures.


from storage.archive import Archive
from tests.support.reextraction import SITE, fetch, old_extraction
from tests.support.workspace import Workspace


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
