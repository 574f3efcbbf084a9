"""An extraction that kills its worker process on pages whose URL says ``crash``, as a
segfaulting parser or the OOM killer would (used by ``tests/robustness/test_crash.py``).

It stands in for ``crawler.extract.worker.parse``, the one function the crawl's pipeline
submits to its workers (an article page is parsed once, there)."""

import os

from crawler.extract.worker import parse


def parse_or_die(body, url, encoding, **options):
    if url and "crash" in url:
        os._exit(1)
    return parse(body, url, encoding, **options)
