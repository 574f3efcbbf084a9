"""Sources with ``render = "browser"``: articles built by JavaScript, crawled in headless Chromium
(real crawls of a local site), and app shells fetched over HTTP recorded as such."""

import hashlib
import json
import sqlite3

import pytest

from crawler.crawl.browser import RAW_SHA256, RENDERED
from crawler.crawl.render_data import DATA
from crawler.extract.shell import SHELL_REASON
from tests.support.sites import PARAGRAPHS
from tests.support.spa import json_hits, need_chromium, spa_article

pytestmark = pytest.mark.slow
TRAM = "Tram line to be extended"


def versions(ws, url_part: str) -> list[tuple[int, str, str]]:
    with sqlite3.connect(ws.db) as conn:
        return conn.execute("select v.number, v.title, v.text from version v join page p on p.id = v.page_id"
                            " where p.url like ? order by v.number", (f"%{url_part}%",)).fetchall()


def capture_headers(ws) -> list[dict]:
    with sqlite3.connect(ws.db) as conn:
        return [dict(json.loads(h or "[]")) for (h,) in conn.execute("select headers from capture order by id")]


@pytest.fixture
def spa(make_site, ws):
    need_chromium()
    site = make_site("spa")
    spa_article(site, "tram", TRAM, PARAGRAPHS)
    site.index("/articles/tram.html")
    return site


def json_requests(site, slug: str) -> list[dict]:
    """The headers of each request for the article's JSON, in order."""
    return [headers for _, path, headers in site.server.requests if path.startswith(f"/api/{slug}.json")]


@pytest.mark.browser
def test_rendered_articles_become_versions_and_a_json_only_edit_a_new_one(spa, ws):
    ws.source(spa, render="browser", wait_for="article h1", render_timeout=10)
    first = ws.crawl()
    assert first["summary"]["new_version"] == 1, first
    assert versions(ws, "tram") == [(1, TRAM, "\n".join([TRAM, *PARAGRAPHS]))]
    headers = capture_headers(ws)[-1]
    assert headers[RENDERED] == "chromium" and len(headers[RAW_SHA256]) == 64
    json_body = spa.root.joinpath("api/tram.json").read_bytes()
    (data,) = json.loads(headers[DATA])  # the data response the rendering loaded, as the browser got it
    assert (data["url"], data["sha256"]) == (spa.url + "/api/tram.json", hashlib.sha256(json_body).hexdigest())
    assert data["etag"] and len(json_requests(spa, "tram")) == 1

    # Nothing changed: the HTML and the JSON both answer 304 to plain GETs; no rendering, no version.
    again = ws.crawl()
    assert (again["summary"]["not_modified"], again["summary"]["new_version"]) == (1, 0)
    assert again["stats"].get("mirrorwatch/render/requests") is None
    assert again["stats"]["mirrorwatch/render/data_unchanged"] == 1
    assert json_requests(spa, "tram")[-1]["If-None-Match"] == data["etag"]
    assert capture_headers(ws)[-1][DATA] == headers[DATA]  # the next re-check compares with the same data

    # Only the JSON edited: the article's HTML is byte for byte the same, and answers 304.
    html = spa.root.joinpath("articles/tram.html").read_bytes()
    edited = PARAGRAPHS[:3] + ["The first trams will now run in the autumn of 2029, the authority said."]
    spa_article(spa, "tram", TRAM, edited)
    assert spa.root.joinpath("articles/tram.html").read_bytes() == html
    third = ws.crawl()
    assert third["summary"]["new_version"] == 1, third
    assert (third["stats"]["mirrorwatch/render/data_changed"], third["stats"]["mirrorwatch/render/requests"]) == (1, 1)
    assert versions(ws, "tram")[-1] == (2, TRAM, "\n".join([TRAM, *edited]))

    # The HTML changed too (the revision it carries): rendered without asking for the data first.
    again_edited = edited[:2] + ["Construction of the northern section will start next March."]
    spa_article(spa, "tram", TRAM, again_edited, rev=2)
    hits = len(json_requests(spa, "tram"))
    fourth = ws.crawl()
    assert fourth["summary"]["new_version"] == 1, fourth
    assert fourth["stats"].get("mirrorwatch/render/data_unchanged") is None
    assert versions(ws, "tram")[-1] == (3, TRAM, "\n".join([TRAM, *again_edited]))
    assert len(json_requests(spa, "tram")) == hits + 1  # the browser's only


@pytest.mark.browser
def test_same_raw_html_without_validators_is_not_rendered_again(make_site, ws):
    need_chromium()
    site = make_site("spa", validators=False)
    spa_article(site, "tram", TRAM, PARAGRAPHS)
    site.index("/articles/tram.html")
    ws.source(site, render="browser")  # waits for the network to go idle
    assert ws.crawl()["summary"]["new_version"] == 1
    again = ws.crawl()
    assert (again["summary"]["not_modified"], again["summary"]["new_version"]) == (1, 0)
    assert again["stats"]["mirrorwatch/render/raw_unchanged"] == 1
    assert again["stats"].get("mirrorwatch/render/requests") is None
    assert json_hits(site, "tram") == 2  # the browser's, then the plain re-check's (the same body)
    assert [c[1:] for c in ws.captures()] == [("new-version", 200), ("not-modified", 200)]


