"""scrapy-playwright's download handler, made to end its renders when the crawl stops.

Ctrl-C in a terminal reaches the whole process group, chromium and Playwright's driver included.
A render under way then either fails or hangs: a navigation whose route callback died waited for
the driver's own 30 s timeout, past the source's ``render_timeout``. And scrapy-playwright meets a
closed browser with a fresh launch and retries. So once the crawl stops (the runner sends
:data:`crawler.crawl.signals.stopping`), the renders in flight are cancelled and an attempt made
after the stop fails at once, both with :class:`StoppedRendering`, which the spider's render
errback counts as cut short (``Renderer.cut_short``): no capture, as for a page the stop left
unfetched. A graceful stop thus waits for plain downloads, never for a browser.

The browser going away under its pages also makes Playwright log its event listeners' failures
(``TargetClosedError`` tracebacks) and asyncio a driver's unread "Connection closed": once the
crawl stops, :class:`AfterTheStop` keeps those out of the log, since they say nothing about the
site or the crawl. Before the stop they are logged as ever.
"""

from __future__ import annotations

import asyncio
import logging

from playwright.async_api import Error as PlaywrightError
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.crawl import signals


class StoppedRendering(Exception):
    """A render ended, or not started, because the crawl is stopping."""


class AfterTheStop(logging.Filter):
    """Drops the records of a browser's failures once the crawl stops."""

    def __init__(self, crawler):
        super().__init__()
        self.crawler = crawler

    def filter(self, record: logging.LogRecord) -> bool:
        if self.crawler.crawling or not record.exc_info:
            return True
        error = record.exc_info[1]
        return not (isinstance(error, PlaywrightError) or "reading from the driver" in str(error))


class RenderHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self.attempts: set[asyncio.Task] = set()  # the render attempts under way
        crawler.signals.connect(self._stop, signal=signals.stopping)
        quiet = AfterTheStop(crawler)
        for name in ("playwright", "asyncio"):
            logging.getLogger(name).addFilter(quiet)

    async def _download_request_with_retry(self, request: Request, spider: Spider) -> Response:
        # Every attempt passes here, scrapy-playwright's own retries after a closed target too.
        if not self._crawler.crawling:
            raise StoppedRendering("the crawl is stopping")
        attempt = asyncio.ensure_future(super()._download_request_with_retry(request=request, spider=spider))
        self.attempts.add(attempt)
        try:
            return await attempt
        except asyncio.CancelledError:
            if attempt.cancelled() and not self._crawler.crawling:
                raise StoppedRendering("the crawl stopped while the page was rendering") from None
            raise
        finally:
            self.attempts.discard(attempt)

    def _stop(self) -> None:
        for attempt in self.attempts:
            attempt.cancel()
