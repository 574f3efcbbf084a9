"""A source's start pages, sitemaps and feeds read the way its crawl reads them, without a crawl.

``mirrorwatch sources test`` (and ``sources add``) must not disagree with the crawl, so no rule
is written twice here: each page read is handed to ``ArticleSpider``'s own parse methods, and
what they do says what the crawl would do. Every URL the spider asks ``is_article`` about is
noted with the answer; the requests the spider yields say which listings it would read next
(sitemaps of an index) and which pages it would fetch only for their links. The pages are
fetched by ``crawler.probe.fetch`` (urllib, robots.txt obeyed), because Scrapy's reactor
runs once per process, and only the listings are: no article, no page followed for links.

Bounds: at most ``MAX_SITEMAP_URLS`` URLs read from sitemaps, ``MAX_LISTINGS`` listings,
and sitemap indexes ``MAX_INDEX_DEPTH`` deep; a walk that hit one says so (``Walk.capped``).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.crawl.spider import ArticleSpider
from crawler.probe.fetch import Fetcher
from storage.urls import normalize_url

MAX_SITEMAP_URLS = 5000
MAX_LISTINGS = 50
MAX_INDEX_DEPTH = 3

_KINDS = {"parse_page": "start page", "parse_sitemap": "sitemap", "parse_feed": "feed"}


@dataclass
class Listing:
    """One page read: a start page, robots.txt, a sitemap (or index), a feed."""

    kind: str
    url: str
    status: int | None = None
    urls: int = 0  # distinct on-site URLs it gave (links to other pages, for a start page)
    sitemaps: int = 0  # for a sitemap index: the sitemaps it lists
    offsite: int = 0  # links to other sites (start pages)
    problem: str | None = None  # why it gave nothing: HTTP status, robots.txt, no answer, not HTML

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Walk:
    listings: list[Listing] = field(default_factory=list)
    verdicts: dict[str, bool] = field(default_factory=dict)  # every URL the spider judged, in order
    found_in: dict[str, list[str]] = field(default_factory=dict)  # URL → kinds of the listings that name it
    followed: list[str] = field(default_factory=list)  # pages the crawl would fetch for their links
    capped: list[str] = field(default_factory=list)  # the bounds that were hit, in words

    @property
    def articles(self) -> list[str]:
        return [url for url, article in self.verdicts.items() if article]

    @property
    def not_articles(self) -> list[str]:
        return [url for url, article in self.verdicts.items() if not article]


def walk(name: str, sources_path: str | Path, fetcher: Fetcher, *,
         judge: Callable[[str], bool] | None = None) -> Walk:
    """Read source ``name``'s listings; ``judge`` replaces the spider's verdict (``sources add``
    passes ``lambda url: False`` to see every URL, with no page taken for an article).
    ``SiteUnreachable`` when the site does not answer at all."""
    return _Reader(_spider(name, sources_path), fetcher, judge).read()


class _Capped(Exception):
    """The sitemaps have given MAX_SITEMAP_URLS URLs."""


class _Reader:
    def __init__(self, spider: ArticleSpider, fetcher: Fetcher, judge: Callable[[str], bool] | None):
        self.spider, self.fetcher = spider, fetcher
        self.judge = judge or spider.is_article
        self.result = Walk()
        self.reading: Listing | None = None  # the listing being read, its URL and the URLs it gave
        self.reading_url = ""
        self.listed: set[str] = set()
        self.sitemap_urls = 0
        spider.is_article = self.is_article  # the spider asks self.is_article about every URL it weighs

    def is_article(self, url: str) -> bool:
        page = self.reading
        if page is not None and page.kind == "sitemap":
            if self.sitemap_urls >= MAX_SITEMAP_URLS:
                raise _Capped
            self.sitemap_urls += 1
        verdict = self.judge(url)
        url = normalize_url(url)
        self.result.verdicts.setdefault(url, verdict)
        if page is not None and url != self.reading_url:  # not the page itself (parse_page weighs it too)
            kinds = self.result.found_in.setdefault(url, [])
            if page.kind not in kinds:
                kinds.append(page.kind)
            self.listed.add(url)
        return verdict

    def read(self) -> Walk:
        source = self.spider.source
        robots = self.fetcher.robots((source.start_urls + source.sitemaps + source.feeds)[0])
        self.result.listings.append(Listing("robots.txt", robots.url, robots.status, problem=robots.problem))
        queue = deque((request, 0) for request in asyncio.run(_all(self.spider.start())))
        seen: set[str] = set()
        left_out = 0
        while queue:
            request, level = queue.popleft()
            kind = _kind(request)
            if request.meta.get("article") or kind is None or request.url in seen:
                continue
            seen.add(request.url)
            if kind == "start page" and request.meta.get("depth", 0) > 0:
                self.result.followed.append(normalize_url(request.url))
            elif kind == "sitemap" and self.sitemap_urls >= MAX_SITEMAP_URLS:
                continue  # said once, by the sitemap that reached the bound
            elif len(self.result.listings) > MAX_LISTINGS or level > MAX_INDEX_DEPTH:
                left_out += 1
            else:
                for out in self._parse(request, kind):
                    queue.append((out, level + 1))
        if left_out:
            self.result.capped.append(f"{left_out} listings not read (at most {MAX_LISTINGS}, "
                                      f"sitemap indexes {MAX_INDEX_DEPTH} levels deep)")
        return self.result

    def _parse(self, request: Request, kind: str) -> list[Request]:
        """The listing read through the spider's callback; the requests it yields for more listings."""
        page = Listing(kind, request.url)
        self.result.listings.append(page)
        response = _response(self.fetcher, request, page)
        if response is None:
            return []
        stats = self.spider.crawler.stats
        offsite = stats.get_value("mirrorwatch/discovery/offsite_links", 0)
        more = []
        self.reading, self.reading_url, self.listed = page, normalize_url(response.url), set()
        try:
            for out in request.callback(response):
                if isinstance(out, Request) and not out.meta.get("article"):
                    page.sitemaps += _kind(out) == "sitemap"
                    more.append(out)
        except _Capped:
            self.result.capped.append(f"read the first {MAX_SITEMAP_URLS:,} sitemap URLs only")
        finally:
            self.reading = None
        page.urls = len(self.listed)
        page.offsite = stats.get_value("mirrorwatch/discovery/offsite_links", 0) - offsite
        if kind == "start page" and not isinstance(response, TextResponse):
            page.problem = f"not a web page ({_type(response)}): no links read"
        return more


