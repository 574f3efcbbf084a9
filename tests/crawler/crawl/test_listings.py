"""A source's listings read through the spider's own parse methods: the same verdicts as its crawl, bounded."""

import sqlite3

import pytest

from crawler.crawl import listings
from crawler.crawl.listings import walk
from crawler.probe.fetch import Fetcher
from tests.support import newsroom

ALLOW = [r"/articles/\d{4}/\d{2}/[^/]+\.html$"]


def newsroom_source(ws, site, **fields):
    fields = {"sitemaps": [site.url + "/sitemap-index.xml"], "feeds": [site.url + "/feed.xml"], "allow": ALLOW} | fields
    ws.source(site, name="gazette", **fields)


@pytest.mark.slow
def test_the_walk_takes_for_articles_what_the_crawl_fetches(site, ws):
    newsroom.build(site)
    newsroom_source(ws, site)
    seen = walk("gazette", ws.dir / "sources.toml", Fetcher())
    ws.crawl()
    with sqlite3.connect(ws.db) as conn:
        crawled = {url for (url,) in conn.execute("select url from page")}
    assert set(seen.articles) == crawled == {site.url + p for p in newsroom.ARTICLES}
    fetched = set(site.server.paths_requested())
    assert {site.url + p for p in fetched if not p.startswith("/articles/")} >= set(seen.followed)


def test_problems_of_listings_are_noted_and_the_rest_is_read(site, ws):
    newsroom.build(site)
    site.write("robots.txt", "User-agent: *\nDisallow: /private/\n")
    newsroom_source(ws, site, start_urls=[site.url + "/report.pdf"],
                    sitemaps=[site.url + "/private/sitemap.xml", site.url + "/missing.xml"])
    (site.root / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x01\x02")
    seen = walk("gazette", ws.dir / "sources.toml", Fetcher())
    assert [(p.kind, p.url.removeprefix(site.url), p.status, p.problem) for p in seen.listings] == [
        ("robots.txt", "/robots.txt", 200, None),
        ("start page", "/report.pdf", 200, "not a web page (application/pdf): no links read"),
        ("sitemap", "/private/sitemap.xml", None, "robots.txt disallows it"),
        ("sitemap", "/missing.xml", 404, "HTTP 404"),
        ("feed", "/feed.xml", 200, None),
    ]
    assert seen.articles == [site.url + p for p in newsroom.FEED]
    assert "/private/sitemap.xml" not in site.server.paths_requested()


def test_sitemaps_are_read_up_to_the_bounds(site, ws, monkeypatch):
    newsroom.build(site)
    ws.source(site, name="gazette", start_urls=[], sitemaps=[site.url + "/robots.txt"], allow=ALLOW)
    monkeypatch.setattr(listings, "MAX_SITEMAP_URLS", 3)
    seen = walk("gazette", ws.dir / "sources.toml", Fetcher())
    assert [p.url.removeprefix(site.url) for p in seen.listings] == [
        "/robots.txt", "/robots.txt", "/sitemap-index.xml", "/sitemap-news.xml"]  # not the gzip sitemap
    assert seen.capped == ["read the first 3 sitemap URLs only"]
    assert list(seen.verdicts) == [site.url + p for p in newsroom.NEWS_SITEMAP[:3]]

    monkeypatch.setattr(listings, "MAX_SITEMAP_URLS", 5000)
    monkeypatch.setattr(listings, "MAX_INDEX_DEPTH", 1)  # robots.txt → the index, no further
    seen = walk("gazette", ws.dir / "sources.toml", Fetcher())
    assert [p.url.removeprefix(site.url) for p in seen.listings] == ["/robots.txt", "/robots.txt", "/sitemap-index.xml"]
    assert seen.capped == ["2 listings not read (at most 50, sitemap indexes 1 levels deep)"]
    assert seen.verdicts == {}
