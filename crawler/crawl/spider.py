"""``article``: the generic spider, driven by one source of the sources file.

It discovers article pages from start pages (links, to ``max_depth`` hops),
sitemaps (indexes included) and RSS/Atom feeds, re-fetches the pages the
archive already knows with conditional headers, and yields one
:class:`~crawler.crawl.items.PageFetched` per article fetch, whatever its outcome.
It never touches the database: the known pages, and which of them to re-check,
are handed to it by the pipeline when the spider opens, in its
:class:`~crawler.crawl.items.CrawlPlan` (``self.plan``). A known page left out of the
re-checks is still fetched when this crawl's sitemap or feed dates it after its last capture.

``max_pages`` caps the distinct article URLs requested in one crawl (a URL listed both on a
start page and in the sitemap is one); those left out are counted in
``mirrorwatch/discovery/over_max_pages``. The article URLs accepted wait in a
:class:`~crawler.crawl.backlog.Backlog` on disk and reach Scrapy's scheduler a batch at a time,
as it runs dry, so a sitemap of 100,000 URLs is not 100,000 requests in memory. Links are followed from start pages and the listing
pages they lead to (``max_depth`` hops); from article pages only with ``follow_links`` (the
default for a source without sitemap or feed, whose articles are found no other way). Every
request that reaches the downloader is counted as ``mirrorwatch/requests/articles`` or
``mirrorwatch/requests/other`` (robots.txt, listings, links, and the retries of each).

    scrapy crawl article -a source=NAME [-a sources=PATH]
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from urllib.parse import urlparse

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from scrapy.utils.sitemap import sitemap_urls_from_robots
from scrapy.utils.url import url_has_any_extension

from crawler.crawl.backlog import Backlog, Feeder
from crawler.crawl.browser import Renderer
from crawler.crawl.items import CrawlPlan, PageFetched
from crawler.crawl.listed import feed_entries, sitemap_entries
from crawler.crawl.problems import failure_reason, is_fetch_failure, soft_404
from crawler.crawl.responses import declared_encoding, header, header_list
from crawler.crawl.walls import block_page
from crawler.extract.decode import not_html
from crawler.sources import Source, load_sources
from storage.archive.recheck import listed_unchanged
from storage.urls import normalize_url, origin_of

ARTICLE_STATUSES = [304, 404, 410]


class ArticleSpider(scrapy.Spider):
    name = "article"

    def __init__(self, source: str | None = None, sources: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.source_name = source
        self.sources_path = sources
        self.source: Source  # set in from_crawler
        self.plan = CrawlPlan()  # filled by the pipeline when the spider opens
        self.backlog = Backlog()  # the article URLs met in this crawl; those accepted wait there for a request
        self.streams = True  # False on a shared frontier: requests go to Redis at once (see crawler.crawl.backlog)

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
        spider._ignored_extensions = {f".{e}" for e in IGNORED_EXTENSIONS}  # the link extractor's default
        spider._allow = [re.compile(p) for p in spider.source.allow]
        spider._deny = [re.compile(p) for p in spider.source.deny]
        spider.renderer = Renderer(spider.source, crawler) if spider.source.render == "browser" else None
        crawler.signals.connect(spider._count_request, signal=scrapy.signals.request_reached_downloader)
        spider.streams = not crawler.settings.get("MIRRORWATCH_FRONTIER_RUN")
        if spider.streams:
            spider.feeder = Feeder(crawler, spider.backlog, spider._request)  # signals hold weak references
        return spider

    def _count_request(self, request: scrapy.Request, spider=None) -> None:
        kind = "articles" if request.meta.get("article") else "other"
        self.crawler.stats.inc_value(f"mirrorwatch/requests/{kind}")

    # -- what to fetch -----------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.settings.getbool("MIRRORWATCH_FRONTIER_SEED", True):
            return  # a worker joining a shared-frontier run: another worker seeded it
        for page in self.plan.known.values():
            # Re-checks only: links are discovered from start pages, sitemaps and feeds.
            if page.url in self.plan.recheck and (request := self._article(page.url, depth=self.source.max_depth,
                                                                           revisit=True)):
                yield request
        for url in self.source.start_urls:
            if self.is_article(url):
                if (request := self._article(url, depth=0)) is not None:
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
        """The request for an article URL met, if this crawl fetches it. Once accepted, the URL waits
        in the backlog (the Feeder makes its request when the scheduler runs dry), unless the
        requests go to a shared frontier: then the request is returned, to be yielded at once."""
        url = normalize_url(url)
        known = self.plan.known.get(url)
        if not revisit:
            if self.backlog.state(url) is not None:
                return None  # listed twice (a start page and the sitemap): one request, one page of max_pages
            if known is not None:
                if not listed_modified or listed_unchanged(listed_modified, known.last_seen_at):
                    return None  # left out by the re-check policy
                # The listing dates a change after the last capture: re-check it now.
                self.crawler.stats.inc_value("mirrorwatch/recheck/listed_changed")
            elif self.backlog.accepted >= self.source.max_pages:
                self.backlog.leave_out(url)
                self.crawler.stats.set_value("mirrorwatch/discovery/over_max_pages", self.backlog.left_out)
                return None
        self.backlog.accept(url)
        if not self.streams:
            return self._request(url, depth, listed_modified)
        self.backlog.push(url, depth, listed_modified)
        return None

    def _request(self, url: str, depth: int, listed_modified: str | None) -> scrapy.Request:
        """The request of an accepted article URL, conditional when the archive knows the page."""
        known = self.plan.known.get(url)
        headers = {}
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

    def refetch(self, url: str) -> scrapy.Request:
        """A second request for an article already fetched in this crawl (to confirm a partial page)."""
        return self._request(normalize_url(url), self.source.max_depth, None).replace(dont_filter=True)

    def _follow(self, url: str, depth: int) -> scrapy.Request | None:
        url = normalize_url(url)
        if len(url) > self.settings.getint("URLLENGTH_LIMIT"):
            # Article links and backlog requests reach the engine past the spider middlewares, so
            # UrlLengthMiddleware never sees them: the same rule, under the same count, here.
            self.crawler.stats.inc_value("urllength/request_ignored_count")
            return None
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
        article = response.meta.get("article") or (response.status == 200 and self.is_article(response.url))
        if not article:
            yield from self._links_of(response)
            return
        self.crawler.stats.inc_value("mirrorwatch/discovery/articles_fetched")
        if self.renderer is not None and response.status in (200, 304):
            yield self._before_render(response)  # the rendered page's links are followed
            return
        yield self._fetched(response)  # never parsed here: the worker reads its links, canonical, soft 404

    def _before_render(self, response: Response) -> PageFetched | scrapy.Request:
        """The plain fetch of a rendered source's article: its rendering, the check of the data
        behind it, or not modified (``Renderer.recheck``)."""
        item = self._fetched(response)
        if item.error is not None:
            return item  # not HTML, a soft 404: nothing to render
        return self.renderer.recheck(response, item, self.plan.rendered.get(item.url, {}), self.plan.known.get(item.url))

    async def parse_rendered(self, response: Response) -> AsyncIterator[PageFetched | scrapy.Request]:
        data = await self.renderer.data_of(response.meta)  # before the page closes
        await self.renderer.done(response.meta)
        yield self.renderer.rendered(self._fetched(response), response.meta["raw_response"], data)  # its links are read by the extraction worker, as a plain fetch's

    def on_render_response(self, response) -> None:  # a rendered page's responses, for the data behind it
        self.renderer.note(response)

    def on_data_checked(self, response: Response, **state) -> Iterator[PageFetched | scrapy.Request]:
        yield from self.renderer.data.checked(response, **state)

    def on_data_failed(self, failure) -> Iterator[scrapy.Request]:
        yield from self.renderer.data.failed(failure)

    def on_render_error(self, failure) -> Iterator[PageFetched]:
        asyncio.ensure_future(self.renderer.done(failure.request.meta))
        if self.renderer.cut_short(failure):
            return  # the crawl is stopping (Ctrl-C reaches chromium too): no error of the site's
        reason = self.renderer.timed_out(failure)
        if reason is None:
            yield from self.on_error(failure)
            return
        self.crawler.stats.inc_value("mirrorwatch/render/timeouts")
        yield PageFetched(source=self.source.name, url=normalize_url(failure.request.url), fetched_at=_now(),
                          status=None, error=reason)

    def _links_of(self, response: Response) -> Iterator[scrapy.Request]:
        """The links of a start or listing page (never of an article page: see :meth:`follow`)."""
        if (depth := self._links_depth(response)) is None:
            return
        for link in self._links.extract_links(response):
            request = self._follow(link.url, depth)
            if request is not None:
                yield request

    def _links_depth(self, response: Response) -> int | None:
        """The depth of a page's links, or None when they are not followed (beyond ``max_depth``)."""
        depth = response.meta.get("depth", 0)
        if response.status != 200 or depth >= self.source.max_depth or not isinstance(response, TextResponse):
            return None
        return depth + 1

    def follow(self, links: Iterable[str], depth: int) -> Iterator[scrapy.Request]:
        """Requests for the links the worker read on an article page, filtered as a listing page's."""
        for url in links:
            if url_has_any_extension(urlparse(url), self._ignored_extensions):
                continue
            request = self._follow(url, depth)
            if request is not None:
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
            return
        index, entries = sitemap_entries(response, self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        for url, lastmod in entries:
            if origin_of(url) != self.source.origin:
                continue
            if index:
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
            elif self.is_article(url):
                self.crawler.stats.inc_value("mirrorwatch/discovery/sitemap_urls")
                if (request := self._article(url, depth=1, listed_modified=lastmod)) is not None:
                    yield request

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        for url, date in feed_entries(response):
            if self.is_article(url):
                self.crawler.stats.inc_value("mirrorwatch/discovery/feed_urls")
                if (request := self._article(url, depth=1, listed_modified=date)) is not None:
                    yield request

    def _fetched(self, response: Response) -> PageFetched:
        url = normalize_url(response.url)
        aliases = [
            (normalize_url(u), "redirect")
            for u in response.meta.get("redirect_urls", [])
            if normalize_url(u) != url
        ]
        headers = response.headers
        listed = header_list(headers)
        content_type = header(headers, b"Content-Type")
        error = blocked = known = None
        if response.status == 200:  # a PDF sent as text/html, a challenge page (a soft 404: the worker's)
            error = not_html(content_type, response.body) or (soft_404(response) if self.renderer else None)
        if response.status == 200 and error is None:
            # The body an accepted capture stored last is no wall (its markers are searched in 64 KB
            # of every other page), unless a header says so now.
            known = self.plan.known_body(url, response.body)
            if known and not header(headers, b"cf-mitigated"):
                self.crawler.stats.inc_value("mirrorwatch/fetch/known_body")
            else:
                blocked = block_page(200, listed, response.body)
        return PageFetched(
            source=self.source.name,
            url=url,
            fetched_at=_now(),
            status=response.status,
            body=response.body if response.status == 200 and error is None and blocked is None else None,
            encoding=declared_encoding(response, content_type),
            content_type=content_type,
            etag=header(headers, b"ETag"),
            last_modified=header(headers, b"Last-Modified"),
            aliases=aliases,
            error=error,
            listed_modified=response.meta.get("listed_modified"),
            headers=listed,
            blocked=blocked,
            # With a sitemap or feed listing the articles, an article's navigation links cost requests.
            follow_depth=self._links_depth(response) if self.source.follows_article_links else None,
            known_sha256=known,
        )

    def on_error(self, failure) -> Iterator[PageFetched]:
        request = failure.request
        # HttpError (a status the spider does not handle), redirect loops and size limits are
        # IgnoreRequests too, but unlike robots.txt or off-site refusals they are failed fetches.
        if not is_fetch_failure(failure) or not request.meta.get("article"):
            self.logger.info("not fetched: %s (%s)", request.url, failure.getErrorMessage())
            return
        response = getattr(failure.value, "response", None)
        self.crawler.stats.inc_value("mirrorwatch/fetch/errors")
        # Without a response, the page is the one first asked for, not the last hop of its redirects.
        url = response.url if response is not None else (request.meta.get("redirect_urls") or [request.url])[0]
        yield PageFetched(
            source=self.source.name,
            url=normalize_url(url),
            fetched_at=_now(),
            status=response.status if response is not None else None,
            error=failure_reason(failure, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))[:1000],
            headers=header_list(response.headers) if response is not None else [],
            blocked=block_page(response.status, header_list(response.headers), response.body)
            if response is not None else None,
        )


def _now() -> str:
    return datetime.now(UTC).isoformat()
