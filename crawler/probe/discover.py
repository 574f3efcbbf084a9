"""Where a new site lists its articles: the sitemaps robots.txt names (else ``/sitemap.xml``) and
the RSS/Atom feeds its start page announces with ``<link rel="alternate">``.

The URL given may also be a sitemap or a feed itself; anything else that is not a web page is
refused. Redirects of the start page are followed on the site, and the page it lands on is the
start URL (``http://`` to ``https://``, ``/`` to ``/en/``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from crawler.probe.fetch import Fetched, Fetcher, SiteUnreachable
from storage.urls import origin_of

FEED_TYPES = ("application/rss+xml", "application/atom+xml")
_SITEMAP = re.compile(rb"<(?:\w+:)?(?:urlset|sitemapindex)\b")
_FEED = re.compile(rb"<(?:rss|feed|rdf:RDF)\b")
_HTML = re.compile(rb"<(?:!doctype html|html)\b", re.IGNORECASE)


class NotASite(ValueError):
    """The URL answers, but with nothing a crawl can start from; the message is one line."""


@dataclass
class Discovery:
    start_urls: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    robots: str = ""  # the robots.txt URL read
    robots_status: int | None = None
    notes: list[dict] = field(default_factory=list)  # {"note", "url"}: what was seen and left out


def discover(url: str, fetcher: Fetcher) -> Discovery:
    """The listings of the site at ``url``; SiteUnreachable or NotASite when there is nothing to crawl."""
    robots = fetcher.robots(url)
    found = Discovery(robots=robots.url, robots_status=robots.status)
    page = fetcher.get(url)
    if page.status is None:
        raise SiteUnreachable(f"cannot fetch {url}: {page.problem}")
    if page.status != 200:
        raise NotASite(f"{url} answered HTTP {page.status}")
    origin = origin_of(page.url)
    kind = kind_of(page)
    if kind == "sitemap":
        found.sitemaps.append(page.url)
    elif kind == "feed":
        found.feeds.append(page.url)
    elif kind == "html":
        found.start_urls.append(page.url)
        for feed, title in _feeds(page):
            if "comment" in (feed + title).lower():  # its items are comments, each linking to its article
                found.notes.append({"note": "a comments feed, left out", "url": feed})
            else:
                _keep(found.feeds, feed, origin, found.notes, "feed")
    else:
        raise NotASite(f"{url} is not a web page, a sitemap or a feed ({page.content_type or 'no type'})")
    if page.url != url:
        found.notes.append({"note": f"{url} redirects; the source starts where it lands", "url": page.url})
    for sitemap in fetcher.robots_sitemaps(page.url):
        _keep(found.sitemaps, sitemap, origin, found.notes, "sitemap")
    if not found.sitemaps:
        guess = fetcher.get(origin + "/sitemap.xml")
        if guess.status == 200 and kind_of(guess) == "sitemap":
            found.sitemaps.append(guess.url)
    return found


def kind_of(page: Fetched) -> str:
    """``html``, ``sitemap``, ``feed`` or ``other``, by its type and its first bytes."""
    head = page.body[:2048].lstrip()
    if head.startswith(b"\x1f\x8b"):  # gzip: a sitemap, as the spider reads it
        return "sitemap"
    if _SITEMAP.search(head):
        return "sitemap"
    if _FEED.search(head) or page.content_type in FEED_TYPES:
        return "feed"
    if page.content_type in ("text/html", "application/xhtml+xml") or _HTML.search(head):
        return "html"
    return "other"


def _keep(urls: list[str], url: str, origin: str, notes: list[dict], what: str) -> None:
    if origin_of(url) != origin:
        notes.append({"note": f"a {what} on another site, left out (a source stays on one site)", "url": url})
    elif url not in urls:
        urls.append(url)


class _AlternateLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.feeds: list[tuple[str, str]] = []  # (href, title)

    def handle_starttag(self, tag, attrs):
        if tag != "link":
            return
        values = {k: v or "" for k, v in attrs}
        rel = values.get("rel", "").lower().split()
        if "alternate" in rel and values.get("type", "").lower() in FEED_TYPES and values.get("href"):
            self.feeds.append((values["href"], values.get("title", "")))


def _feeds(page: Fetched) -> list[tuple[str, str]]:
    """The RSS/Atom feeds the page announces, as (absolute URL, title)."""
    parser = _AlternateLinks()
    parser.feed(page.body.decode("utf-8", "replace"))
    return [(urljoin(page.url, href.strip()), title) for href, title in parser.feeds]
