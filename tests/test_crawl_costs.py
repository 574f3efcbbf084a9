"""What keeps a crawl's per-page cost and memory down, each checked on its own:
no extractor in the crawl process, the canonical link found without decoding the
page, and dead responses collected while the crawl runs."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from twisted.internet import task

from crawler.memory import CollectGarbage
from crawler.spiders.article import _canonical_href


def test_the_crawl_process_never_imports_the_extractor():
    # trafilatura and its parsers (some 30 MB) belong in the extraction workers only.
    code = ("import sys, crawler.cli, crawler.runner, crawler.pipelines, crawler.spiders.article, "
            "crawler.extract_pool; print(sorted(m for m in ('trafilatura', 'justext', 'htmldate') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "utf-16"])
def test_canonical_link_read_from_the_raw_body_in_any_encoding(encoding):
    html = ('<html><head><title>Caf\u00e9</title><LINK href="/news/caf\u00e9?a=1&amp;b=2" '
            'rel="canonical"></head><body>x</body></html>')
    response = HtmlResponse("https://example.org/a", body=html.encode(encoding), encoding=encoding)
    assert _canonical_href(response) == "/news/caf\u00e9?a=1&amp;b=2"  # the spider unescapes it
    response = HtmlResponse("https://example.org/a", body="<html><p>none</p></html>".encode(encoding),
                            encoding=encoding)
    assert _canonical_href(response) is None


def test_dead_responses_in_reference_cycles_are_collected_while_the_crawl_runs():
    crawler = get_crawler(settings_dict={"MIRRORWATCH_GC_INTERVAL": 2})
    extension = CollectGarbage.from_crawler(crawler)
    extension.loop.clock = clock = task.Clock()
    was_enabled = gc.isenabled()
    gc.disable()  # only the extension may collect in this test
    try:
        extension.spider_opened(None)
        response = HtmlResponse("https://example.org/a", body=b"<html>" + b"x" * 100_000)
        holder = {"response": response}
        holder["self"] = holder  # a cycle, as Deferreds and failures make them
        dead = weakref.ref(response)
        del response, holder
        assert dead() is not None  # reference counting alone cannot free it
        clock.advance(2)
        assert dead() is None
    finally:
        extension.spider_closed(None)
        if was_enabled:
            gc.enable()


def test_collection_is_on_by_default_and_can_be_turned_off():
    from crawler import settings

    assert settings.EXTENSIONS["crawler.memory.CollectGarbage"] is not None
    assert settings.MIRRORWATCH_GC_INTERVAL > 0
    with pytest.raises(NotConfigured):
        CollectGarbage.from_crawler(get_crawler(settings_dict={"MIRRORWATCH_GC_INTERVAL": 0}))


def test_soft_404_check_parses_only_pages_whose_title_or_heading_might_say_not_found(monkeypatch):
    import gzip

    from crawler import fetchcheck
    from tests.conftest import shared_path

    pages = sorted(shared_path("data/article-pages/html").glob("*.html.gz"))
    responses = [HtmlResponse(f"https://example.org/{path.name}", body=gzip.decompress(path.read_bytes()),
                              headers={"Content-Type": "text/html"}) for path in pages]
    soft_404s = [HtmlResponse("https://example.org/gone", body=html.encode(), headers={"Content-Type": "text/html"})
                 for html in ("<html><head><title>Page not found</title></head><body><p>Sorry.</p></body></html>",
                              "<html><head><title>News</title></head><body><h1>Error <b>404</b></h1></body></html>",
                              "<html><title>Gone<body><h1>This page doesn't exist</h1>")]
    parsed = sum(fetchcheck._may_say_not_found(r) for r in responses)
    quick = [fetchcheck.body_problem(r) for r in responses + soft_404s]
    monkeypatch.setattr(fetchcheck, "_may_say_not_found", lambda response: True)  # always parse
    assert quick == [fetchcheck.body_problem(r) for r in responses + soft_404s]
    assert all(problem and problem.startswith("soft 404") for problem in quick[-3:])
    assert len(pages) == 181 and parsed <= 18  # measured: 10 of the 181 real pages are parsed
