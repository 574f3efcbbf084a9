"""Run one crawl of some sources in this process and report what it did (``crawler.crawl.result``).

The Twisted reactor cannot be restarted, so :func:`run_crawl` can be called
once per process; the scheduler runs each crawl as a subprocess.

Stopping is Scrapy's: the first SIGINT or SIGTERM closes the spiders gracefully (runs end
``interrupted``), a second stops at once (the pipeline closes its run as the reactor stops);
``on_stop`` is told of each, so the command can say so. A graceful stop finishes the downloads
under way but not the requests waiting in the downloader for their slot's delay
(:func:`drop_waiting`): up to ``CONCURRENT_REQUESTS`` of them wait there, one per delay, which
on a slow or polite site kept Ctrl-C waiting for minutes. Their pages are fetched by the next crawl.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawler.crawl import signals
from crawler.crawl.browser import browser_settings
from crawler.crawl.watch import CrawlProgress, Watch
from crawler.sources import Source
from crawler.crawl.result import CrawlResult
from crawler.crawl.spider import ArticleSpider
from storage.db import database_url

log = logging.getLogger(__name__)

def crawl_settings(*, db: str, sources_path: str | Path, log_level: str = "WARNING",
                   overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("MIRRORWATCH_DB", database_url(db), priority="cmdline")
    settings.set("MIRRORWATCH_SOURCES", str(Path(sources_path).resolve()), priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    # The CLI configures logging; Scrapy installing a second root handler would double every line.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    _leave_out(settings, settings.getlist("MIRRORWATCH_OFF_COMPONENTS"), settings.getlist("MIRRORWATCH_SCHEMES"))
    return settings


def _leave_out(settings: Settings, off: list[str], schemes: list[str]) -> None:
    """Scrapy's base lists without the components that are off (set to None they would still be
    imported) and without the download handlers of other schemes (crawler/settings.py says why)."""
    for name in ("EXTENSIONS_BASE", "DOWNLOADER_MIDDLEWARES_BASE"):
        settings.set(name, {k: v for k, v in settings.getdict(name).items() if k not in off}, priority="project")
    handlers = settings.getdict("DOWNLOAD_HANDLERS_BASE")
    settings.set("DOWNLOAD_HANDLERS_BASE", {k: v for k, v in handlers.items() if k in schemes}, priority="project")


def source_settings(base: Settings, source: Source) -> Settings:
    """The crawl settings with a source's politeness overrides applied."""
    settings = base.copy()
    if source.concurrency is not None:
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", source.concurrency, priority="spider")
        settings.set("AUTOTHROTTLE_TARGET_CONCURRENCY", float(source.concurrency), priority="spider")
    if source.download_delay is not None:
        settings.set("DOWNLOAD_DELAY", source.download_delay, priority="spider")
        settings.set("AUTOTHROTTLE_START_DELAY", max(source.download_delay, 0.1), priority="spider")
    settings.update(browser_settings(source), priority="spider")  # render = "browser": its download handler
    return settings


class _Process(CrawlerProcess):
    """Scrapy's process, telling ``on_stop(forced)`` when a signal asks it to stop."""

    def __init__(self, settings: Settings, on_stop: Callable[[bool], None] | None):
        super().__init__(settings)
        self.on_stop = on_stop

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        from twisted.internet import reactor

        super()._signal_shutdown(signum, frame)  # the stop starts in the reactor: the crawlers stop crawling
        reactor.callFromThread(self._stopping)  # ... and then their waiting requests and renders end
        self._tell(False)

    def _stopping(self) -> None:
        for crawler in self.crawlers:
            if crawler.engine is None:
                continue
            hand_back = None
            if crawler.settings.get("MIRRORWATCH_REDIS_URL"):
                from crawler.crawl import frontier  # redis: loaded for a shared frontier only

                hand_back = frontier.hand_back(crawler)
            if dropped := drop_waiting(crawler.engine.downloader, hand_back):
                crawler.stats.inc_value("mirrorwatch/stop/dropped_waiting", dropped)
                log.info("stopping: %d requests not sent yet are %s", dropped,
                         "handed back to the run's queue" if hand_back else "left for the next crawl")
            crawler.signals.send_catch_log(signal=signals.stopping)

    def _signal_kill(self, signum: int, frame: Any) -> None:
        super()._signal_kill(signum, frame)
        self._tell(True)

    def _tell(self, forced: bool) -> None:
        if self.on_stop is not None:
            from twisted.internet import reactor

            reactor.callFromThread(self.on_stop, forced)  # not in the signal handler: it may interrupt a write


def drop_waiting(downloader, hand_back: Callable[[Any], None] | None = None) -> int:
    """Fail the requests queued in the downloader's slots, not sent yet, as ignored: the spider's
    errbacks store nothing for them (an ``IgnoreRequest`` is no failed fetch, and a render failing
    while the crawl stops is cut short). On a shared frontier each goes back to the run's queue
    first (``hand_back``: ``crawler.crawl.frontier.hand_back``). Returns how many there were."""
    from scrapy.exceptions import IgnoreRequest

    dropped = 0
    for slot in list(downloader.slots.values()):
        while slot.queue:
            request, waiting = slot.queue.popleft()
            if hand_back is not None:
                hand_back(request)
            waiting.errback(IgnoreRequest(f"the crawl is stopping: {request.url} is not sent"))
            dropped += 1
    return dropped


def run_crawl(sources: list[Source], settings: Settings,
              on_progress: Callable[[CrawlProgress], None] | None = None,
              on_stop: Callable[[bool], None] | None = None) -> list[CrawlResult]:
    """Crawl the sources together; returns each one's stats once all are done.

    ``on_progress`` gets a :class:`~crawler.crawl.watch.CrawlProgress` of a source each time
    its crawl moves. With ``MIRRORWATCH_REDIS_URL`` each source's crawl joins its run on the
    shared frontier (``crawler.crawl.frontier``); ``FrontierError`` when Redis cannot be used.
    """
    process = _Process(settings, on_stop)
    crawlers: list[tuple[Source, Crawler]] = []
    for index, source in enumerate(sources):
        own = source_settings(settings, source)
        if redis_url := settings.get("MIRRORWATCH_REDIS_URL"):
            from crawler.crawl import frontier  # redis: loaded for a shared frontier only

            run = frontier.join_run(redis_url, source.name, run_id=settings.get("MIRRORWATCH_FRONTIER_RUN") or None,
                                    ttl=settings.getint("MIRRORWATCH_REDIS_RUN_TTL"))
            own = frontier.configure(own, run)
        # The first crawler installs the reactor named in the settings (asyncio).
        crawler = Crawler(ArticleSpider, own, init_reactor=index == 0)
        if on_progress is not None:
            Watch(source.name, crawler, on_progress)
        process.crawl(crawler, source=source.name)
        crawlers.append((source, crawler))
    process.start()
    results = []
    for source, crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        results.append(CrawlResult(source.name, stats.get("finish_reason"), stats))
    return results
