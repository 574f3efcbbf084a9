"""``ArchivePipeline``: the one Scrapy component that writes to the archive.

For each :class:`~crawler.crawl.items.PageFetched` it runs the change cascade of
``storage.archive``: a body already stored for the page is recorded without
extraction; anything else is parsed once and extracted in a process pool (extraction
costs tens of milliseconds of CPU per page and would stall the reactor thread) and
then recorded. The worker's one parse also brings the page's canonical link (an alias),
the links to follow (handed back to the spider, which never parses an article page),
and whether it is a soft 404 or an application shell (``crawler.extract.page``). Both
the "same body?" lookup and the write run on one writer thread (synchronous SQLAlchemy),
not on the reactor thread, which keeps fetching meanwhile; one thread keeps the writes
in the order the items arrive. Copies are matched in a matcher process
(``storage.copies.queue``) fed by the versions written; when the spider closes, what it
has not matched yet is matched before the run closes. It also opens and closes the crawl
run, with its stats, and fills the spider's ``CrawlPlan``: the pages the archive knows
and which of them to re-check; at the end it stores the redirects the plan collected.

``MIRRORWATCH_RECHECK`` steers the re-checks: ``all`` (the default, what a
manual ``mirrorwatch crawl`` does) re-fetches every known page; ``due`` (the
scheduler, ``crawl --due``) only those the re-check policy (``storage.archive.recheck``)
says are due, leaving out pages whose sitemap/feed date says they have not
changed since their last capture.

A fetch that looks partial (``crawler.crawl.partial``) is re-fetched once before it is
recorded; the second fetch is recorded whatever it brings. Before that, an extracted text that
is a wall (``crawler.crawl.walls``: the source's error template, or a few lines of consent,
login or subscription wall replacing a known article) is recorded as ``blocked`` at once: a
re-fetch would bring the same wall, and record it as a version.

Stats (persisted with the run): ``mirrorwatch/captures/<outcome>``,
``mirrorwatch/extract/calls``, ``mirrorwatch/extract/skipped_same_body``,
``mirrorwatch/extract/seconds``, ``mirrorwatch/recheck/due``,
``mirrorwatch/recheck/not_due``, ``mirrorwatch/recheck/skipped_listed``,
``mirrorwatch/fetch/partial_refetched``,
``mirrorwatch/fetch/partial_confirmed`` (the second fetch looked partial too),
``mirrorwatch/render/app_shells`` (pages fetched over HTTP that are application shells,
``crawler.extract.shell``: error captures, and the summary suggests ``render = "browser"``),
``mirrorwatch/extract/pool_restarts`` (a worker died and was replaced),
``mirrorwatch/extract/failed`` and ``mirrorwatch/extract/first_error`` (what the first
failed extraction said: the crawl and its health call most pages failing a broken extractor);
``mirrorwatch/database_error`` (the message) when a database failure stopped the crawl
(finish reason ``database_error``).

While the crawl lives, its run's heartbeat is written every ``MIRRORWATCH_HEARTBEAT_INTERVAL``
seconds (on the writer thread), so that a crawl killed outright is found dead later
(``storage.archive.runs.close_stale_runs``). A forced stop (a second Ctrl-C) stops the
reactor without closing the spider: the run is closed then, as the reactor shuts down, as
``interrupted`` (finish reason ``forced shutdown``) with the counts of what was recorded.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import task

from crawler.extract.page import Parsed
from crawler.extract.pool import SHARED, worker_count
from crawler.extract.worker import ExtractorUnavailable, parse
from crawler.crawl.items import PageFetched
from crawler.crawl.partial import PartialCheck
from crawler.crawl.walls import WALL_MAX_RATIO, ErrorTemplates, replaces_article
from storage.archive import Archive, Prior, Recorded
from storage.db import SQLITE_BUSY_TIMEOUT_MS
from storage.dbfaults import describe
from storage.archive.recheck import RecheckLimits
from storage.types import utcnow
from storage.urls import normalize_url, origin_of

RECHECK_MODES = ("all", "due")

log = logging.getLogger(__name__)


class ArchivePipeline:
    def __init__(self, crawler, archive: Archive, workers: int, recheck: str = "all"):
        if recheck not in RECHECK_MODES:
            raise ValueError(f"MIRRORWATCH_RECHECK must be one of {RECHECK_MODES}, not {recheck!r}")
        self.recheck = recheck
        self.limits = RecheckLimits()
        self.crawler = crawler
        self.stats = crawler.stats
        self.archive = archive
        self.workers = workers
        self.run_id: int | None = None
        self.pool: ProcessPoolExecutor | None = None
        self.partial = PartialCheck.from_settings(crawler.settings)
        self.confirming: set[str] = set()  # URLs re-fetched because their first fetch looked partial
        self.templates = ErrorTemplates()  # short texts seen on several pages: the source's error template
        self.database_error: str | None = None
        self.writer: ThreadPoolExecutor | None = None
        self._closing = None  # the engine's close, once a database failure asked for it
        self._beats = task.LoopingCall(self._beat)
        self._closed = False  # the run was closed (or could not be)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        workers = worker_count(settings.getint("MIRRORWATCH_EXTRACT_WORKERS"))
        pipeline = cls(crawler, Archive.open(settings.get("MIRRORWATCH_DB")), workers,
                       settings.get("MIRRORWATCH_RECHECK", "all"))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        pipeline.heartbeat = settings.getfloat("MIRRORWATCH_HEARTBEAT_INTERVAL")
        # A forced stop stops the reactor without closing the spider: close the run then.
        from twisted.internet import reactor  # the one installed by now; importing it earlier would install one

        reactor.addSystemEventTrigger("before", "shutdown", pipeline.forced_stop)
        return pipeline

    def open_spider(self, spider=None) -> None:
        spider = self.crawler.spider
        source = spider.source
        self.archive.ensure_source(source.name, role=source.role, origin=source.origin)
        self.run_id = self.archive.start_run(source.name)
        self.limits = RecheckLimits(source.recheck_min, source.recheck_max)
        known = self.archive.known_pages(source.name)
        self.stats.set_value("mirrorwatch/run_id", self.run_id)
        self.stats.set_value("mirrorwatch/known_pages", len(known))
        if self.recheck == "due":
            due, skipped = self.archive.due_pages(known, utcnow(), self.limits)
            spider.plan.plan(known, due)
            self.stats.set_value("mirrorwatch/recheck/due", len(due))
            self.stats.set_value("mirrorwatch/recheck/skipped_listed", len(skipped))
            self.stats.set_value("mirrorwatch/recheck/not_due", len(known) - len(due) - len(skipped))
        else:
            spider.plan.plan(known)
        if source.render == "browser":
            spider.plan.rendered = self.archive.render_marks(source.name)
        self.archive.start_matching()  # a matcher process matches copies, from what a crash left queued on
        self.pool = SHARED.acquire(self.workers)
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="mirrorwatch-writer")
        if getattr(self, "heartbeat", 0) > 0:
            self._beats.start(self.heartbeat, now=False)

    def _beat(self) -> None:
        """The run's heartbeat, written after the writes queued before it."""
        if self.writer is not None and self.run_id is not None:
            self.writer.submit(self.archive.beat, self.run_id).add_done_callback(_log_beat_failure)

    def close_spider(self, spider=None) -> None:
        if self.pool is not None:
            SHARED.release()
            self.pool = None
        if self.writer is not None:
            self.writer.shutdown(wait=True)  # every item has been awaited by now; nothing is pending
            self.writer = None

    def spider_closed(self, spider, reason: str) -> None:
        if self._beats.running:
            self._beats.stop()
        if self.run_id is None or self._closed:
            return
        self._closed = True
        try:
            self._finish(spider, reason)
        except SQLAlchemyError as exc:  # the run may stay 'running'; the crawl's error was logged already
            if self.database_error is None:
                log.error("could not close the crawl run: %s", describe(exc, self.crawler.settings.get("MIRRORWATCH_DB")))

    def forced_stop(self) -> None:
        """The reactor stops while the spider is still open: close the run with what was recorded."""
        if self.run_id is None or self._closed:
            return
        self._closed = True
        if self._beats.running:
            self._beats.stop()
        if self.writer is not None:  # the write in progress ends; those queued are dropped
            self.writer.shutdown(wait=True, cancel_futures=True)
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
        self.stats.set_value("finish_reason", "forced shutdown")
        try:
            # The write that was in progress is stored, but its coroutine will not resume to count it.
            for outcome, n in self.archive.recorded_outcomes(self.run_id).items():
                self.stats.set_value(f"mirrorwatch/captures/{outcome}", n)
            self.archive.finish_run(self.run_id, reason="forced shutdown", stats=self.stats.get_stats())
        except SQLAlchemyError as exc:
            log.error("could not close the crawl run: %s", describe(exc, self.crawler.settings.get("MIRRORWATCH_DB")))

    def _finish(self, spider, reason: str) -> None:
        # Redirects seen in this crawl, including those whose target was a duplicate request.
        self.stats.set_value("mirrorwatch/aliases/redirects_added", self.archive.add_redirects(spider.plan.redirects))
        # Every version of this crawl matched before the command returns (storage.copies.queue).
        self.archive.finish_matching(drain=self.database_error is None)
        # Boilerplate learned during this crawl can change what the stored links say.
        self.stats.set_value("mirrorwatch/copies/links_refreshed", self.archive.refresh_links(spider.source.name))
        self.archive.finish_run(self.run_id, reason=reason, stats=self.stats.get_stats())

    async def process_item(self, item):
        try:
            return await self._process(item)
        except SQLAlchemyError as exc:
            raise self._database_failed(exc, item) from None

    def _database_failed(self, exc: SQLAlchemyError, item) -> DropItem:
        """Stop the crawl on the first database failure: its transaction was rolled back, so
        nothing is half-written, and the next crawl fetches what this one could not store."""
        if self.database_error is None:
            url = self.crawler.settings.get("MIRRORWATCH_DB")
            self.database_error = describe(exc, url, busy_timeout_ms=SQLITE_BUSY_TIMEOUT_MS)
            log.error("stopping the crawl of %s: %s", self.crawler.spider.source.name, self.database_error)
            self.stats.set_value("mirrorwatch/database_error", self.database_error)
            self._closing = deferred_from_coro(self.crawler.engine.close_spider_async(reason="database_error"))
        return DropItem(f"not stored ({self.database_error}): {getattr(item, 'url', item)}", log_level="INFO")

    async def _process(self, item):
        if not isinstance(item, PageFetched):
            return item
        extracted = None
        if item.status == 200 and item.body is not None:
            if (recorded := await self._known_body(item)) is not None:
                self.stats.inc_value("mirrorwatch/extract/skipped_same_body")
                return self._recorded(item, recorded)
            prior = await self._in_writer(self.archive.prior, item.url, item.body)
            if not prior.same_body:
                parsed = await self._parse(item)
                extracted = parsed.extracted if parsed is not None else None
                if self._wall(item, extracted, prior):
                    extracted = None
                elif parsed is not None and parsed.shell and item.body is not None:
                    self.stats.inc_value("mirrorwatch/render/app_shells")  # never an empty version
                    item.body, item.error, extracted = None, parsed.shell, None
                else:
                    self._confirm_whole(item, extracted, prior.current_chars)
            else:
                self.stats.inc_value("mirrorwatch/extract/skipped_same_body")  # its links were followed once
        recorded = await self._in_writer(self.archive.record, item.to_fetch(), extracted, run_id=self.run_id,
                                         recheck=self.limits)
        return self._recorded(item, recorded)

    async def _known_body(self, item: PageFetched) -> Recorded | None:
        """A re-fetched page whose body is the one the crawl knew at its start, recorded in one
        writer call (the archive checks it against the stored page); None: the general path."""
        if (digest := item.known_sha256) is None:  # the spider found it is not the known body
            return None
        return await self._in_writer(self.archive.record_known, item.to_fetch(), body_sha256=digest,
                                     run_id=self.run_id, recheck=self.limits)

    def _recorded(self, item: PageFetched, recorded: Recorded) -> PageFetched:
        self.confirming.discard(item.url)
        item.body = None  # stored as a blob now; do not keep it alive in signals
        self.stats.inc_value(f"mirrorwatch/captures/{recorded.outcome}")
        if recorded.outcome == "new-version":
            log.info("%s: version %s", recorded.page_url, recorded.version_number)
        return item

    def _wall(self, item: PageFetched, extracted, prior: Prior) -> bool:
        """Whether the extracted text is a wall standing in for the article (``crawler.crawl.walls``):
        the source's error template, or a few lines replacing the current text (``prior``'s). Judged
        before the partial-fetch re-check, which would fetch the wall again and store it."""
        if extracted is None or item.body is None:
            return False
        reason = self.templates.check(item.url, extracted.text)
        if reason is None and prior.current_text and len(extracted.text) < WALL_MAX_RATIO * len(prior.current_text):
            reason = replaces_article(extracted.text, prior.current_text)
        if reason is None:
            return False
        log.info("%s: %s", item.url, reason)
        item.blocked, item.body = reason, None
        return True

    def _confirm_whole(self, item: PageFetched, extracted, current_chars: int | None) -> None:
        """Re-fetch a page whose fetch looks partial, once, instead of recording it now."""
        if item.body is None:  # extraction failed: an error capture, not a partial page
            return
        reason = self.partial.reason(len(item.body), extracted, current_chars)
        if reason is None:
            return
        if item.url in self.confirming:
            self.stats.inc_value("mirrorwatch/fetch/partial_confirmed")
            log.info("%s: still looks partial (%s), recording it", item.url, reason)
            return
        self.confirming.add(item.url)
        self.stats.inc_value("mirrorwatch/fetch/partial_refetched")
        self.crawler.engine.crawl(self.crawler.spider.refetch(item.url))
        raise DropItem(f"{item.url}: looks partial ({reason}), re-fetching to confirm", log_level="INFO")

    async def _in_writer(self, func, *args, **kwargs):
        """Run one database call on the writer thread; the reactor goes on meanwhile."""
        return await asyncio.wrap_future(self.writer.submit(func, *args, **kwargs))

    async def _parse(self, item: PageFetched) -> Parsed | None:
        """The page parsed in a worker (``crawler.extract.page``), or None after turning the item into an
        error capture; its canonical link becomes an alias, its links are followed, a soft 404 is an error."""
        started, pool = time.perf_counter(), self.pool
        try:
            parsed = await asyncio.wrap_future(pool.submit(parse, item.body, item.url, item.encoding,
                                                           follow=item.follow_depth is not None, shell=not item.rendered))
        except BrokenProcessPool as exc:  # the rest of the crawl needs workers that live
            log.warning("%s: the extraction worker died (%r); starting new workers", item.url, exc)
            self.pool = SHARED.replace(pool)
            self.stats.inc_value("mirrorwatch/extract/failed")
            self.stats.inc_value("mirrorwatch/extract/pool_restarts")
            item.body, item.error = None, "extraction failed: the extraction worker died on this page or one beside it"
            return None
        except Exception as exc:  # a parser bug must not lose the fetch
            # An extractor that cannot load fails every page: the crawl says it once, at its end.
            log.log(logging.INFO if isinstance(exc, ExtractorUnavailable) else logging.WARNING,
                    "%s: extraction failed: %s", item.url, exc)
            self.stats.inc_value("mirrorwatch/extract/failed")
            if self.stats.get_value("mirrorwatch/extract/first_error") is None:  # the cause, for the run's health
                self.stats.set_value("mirrorwatch/extract/first_error", str(exc)[:500])
            item.body, item.error = None, f"extraction failed: {exc!r}"[:1000]
            return None
        finally:
            self.stats.inc_value("mirrorwatch/extract/calls")
            self.stats.inc_value("mirrorwatch/extract/seconds", time.perf_counter() - started)
        canonical = normalize_url(parsed.canonical) if parsed.canonical else None
        if canonical and canonical != item.url and origin_of(canonical) == self.crawler.spider.source.origin:
            item.aliases.append((canonical, "canonical"))
        if item.follow_depth is not None:
            for request in self.crawler.spider.follow(parsed.links, item.follow_depth):
                self.crawler.engine.crawl(request)
        if parsed.soft_404:
            item.body, item.error = None, parsed.soft_404
        return parsed



def _log_beat_failure(future) -> None:
    if (exc := future.exception()) is not None:  # the next write will say it, if the database is gone
        log.warning("could not write the crawl's heartbeat: %s", exc)
