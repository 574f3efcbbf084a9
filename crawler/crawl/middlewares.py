"""Downloader middlewares.

``SameOriginMiddleware`` keeps a crawl on its source's own scheme, host and
port, redirects included. Scrapy's OffsiteMiddleware compares host names only,
which would let a crawl of 127.0.0.1:8001 wander onto 127.0.0.1:8002.

``RedirectAliasMiddleware`` notes every on-site redirect (from → to) as it comes
back, before Scrapy's RedirectMiddleware follows it: the redirected request may
be dropped as a duplicate of a page already fetched, and the alias would be lost.
The notes go into the spider's ``CrawlPlan``; the pipeline stores them when the crawl closes. A redirect back into its own
chain is refused as a ``RedirectLoop`` (an error capture of the first URL).

``SourceHeadersMiddleware`` sends the source's own ``user_agent`` and ``headers``
(sources.toml) with every request of its crawl, robots.txt included; it runs before
RobotsTxtMiddleware (100), so robots.txt rules are matched against that User-Agent. It
also sends them through the source's ``proxy`` (``request.meta["proxy"]``: Scrapy's
HttpProxyMiddleware turns the URL's credentials into a ``Proxy-Authorization`` header, so
they appear in no URL, log line or stat).

``MetaRefreshMiddleware`` is Scrapy's, without decoding every page to look for the tag: Scrapy
reads ``response.text[0:4096]``, which decodes the whole body in the reactor's thread (guessing
an encoding for a page that declares none) and keeps the text as long as the response lives,
for a tag few pages carry. Pages whose start cannot hold it pass untouched.

``RetryAfterMiddleware`` (``crawler.crawl.ratelimits``) honours 429/503 ``Retry-After`` and
robots.txt ``Crawl-delay``.
"""

from __future__ import annotations

import logging
from urllib.parse import urldefrag, urljoin

from scrapy.downloadermiddlewares import redirect
from scrapy.exceptions import IgnoreRequest

from crawler.crawl.problems import RedirectLoop
from storage.urls import normalize_url, origin_of

log = logging.getLogger(__name__)


class _OfTheCrawler:
    """A middleware that reads the crawl's spider and stats through the crawler it was made for."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class SameOriginMiddleware(_OfTheCrawler):
    def process_request(self, request):
        source = getattr(self.crawler.spider, "source", None)
        if source is not None and origin_of(request.url) != source.origin:
            self.crawler.stats.inc_value("mirrorwatch/offsite/ignored")
            log.debug("ignoring off-site request %s", request.url)
            raise IgnoreRequest(f"off-site: {request.url}")
        return None


class RedirectAliasMiddleware(_OfTheCrawler):
    def process_response(self, request, response):
        location = response.headers.get(b"Location")
        spider = self.crawler.spider
        plan = getattr(spider, "plan", None)
        if 300 <= response.status < 400 and location and plan is not None:
            raw_target = urldefrag(urljoin(request.url, location.decode("latin-1"))).url
            # Raw URLs, not normalised ones: a redirect that only adds or strips a tracking
            # parameter is a different request, and no loop.
            chain = {urldefrag(u).url for u in (*request.meta.get("redirect_urls", ()), request.url)}
            if raw_target in chain:  # would end as a silent duplicate-filter drop; say what it is
                self.crawler.stats.inc_value("mirrorwatch/fetch/redirect_loops")
                raise RedirectLoop(f"redirect loop: {request.url} -> {raw_target}")
            target = normalize_url(raw_target)
            source = normalize_url(request.url)
            if target != source and origin_of(target) == origin_of(source) == spider.source.origin:
                plan.redirects[source] = target
        return response


class SourceHeadersMiddleware(_OfTheCrawler):
    def process_request(self, request):
        source = getattr(self.crawler.spider, "source", None)
        if source is not None:
            if source.user_agent:  # before UserAgentMiddleware's setdefault of USER_AGENT
                request.headers.setdefault(b"User-Agent", source.user_agent)
            for name, value in source.headers:
                request.headers.setdefault(name, value)
            if source.proxy:
                request.meta.setdefault("proxy", source.proxy)
        return None


# Scrapy looks for the tag in the first 4,096 characters: at most four bytes each in UTF-8.
_REFRESH_HEAD = 4 * 4096
_WIDE = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")  # UTF-16 and UTF-32 byte order marks


class MetaRefreshMiddleware(redirect.MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, asked only of a page whose first bytes say "refresh" (or
    that is in UTF-16 or UTF-32, where they would not in ASCII)."""

    def process_response(self, request, response):
        head = response.body[:_REFRESH_HEAD]
        if b"refresh" not in head.lower() and not head.startswith(_WIDE):
            return response
        return super().process_response(request, response)
