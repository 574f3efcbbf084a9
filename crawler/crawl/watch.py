"""What a running crawl is doing, for a progress line: requests done and queued, articles
stored, and the URL being fetched now.

:class:`Watch` follows one crawler's signals (a request reaching the downloader, a response,
a stored item) and hands a :class:`CrawlProgress` to a callback, so the line moves while
listing and navigation pages are fetched, not only when an article is stored: at most every
``REFRESH`` seconds (the queue length can be a Redis call), and once more when the spider closes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from storage.archive.runs import run_counts


REFRESH = 0.1  # seconds


@dataclass(frozen=True)
class CrawlProgress:
    source: str
    done: int  # requests answered or failed
    queued: int  # requests waiting in the scheduler or the downloader, and URLs in the spider's backlog
    stored: int  # article fetches recorded with an answer (error captures are not)
    errors: int  # error captures
    storing: int  # article fetches in the pipeline: being extracted and recorded
    fetching: str | None  # the URL in the downloader longest (the one being fetched); None: nothing is


class Watch:
    def __init__(self, source: str, crawler: Crawler, on_progress: Callable[[CrawlProgress], None]):
        self.source = source
        self.crawler = crawler
        self.on_progress = on_progress
        self.fetching: str | None = None
        self.active: dict[int, str] = {}  # requests in the downloader, oldest first: the first is being fetched
        crawler.signals.connect(self._reached, signal=signals.request_reached_downloader, weak=False)
        crawler.signals.connect(self._left, signal=signals.request_left_downloader, weak=False)
        for signal in (signals.item_scraped, signals.item_dropped):
            crawler.signals.connect(self._moved, signal=signal, weak=False)
        crawler.signals.connect(self._opened, signal=signals.spider_opened, weak=False)
        crawler.signals.connect(self._closed, signal=signals.spider_closed, weak=False)
        self._shown = 0.0  # when the last snapshot was handed over
        self._due = False  # something moved since
        self._loop: task.LoopingCall | None = None  # made once the reactor runs: making it earlier would install one

    def _opened(self) -> None:
        self._loop = task.LoopingCall(self._refresh)
        self._loop.start(REFRESH, now=False)

    def _closed(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._show()

    def _refresh(self) -> None:
        if self._due:
            self._show()

    def _reached(self, request) -> None:
        self.active[id(request)] = request.url
        self._moved()

    def _left(self, request) -> None:
        self.active.pop(id(request), None)
        self._moved()

    def _moved(self) -> None:
        if time.monotonic() - self._shown < REFRESH:
            self._due = True
        else:
            self._show()

    def _show(self) -> None:
        self._shown, self._due = time.monotonic(), False
        self.on_progress(self.snapshot())

    def snapshot(self) -> CrawlProgress:
        self.fetching = next(iter(self.active.values()), None)
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        engine = self.crawler.engine
        queued = 0
        if engine is not None:
            scheduler = engine.scheduler
            queued = len(scheduler) if scheduler is not None and hasattr(scheduler, "__len__") else 0
            queued += len(engine.downloader.active)
            backlog = getattr(self.crawler.spider, "backlog", None)  # accepted URLs not yet requests
            queued += backlog.waiting if backlog is not None else 0
        counts = run_counts(stats)
        done = int(stats.get("downloader/response_count", 0)) + int(stats.get("downloader/exception_count", 0))
        items = int(stats.get("mirrorwatch/discovery/articles_fetched", 0)) + int(stats.get("mirrorwatch/fetch/errors", 0))
        storing = max(0, items - int(stats.get("item_scraped_count", 0)) - int(stats.get("item_dropped_count", 0)))
        return CrawlProgress(self.source, done, queued, counts["fetched"], counts["error"], storing, self.fetching)
