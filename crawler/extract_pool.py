"""Extraction of many stored or imported bodies in worker processes, results in input order.

WARC import and re-extraction run outside Scrapy but must extract exactly as a
crawl does (``crawler.extraction.extract``, same fixed options) and as fast:
extraction costs tens of milliseconds of CPU per page, so it runs in a pool of
``spawn``-ed processes, one per core (``MIRRORWATCH_EXTRACT_WORKERS`` to
change). Items flow through a bounded window, so memory stays flat however
many bodies pass, and come out in the order they went in, so that the caller
records captures in their original order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from crawler.extract_job import extract, start_worker
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


def default_workers() -> int:
    configured = int(os.environ.get("MIRRORWATCH_EXTRACT_WORKERS", "0") or 0)
    return configured or os.cpu_count() or 1


def extract_in_order(items: Iterable[T], job: Callable[[T], Job | None], *,
                     workers: int | None = None) -> Iterator[Done[T]]:
    """Extract ``job(item)`` for each item (None: nothing to extract), yielding in input order.

    ``job`` is called when an item enters the window, up to ``workers * 8`` items
    before the caller sees it come out.
    """
    workers = workers or default_workers()
    window: deque[tuple[T, Future | None]] = deque()
    # spawn, not fork: the parent may hold database connections and threads.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=start_worker)
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


def _result(item: T, future: Future | None) -> Done[T]:
    if future is None:
        return Done(item, None)
    try:
        return Done(item, future.result())
    except Exception as exc:  # a parser bug or a crashed worker must not stop the whole run
        return Done(item, None, f"extraction failed: {exc!r}"[:1000])
