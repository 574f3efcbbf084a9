"""A source's own User-Agent and headers reach the site with every request of its crawl, robots.txt included."""

import pytest

from crawler.settings import USER_AGENT
from tests.support.sites import PARAGRAPHS

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
