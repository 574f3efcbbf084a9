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


@pytest.mark.parametrize("served, text", [
    ("don\u00e2\u0080\u0099t", "don\u2019t"),  # UTF-8 read as Latin-1: C1 controls spell the rest
    ("don\u00e2\u20ac\u2122t", "don\u2019t"),  # ... read as windows-1252
    ("caf\u00c3\u00a9 \u00c3\u00a0 l\u2019\u00c3\u00a9t\u00c3\u00a9", "caf\u00e9 \u00e0 l\u2019\u00e9t\u00e9"),
    ("online.\u00c2\u00a0Next", "online.\u00a0Next"),
    ("\u00d0\u009f\u00d1\u0080\u00d0\u00b8\u00d0\u00b2\u00d0\u00b5\u00d1\u0082", "\u041f\u0440\u0438\u0432\u0435\u0442"),
])
def test_text_mangled_before_it_was_served_is_put_back(served, text):
    body = f"<html><head><meta charset='utf-8'></head><body><p>{served}</p></body></html>".encode()
    assert f"<p>{text}</p>" in decode_html(body, page_encoding("text/html", body))


@pytest.mark.parametrize("text", ["S\u00e3o Paulo, na\u00efve, \u00e2ge", "Stra\u00dfe \u00bbzu\u00ab, 20\u00b0C",
                                  "\u00c0\u00a9 \u00c2 and \u00e2\u20ac alone"])
def test_text_that_only_looks_mangled_stays(text):
    body = f"<p>{text}</p>".encode()
    assert decode_html(body, "utf-8") == f"<p>{text}</p>"


def test_a_real_page_served_mangled_extracts_as_its_readers_read_it():
    # wcxb-dev 4656 declares UTF-8 over text that was UTF-8 read as Latin-1 and encoded again.
    import gzip

    from crawler.extract.extractor import extract
    from tests.support.databases import shared_path

    page = gzip.decompress(shared_path("data/wcxb-dev/html/4656.html.gz").read_bytes())
    assert b"won\xc3\xa2\xc2\x80\xc2\x99t" in page
    for served in (page, page.decode()):  # as fetched, and as text someone decoded already
        text = extract(served).text
        assert "I won\u2019t be creating my own calculator." in text
        assert "\u00e2" not in text and "\u00c2" not in text
