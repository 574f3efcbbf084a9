"""Rate limits: ``Retry-After`` on 429 and 503, and robots.txt ``Crawl-delay``.

``RetryAfterMiddleware`` (a downloader middleware just above Scrapy's RetryMiddleware, so
it sees each response first):

* a 429 or 503 that carries ``Retry-After`` (seconds, or an HTTP date) pauses every request
  to that host until then and retries the page (Scrapy's retry counter, ``RETRY_TIMES``);
  a wait over the source's ``max_retry_after`` (300 s by default) is not waited for: the
  page is an error capture for this run (its reason names the wait) and is due again later;
* a 403/429/503 that is a bot wall (``crawler.crawl.walls.block_page``) is not retried: a
  challenge answered again is the same challenge;
* robots.txt's ``Crawl-delay`` for the crawl's User-Agent becomes the host's minimum delay
  (the downloader slot's delay, which ``RecheckAutoThrottle`` never lowers below it; Scrapy's
  ``RANDOMIZE_DOWNLOAD_DELAY`` still varies each wait by ±50%).

Stats: ``mirrorwatch/ratelimit/retry_after`` (retries after a wait),
``mirrorwatch/ratelimit/waited_seconds`` (the longest wait asked and honoured),
``mirrorwatch/ratelimit/over_max`` (waits refused), ``mirrorwatch/ratelimit/crawl_delay``.
"""

from __future__ import annotations

import asyncio
import logging
from email.utils import parsedate_to_datetime
from time import monotonic

from protego import Protego
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.utils.httpobj import urlparse_cached

from crawler.crawl.responses import header_list
from crawler.crawl.walls import block_page
from storage.types import utcnow

log = logging.getLogger(__name__)

RATE_LIMITED = frozenset({429, 503})
# The stat that holds robots.txt's Crawl-delay: no slot's delay goes below it (a crawl is of
# one source, on one host).
CRAWL_DELAY = "mirrorwatch/ratelimit/crawl_delay"
DEFAULT_MAX_RETRY_AFTER = 300.0


def retry_after(value: bytes | str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - utcnow()).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.resume: dict[str, float] = {}  # host → monotonic time its requests may go again

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def max_wait(self) -> float:
        source = getattr(self.crawler.spider, "source", None)
        cap = getattr(source, "max_retry_after", None)
        return DEFAULT_MAX_RETRY_AFTER if cap is None else cap

    async def process_request(self, request):
        wait = self.resume.get(urlparse_cached(request).netloc, 0.0) - monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        return None

    def process_response(self, request, response):
        if request.url.endswith("/robots.txt") and response.status == 200:
            self._crawl_delay(request, response)
            return response
        if response.status not in RATE_LIMITED and response.status != 403:
            return response
        if block_page(response.status, header_list(response.headers), response.body):
            request.meta["dont_retry"] = True
            return response
        wait = retry_after(response.headers.get(b"Retry-After")) if response.status in RATE_LIMITED else None
        if wait is None:
            return response
        if wait > self.max_wait:
            self.stats.inc_value("mirrorwatch/ratelimit/over_max")
            request.meta["dont_retry"] = True
            request.meta["mirrorwatch_error"] = (f"HTTP {response.status}: the site asks to wait {wait:.0f} s "
                                                 f"(Retry-After), more than max_retry_after ({self.max_wait:.0f} s)")
            return response
        retry = get_retry_request(request, spider=self.crawler.spider, reason=f"HTTP {response.status} Retry-After",
                                  max_retry_times=self.crawler.settings.getint("RETRY_TIMES"))
        if retry is None:
            return response
        host = urlparse_cached(request).netloc
        self.resume[host] = max(self.resume.get(host, 0.0), monotonic() + wait)
        self.stats.inc_value("mirrorwatch/ratelimit/retry_after")
        self.stats.max_value("mirrorwatch/ratelimit/waited_seconds", round(wait, 1))
        log.info("%s: HTTP %s, Retry-After %.0f s: pausing %s", request.url, response.status, wait, host)
        return retry

    def _crawl_delay(self, request, response) -> None:
        agent = (request.headers.get(b"User-Agent") or b"").decode("latin-1")
        try:
            delay = Protego.parse(response.text).crawl_delay(agent or "*")
        except (AttributeError, ValueError, UnicodeDecodeError):
            return
        slot = self.crawler.engine.downloader.slots.get(request.meta.get("download_slot"))
        if not delay or slot is None:
            return
        self.stats.set_value(CRAWL_DELAY, float(delay))
        slot.delay = max(slot.delay, float(delay))
        log.info("%s: Crawl-delay %s s", request.url, delay)

