"""The one search of the dashboard and of `mirrorwatch search`, within one source or all, on
SQLite (FTS5) and PostgreSQL (full-text indexes)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from storage.errors import StorageError
from storage.search import search
from tests.support.records import extracted, fetch

GAZETTE = "http://127.0.0.1:9/articles/harbour.html"
BLOG = "http://127.0.0.1:8/2026/harbour/"


@pytest.fixture
def two_sources(archive):
    archive.ensure_source("blog", role="mirror", origin="http://127.0.0.1:8")
    archive.record(fetch(b"<html>g</html>", url=GAZETTE),
                   extracted(["Harbour pilots stopped work on Monday over the new shift rota."], title="Harbour strike"))
    archive.record(replace(fetch(b"<html>b</html>", url=BLOG), source="blog"),
                   extracted(["Our harbour walk passed the pilots' station, closed by a strike."], title="Harbour walk"))
    return archive


def test_search_all_sources_or_one(two_sources):
    with two_sources.session() as s:
        everywhere = search(s, "harbour")
        assert sorted(p["url"] for p in everywhere["pages"]) == sorted([GAZETTE, BLOG])
        assert sorted(t["url"] for t in everywhere["texts"]) == sorted([GAZETTE, BLOG])
        blog = search(s, "harbour", source="blog")
        assert (blog["source"], [p["url"] for p in blog["pages"]], [t["url"] for t in blog["texts"]]) == (
            "blog", [BLOG], [BLOG])
        by_url = search(s, "articles/harb", source="blog")
        assert by_url["pages"] == [] and search(s, "articles/harb", source="gazette")["pages"][0]["url"] == GAZETTE
        by_title = search(s, "harbour str", source="gazette")  # the last word as a prefix
        assert [p["title"] for p in by_title["pages"]] == ["Harbour strike"]
        assert search(s, "harbour str", source="blog")["pages"] == []
        with pytest.raises(StorageError, match="unknown source 'nosuch'"):
            search(s, "harbour", source="nosuch")