def _kind(request: Request) -> str | None:
    return _KINDS.get(getattr(request.callback, "__name__", ""))


def _spider(name: str, sources_path: str | Path) -> ArticleSpider:
    """The crawl's spider for one source, with the crawl's settings, never started."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    crawler = Crawler(ArticleSpider, settings)  # no reactor, no engine: only parse methods are called
    crawler.stats = MemoryStatsCollector(crawler)
    return ArticleSpider.from_crawler(crawler, source=name, sources=str(sources_path))


async def _all(requests) -> list[Request]:
    return [request async for request in requests]


def _response(fetcher: Fetcher, request: Request, page: Listing):
    """The page as a Scrapy response the spider can parse, or None (the problem noted on ``page``)."""
    fetched = fetcher.get(request.url)
    page.status, page.problem = fetched.status, fetched.problem
    if fetched.problem:
        return None
    if fetched.status != 200:  # the crawl's HttpErrorMiddleware drops such a listing too
        page.problem = f"HTTP {fetched.status}"
        return None
    headers = Headers(fetched.headers)
    cls = responsetypes.from_args(headers=headers, url=fetched.url, body=fetched.body)  # as Scrapy's downloader
    return cls(url=fetched.url, status=fetched.status, headers=headers, body=fetched.body, request=request)


def _type(response) -> str:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1").split(";")[0] if value else "no type"


__all__ = ["Listing", "Walk", "walk"]
