"""mirrorwatch's application: everything that needs Scrapy, click, rich, Jinja2 or APScheduler.

The flow, with the package of each step (``docs/ARCHITECTURE.md`` draws it whole)::

    sources.toml ─► sources ─► cli ─► crawl ──────────────► storage.archive ─► storage.copies
                   (Source)   (crawl)  spider → pipeline      capture, blob,      fingerprints,
                                          │     ▲             version             links
                                          ▼     │
                                        extract (worker processes: bytes → Extracted)
    WARC files, stored bodies ─► ingest ─► extract ─► storage.archive      (no crawl)
    schedules ─► monitor ─► `crawl --due` in a child process ─► run rows ─► report ─► notify
    storage.reports (data) ─► render (text, HTML) ─► the terminal, files, notifications
    storage ─► web (the read-only dashboard, JSON and Atom)

* ``__main__``  ``python -m crawler``, the same as the ``mirrorwatch`` command;
* ``settings``  the Scrapy settings (``scrapy.cfg`` points here);
* ``sources``   ``sources.toml`` → frozen ``Source`` and ``NotifyTarget`` values
  (``source_requests``: the headers, proxy and Retry-After cap a source adds to its requests);
* ``cli``       the thin commands; ``render`` what people read; ``crawl`` one crawl's Scrapy
  components; ``extract`` the only place that imports trafilatura; ``ingest`` pages that
  arrive without a crawl; ``monitor`` unattended runs; ``web`` the dashboard; ``demo``.
"""
