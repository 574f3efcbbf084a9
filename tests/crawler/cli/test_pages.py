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
    assert all(set(p) == {"status", "old", "new"} for p in diff["paragraphs"])
    assert diff["paragraphs"][-1] == {"status": "added", "old": None, "new": "A correction was appended on Friday."}
    statuses = [p["status"] for p in diff["paragraphs"]]
    assert statuses.count("same") >= len(PARAGRAPHS) and "removed" not in statuses

    text = ws.cli("diff", site.url + A).stdout
    assert "+ A correction was appended on Friday." in text
    assert "version 1 → 2" in text


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
