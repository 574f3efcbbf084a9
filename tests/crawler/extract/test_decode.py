"""The one rule of what is an HTML page (crawls and WARC imports alike), and a page's encoding."""

import pytest

from crawler.extract.decode import decode_html, not_html, page_encoding

PAGE = b"<!doctype html><html lang='en'><head><title>Tram</title></head><body><p>Text.</p></body></html>"
XHTML = b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>Text.</p></body></html>'
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
SITEMAP = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'


@pytest.mark.parametrize(("content_type", "body"), [
    ("text/html; charset=utf-8", PAGE),
    ("application/xhtml+xml", XHTML),
    ("application/xml", XHTML),  # XHTML served as XML is a page
    ("text/xml; charset=utf-8", XHTML),
    (None, PAGE),
    (None, "<p>Grüße, ein kurzer Text.</p>".encode("latin-1")),
])
def test_html_pages(content_type, body):
    assert not_html(content_type, body) is None


@pytest.mark.parametrize(("content_type", "body", "reason"), [
    ("application/rss+xml", FEED, "not an HTML page: application/rss+xml"),
    ("text/xml", SITEMAP, "not an HTML page: text/xml"),  # a feed or sitemap is no article, whatever matched
    ("application/pdf", b"%PDF-1.4 ...", "not an HTML page: application/pdf"),
    ("image/png", b"\x89PNG\r\n\x1a\n....", "not an HTML page: image/png"),
    ("text/html", b"%PDF-1.4\n%\xe2\xe3", "not an HTML page: looks like PDF (sent as text/html)"),
    (None, b"\x89PNG\r\n\x1a\n....", "not an HTML page: looks like PNG image (sent as no content type)"),
    (None, b"MZ\x90\x00\x03\x00\x00\x00\x04", "not an HTML page: no content type, and binary data"),
])
def test_not_html_pages(content_type, body, reason):
    assert not_html(content_type, body) == reason


@pytest.mark.parametrize(("content_type", "body", "encoding"), [
    ("text/html; charset=utf-8", "<p>é</p>".encode(), "utf-8"),
    ("text/html; charset=ISO-8859-1", b"<p>\xe9</p>", "cp1252"),  # as browsers and Scrapy read latin-1
    ("text/html", b"\xef\xbb\xbf<p>x</p>", "utf-8"),  # a BOM first
    ("text/html; charset=utf-8", b"\xff\xfe<\x00p\x00>\x00", "utf-16-le"),  # a BOM wins over the header
    ("text/html", b'<meta charset="windows-1251"><p>\xcf\xf0\xe8\xe2\xe5\xf2</p>', "cp1251"),
    (None, "<p>Grüße</p>".encode(), None),  # nothing declared
])
def test_page_encoding_follows_scrapy(content_type, body, encoding):
    assert page_encoding(content_type, body) == encoding


@pytest.mark.parametrize("text, encoding", [
    ("Die Straßenbahn fährt künftig bis in die nördlichen Stadtteile, beschloss der Rat am Dienstag.", "cp1252"),
    ("Городской совет во вторник проголосовал за продление трамвайной линии в северные районы.", "cp1251"),
    ("Le conseil municipal a voté mardi le prolongement du tramway vers les quartiers nord.", "utf-8"),
])
def test_an_undeclared_body_is_read_in_its_own_encoding(text, encoding):
    body = f"<html><body><p>{text}</p></body></html>".encode(encoding)
    assert text in decode_html(body, page_encoding("text/html", body))


def test_a_declared_encoding_is_read_as_scrapy_reads_it():
    # The rule the WARC import applies without Scrapy, held against Scrapy's own reading (of a body
    # that declares nothing, Scrapy guesses: it read this German text as Urdu, cp1006).
    from scrapy.http import HtmlResponse

    for content_type, body in [("text/html; charset=utf-8", "<p>é</p>".encode()),
                               ("text/html", b'<meta charset="windows-1251"><p>\xcf\xf0</p>'),
                               ("text/html; charset=latin-1", b"<p>Gr\xfc\xdfe</p>"),
                               ("text/html", b"\xef\xbb\xbf<p>x</p>")]:
        scrapy = HtmlResponse(url="http://127.0.0.1/", headers={"Content-Type": content_type}, body=body).encoding
        assert page_encoding(content_type, body) == scrapy, (content_type, body)
