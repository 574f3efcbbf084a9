"""The re-check policy: due times on literal datetimes, the archive hook, and crawls that
re-check only due pages and skip pages whose sitemap says they have not changed."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from storage.archive import Archive
from storage.recheck import RecheckLimits, listed_unchanged, next_due, parse_listed_date
from storage.types import Extracted, Fetch
from tests.conftest import PARAGRAPHS

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("age, interval", [
    (timedelta(hours=2), timedelta(minutes=15)),
    (timedelta(hours=23, minutes=59), timedelta(minutes=15)),
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=2), timedelta(hours=1)),
    (timedelta(days=5), timedelta(hours=6)),
    (timedelta(days=10), timedelta(days=1)),
    (timedelta(days=400), timedelta(weeks=1)),
    (timedelta(hours=-3), timedelta(minutes=15)),  # a published date in the future counts as new
])
def test_interval_grows_with_the_articles_age(age, interval):
    assert next_due(NOW, born=NOW - age) == NOW + interval


def test_a_change_brings_the_next_check_forward_even_for_an_old_article():
    born = NOW - timedelta(days=90)
    assert next_due(NOW, born=born) == NOW + timedelta(weeks=1)
    assert next_due(NOW, born=born, changed=True) == NOW + timedelta(minutes=15)


def test_source_limits_bound_the_interval():
    limits = RecheckLimits(min=timedelta(hours=2), max=timedelta(days=2))
    assert next_due(NOW, born=NOW - timedelta(hours=1), limits=limits) == NOW + timedelta(hours=2)
    assert next_due(NOW, born=NOW - timedelta(days=90), limits=limits) == NOW + timedelta(days=2)
    assert next_due(NOW, born=NOW - timedelta(days=5), limits=limits) == NOW + timedelta(hours=6)


def test_listing_dates_in_sitemap_and_feed_formats():
    assert parse_listed_date("2026-03-10T09:30:00+01:00") == datetime(2026, 3, 10, 8, 30, tzinfo=UTC)
    assert parse_listed_date("2026-03-10T08:30:00Z") == datetime(2026, 3, 10, 8, 30, tzinfo=UTC)
    assert parse_listed_date("Tue, 10 Mar 2026 08:30:00 GMT") == datetime(2026, 3, 10, 8, 30, tzinfo=UTC)
    # A bare day counts as its end: an edit later that day must not be skipped.
    assert parse_listed_date("2026-03-10") == datetime(2026, 3, 11, tzinfo=UTC)
    assert parse_listed_date("last tuesday") is None
    captured = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert listed_unchanged("2026-03-10T11:00:00Z", captured)
    assert not listed_unchanged("2026-03-10T13:00:00Z", captured)
    assert not listed_unchanged("2026-03-10", captured)
    assert listed_unchanged("2026-03-09", captured)
    assert not listed_unchanged(None, captured)
    assert not listed_unchanged("2026-03-09", None)


def _extracted(paragraphs, published=None):
    return Extracted("Tram", None, published, None, "en", None, tuple(paragraphs), "trafilatura", "2.3", "x")


def test_recording_a_capture_sets_the_next_due_time(db_url):
    archive = Archive.open(db_url)
    archive.ensure_source("news", role="origin", origin="http://127.0.0.1:1")
    url = "http://127.0.0.1:1/articles/tram.html"
    published = "2026-03-09"  # 1.5 days before NOW: one hour
    first = archive.record(Fetch("news", url, NOW, 200, b"<p>v1</p>"), _extracted(PARAGRAPHS, published),
                           recheck=RecheckLimits())
    assert first.outcome == "new-version"
    assert archive.page(url).next_due_at == NOW + timedelta(hours=1)
    later = NOW + timedelta(hours=1)
    archive.record(Fetch("news", url, later, 304))
    assert archive.page(url).next_due_at == later + timedelta(hours=1)
    edited = archive.record(Fetch("news", url, later + timedelta(hours=1), 200, b"<p>v2</p>"),
                            _extracted(PARAGRAPHS[:3], published))
    assert edited.outcome == "new-version"
    assert archive.page(url).next_due_at == later + timedelta(hours=1, minutes=15)
    capped = archive.record(Fetch("news", url, NOW + timedelta(days=30), 304),
                            recheck=RecheckLimits(max=timedelta(hours=3)))
    assert capped.outcome == "not-modified"
    assert archive.page(url).next_due_at == NOW + timedelta(days=30, hours=3)


def _sitemap(site, lastmods):
    urls = "".join(f"<url><loc>{site.url}{path}</loc><lastmod>{lastmod}</lastmod></url>"
                   for path, lastmod in lastmods.items())
    site.write("sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>'
               f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')


def _make_all_due(ws):
    with sqlite3.connect(ws.db) as conn:
        conn.execute("update page set next_due_at = '2000-01-01 00:00:00'")


def test_due_crawl_skips_pages_not_due_and_pages_listed_unchanged(site, ws):
    paths = [f"/articles/a{n}.html" for n in range(3)]
    for n, path in enumerate(paths):
        site.article(path, f"A{n}", [f"Number {n}. " + p for p in PARAGRAPHS])
    _sitemap(site, {paths[0]: "2026-01-01T00:00:00Z", paths[1]: "2026-01-01T00:00:00Z"})
    site.index(paths[2])  # linked only: no listing date
    ws.source(site, sitemaps=[site.url + "/sitemap.xml"])
    assert ws.crawl()["summary"]["new_versions"] == 3

    # Just captured: nothing is due, a --due crawl fetches no known page.
    site.server.requests.clear()
    fresh = ws.json("crawl", "--due")["stats"]["test"]
    assert (fresh["mirrorwatch/recheck/due"], fresh["mirrorwatch/recheck/not_due"]) == (0, 3)
    assert not set(paths) & set(site.server.paths_requested())

    # All due now: the two pages the sitemap dates before their capture are skipped.
    _make_all_due(ws)
    site.server.requests.clear()
    due = ws.json("crawl", "--due")["stats"]["test"]
    assert (due["mirrorwatch/recheck/due"], due["mirrorwatch/recheck/skipped_listed"]) == (1, 2)
    assert [p for p in site.server.paths_requested() if p.startswith("/articles/")] == [paths[2]]

    # The sitemap now dates a change of a0 after its capture: fetched though skipped at start.
    _make_all_due(ws)
    site.article(paths[0], "A0", ["Corrected. " + p for p in PARAGRAPHS])
    _sitemap(site, {paths[0]: "2099-01-01T00:00:00Z", paths[1]: "2026-01-01T00:00:00Z"})
    site.server.requests.clear()
    listed = ws.json("crawl", "--due")
    stats = listed["stats"]["test"]
    assert stats["mirrorwatch/recheck/listed_changed"] == 1
    assert listed["sources"][0]["new_versions"] == 1
    fetched = sorted(p for p in site.server.paths_requested() if p.startswith("/articles/"))
    assert fetched == [paths[0], paths[2]]

    # A manual crawl without --due still re-checks every known page.
    site.server.requests.clear()
    everything = ws.crawl()
    assert everything["summary"]["fetched"] == 3
    assert sorted(p for p in site.server.paths_requested() if p.startswith("/articles/")) == sorted(paths)
