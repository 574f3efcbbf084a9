"""Real crawls of a local site through the CLI: write v1, crawl, edit, crawl again."""

import sqlite3

from tests.conftest import PARAGRAPHS

A = "/articles/tram.html"


def captures(ws):
    with sqlite3.connect(ws.db) as conn:
        return conn.execute(
            "select p.url, c.outcome, c.status from capture c join page p on p.id = c.page_id order by c.id"
        ).fetchall()


def page_urls(ws):
    with sqlite3.connect(ws.db) as conn:
        return sorted(u for (u,) in conn.execute("select url from page"))


def test_edit_between_crawls_gives_exactly_two_versions(site, ws):
    site.index(A)
    site.article(A, "Tram line extended", PARAGRAPHS)
    ws.source(site)
    first = ws.crawl()
    assert first["summary"]["new_versions"] == 1
    edited = PARAGRAPHS[:2] + ["Opponents warned that the cost estimate of 410 million euros was optimistic."] + PARAGRAPHS[3:]
    site.article(A, "Tram line extended", edited)
    second = ws.crawl()
    assert (second["summary"]["new_versions"], second["summary"]["unchanged"]) == (1, 0)
    history = ws.json("history", site.url + A)
    assert [v["number"] for v in history["versions"]] == [1, 2]
    change = history["versions"][1]["change"]
    assert (change["paragraphs_changed"], change["paragraphs_added"], change["paragraphs_removed"]) == (1, 0, 0)
    diff = ws.json("diff", site.url + A)
    changed = [p for p in diff["paragraphs"] if p["status"] == "changed"]
    assert [(p["old"], p["new"]) for p in changed] == [(PARAGRAPHS[2], edited[2])]


def test_unchanged_recrawl_without_validators_skips_extraction(make_site, ws):
    site = make_site(validators=False)  # the server always answers 200 with the body
    site.index(A)
    site.article(A, "Tram line extended", PARAGRAPHS)
    ws.source(site)
    assert ws.crawl()["stats"]["mirrorwatch/extract/calls"] == 1
    again = ws.crawl()
    assert again["summary"]["unchanged"] == 1 and again["summary"]["new_versions"] == 0
    assert "mirrorwatch/extract/calls" not in again["stats"]
    assert again["stats"]["mirrorwatch/extract/skipped_same_body"] == 1
    assert len(ws.json("history", site.url + A)["versions"]) == 1


def test_recrawl_sends_validators_and_records_not_modified(site, ws):
    site.index(A)
    site.article(A, "Tram line extended", PARAGRAPHS)
    ws.source(site)
    ws.crawl()
    site.server.requests.clear()
    again = ws.crawl()
    assert again["summary"]["not_modified"] == 1
    assert "mirrorwatch/extract/calls" not in again["stats"]
    (headers,) = [h for _, path, h in site.server.requests if path == A]
    assert headers["If-None-Match"].startswith('"') and "If-Modified-Since" in headers
    assert captures(ws)[-1][1:] == ("not-modified", 304)


def test_revert_names_the_version_it_returns_to(site, ws):
    site.index(A)
    ws.source(site)
    site.article(A, "Tram", PARAGRAPHS)
    ws.crawl()
    site.article(A, "Tram", PARAGRAPHS[:3])
    ws.crawl()
    site.article(A, "Tram", PARAGRAPHS)
    ws.crawl()
    versions = ws.json("history", site.url + A)["versions"]
    assert [(v["number"], v["reverts_to"]) for v in versions] == [(1, None), (2, None), (3, 1)]


def test_deleted_page_is_gone_without_a_version(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site)
    ws.crawl()
    site.remove(A)
    result = ws.crawl()
    assert result["summary"]["gone"] == 1
    assert captures(ws)[-1][1:] == ("gone", 404)
    assert len(ws.json("history", site.url + A)["versions"]) == 1


def test_server_errors_are_error_captures(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site)
    ws.crawl()
    site.write("_status", f"{A} 503\n")
    result = ws.crawl()
    assert result["summary"]["errors"] == 1
    assert captures(ws)[-1][1:] == ("error", 503)
    assert len(ws.json("history", site.url + A)["versions"]) == 1


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


def test_tracking_parameters_fold_into_one_page(site, ws):
    site.article(A, "Tram", PARAGRAPHS)
    site.index(f"{A}?utm_source=twitter&utm_medium=social#comments", f"{A}?fbclid=abc", f"{A}#top")
    ws.source(site)
    ws.crawl()
    assert page_urls(ws) == [site.url + A]
    assert [c[1] for c in captures(ws)] == ["new-version"]
    assert ws.json("history", f"{site.url}{A}?utm_campaign=x")["url"] == site.url + A


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


def test_max_pages_limits_a_crawl(site, ws):
    paths = [f"/articles/a{n}.html" for n in range(6)]
    for n, path in enumerate(paths):
        site.article(path, f"A{n}", [f"Number {n}. " + p for p in PARAGRAPHS])
    site.index(*paths)
    ws.source(site, max_pages=3)
    result = ws.crawl()
    assert result["summary"]["fetched"] == 3
    assert len(page_urls(ws)) == 3


def test_no_telnet_console_or_remote_control_server(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site)
    log = ws.run("-v", "crawl").stderr
    assert "Spider opened" in log  # info lines are shown, so the listeners would be too
    assert "Telnet console listening" not in log
    assert "Remote control HTTP server listening" not in log


def test_scrapy_crawl_from_the_repo_root(site, ws):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site, name="gazette")
    env = {**os.environ, "MIRRORWATCH_DB": str(ws.db), "MIRRORWATCH_SOURCES": str(ws.dir / "sources.toml"),
           "MIRRORWATCH_EXTRACT_WORKERS": "1"}
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "article", "-a", "source=gazette"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "'mirrorwatch/captures/new-version': 1" in result.stderr
    assert ws.json("history", site.url + A)["versions"][0]["number"] == 1


def test_a_non_html_article_url_is_an_error_capture(site, ws):
    # Links to .pdf files are skipped by Scrapy's link extractor; a sitemap may still list one.
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    (site.root / "articles" / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    site.write("sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{site.url}/articles/report.pdf</loc></url></urlset>""")
    ws.source(site, sitemaps=[site.url + "/sitemap.xml"])
    result = ws.crawl()
    assert result["summary"]["errors"] == 1 and result["summary"]["new_versions"] == 1
    assert "mirrorwatch/extract/calls" in result["stats"] and result["stats"]["mirrorwatch/extract/calls"] == 1
    with sqlite3.connect(ws.db) as conn:
        (error,) = conn.execute("select error from capture where outcome = 'error'").fetchone()
    assert error == "not an HTML page: application/pdf"


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
