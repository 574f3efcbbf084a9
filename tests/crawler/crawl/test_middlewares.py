"""A source's own User-Agent and headers reach the site with every request of its crawl, robots.txt included;
meta refresh redirects."""

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.crawl.middlewares import MetaRefreshMiddleware
from crawler.settings import USER_AGENT
from tests.support.sites import PARAGRAPHS, article_html

A = "/articles/tram.html"


@pytest.mark.slow
def test_user_agent_and_headers_of_a_source_on_every_request(make_site, ws):
    site, other = make_site("site"), make_site("other")
    for s in (site, other):
        s.index(A)
        s.article(A, "Tram", PARAGRAPHS)
    for s in (site, other):  # rules for the source's own User-Agent only
        s.write("robots.txt", "User-agent: GazetteWatch\nDisallow: /contact.html\n")
    ws.sources(f"""[[source]]
name = "own"
role = "origin"
start_urls = ["{site.url}/"]
allow = ['/articles/']
user_agent = "GazetteWatch/2.0 (+mailto:desk@example.org)"
headers = {{ Accept-Language = "de", X-Token = "s3cret" }}

[[source]]
name = "plain"
role = "mirror"
start_urls = ["{other.url}/"]
allow = ['/articles/']
""")
    ws.run("crawl")
    seen = [(path, h.get("User-Agent"), h.get("Accept-Language"), h.get("X-Token")) for _, path, h in site.server.requests]
    assert {path for path, *_ in seen} == {"/robots.txt", "/", A, "/about.html"}  # robots.txt read for GazetteWatch
    assert {tuple(rest) for _, *rest in seen} == {("GazetteWatch/2.0 (+mailto:desk@example.org)", "de", "s3cret")}
    # The other source keeps the crawl's own User-Agent and sends no extra header.
    assert {(h.get("User-Agent"), h.get("X-Token")) for _, _, h in other.server.requests} == {(USER_AGENT, None)}
    assert "/contact.html" in other.server.paths_requested()


# -- meta refresh: Scrapy's redirect, without decoding every page to look for it -----------------

def _after_meta_refresh(body: bytes, headers: dict | None = None):
    middleware = MetaRefreshMiddleware.from_crawler(get_crawler())
    request = Request("http://127.0.0.1:8000/articles/old.html")
    response = HtmlResponse(request.url, body=body, headers=headers or {}, request=request)
    out = middleware.process_response(request, response)
    return out.url if isinstance(out, Request) else ("unchanged" if out is response else out)


REFRESH = '<html><head><meta http-equiv="Refresh" content="0; url=/articles/new.html"></head><body>Moved</body></html>'


@pytest.mark.parametrize("body, headers", [
    (REFRESH.encode(), None),
    (REFRESH.encode("utf-16"), None),  # a BOM, and no ASCII "refresh" in its bytes
    (REFRESH.encode("utf-32"), None),
    (REFRESH.replace("Moved", "é" * 3000).encode(), {"Content-Type": "text/html; charset=utf-8"}),
])
def test_a_meta_refresh_redirects_as_scrapys_does(body, headers):
    assert _after_meta_refresh(body, headers) == "http://127.0.0.1:8000/articles/new.html"


def test_a_page_without_a_meta_refresh_passes_untouched():
    body = article_html("Tram", PARAGRAPHS).encode()
    assert b"refresh" not in body.lower()
    assert _after_meta_refresh(body) == "unchanged"
    # Scrapy reads only the first 4,096 characters for the tag: one after them is not a redirect.
    late = ("<html><head><title>x</title></head><body>" + "<p>filler</p>" * 400 +
            '<meta http-equiv="refresh" content="0; url=/articles/new.html"></body></html>').encode()
    assert _after_meta_refresh(late) == "unchanged"
