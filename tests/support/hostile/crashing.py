"""An extraction that kills its worker process on pages whose URL says ``crash``, as a
segfaulting parser or the OOM killer would (used by ``tests/robustness/test_crash.py``)."""

import os

from crawler.extract.extractor import extract


def extract_or_die(html, url=None, encoding=None):
    if url and "crash" in url:
        os._exit(1)
    return extract(html, url=url, encoding=encoding)
