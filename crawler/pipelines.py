"""``ArchivePipeline``: the one Scrapy component that writes to the archive.

For each :class:`~crawler.items.PageFetched` it runs the change cascade of
``storage.archive``: a body already stored for the page is recorded without
extraction; anything else is extracted in a process pool (extraction costs
tens of milliseconds of CPU per page and would stall the reactor thread) and
then recorded. Both the "same body?" lookup and the write run on one writer
thread (synchronous SQLAlchemy, 15-25 ms per new page with copy matching),
not on the reactor thread, which keeps fetching meanwhile; one thread keeps
the writes in the order the items arrive. It also opens and closes the crawl
run, with its stats, and hands the spider the pages the archive knows so
that they are re-checked.

Stats (persisted with the run): ``mirrorwatch/captures/<outcome>``,
``mirrorwatch/extract/calls``, ``mirrorwatch/extract/skipped_same_body``,
``mirrorwatch/extract/seconds``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime

from scrapy import signals

from crawler.extraction import extract
from crawler.items import PageFetched
from storage.archive import Archive
from storage.types import Fetch

log = logging.getLogger(__name__)


class _SharedPool:
    """One extraction pool per process, shared by the crawls running in it."""

    def __init__(self):
        self.pool: ProcessPoolExecutor | None = None
        self.users = 0

    def acquire(self, workers: int) -> ProcessPoolExecutor:
        if self.pool is None:
            # spawn, not fork: forking a process that runs a reactor and threads is unsafe.
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        self.users += 1
        return self.pool

    def release(self) -> None:
        self.users -= 1
        if self.users == 0 and self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


_POOL = _SharedPool()


class ArchivePipeline:
    def __init__(self, crawler, archive: Archive, workers: int):
        self.crawler = crawler
        self.stats = crawler.stats
        self.archive = archive
        self.workers = workers
        self.run_id: int | None = None
        self.pool: ProcessPoolExecutor | None = None
        self.writer: ThreadPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        workers = settings.getint("MIRRORWATCH_EXTRACT_WORKERS") or os.cpu_count() or 1
        pipeline = cls(crawler, Archive.open(settings.get("MIRRORWATCH_DB")), workers)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None) -> None:
        spider = self.crawler.spider
        source = spider.source
        self.archive.ensure_source(source.name, role=source.role, origin=source.origin)
        self.run_id = self.archive.start_run(source.name)
        spider.known = {page.url: page for page in self.archive.known_pages(source.name)}
        self.stats.set_value("mirrorwatch/run_id", self.run_id)
        self.stats.set_value("mirrorwatch/known_pages", len(spider.known))
        self.pool = _POOL.acquire(self.workers)
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="mirrorwatch-writer")

    def close_spider(self, spider=None) -> None:
        if self.pool is not None:
            _POOL.release()
            self.pool = None
        if self.writer is not None:
            self.writer.shutdown(wait=True)  # every item has been awaited by now; nothing is pending
            self.writer = None

    def spider_closed(self, spider, reason: str) -> None:
        if self.run_id is None:
            return
        # Redirects seen in this crawl, including those whose target was a duplicate request.
        self.stats.set_value("mirrorwatch/aliases/redirects_added", self.archive.add_redirects(spider.redirects))
        # Boilerplate learned during this crawl can change what the stored links say.
        self.stats.set_value("mirrorwatch/copies/links_refreshed", self.archive.refresh_links(spider.source.name))
        status = "finished" if reason == "finished" else ("interrupted" if reason == "shutdown" else "failed")
        self.archive.finish_run(self.run_id, status=status, reason=reason, stats=self.stats.get_stats())

    async def process_item(self, item):
        if not isinstance(item, PageFetched):
            return item
        extracted = None
        if item.status == 200 and item.body is not None:
            if await self._in_writer(self.archive.needs_extraction, item.url, item.body):
                extracted = await self._extract(item)
            else:
                self.stats.inc_value("mirrorwatch/extract/skipped_same_body")
        recorded = await self._in_writer(self.archive.record, _fetch(item), extracted, run_id=self.run_id)
        item.body = None  # stored as a blob now; do not keep it alive in signals
        self.stats.inc_value(f"mirrorwatch/captures/{recorded.outcome}")
        if recorded.outcome == "new-version":
            log.info("%s: version %s", recorded.page_url, recorded.version_number)
        return item

    async def _in_writer(self, func, *args, **kwargs):
        """Run one database call on the writer thread; the reactor goes on meanwhile."""
        return await asyncio.wrap_future(self.writer.submit(func, *args, **kwargs))

    async def _extract(self, item: PageFetched):
        """The extraction, or None after turning the item into an error capture."""
        started = time.perf_counter()
        future = self.pool.submit(extract, item.body, url=item.url, encoding=item.encoding)
        try:
            return await asyncio.wrap_future(future)
        except Exception as exc:  # a crashed worker or a parser bug must not lose the fetch
            log.warning("%s: extraction failed: %r", item.url, exc)
            self.stats.inc_value("mirrorwatch/extract/failed")
            item.body, item.error = None, f"extraction failed: {exc!r}"[:1000]
            return None
        finally:
            self.stats.inc_value("mirrorwatch/extract/calls")
            self.stats.inc_value("mirrorwatch/extract/seconds", time.perf_counter() - started)


def _fetch(item: PageFetched) -> Fetch:
    return Fetch(
        source=item.source,
        url=item.url,
        fetched_at=datetime.fromisoformat(item.fetched_at),
        status=item.status,
        body=item.body,
        content_type=item.content_type,
        etag=item.etag,
        last_modified=item.last_modified,
        aliases=tuple(item.aliases),
        error=item.error,
        listed_modified=item.listed_modified,
    )