@pytest.mark.browser
def test_a_page_that_never_settles_is_an_error_and_the_crawl_goes_on(spa, ws):
    spa.write("articles/stuck.html", spa.root.joinpath("articles/tram.html").read_text())  # no /api/stuck.json
    spa.index("/articles/stuck.html", "/articles/tram.html")
    ws.source(spa, render="browser", wait_for="article h1", render_timeout=2)
    result = ws.crawl()
    assert (result["summary"]["new_version"], result["summary"]["error"]) == (1, 1), result
    with sqlite3.connect(ws.db) as conn:
        errors = conn.execute("select p.url, c.error from capture c join page p on p.id = c.page_id"
                              " where c.outcome = 'error'").fetchall()
    assert errors == [(spa.url + "/articles/stuck.html",
                       "render timed out after 2 s (waiting for 'article h1')")]
    assert versions(ws, "tram")[0][1] == TRAM


def test_an_app_shell_over_http_is_recorded_as_such_with_the_suggestion(make_site, ws):
    site = make_site("spa")
    spa_article(site, "tram", TRAM, PARAGRAPHS)
    site.index("/articles/tram.html")
    ws.source(site, name="shells")
    result = ws.crawl()
    assert (result["summary"]["new_version"], result["summary"]["error"]) == (0, 1)
    assert result["summary"]["app_shells"] == 1
    assert result["summary"]["suggestion"] == ('1 page fetched over HTTP is an application shell (the text is built '
                                               'by JavaScript): try render = "browser" for this source')
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("select error from capture").fetchall() == [(SHELL_REASON,)]
        assert conn.execute("select count(*) from version").fetchone() == (0,)
    text = ws.run("crawl").stdout
    assert 'shells: 1 page fetched over HTTP is an application shell' in " ".join(text.split())


@pytest.mark.browser
def test_browser_settings_launch_debian_chromium_and_may_abort_offsite_requests(tmp_path):
    from types import SimpleNamespace

    from crawler.crawl.browser import HANDLER, browser_settings
    from crawler.sources import load_sources

    need_chromium()
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nname = "a"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:8001/"]\n'
                    'render = "browser"\nrender_offsite = false\nrender_concurrency = 3\n'
                    '[[source]]\nname = "b"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:8002/"]\n')
    sources = load_sources(path)
    settings = browser_settings(sources["a"])
    assert settings["DOWNLOAD_HANDLERS"] == {"http": HANDLER, "https": HANDLER}
    assert settings["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"].endswith(("chromium", "chromium-browser"))
    assert settings["PLAYWRIGHT_MAX_PAGES_PER_CONTEXT"] == 3
    abort = settings["PLAYWRIGHT_ABORT_REQUEST"]
    assert abort(SimpleNamespace(url="https://cdn.example/app.js")) is True
    assert abort(SimpleNamespace(url="http://127.0.0.1:8001/app.js")) is False
    assert browser_settings(sources["b"]) == {}


@pytest.mark.browser
def test_a_browser_context_is_closed_and_replaced_every_render_recycle_pages(make_site, ws):
    need_chromium()
    site = make_site("spa")
    slugs = [f"a{n}" for n in range(5)]
    for slug in slugs:
        spa_article(site, slug, f"{TRAM} ({slug})", PARAGRAPHS)
    site.index(*(f"/articles/{slug}.html" for slug in slugs))
    ws.source(site, render="browser", wait_for="article h1", render_recycle=2, render_concurrency=2)
    result = ws.crawl()
    stats = result["stats"]
    assert result["summary"]["new_version"] == 5, result
    # scrapy-playwright's counts: 5 pages in 3 contexts (2 + 2 + 1), never more than 2 open at once.
    assert (stats["playwright/page_count"], stats["playwright/context_count"]) == (5, 3)
    assert stats["playwright/context_count/max_concurrent"] <= 2
    # Playwright's own state: the two retired contexts closed during the crawl ("close" events),
    # and the browser held only the current one when the spider closed.
    assert stats["mirrorwatch/render/contexts_closed"] == 2
    assert stats["mirrorwatch/render/contexts_open_at_end"] == 1


def test_render_and_data_check_requests_are_plain_data_a_shared_frontier_can_store(tmp_path):
    """scrapy-redis stores each request as ``request.to_dict(spider=...)``, pickled: callbacks must be
    the spider's methods and meta and cb_kwargs plain data (no closures, no requests)."""
    import pickle

    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.request import request_from_dict
    from scrapy.utils.test import get_crawler

    from crawler.crawl.items import PageFetched
    from crawler.crawl.spider import ArticleSpider

    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nname = "a"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:8001/"]\n'
                    'render = "browser"\n')
    crawler = get_crawler(ArticleSpider, {"MIRRORWATCH_SOURCES": str(path)})
    spider = crawler.spider = ArticleSpider.from_crawler(crawler, source="a")
    url = "http://127.0.0.1:8001/articles/tram.html"
    response = HtmlResponse(url, body=b"<html><body><div id=root></div></body></html>",
                            request=Request(url, meta={"article": True, "depth": 1}))
    item = PageFetched(source="a", url=url, fetched_at="2026-12-01T10:00:00+00:00", status=200)
    render = spider.renderer.recheck(response, item, {}, None)  # never rendered: rendered now
    data = [{"url": "http://127.0.0.1:8001/api/tram.json", "sha256": "0" * 64, "etag": '"x"'}]
    marks = {RAW_SHA256: hashlib.sha256(response.body).hexdigest(), DATA: json.dumps(data)}
    check = spider.renderer.recheck(response, item, marks, None)  # raw unchanged: its data asked for first
    assert (check.url, check.headers[b"If-None-Match"]) == (data[0]["url"], b'"x"')
    for request in (render, check):
        stored = pickle.loads(pickle.dumps(request.to_dict(spider=spider)))
        again = request_from_dict(stored, spider=spider)
        assert (again.url, again.callback, again.errback) == (request.url, request.callback, request.errback)
    assert render.callback == spider.parse_rendered and check.callback == spider.on_data_checked
