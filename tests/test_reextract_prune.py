"""Re-extraction after an extractor change, and retention (prune) of identical captures."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crawler.extraction import EXTRACTOR_VERSION, OPTIONS_HASH, extract
from storage.archive import Archive
from storage.models import Blob, Capture, Version
from storage.reextraction import EXTRACTOR_CHANGED, StoredBody, record_reextraction
from storage.retention import parse_age, prune
from storage.types import Extracted, Fetch
from tests.conftest import PARAGRAPHS, Workspace, article_html

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
SITE = "http://127.0.0.1:9"


def old_extraction(paragraphs, *, version="1.0-old", options="oldoptions") -> Extracted:
    """What an earlier extractor made of a page (here: the page furniture kept as text)."""
    return Extracted("Tram", None, None, None, "en", None, tuple(paragraphs), "trafilatura", version, options)


def fetch(url, body: bytes | None, minutes: int, status: int = 200) -> Fetch:
    return Fetch("gazette", url, T0 + timedelta(minutes=minutes), status, body)


def test_reextract_records_extractor_changed_versions_only_where_the_text_differs(tmp_path):
    ws = Workspace(tmp_path)
    archive = Archive.open(ws.db_url)
    archive.ensure_source("gazette", role="origin", origin=SITE)
    archive.ensure_source("other", role="origin", origin="http://127.0.0.1:8")
    html = article_html("Tram", PARAGRAPHS).encode()
    today = extract(html, url=f"{SITE}/a.html")
    assert today.paragraphs == ("Tram", *PARAGRAPHS)  # the current extractor drops the furniture
    # a: the old extractor kept the footer; b: same text as today, older extractor; c: already current.
    archive.record(fetch(f"{SITE}/a.html", html, 0), old_extraction([*today.paragraphs, "Copyright 2026 Test Gazette."]))
    archive.record(fetch(f"{SITE}/a.html", html, 60), None)  # the same body again: unchanged
    b_html = article_html("B", PARAGRAPHS[::-1]).encode()
    archive.record(fetch(f"{SITE}/b.html", b_html, 0), old_extraction(extract(b_html).paragraphs))
    archive.record(Fetch("other", "http://127.0.0.1:8/c.html", T0, 200, article_html("C", PARAGRAPHS[:2]).encode()),
                   extract(article_html("C", PARAGRAPHS[:2]), url="http://127.0.0.1:8/c.html"))
    archive.engine.dispose()

    counts = ws.json("reextract")
    assert counts == {"pages": 2, "new_version": 1, "unchanged": 1, "no_text": 0, "moved_on": 0, "failed": 0}
    with sqlite3.connect(ws.db) as conn:
        rows = conn.execute("select p.url, v.number, v.change_class, v.significance, v.extractor_version,"
                            " v.options_hash, v.text, v.captured_at from version v join page p on p.id = v.page_id"
                            " order by p.url, v.number").fetchall()
    c1, a1, a2, b1 = rows  # by URL: port 8 sorts first
    assert (a1[1], a1[2]) == (1, None)
    assert a2[:6] == (f"{SITE}/a.html", 2, EXTRACTOR_CHANGED, 0.0, EXTRACTOR_VERSION, OPTIONS_HASH)
    assert a2[6] == "\n".join(today.paragraphs)
    assert a2[7].startswith("2026-01-01 13:00:00")  # the time of the body it came from, not of the run
    assert (b1[1], c1[1]) == (1, 1)
    history = ws.json("history", f"{SITE}/a.html")["versions"]
    assert history[1]["change"]["paragraphs_removed"] == 1

    # Nothing is stale any more; --all looks at every page and finds nothing new.
    assert ws.json("reextract")["pages"] == 1  # b: same text, still made by the old extractor
    assert ws.json("reextract", "--all", "--source", "other") == {
        "pages": 1, "new_version": 0, "unchanged": 1, "no_text": 0, "moved_on": 0, "failed": 0}
    result = ws.run("reextract", "--source", "nobody", check=False)
    assert (result.returncode, result.stderr.strip()) == (1, "Error: unknown source 'nobody'")


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


def test_prune_keeps_versions_and_their_first_captures(archive):
    day = 24 * 60
    url = f"{SITE}/a.html"
    archive.record(fetch(url, b"<p>v1</p>", 0), old_extraction(["one"]))
    archive.record(fetch(url, b"<p>v1</p>", day), None)  # unchanged, same body
    archive.record(fetch(url, None, 2 * day, status=304))  # not-modified
    archive.record(fetch(url, b"<p>v1 again</p>", 3 * day), old_extraction(["one"]))  # unchanged, other body
    archive.record(fetch(url, None, 4 * day, status=503))  # an error: history, kept
    archive.record(fetch(url, b"<p>v2</p>", 40 * day), old_extraction(["two"]))
    archive.record(fetch(url, b"<p>v2</p>", 50 * day), None)  # unchanged but recent
    other = f"{SITE}/b.html"
    archive.record(fetch(other, b"<p>b</p>", 0), old_extraction(["b"]))
    archive.record(fetch(other, b"<p>b</p>", day), None)
    with archive.session() as s:  # a version re-extracted from b's unchanged capture: that capture stays
        capture = s.scalar(select(Capture).where(Capture.outcome == "unchanged").order_by(Capture.id.desc()))
        version = s.scalar(select(Version).where(Version.page_id == capture.page_id))
        stored = StoredBody(other, "gazette", version.id, capture.id, b"<p>b</p>", None)
    assert record_reextraction(archive, stored, old_extraction(["b, better extracted"])) == "new-version"
    before = captures(archive)
    with archive.session() as s:
        blobs = {b.sha256: len(b.data) for b in s.scalars(select(Blob))}

    dry = prune(archive.session, before=T0 + timedelta(days=35), dry_run=True)
    assert (dry.captures, dry.blobs, dry.dry_run) == (3, 1, True)
    assert captures(archive) == before
    done = prune(archive.session, before=T0 + timedelta(days=35))
    assert (done.captures, done.blobs, done.blob_bytes) == (3, 1, dry.blob_bytes)
    assert done.blob_bytes == blobs[hashlib.sha256(b"<p>v1 again</p>").hexdigest()] > 0
    assert captures(archive) == [("new-version", 0, True), ("new-version", 0, True), ("unchanged", 1, True),
                                 ("error", 4, False), ("new-version", 40, True), ("unchanged", 50, True)]
    assert [v.number for v in archive.versions(url)] == [1, 2]
    assert [v.number for v in archive.versions(other)] == [1, 2]
    with archive.session() as s:  # the body only the pruned capture had is gone, the others remain
        assert len(s.scalars(select(Blob)).all()) == len(blobs) - 1
    assert prune(archive.session, before=T0 + timedelta(days=35)).captures == 0


def test_prune_command_dry_run_then_real(tmp_path):
    ws = Workspace(tmp_path)
    archive = Archive.open(ws.db_url)
    archive.ensure_source("gazette", role="origin", origin=SITE)
    archive.record(fetch(f"{SITE}/a.html", b"<p>v1</p>", 0), old_extraction(["one"]))
    archive.record(fetch(f"{SITE}/a.html", None, 60, status=304))
    archive.engine.dispose()
    dry = ws.json("prune", "--older-than", "30d", "--dry-run")
    assert (dry["captures"], dry["blobs"], dry["dry_run"]) == (1, 0, True)
    assert ws.run("prune", "--dry-run").stdout == (
        "would remove 1 identical captures older than 90d and 0 unused bodies (0 bytes stored)\n")
    assert ws.json("prune", "--older-than", "30d")["captures"] == 1
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("select outcome from capture").fetchall() == [("new-version",)]
    bad = ws.run("prune", "--older-than", "soon", check=False)
    assert (bad.returncode, bad.stderr.strip()) == (
        1, "Error: age must be a number and a unit (s, m, h, d, w), like 90d, not 'soon'")


def test_parse_age():
    assert parse_age("90d") == timedelta(days=90) and parse_age("12h") == timedelta(hours=12)
    assert parse_age("2w") == timedelta(weeks=2)


def test_reextract_library_on_both_backends(archive):
    from crawler.reextract import reextract

    html = article_html("Tram", PARAGRAPHS).encode()
    archive.record(fetch(f"{SITE}/a.html", html, 0), old_extraction(["Tram", *PARAGRAPHS, "Copyright 2026 Test Gazette."]))
    archive.record(fetch(f"{SITE}/a.html", html, 5), None)
    assert reextract(archive, workers=1) == {"pages": 1, "new_version": 1, "unchanged": 0, "no_text": 0,
                                             "moved_on": 0, "failed": 0}
    versions = archive.versions(f"{SITE}/a.html")
    assert [(v.number, v.change_class, v.paragraphs) for v in versions][1] == (2, EXTRACTOR_CHANGED, ["Tram", *PARAGRAPHS])
    assert versions[1].captured_at == T0 + timedelta(minutes=5)  # the newest capture of that body
    assert reextract(archive, workers=1)["pages"] == 0
