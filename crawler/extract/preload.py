"""What the extraction workers' forkserver loads before it forks them (``crawler.extract.pool``).

The extractor's modules (trafilatura, lxml, justext and their data) and py3langid's language
model (some 74 MB of arrays, read on its first use) are loaded once, in the forkserver, and
every worker forked from it shares those pages copy-on-write instead of loading its own copy.
``gc.freeze`` moves what was loaded out of the collector's reach, so that a worker's garbage
collections do not write to (and so copy) the pages they share. SIGINT is ignored here, before
the forkserver saves the handlers its children get back: a worker ignores a Ctrl-C from its
first instruction (the crawl decides how to stop), not only once its initializer has run.

Nothing here may fail the forkserver: a dependency that does not load is left for each worker's
own start (``crawler.extract.worker.start_worker``), which names it on every page.
"""

import gc
import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)

try:
    import py3langid

    import crawler.extract.extractor  # noqa: F401

    py3langid.classify("the language model is read on its first use")
except Exception:  # noqa: BLE001 (the worker's own import names it)
    pass
gc.freeze()
