"""Re-extraction after an extractor change: `mirrorwatch reextract` and the library on both backends."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from crawler.extract.extractor import EXTRACTOR_VERSION, OPTIONS_HASH, extract
from storage.archive import Archive
from storage.archive.reextract import EXTRACTOR_CHANGED
from storage.types import Fetch
from tests.support.reextraction import SITE, T0, fetch, old_extraction
from tests.support.sites import PARAGRAPHS, article_html
from tests.support.workspace import Workspace


@pytest.mark.slow
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


def test_reextract_library_on_both_backends(archive):
    from crawler.ingest.reextract import reextract

    html = article_html("Tram", PARAGRAPHS).encode()
    archive.record(fetch(f"{SITE}/a.html", html, 0), old_extraction(["Tram", *PARAGRAPHS, "Copyright 2026 Test Gazette."]))
    archive.record(fetch(f"{SITE}/a.html", html, 5), None)
    assert reextract(archive, workers=1) == {"pages": 1, "new_version": 1, "unchanged": 0, "no_text": 0,
                                             "moved_on": 0, "failed": 0}
    versions = archive.versions(f"{SITE}/a.html")
    assert [(v.number, v.change_class, v.paragraphs) for v in versions][1] == (2, EXTRACTOR_CHANGED, ["Tram", *PARAGRAPHS])
    assert versions[1].captured_at == T0 + timedelta(minutes=5)  # the newest capture of that body
    assert reextract(archive, workers=1)["pages"] == 0
