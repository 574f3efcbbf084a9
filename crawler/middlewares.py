"""Downloader middlewares.

``SameOriginMiddleware`` keeps a crawl on its source's own scheme, host and
port, redirects included. Scrapy's OffsiteMiddleware compares host names only,
which would let a crawl of 127.0.0.1:8001 wander onto 127.0.0.1:8002.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest

from storage.normalize import origin_of

log = logging.getLogger(__name__)


class SameOriginMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        source = getattr(self.crawler.spider, "source", None)
        if source is not None and origin_of(request.url) != source.origin:
            self.crawler.stats.inc_value("mirrorwatch/offsite/ignored")
            log.debug("ignoring off-site request %s", request.url)
            raise IgnoreRequest(f"off-site: {request.url}")
        return None
