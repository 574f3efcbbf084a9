"""The one parse of an article page in the worker (``crawler.extract.extractor.parse``): the text is
the plain extraction's, and the canonical link, links, soft 404 and shell are what the spider read."""

from __future__ import annotations

import gzip

import pytest
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from crawler.extract.extractor import extract, parse
from tests.support.databases import shared_path
from tests.support.sites import PARAGRAPHS, article_html
from tests.support.spa import shell_html

URL = "https://example.org/news/a.html"


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "utf-16"])
def test_the_canonical_link_in_any_encoding_is_absolute_and_unescaped(encoding):
    html = ('<html><head><title>Caf\u00e9</title><LINK href="/news/caf\u00e9?a=1&amp;b=2" '
            'rel="canonical"></head><body><p>x</p></body></html>')
    parsed = parse(html.encode(encoding), url=URL, encoding=encoding)
    assert parsed.canonical == "https://example.org/news/caf\u00e9?a=1&b=2"
    assert parse("<html><p>none</p></html>".encode(encoding), url=URL, encoding=encoding).canonical is None


def test_the_canonical_link_and_links_are_joined_to_the_base_href():
    html = ('<html><head><base href="https://example.org/base/"><link rel="canonical" href="here.html"></head>'
            '<body><p>text</p><a href=" b.html ">b</a><a href="b.html#top">b again</a><area href="/map">'
            '<a href="mailto:x@example.org">mail</a><a href="https://other.example/x">off</a><a>none</a></body></html>')
    parsed = parse(html.encode(), url=URL, follow=True)
    assert parsed.canonical == "https://example.org/base/here.html"
    assert parsed.links == ("https://example.org/base/b.html", "https://example.org/base/b.html#top",
                            "https://example.org/map", "https://other.example/x")
    assert parse(html.encode(), url=URL).links == ()  # not asked: not read


def test_links_are_those_scrapys_link_extractor_reads_on_real_pages():
    pages = sorted(shared_path("data/article-pages/html").glob("*.html.gz"))
    extractor = LinkExtractor(unique=True, deny_extensions=[])  # the spider filters extensions itself
    for path in pages:
        body = gzip.decompress(path.read_bytes())
        response = HtmlResponse(f"https://example.org/{path.name[:-8]}/", body=body, headers={"Content-Type": "text/html"})
        expected = [link.url for link in extractor.extract_links(response)
                    if link.url.split(":", 1)[0] in ("http", "https", "file", "ftp")]
        assert list(parse(body, url=response.url, encoding=response.encoding, follow=True).links) == expected, path.name


def test_the_text_is_the_plain_extractions():
    html = article_html("Tram line opens", PARAGRAPHS).encode()
    parsed = parse(html, url=URL, follow=True, shell=True)
    assert parsed.extracted == extract(html, url=URL)
    assert parsed.extracted.paragraphs and (parsed.soft_404, parsed.shell) == (None, None)


def test_a_soft_404_is_told_without_extracting_and_a_shell_when_asked():
    gone = parse(b"<html><head><title>Page not found</title></head><body><p>Sorry.</p></body></html>", url=URL)
    assert (gone.extracted, gone.soft_404) == (None, "soft 404: the page says 'Page not found'")
    shell = parse(shell_html().encode(), url=URL, shell=True)
    assert shell.shell is not None and shell.shell.startswith("application shell")
    assert parse(shell_html().encode(), url=URL).shell is None  # a rendered page is not asked


def test_extracting_from_the_one_tree_gives_trafilaturas_text_from_the_markup_on_real_pages():
    import trafilatura

    from crawler.extract.decode import decode_html
    from crawler.extract.extractor import _CONFIG, OPTIONS

    for path in sorted(shared_path("data/article-pages/html").glob("*.html.gz"))[:40]:
        body = gzip.decompress(path.read_bytes())
        doc = trafilatura.bare_extraction(decode_html(body), url=URL, config=_CONFIG, **OPTIONS)  # from the string
        parsed = parse(body, url=URL, follow=True, shell=True)
        assert parsed.extracted is not None, path.name
        assert parsed.extracted.title == ((doc.title or "").strip() or None), path.name
        assert parsed.extracted.text == "\n".join(p.strip() for p in doc.text.split("\n") if p.strip()), path.name
