"""``article``: the generic spider, driven by one source of the sources file.

It discovers article pages from start pages (links, to ``max_depth`` hops),
sitemaps (indexes included) and RSS/Atom feeds, re-fetches the pages the
archive already knows with conditional headers, and yields one
:class:`~crawler.items.PageFetched` per article fetch, whatever its outcome.
It never touches the database: the known pages are handed to it by the
pipeline when the spider opens (``self.known``).

    scrapy crawl article -a source=NAME [-a sources=PATH]
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.items import PageFetched
from crawler.sources import Source, load_sources
from storage.normalize import normalize_url, origin_of
from storage.types import KnownPage

ARTICLE_STATUSES = [304, 404, 410]


class ArticleSpider(scrapy.Spider):
    name = "article"

    def __init__(self, source: str | None = None, sources: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.source_name = source
        self.sources_path = sources
        self.source: Source  # set in from_crawler
        self.known: dict[str, KnownPage] = {}
        self.redirects: dict[str, str] = {}  # from → to, noted by RedirectAliasMiddleware
        self.articles_scheduled = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not spider.source_name:
            raise ValueError("the article spider needs a source: -a source=NAME")
        path = spider.sources_path or crawler.settings.get("MIRRORWATCH_SOURCES")
        sources = load_sources(path)
        if spider.source_name not in sources:
            raise ValueError(f"unknown source {spider.source_name!r} in {path}")
        spider.source = sources[spider.source_name]
        if spider.source.download_delay is not None:
            spider.download_delay = spider.source.download_delay
        spider._links = LinkExtractor(unique=True)
        spider._allow = [re.compile(p) for p in spider.source.allow]
        spider._deny = [re.compile(p) for p in spider.source.deny]
        return spider

    # -- what to fetch -----------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.settings.getbool("MIRRORWATCH_FRONTIER_SEED", True):
            return  # a worker joining a shared-frontier run: another worker seeded it
        for page in self.known.values():
            # Re-checks only: links are discovered from start pages, sitemaps and feeds.
            yield self._article(page.url, depth=self.source.max_depth, revisit=True)
        for url in self.source.start_urls:
            if self.is_article(url):
                request = self._article(url, depth=0)
                if request is not None:
                    yield request
            else:
                yield scrapy.Request(url, callback=self.parse_page, errback=self.on_error, meta={"depth": 0})
        for url in self.source.sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
        for url in self.source.feeds:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error)

    def is_article(self, url: str) -> bool:
        if origin_of(url) != self.source.origin:
            return False
        if self._allow and not any(p.search(url) for p in self._allow):
            return False
        return not any(p.search(url) for p in self._deny)

    def _article(self, url: str, *, depth: int, revisit: bool = False,
                 listed_modified: str | None = None) -> scrapy.Request | None:
        url = normalize_url(url)
        if not revisit:
            if url in self.known:
                return None  # already scheduled by start()
            if self.articles_scheduled >= self.source.max_pages:
                self.crawler.stats.inc_value("mirrorwatch/discovery/over_max_pages")
                return None
        self.articles_scheduled += 1
        headers = {}
        known = self.known.get(url)
        if known is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        return scrapy.Request(
            url,
            headers=headers,
            callback=self.parse_page,
            errback=self.on_error,
            meta={"depth": depth, "article": True, "handle_httpstatus_list": ARTICLE_STATUSES,
                  "listed_modified": listed_modified},
        )

    def _follow(self, url: str, depth: int) -> scrapy.Request | None:
        url = normalize_url(url)
        if origin_of(url) != self.source.origin:
            self.crawler.stats.inc_value("mirrorwatch/discovery/offsite_links")
            return None
        if self.is_article(url):
            return self._article(url, depth=depth)
        if depth > self.source.max_depth:
            return None
        return scrapy.Request(url, callback=self.parse_page, errback=self.on_error, meta={"depth": depth})

    # -- parsing -----------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[PageFetched | scrapy.Request]:
        # A link that was not an article URL may redirect to one.
        if response.meta.get("article") or (response.status == 200 and self.is_article(response.url)):
            self.crawler.stats.inc_value("mirrorwatch/discovery/articles_fetched")
            yield self._fetched(response)
        depth = response.meta.get("depth", 0)
        if response.status != 200 or depth >= self.source.max_depth or not isinstance(response, TextResponse):
            return
        for link in self._links.extract_links(response):
            request = self._follow(link.url, depth + 1)
            if request is not None:
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.text, base_url=response.url):
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
            return
        body = response.body
        if gzip_magic_number(response):
            body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        sitemap = Sitemap(body)
        for entry in sitemap:
            url = entry.get("loc")
            if not url or origin_of(url) != self.source.origin:
                continue
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
            elif self.is_article(url):
                self.crawler.stats.inc_value("mirrorwatch/discovery/sitemap_urls")
                request = self._article(url, depth=1, listed_modified=entry.get("lastmod"))
                if request is not None:
                    yield request

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        entries = [(item.xpath("link/text()").get(), item.xpath("pubDate/text()").get())
                   for item in response.xpath("//item")]  # RSS
        entries += [  # Atom
            (entry.xpath("*[local-name()='link'][not(@rel) or @rel='alternate']/@href").get(),
             entry.xpath("*[local-name()='updated']/text()").get()
             or entry.xpath("*[local-name()='published']/text()").get())
            for entry in response.xpath("//*[local-name()='entry']")
        ]
        for link, date in entries:
            if not link:
                continue
            url = response.urljoin(link.strip())
            if self.is_article(url):
                self.crawler.stats.inc_value("mirrorwatch/discovery/feed_urls")
                request = self._article(url, depth=1, listed_modified=date.strip() if date else None)
                if request is not None:
                    yield request

    def _fetched(self, response: Response) -> PageFetched:
        url = normalize_url(response.url)
        aliases = [
            (normalize_url(u), "redirect")
            for u in response.meta.get("redirect_urls", [])
            if normalize_url(u) != url
        ]
        canonical = None
        if isinstance(response, TextResponse) and response.status == 200:
            href = response.xpath("//link[@rel='canonical']/@href").get()
            canonical = normalize_url(response.urljoin(href)) if href else None
        if canonical and canonical != url and origin_of(canonical) == self.source.origin:
            aliases.append((canonical, "canonical"))
        headers = response.headers
        content_type = _header(headers, b"Content-Type")
        error = None
        declared = (content_type or "").split(";")[0].strip().lower()
        if response.status == 200 and (not isinstance(response, TextResponse)
                                       or (declared and "html" not in declared and "xml" not in declared)):
            error = f"not an HTML page: {declared or 'no content type'}"
        return PageFetched(
            source=self.source.name,
            url=url,
            fetched_at=_now(),
            status=response.status,
            body=response.body if response.status == 200 and error is None else None,
            encoding=getattr(response, "encoding", None),
            content_type=content_type,
            etag=_header(headers, b"ETag"),
            last_modified=_header(headers, b"Last-Modified"),
            aliases=aliases,
            error=error,
            listed_modified=response.meta.get("listed_modified"),
        )

    def on_error(self, failure) -> Iterator[PageFetched]:
        request = failure.request
        # HttpError (a status the spider does not handle) is an IgnoreRequest too,
        # but unlike robots.txt or off-site refusals it is a fetch that failed.
        refused = failure.check(IgnoreRequest) and not failure.check(HttpError)
        if refused or not request.meta.get("article"):
            self.logger.info("not fetched: %s (%s)", request.url, failure.getErrorMessage())
            return
        response = getattr(failure.value, "response", None)
        self.crawler.stats.inc_value("mirrorwatch/fetch/errors")
        yield PageFetched(
            source=self.source.name,
            url=normalize_url(response.url if response is not None else request.url),
            fetched_at=_now(),
            status=response.status if response is not None else None,
            error=f"{failure.type.__name__}: {failure.getErrorMessage()}"[:1000],
        )


def _header(headers, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None


def _now() -> str:
    return datetime.now(UTC).isoformat()
