"""Bytes of a fetched page: is it an HTML page at all, in which encoding, and its text.

:func:`not_html` is the one rule, for crawls and WARC imports alike, of what counts as an
HTML page: a declared type that names HTML (``text/html``, ``application/xhtml+xml``), an
XML type over an ``<html>`` document, or no declared type and a body that is not binary;
feeds, sitemaps, images and PDFs are not (even a PDF sent as ``text/html``, told by its
first bytes).
:func:`page_encoding` is the page's encoding by Scrapy's own rules (a BOM, the
``Content-Type`` header, ``<meta charset>``; w3lib underlies both), for bodies that did not
come through Scrapy.

Text, when the site is wrong about its own encoding:

Scrapy picks an encoding from the BOM, the Content-Type header, then a ``<meta>``
tag, and only sniffs when none is declared. Sites get this wrong: a header says
UTF-8 over a windows-1251 body, a page holds a few invalid bytes, a CMS leaves
NUL bytes in. :func:`decode_html` trusts a declared encoding only when the body
actually decodes with it (a handful of bad bytes are forgiven), and otherwise
sniffs with charset_normalizer (Scrapy's own detector). NUL characters are
dropped: no HTML text needs them, and PostgreSQL refuses them in text columns.

A page can also carry text decoded wrongly before it was served: UTF-8 bytes read as Latin-1
or windows-1252 and encoded again (a CMS whose database connection has the wrong charset), so
that a reader sees "don\u00e2\u0080\u0099t" for "don\u2019t" and "\u00c2" before each no-break
space. The damage is in the body, whatever its declared encoding, and the extractor would drop
the C1 control characters that still spell the original character, so :func:`decode_html`
puts each such run of characters back (:func:`unmangled`) before anything else reads the text.
"""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

log = logging.getLogger(__name__)

# A body that decodes with the declared encoding except for this share of
# replacement characters is the declared encoding with a few bad bytes.
MAX_BAD_SHARE = 0.01
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


# First bytes of formats that are never an HTML page, whatever the Content-Type says.
MAGIC = {
    b"%PDF-": "PDF",
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF87a": "GIF image",
    b"GIF89a": "GIF image",
    b"RIFF": "RIFF media (WebP, WAV or AVI)",
    b"PK\x03\x04": "ZIP archive (or an office document)",
    b"\x1f\x8b": "gzip data",
    b"OggS": "Ogg media",
    b"ID3": "MP3 audio",
}


def mime_type(content_type: str | None) -> str:
    """``text/html`` of ``text/html; charset=utf-8``; empty when none is declared."""
    return (content_type or "").split(";")[0].strip().lower()


# Bytes no text has (control characters other than tab, line feed, form feed, carriage return),
# looked for in a body sent without a type, as Scrapy's own sniffing does.
_BINARY = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_HTML_ROOT = re.compile(rb"<html[\s>]", re.IGNORECASE)


def not_html(content_type: str | None, body: bytes) -> str | None:
    """Why a 200 answer is not an HTML page (one line a capture can keep), or None when it is one.

    A type that names HTML is HTML; an XML type is HTML when the document is one (XHTML served
    as XML), not when it is a feed or a sitemap; any other type is not. Without a type, the
    body must not be a known binary format or carry bytes no text has."""
    declared = mime_type(content_type)
    if declared and "html" not in declared and not ("xml" in declared and _HTML_ROOT.search(body[:2048])):
        return f"not an HTML page: {declared}"
    head = body[:16].lstrip()
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return f"not an HTML page: looks like {kind} (sent as {declared or 'no content type'})"
    if not declared and body[:5000].translate(None, _BINARY) != body[:5000]:
        return "not an HTML page: no content type, and binary data"
    return None


def page_encoding(content_type: str | None, body: bytes) -> str | None:
    """The encoding a page declares, read as Scrapy reads it: a BOM, its header, ``<meta charset>``.
    None when it declares none: :func:`decode_html` then reads UTF-8, or sniffs (where Scrapy's
    own guess can be an unlikely code page)."""
    for found in (read_bom(body)[0], http_content_type_encoding(content_type), html_body_declared_encoding(body)):
        if found and (resolved := resolve_encoding(found)):
            return resolved
    return None


def decode_html(body: bytes, declared: str | None = None) -> str:
    """The text of ``body``: BOM, then the declared encoding if it fits, then a sniffed one."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return clean_text(body[len(bom):].decode(encoding, errors="replace"))
    encoding = _known(declared) or "utf-8"
    try:
        return clean_text(body.decode(encoding))
    except UnicodeDecodeError:
        pass
    text = body.decode(encoding, errors="replace")
    if text.count("\ufffd") <= MAX_BAD_SHARE * max(len(text), 1):
        return clean_text(text)  # a few broken bytes: the label is right, the page is damaged
    match = from_bytes(body).best()
    if match is None:
        return clean_text(text)
    log.debug("body declared %s decodes as %s", declared, match.encoding)
    return clean_text(str(match))


def _known(encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


# The characters that a byte 0x80-0xBF (a UTF-8 continuation byte) becomes when read as
# windows-1252 (0x80-0x9F: "\u20ac", "\u2122"...) or as Latin-1 (C1 controls, 0xA0-0xBF).
_CONTINUATION = {chr(b): b for b in range(0x80, 0xC0)} | {
    bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_C = "[" + re.escape("".join(_CONTINUATION)) + "]"
# A UTF-8 lead byte read as Latin-1 (0xC2-0xF4) and the continuation bytes after it.
_MANGLED = re.compile(f"[\u00c2-\u00f4]{_C}+")


def _repair(found: re.Match) -> str:
    """Each lead byte with as many continuation bytes as it announces, put back as the UTF-8
    character they spell (an invalid one, an overlong form or a surrogate, left as it is)."""
    text, out, i = found.group(), [], 0
    while i < len(text):
        lead = ord(text[i])
        n = 1 if lead < 0xE0 else 2 if lead < 0xF0 else 3 if lead <= 0xF4 else 0
        piece = text[i + 1:i + n + 1] if n else ""
        try:
            if len(piece) != n or not n:
                raise ValueError
            out.append(bytes([lead, *(_CONTINUATION[ch] for ch in piece)]).decode("utf-8"))
            i += n + 1
        except (UnicodeDecodeError, KeyError, ValueError):
            out.append(text[i])
            i += 1
    return "".join(out)


def unmangled(text: str) -> str:
    """``text`` with each run of characters that are one UTF-8 character's bytes read as Latin-1 or
    windows-1252 ("\u00c3\u00a9" for "\u00e9") put back as that character."""
    return _MANGLED.sub(_repair, text)


def clean_text(text: str) -> str:
    """Text of a page as read: NUL characters dropped, mangled runs put back (:func:`unmangled`)."""
    return unmangled(text.replace("\x00", ""))


def body_text(content_type: str | None, body: bytes) -> tuple[str | None, str]:
    """A stored body as text, read as the crawl read it: (the encoding it declares, the text)."""
    encoding = page_encoding(content_type, body)
    return encoding, decode_html(body, encoding)
