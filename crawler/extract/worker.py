"""What an extraction pool's workers run, in a module light enough for the process that
hands out the work (a crawl, a WARC import) to import: it never extracts itself, so it
never loads trafilatura (some 30 MB it would not use). Each worker has it from the
forkserver it is forked from (``crawler.extract.preload``), or loads it at start.

A worker whose extractor cannot be loaded (a dependency missing from the install) stays
alive and fails every page with :class:`ExtractorUnavailable`, naming the import error,
instead of dying: a dead worker breaks the pool, and the crawl could only say "the
extraction worker died".
"""

from __future__ import annotations

import signal

_UNAVAILABLE: str | None = None  # why the extractor could not be loaded in this worker


class ExtractorUnavailable(RuntimeError):
    """The extractor cannot be loaded in this worker: no page can be extracted."""


def start_worker() -> None:
    """Pool initializer: import the extractor before the first page arrives.

    A worker ignores SIGINT: a Ctrl-C in the terminal reaches the whole process group, and the
    crawl, not its workers, decides how to stop (a worker killed mid-page broke the pool)."""
    global _UNAVAILABLE
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import crawler.extract.extractor  # noqa: F401
    except Exception as exc:  # ImportError above all: the install lacks a dependency
        _UNAVAILABLE = f"the extractor cannot be loaded: {type(exc).__name__}: {' '.join(str(exc).split())}"


def extract(body: bytes, url: str | None, encoding: str | None):
    if _UNAVAILABLE is not None:
        raise ExtractorUnavailable(_UNAVAILABLE)
    from crawler.extract.extractor import extract as run

    return run(body, url=url, encoding=encoding)


def parse(body: bytes, url: str, encoding: str | None, *, follow: bool = False, shell: bool = False):
    """A crawled article page from its one parse (``crawler.extract.extractor.parse``)."""
    if _UNAVAILABLE is not None:
        raise ExtractorUnavailable(_UNAVAILABLE)
    from crawler.extract.extractor import parse as run

    return run(body, url=url, encoding=encoding, follow=follow, shell=shell)
