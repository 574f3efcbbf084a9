"""A fetch that looks partial is re-fetched once before it becomes a version (real crawls)."""

import sqlite3

import pytest

from tests.support.scripted import scripted  # noqa: F401 (a fixture)
from tests.support.sites import PARAGRAPHS, article_html

A = "/articles/tram.html"
FULL = article_html("Tram line extended", PARAGRAPHS).encode()
CUT = FULL[: FULL.index(PARAGRAPHS[1].encode()) + 40]  # the transfer stopped inside paragraph 2


def setup(scripted, ws):
    scripted.index(A)
    scripted.answer(A, FULL)
    ws.sources(f'[[source]]\nname = "test"\nrole = "origin"\nstart_urls = ["{scripted.url}/"]\n'
               'allow = ["/articles/"]\n')
    assert ws.crawl()["summary"]["new_version"] == 1


def outcomes(ws):
    with sqlite3.connect(ws.db) as conn:
        return [o for (o,) in conn.execute("select outcome from capture order by id")]


@pytest.mark.slow
def test_a_page_cut_off_once_is_refetched_and_not_stored_as_a_version(scripted, ws):
    setup(scripted, ws)
    scripted.requests.clear()
    scripted.answer(A, CUT, FULL)
    result = ws.crawl()
    assert scripted.count(A) == 2
    assert result["stats"]["mirrorwatch/fetch/partial_refetched"] == 1
    assert "mirrorwatch/fetch/partial_confirmed" not in result["stats"]
    assert (result["summary"]["new_version"], result["summary"]["unchanged"]) == (0, 1)
    assert outcomes(ws) == ["new-version", "unchanged"]  # the cut-off fetch left no capture
    assert len(ws.json("history", scripted.url + A)["versions"]) == 1


@pytest.mark.slow
def test_a_page_cut_off_twice_becomes_a_truncated_version(scripted, ws):
    setup(scripted, ws)
    scripted.answer(A, CUT)
    result = ws.crawl()
    assert result["stats"]["mirrorwatch/fetch/partial_refetched"] == 1
    assert result["stats"]["mirrorwatch/fetch/partial_confirmed"] == 1
    assert result["summary"]["new_version"] == 1
    assert outcomes(ws) == ["new-version", "new-version"]
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("select number, change_class from version order by number").fetchall() == [
            (1, None), (2, "truncated")]


@pytest.mark.slow
def test_a_whole_page_is_fetched_once(scripted, ws):
    setup(scripted, ws)
    scripted.requests.clear()
    edited = PARAGRAPHS[:3] + ["The first trams are expected in 2030."]
    scripted.answer(A, article_html("Tram line extended", edited))
    result = ws.crawl()
    assert scripted.count(A) == 1
    assert "mirrorwatch/fetch/partial_refetched" not in result["stats"]
    assert result["summary"]["new_version"] == 1
