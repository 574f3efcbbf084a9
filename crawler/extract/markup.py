"""Cheap scans of HTML with regular expressions, for what needs no parsed tree: the
``rel=canonical`` link, the links to other sites (another origin, by ``storage.urls``), the
declared language; extraction runs them in its workers. :func:`ascii_compatible` tells the
crawl process whether a raw body can be searched undecoded (``crawler.crawl.problems``).
"""

from __future__ import annotations

import codecs
import re
from html import unescape
from urllib.parse import urljoin

from storage.urls import origin_of

_CANONICAL = re.compile(
    r"""<link\b[^>]*\brel\s*=\s*["']?canonical["']?[^>]*>""", re.IGNORECASE
)
_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_ANCHOR_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"'#][^"']*)["']""", re.IGNORECASE)
MAX_LINKS = 300
# Encodings in which ASCII text is not ASCII bytes: their markup cannot be found undecoded.
_ASCII_UNSAFE = {codecs.lookup(name).name for name in ("utf-16", "utf-16-le", "utf-16-be", "utf-32",
                                                       "utf-32-le", "utf-32-be", "utf-7", "cp037")}


def ascii_compatible(encoding: str | None) -> bool:
    """True when ``encoding`` writes ASCII as ASCII bytes (UTF-8, Latin-1, Shift JIS, ...),
    so that tags and attributes can be searched for in the raw body."""
    try:
        return codecs.lookup(encoding or "").name not in _ASCII_UNSAFE
    except LookupError:
        return False


def canonical_link(html: str) -> str | None:
    """The ``<link rel=canonical>`` href of a page, as written (maybe relative, entities kept)."""
    for tag in _CANONICAL.findall(html[:200_000]):
        href = _HREF.search(tag)
        if href:
            return href.group(1).strip() or None
    return None


def outbound_links(html: str, *, url: str | None) -> tuple[str, ...]:
    """Absolute links to other sites (scheme, host or port differ), in page order.

    A link from a copy to its original is a declared attribution, wherever it sits.
    """
    if not url:
        return ()
    here = origin_of(url)
    seen: dict[str, None] = {}
    for href in _ANCHOR_HREF.findall(html):
        target = absolute(unescape(href.strip()), url)
        if target and target.startswith(("http://", "https://")) and origin_of(target) != here:
            seen.setdefault(target, None)
            if len(seen) >= MAX_LINKS:
                break
    return tuple(seen)


def absolute(href: str | None, base: str | None) -> str | None:
    if not href:
        return None
    return urljoin(base, href) if base else href


_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_LANG_ATTR = re.compile(r"""\s(?:xml:)?lang\s*=\s*["']?\s*([^"'\s>]+)""", re.IGNORECASE)
_META_LANGUAGE = re.compile(r"""<meta\b[^>]*\bhttp-equiv\s*=\s*["']?content-language\b[^>]*>""", re.IGNORECASE)
_CONTENT_ATTR = re.compile(r"""\bcontent\s*=\s*["']\s*([^"'>]+)["']""", re.IGNORECASE)


def declared_language(html: str) -> str | None:
    """The language a page declares in its markup, as written: ``<html lang>`` (or ``xml:lang``),
    else ``<meta http-equiv="Content-Language" content=...>``; None when it declares none."""
    head = html[:200_000]
    root = _HTML_TAG.search(head)
    if root and (lang := _LANG_ATTR.search(root.group(0))) and lang.group(1).strip():
        return lang.group(1).strip()
    meta = _META_LANGUAGE.search(head)
    if meta and (content := _CONTENT_ATTR.search(meta.group(0))):
        return content.group(1).strip() or None
    return None
