"""What an extraction pool's workers run, in a module light enough for the process that
hands out the work (a crawl, a WARC import) to import: it never extracts itself, so it
never loads trafilatura (some 30 MB it would not use). Each worker loads it at start.
"""

from __future__ import annotations


def start_worker() -> None:
    """Pool initializer: import the extractor before the first page arrives."""
    import crawler.extract.extractor  # noqa: F401


def extract(body: bytes, url: str | None, encoding: str | None):
    from crawler.extract.extractor import extract as run

    return run(body, url=url, encoding=encoding)
