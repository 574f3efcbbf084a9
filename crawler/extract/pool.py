"""The extraction pool: worker processes that turn bodies into ``Extracted``, one kind for all.

Extraction costs tens of milliseconds of CPU per page, so it runs in a pool of processes
(:func:`new_pool`) forked from a forkserver that has loaded the extractor and its language
model (``crawler.extract.preload``), so that the workers share those pages; one per core unless
``MIRRORWATCH_EXTRACT_WORKERS`` (environment or Scrapy setting) says how many
(:func:`worker_count`). Two ways in:

* a crawl's pipeline awaits one page at a time from the process's :data:`SHARED`
  pool, which the crawls running in one process share and which is replaced when a
  worker dies;
* WARC import and re-extraction stream many bodies through :func:`extract_in_order`:
  a bounded window, so memory stays flat however many bodies pass, and results in the
  order the items went in, so that captures are recorded in their original order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from crawler.extract.worker import extract, start_worker
from storage.types import Extracted

T = TypeVar("T")
WINDOW_PER_WORKER = 8


@dataclass(frozen=True)
class Job:
    """What to extract: a body, its URL and its declared encoding."""

    body: bytes
    url: str
    encoding: str | None = None


@dataclass(frozen=True)
class Done(Generic[T]):
    """An item back from the pool: its extraction, or why there is none."""

    item: T
    extracted: Extracted | None
    error: str | None = None  # set when extraction was asked for and failed


def worker_count(configured: int = 0) -> int:
    """How many workers: ``configured`` (a setting), else ``MIRRORWATCH_EXTRACT_WORKERS``, else one per core."""
    return configured or int(os.environ.get("MIRRORWATCH_EXTRACT_WORKERS", "0") or 0) or os.cpu_count() or 1


def new_pool(workers: int) -> ProcessPoolExecutor:
    """A pool whose processes start with the first page to extract: a re-crawl answered by 304s starts none.

    Its workers are forked from the forkserver, not from this process: forking a process that
    runs a reactor, threads or database connections is unsafe, and the forkserver is a fresh
    interpreter that ran only ``crawler.extract.preload``. It starts with the first pool and
    stops with it (:func:`stop_forkserver`)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["crawler.extract.preload"])
    return ProcessPoolExecutor(workers, mp_context=context, initializer=start_worker)


def stop_forkserver() -> None:
    """Stop this process's forkserver and wait for it, once its pool is shut down.

    Otherwise it outlives the pool until this process ends, and nobody waits for it: the CPU of
    the workers it forked (and waited for) would then be counted in no process's children, and
    ``time mirrorwatch crawl`` or a benchmark would report a crawl without its extraction, where
    a spawned worker's CPU was counted. ``_stop`` is the standard library's own way (its tests
    use it); a Python without it keeps the server until exit. A pool started later starts a new one."""
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)
    if stop is not None:
        stop()


class SharedPool:
    """One extraction pool per process, shared by the crawls running in it."""

    def __init__(self):
        self.pool: ProcessPoolExecutor | None = None
        self.users = 0
        self.workers = 1

    def acquire(self, workers: int) -> ProcessPoolExecutor:
        self.workers = workers
        if self.pool is None:
            self.pool = new_pool(workers)
        self.users += 1
        return self.pool

    def replace(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        """A working pool instead of one whose worker died (a parser crash, the OOM killer);
        items that were in the broken pool call this too, and get the same new pool."""
        if self.pool is broken:
            broken.shutdown(wait=False, cancel_futures=True)
            self.pool = new_pool(self.workers)
        return self.pool

    def release(self) -> None:
        self.users -= 1
        if self.users == 0 and self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
            stop_forkserver()


SHARED = SharedPool()


def extract_in_order(items: Iterable[T], job: Callable[[T], Job | None], *,
                     workers: int | None = None) -> Iterator[Done[T]]:
    """Extract ``job(item)`` for each item (None: nothing to extract), yielding in input order.

    ``job`` is called when an item enters the window, up to ``workers * 8`` items
    before the caller sees it come out.
    """
    workers = worker_count(workers or 0)
    window: deque[tuple[T, Future | None]] = deque()
    pool = new_pool(workers)
    try:
        for item in items:
            wanted = job(item)
            future = pool.submit(extract, wanted.body, wanted.url, wanted.encoding) if wanted else None
            window.append((item, future))
            if len(window) >= workers * WINDOW_PER_WORKER:
                yield _result(*window.popleft())
        while window:
            yield _result(*window.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        stop_forkserver()


def _result(item: T, future: Future | None) -> Done[T]:
    if future is None:
        return Done(item, None)
    try:
        return Done(item, future.result())
    except Exception as exc:  # a parser bug or a crashed worker must not stop the whole run
        return Done(item, None, f"extraction failed: {exc!r}"[:1000])
