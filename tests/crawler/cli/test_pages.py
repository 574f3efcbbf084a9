"""`mirrorwatch history` and `diff` as a user runs them: JSON shapes, exit codes, one-line errors."""

import pytest

from tests.support.sites import PARAGRAPHS

A = "/articles/tram.html"


@pytest.mark.slow
def test_history_and_diff_json_shapes(site, ws):
    site.index(A)
    site.article(A, "Tram line extended", PARAGRAPHS)
    ws.source(site)
    ws.crawl()
    site.article(A, "Tram line extended to the north", PARAGRAPHS + ["A correction was appended on Friday."])
    ws.crawl()
    history = ws.json("history", site.url + A)
    assert set(history) == {"url", "gone_at", "versions"}
    assert history["url"] == site.url + A
    first, second = history["versions"]
    assert set(first) >= {"number", "captured_at", "title", "text_sha256", "change", "change_class", "significance"}
    assert (first["number"], first["change"], second["number"]) == (1, None, 2)
    assert second["title"] == "Tram line extended to the north"
    assert second["change"]["paragraphs_added"] == 1
    assert len(second["text_sha256"]) == 64 and second["text_sha256"] != first["text_sha256"]

    diff = ws.json("diff", site.url + A, "--from", "1", "--to", "2")
    assert {"url", "from", "to", "paragraphs"} <= set(diff)
    assert (diff["from"], diff["to"]) == (1, 2)
    assert all(set(p) == {"status", "old", "new"} | ({"words"} if p["status"] == "changed" else set())
               for p in diff["paragraphs"])
    assert diff["title"]["change"] == "title: Tram line extended → Tram line extended to the north"
    assert diff["paragraphs"][-1] == {"status": "added", "old": None, "new": "A correction was appended on Friday."}
    statuses = [p["status"] for p in diff["paragraphs"]]
    assert statuses.count("same") >= len(PARAGRAPHS) and "removed" not in statuses

    text = ws.cli("diff", site.url + A).stdout
    assert "+ A correction was appended on Friday." in text
    assert "version 1 → 2" in text


def recorded(ws, *pages):
    """An archive in the workspace holding (source, url, title, paragraphs) records, in order."""
    from datetime import UTC, datetime, timedelta

    from storage.archive import Archive
    from storage.types import Extracted, Fetch

    archive = Archive.open(ws.db_url)
    archive.ensure_source("news", role="origin", origin="http://127.0.0.1:9001")
    archive.ensure_source("blog", role="mirror", origin="http://127.0.0.1:9002")
    for k, (source, url, title, paragraphs) in enumerate(pages):
        archive.record(Fetch(source, url, datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=k), 200, f"{k}".encode()),
                       Extracted(title, None, None, None, "en", None, tuple(paragraphs), "trafilatura", "2.3.1", "t"))
    archive.engine.dispose()


LONG = "http://127.0.0.1:9001/articles/" + "the-city-council-votes-to-extend-the-tram-line-" * 2 + ".html"


def test_diff_takes_a_context_and_writes_html(ws, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    edited = PARAGRAPHS[:3] + [PARAGRAPHS[3].replace("2029", "2030")]
    recorded(ws, ("news", LONG, "Tram", PARAGRAPHS), ("news", LONG, "Tram", edited))
    text = ws.cli("diff", LONG, "--context", "0").stdout
    assert text.splitlines()[:3] == [LONG, "version 1 → 2: +2/-2 chars, 1 paragraph changed",
                                     "  … 3 unchanged paragraphs …"]
    assert text.splitlines()[3:] == ["~ The first trams are expected to run on the new section in the spring of",
                                     "  [-2029,-] {+2030,+} according to the transport authority."]
    assert ws.cli("diff", LONG).stdout.count("unchanged paragraph") == 1  # the default context, 1
    assert ws.cli("diff", LONG, "--context", "-1", check=False).returncode == 2  # click's usage error
    ws.cli("diff", LONG, "--format", "html", "-o", "diff.html")
    html = (ws.dir / "diff.html").read_text(encoding="utf-8")
    assert "<del>2029,</del>" in html and "<ins>2030,</ins>" in html and "… 3 unchanged paragraphs …" not in html
    assert "… 2 unchanged paragraphs …" in html


def test_compare_of_two_pages_that_share_nothing_says_so_and_names_no_original(ws, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    other = ["The harbour authority approved a plan on Monday to deepen the main channel by two metres.",
             "Fishermen asked for compensation, arguing the work would close their grounds for three seasons."]
    recorded(ws, ("news", LONG, "Tram", PARAGRAPHS), ("blog", "http://127.0.0.1:9002/harbour/", "Harbour", other))
    result = ws.cli("compare", "http://127.0.0.1:9002/harbour/", LONG)
    assert result.stdout == f"""\
not copies: the two pages share nothing beyond boilerplate
first     blog
          Harbour
  http://127.0.0.1:9002/harbour/
second    news
          Tram
  {LONG}
"""
    data = ws.json("compare", LONG, "http://127.0.0.1:9002/harbour/")
    assert (data["is_copy"], data["original"], data["original_reason"]) == (False, None, None)
    assert [p["url"] for p in data["pages"]] == [LONG, "http://127.0.0.1:9002/harbour/"]


@pytest.mark.slow
def test_unknown_url_and_version_are_one_line_errors(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site)
    ws.crawl()
    result = ws.cli("history", site.url + "/nothing.html", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: no page in the archive for {site.url}/nothing.html"
    result = ws.cli("diff", site.url + A, "--from", "1", "--to", "7", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: {site.url}{A}: no version 7 (versions: 1)"
