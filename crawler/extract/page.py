"""What the crawl needs of an article page besides its text, read from the page's one parsed tree.

An article page is parsed once, in the extraction worker (``crawler.extract.extractor.parse``);
the crawl process never builds a tree of it. What the worker sends back is a :class:`Parsed`:

* the extraction (text and metadata), unless the page is a soft 404 (:func:`soft_404`: a short
  page whose first title or heading says it does not exist);
* the canonical link, absolute, as the spider read it before (its href against the page's
  ``<base href>``, entities unescaped);
* the links to follow (:func:`follow_links`, when the source follows article links): the
  ``<a>``/``<area>`` hrefs as Scrapy's ``LinkExtractor`` reads them (stripped, joined to the base,
  made safe, each once, in page order); the spider filters them by file extension
  and by its own rules;
* whether the page is an application shell (``crawler.extract.shell``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import urljoin

from w3lib.html import get_base_url, strip_html5_whitespace
from w3lib.url import safe_url_string

from storage.types import Extracted

# A soft 404: a short page whose title or first heading says the page does not exist.
_NOT_FOUND = re.compile(r"\b(404|not found|page (?:does not|doesn't) exist|no longer available)\b", re.IGNORECASE)
SOFT_404_MAX_CHARS = 600
_SCHEMES = ("http", "https", "file", "ftp")  # the ones Scrapy's link extractor keeps


@dataclass(frozen=True)
class Parsed:
    """One article page as the worker read it."""

    extracted: Extracted | None  # None for a soft 404
    canonical: str | None = None  # absolute, not normalised
    links: tuple[str, ...] = ()  # absolute, when asked for
    soft_404: str | None = None  # why the page is a "page not found" page after all
    shell: str | None = None  # why the page is an application shell, when asked


def base_url(html: str, url: str, encoding: str | None) -> str:
    """The URL the page's relative links are joined to: its ``<base href>`` (in its first 4 KB,
    as Scrapy reads it), else its own URL."""
    return get_base_url(html[:4096], url, encoding or "utf-8")


def canonical(href: str | None, base: str) -> str | None:
    """A canonical href as written, absolute."""
    return urljoin(base, unescape(href)) if href else None


def soft_404(root) -> str | None:
    """Why a parsed page is a "page not found" page (its first title or h1 says so, and its
    paragraphs hold little text), or None."""
    title = root.xpath("normalize-space((//title)[1])")
    heading = root.xpath("normalize-space((//h1)[1])")
    if not (_NOT_FOUND.search(title) or _NOT_FOUND.search(heading)):
        return None
    text = " ".join(root.xpath("//body//p//text()"))
    return f"soft 404: the page says {(title or heading)[:100]!r}" if len(text) <= SOFT_404_MAX_CHARS else None


def follow_links(root, base: str, url: str, encoding: str | None) -> tuple[str, ...]:
    """The page's ``<a>`` and ``<area>`` links, absolute, each once, in page order."""
    seen: dict[str, None] = {}
    for element in root.iter("a", "area"):
        href = element.get("href")
        if href is None:
            continue
        try:
            link = urljoin(url, safe_url_string(urljoin(base, strip_html5_whitespace(href)), encoding=encoding or "utf-8"))
            if link.split(":", 1)[0].lower() in _SCHEMES:
                seen.setdefault(link)
        except ValueError:  # a bogus link
            continue
    return tuple(seen)
