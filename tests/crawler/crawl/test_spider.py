"""What the spider fetches (real crawls of a local site): robots.txt, sitemaps and feeds, links kept
on the site, tracking parameters, redirects and canonical links as aliases, page limits, due re-checks;
the encoding it hands the extraction worker."""

import codecs
import sqlite3

import pytest
import scrapy.http.response.text
from scrapy.http import HtmlResponse

from crawler.crawl.responses import declared_encoding
from tests.support.sites import PARAGRAPHS

A = "/articles/tram.html"


def page_urls(ws):
    with sqlite3.connect(ws.db) as conn:
        return sorted(u for (u,) in conn.execute("select url from page"))


@pytest.mark.slow
def test_robots_disallow_is_honoured(site, ws):
    site.write("robots.txt", "User-agent: *\nDisallow: /articles/private\n")
    site.index(A, "/articles/private-memo.html")
    site.article(A, "Tram", PARAGRAPHS)
    site.article("/articles/private-memo.html", "Memo", PARAGRAPHS[::-1])
    ws.source(site)
    result = ws.crawl()
    assert page_urls(ws) == [site.url + A]
    assert "/articles/private-memo.html" not in site.server.paths_requested()
    assert result["stats"]["robotstxt/forbidden"] == 1


@pytest.mark.slow
def test_sitemap_index_and_feed_discovery(site, ws):
    site.index()  # the home page links to nothing
    for n in range(1, 5):
        site.article(f"/articles/a{n}.html", f"Article {n}", [f"Paragraph {n}: " + p for p in PARAGRAPHS])
    site.write("sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{site.url}/sitemap-1.xml</loc></sitemap></sitemapindex>""")
    site.write("sitemap-1.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{site.url}/articles/a1.html</loc><lastmod>2026-01-01</lastmod></url>
<url><loc>{site.url}/articles/a2.html</loc></url>
<url><loc>http://elsewhere.invalid/articles/x.html</loc></url></urlset>""")
    site.write("feed.xml", f"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>3</title><link>{site.url}/articles/a3.html</link><pubDate>Fri, 02 Jan 2026 08:00:00 GMT</pubDate></item>
</channel></rss>""")
    site.write("atom.xml", f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>4</title><link rel="alternate" href="{site.url}/articles/a4.html"/><updated>2026-01-03T09:30:00Z</updated></entry>
</feed>""")
    ws.source(site, sitemaps=[site.url + "/sitemap.xml"], feeds=[site.url + "/feed.xml", site.url + "/atom.xml"])
    result = ws.crawl()
    assert page_urls(ws) == [f"{site.url}/articles/a{n}.html" for n in range(1, 5)]
    assert result["stats"]["mirrorwatch/discovery/sitemap_urls"] == 2
    assert result["stats"]["mirrorwatch/discovery/feed_urls"] == 2
    with sqlite3.connect(ws.db) as conn:
        listed = dict(conn.execute("select url, listed_modified from page"))
    assert listed == {f"{site.url}/articles/a1.html": "2026-01-01", f"{site.url}/articles/a2.html": None,
                      f"{site.url}/articles/a3.html": "Fri, 02 Jan 2026 08:00:00 GMT",
                      f"{site.url}/articles/a4.html": "2026-01-03T09:30:00Z"}


@pytest.mark.slow
def test_off_site_links_and_redirects_are_not_followed(make_site, ws):
    site, other = make_site("site"), make_site("other")
    other.article(A, "Elsewhere", PARAGRAPHS)
    site.article(A, "Tram", PARAGRAPHS)
    site.write("_redirects", f"/articles/moved.html {other.url}{A} 301\n")
    site.index(A, f"{other.url}{A}", "/articles/moved.html")
    ws.source(site)
    result = ws.crawl()
    assert page_urls(ws) == [site.url + A]
    assert other.server.paths_requested() == []
    assert result["stats"]["mirrorwatch/discovery/offsite_links"] == 1
    assert result["stats"]["mirrorwatch/offsite/ignored"] == 1


@pytest.mark.slow
def test_tracking_parameters_fold_into_one_page(site, ws):
    site.article(A, "Tram", PARAGRAPHS)
    site.index(f"{A}?utm_source=twitter&utm_medium=social#comments", f"{A}?fbclid=abc", f"{A}#top")
    ws.source(site)
    ws.crawl()
    assert page_urls(ws) == [site.url + A]
    assert [c[1] for c in ws.captures()] == ["new-version"]
    assert ws.json("history", f"{site.url}{A}?utm_campaign=x")["url"] == site.url + A


@pytest.mark.slow
def test_redirects_and_canonical_are_aliases_of_the_page(site, ws):
    site.article(A, "Tram", PARAGRAPHS, canonical=f"{site.url}/tram")
    site.write("_redirects", f"/old/tram.html {A} 301\n")
    site.index("/old/tram.html")
    ws.source(site)
    ws.crawl()
    assert page_urls(ws) == [site.url + A]
    with sqlite3.connect(ws.db) as conn:
        aliases = sorted(conn.execute("select url, kind from page_alias"))
    assert aliases == [(f"{site.url}/old/tram.html", "redirect"), (f"{site.url}/tram", "canonical")]
    for alias in (f"{site.url}/old/tram.html", f"{site.url}/tram"):
        assert ws.json("history", alias)["url"] == site.url + A


@pytest.mark.slow
def test_max_pages_limits_a_crawl(site, ws):
    paths = [f"/articles/a{n}.html" for n in range(6)]
    for n, path in enumerate(paths):
        site.article(path, f"A{n}", [f"Number {n}. " + p for p in PARAGRAPHS])
    site.index(*paths)
    ws.source(site, max_pages=3)
    result = ws.crawl()
    assert result["summary"]["fetched"] == 3
    assert len(page_urls(ws)) == 3


@pytest.mark.slow
def test_a_non_html_article_url_is_an_error_capture(site, ws):
    # Links to .pdf files are skipped by Scrapy's link extractor; a sitemap may still list one.
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    (site.root / "articles" / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    site.write("sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{site.url}/articles/report.pdf</loc></url></urlset>""")
    ws.source(site, sitemaps=[site.url + "/sitemap.xml"])
    result = ws.crawl()
    assert result["summary"]["error"] == 1 and result["summary"]["new_version"] == 1
    assert "mirrorwatch/extract/calls" in result["stats"] and result["stats"]["mirrorwatch/extract/calls"] == 1
    with sqlite3.connect(ws.db) as conn:
        (error,) = conn.execute("select error from capture where outcome = 'error'").fetchone()
    assert error == "not an HTML page: application/pdf"


@pytest.mark.slow
def test_redirect_to_a_page_already_fetched_is_still_an_alias(site, ws):
    site.article(A, "Tram", PARAGRAPHS)
    site.index(A)
    ws.source(site)
    ws.crawl()
    # Next crawl: the known page is re-checked first, then a new link redirects to it;
    # the redirected request is a duplicate and dropped, but the redirect is still noted.
    site.write("_redirects", f"/old/tram.html {A} 301\n")
    site.index(A, "/old/tram.html")
    result = ws.crawl()
    assert result["stats"]["dupefilter/filtered"] >= 1
    assert result["stats"]["mirrorwatch/aliases/redirects_added"] == 1
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("select url, kind from page_alias").fetchall() == [(f"{site.url}/old/tram.html", "redirect")]
    assert ws.json("history", f"{site.url}/old/tram.html")["url"] == site.url + A


# -- The re-check policy: due times on literal datetimes, the archive hook, and crawls that



def _sitemap(site, lastmods):
    urls = "".join(f"<url><loc>{site.url}{path}</loc><lastmod>{lastmod}</lastmod></url>"
                   for path, lastmod in lastmods.items())
    site.write("sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>'
               f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')


def _make_all_due(ws):
    with sqlite3.connect(ws.db) as conn:
        conn.execute("update page set next_due_at = '2000-01-01 00:00:00'")


@pytest.mark.slow
def test_due_crawl_skips_pages_not_due_and_pages_listed_unchanged(site, ws):
    paths = [f"/articles/a{n}.html" for n in range(3)]
    for n, path in enumerate(paths):
        site.article(path, f"A{n}", [f"Number {n}. " + p for p in PARAGRAPHS])
    _sitemap(site, {paths[0]: "2026-01-01T00:00:00Z", paths[1]: "2026-01-01T00:00:00Z"})
    site.index(paths[2])  # linked only: no listing date
    ws.source(site, sitemaps=[site.url + "/sitemap.xml"])
    assert ws.crawl()["summary"]["new_version"] == 3

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
    assert listed["sources"][0]["new_version"] == 1
    fetched = sorted(p for p in site.server.paths_requested() if p.startswith("/articles/"))
    assert fetched == [paths[0], paths[2]]

    # A manual crawl without --due still re-checks every known page.
    site.server.requests.clear()
    everything = ws.crawl()
    assert everything["summary"]["fetched"] == 3
    assert sorted(p for p in site.server.paths_requested() if p.startswith("/articles/")) == sorted(paths)


CYRILLIC = "<html><head>{meta}<title>Трамвай</title></head><body><article><p>Городской совет</p></article></body></html>"


@pytest.mark.parametrize("body, content_type, expected", [
    (CYRILLIC.format(meta="").encode("cp1251"), "text/html", None),  # declared nowhere: the worker sniffs
    (CYRILLIC.format(meta="").encode("cp1251"), "text/html; charset=windows-1251", "cp1251"),
    (CYRILLIC.format(meta='<meta charset="windows-1251">').encode("cp1251"), "text/html", "cp1251"),
    (codecs.BOM_UTF8 + CYRILLIC.format(meta="").encode(), "text/html; charset=windows-1251", "utf-8"),
])
def test_the_worker_is_given_the_encoding_a_page_declares_and_the_body_is_not_decoded_here(
        monkeypatch, body, content_type, expected):
    # Scrapy's response.encoding decodes the whole body to guess one for a page that declares
    # none, in the reactor's thread: the crawl never asks it.
    def decoded(*args, **kwargs):
        raise AssertionError("the crawl process decoded the page")
    monkeypatch.setattr(scrapy.http.response.text, "html_to_unicode", decoded)
    response = HtmlResponse("http://127.0.0.1:8000/a.html", body=body, headers={"Content-Type": content_type})
    assert declared_encoding(response, content_type) == expected


def test_no_callback_of_the_spider_is_a_generator_returning_a_value():
    """Scrapy's own check of this is off (``WARN_ON_GENERATOR_RETURN_VALUE``: it parsed the
    callbacks' source again and again); a generator callback's returned value would be lost, so
    the check is made here, once."""
    import inspect

    from scrapy.utils.misc import is_generator_with_return_value

    from crawler.crawl.render_data import DataCheck
    from crawler.crawl.spider import ArticleSpider
    from crawler.crawl.runner import crawl_settings

    assert crawl_settings(db="sqlite://", sources_path="sources.toml").getbool("WARN_ON_GENERATOR_RETURN_VALUE") is False
    methods = [m for cls in (ArticleSpider, DataCheck) for _, m in inspect.getmembers(cls, inspect.isfunction)]
    generators = [m for m in methods if inspect.isgeneratorfunction(m) or inspect.isasyncgenfunction(m)]
    assert len(generators) >= 8  # parse_page, on_error, on_render_error, ... : the callbacks are among them
    assert [m.__qualname__ for m in generators if is_generator_with_return_value(m)] == []
