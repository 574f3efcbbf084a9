"""Scrapy settings for mirrorwatch.

Our own settings carry the ``MIRRORWATCH_`` prefix:

``MIRRORWATCH_DB``
    SQLAlchemy URL (or SQLite path) of the archive; default ``mirrorwatch.db``,
    or the ``MIRRORWATCH_DB`` environment variable.
``MIRRORWATCH_SOURCES``
    path of the sources file; default ``sources.toml``, or the
    ``MIRRORWATCH_SOURCES`` environment variable.
``MIRRORWATCH_EXTRACT_WORKERS``
    extraction worker processes; 0 (default) means the ``MIRRORWATCH_EXTRACT_WORKERS``
    environment variable, else one per core (``crawler.extract.pool``).
``MIRRORWATCH_RECHECK``
    which known pages a crawl re-fetches: ``all`` (default; a manual crawl) or
    ``due`` (``crawl --due`` and the scheduler: only pages the re-check policy
    says are due, see ``storage/archive/recheck.py`` and ``crawler/crawl/pipeline.py``).
``MIRRORWATCH_PARTIAL_MIN_BYTES``, ``MIRRORWATCH_PARTIAL_MIN_RATIO``
    when a fetch looks partial and is re-fetched once before it is recorded: a
    body under 512 bytes, or a text under half the current version's (see
    ``crawler/crawl/partial.py``).
``MIRRORWATCH_REDIS_URL``
    Redis URL of the shared frontier (``redis://host:6379/0``), or the
    ``MIRRORWATCH_REDIS`` environment variable; empty (default) crawls alone.
    See ``crawler.crawl.frontier``: the run a worker joins (``MIRRORWATCH_FRONTIER_RUN``,
    default the source's open run), ``MIRRORWATCH_REDIS_RUN_TTL`` (seconds an
    abandoned run stays open, 300) and ``MIRRORWATCH_REDIS_STALE_SECONDS`` (how
    long a silent worker still counts as busy, 300).
``MIRRORWATCH_GC_INTERVAL``
    seconds between two full garbage collections during a crawl (2; 0 leaves it
    to Python): dead responses in reference cycles are otherwise kept for long
    (see ``crawler/crawl/extensions.py``).
``MIRRORWATCH_HEARTBEAT_INTERVAL``
    seconds between two heartbeats of a running crawl's run (30, or the
    ``MIRRORWATCH_HEARTBEAT_INTERVAL`` environment variable; 0: none). A ``running``
    run silent for 10 intervals belongs to a dead process: the next crawl closes it as
    ``failed`` (``storage/archive/runs.py``).
"""

import os

BOT_NAME = "mirrorwatch"
SPIDER_MODULES = ["crawler.crawl.spider"]
NEWSPIDER_MODULE = "crawler.crawl"

MIRRORWATCH_DB = os.environ.get("MIRRORWATCH_DB", "mirrorwatch.db")
MIRRORWATCH_SOURCES = os.environ.get("MIRRORWATCH_SOURCES", "sources.toml")
MIRRORWATCH_EXTRACT_WORKERS = 0
MIRRORWATCH_RECHECK = "all"
MIRRORWATCH_PARTIAL_MIN_BYTES = 512
MIRRORWATCH_PARTIAL_MIN_RATIO = 0.5
MIRRORWATCH_REDIS_URL = os.environ.get("MIRRORWATCH_REDIS", "")
MIRRORWATCH_FRONTIER_RUN = ""
MIRRORWATCH_REDIS_RUN_TTL = 300
MIRRORWATCH_REDIS_STALE_SECONDS = 300
MIRRORWATCH_GC_INTERVAL = 2.0
MIRRORWATCH_HEARTBEAT_INTERVAL = float(os.environ.get("MIRRORWATCH_HEARTBEAT_INTERVAL", "30") or 30)

USER_AGENT = "mirrorwatch/0.1 (+https://pypi.org/project/mirrorwatch/)"
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"

# Politeness: AutoThrottle adapts the delay to the site's latency.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
# What one response's callback yields is processed by this many tasks at once. Scrapy makes them
# for every response (100 by default: a hundred asyncio tasks per page of a re-check, about 1 ms
# of its CPU); an article yields one item, a sitemap its requests, which take microseconds each.
CONCURRENT_ITEMS = 8
# Scrapy reads and parses the source of a response's callback (0.6 ms) to warn of a generator
# returning a value. Its cache is weakly keyed by bound methods, which go with their requests, so
# it parsed them again through the crawl: off, a re-check of 1,000 pages took 0.97x the CPU.
# tests/crawler/crawl/test_spider.py makes the same check of the spider's callbacks, once.
WARN_ON_GENERATOR_RETURN_VALUE = False
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
COOKIES_ENABLED = False
REDIRECT_MAX_TIMES = 10

# Nothing listens for commands: no telnet console, no remote-control server
# (Scrapy 2.19 would otherwise run code posted to it).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Components that are off are left out of Scrapy's base lists, not set to None: Scrapy imports
# every class a list names, and start-up is most of what a short re-check costs (the
# remote-control server alone pulls in aiohttp, the cookie middleware tldextract). Off: the
# two servers above, the feed exporter (the archive is the output), the memory debugger, the
# cookie middleware (COOKIES_ENABLED is False); and the download handlers of the schemes no
# source uses. ``crawler.crawl.runner.crawl_settings`` takes them out of Scrapy's defaults.
MIRRORWATCH_OFF_COMPONENTS = [
    "scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl",
    "scrapy.extensions.feedexport.FeedExporter", "scrapy.extensions.memdebug.MemoryDebugger",
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
]
MIRRORWATCH_SCHEMES = ["http", "https"]

EXTENSIONS = {
    # The same AutoThrottle, except that a 304 of a re-check may lower the delay (see crawler/crawl/extensions.py).
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.crawl.extensions.RecheckAutoThrottle": 0,
    "crawler.crawl.extensions.CollectGarbage": 0,
}
DOWNLOADER_MIDDLEWARES = {
    "crawler.crawl.middlewares.SameOriginMiddleware": 50,
    # Below RobotsTxtMiddleware (100): robots.txt is read for the source's own User-Agent.
    "crawler.crawl.middlewares.SourceHeadersMiddleware": 60,
    # Above RedirectMiddleware (600): sees each 3xx response before it is followed.
    "crawler.crawl.middlewares.RedirectAliasMiddleware": 650,
    # Above RetryMiddleware (550): Retry-After, Crawl-delay, no retry of a bot wall (crawler/crawl/ratelimits.py).
    "crawler.crawl.ratelimits.RetryAfterMiddleware": 560,
    # Scrapy's, in its place, without decoding every page to look for the tag (crawler/crawl/middlewares.py).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.crawl.middlewares.MetaRefreshMiddleware": 580,
}
# The seen-requests set as 8-byte ints (crawler/crawl/backlog.py); a shared frontier uses Redis's.
DUPEFILTER_CLASS = "crawler.crawl.backlog.CompactDupeFilter"
ITEM_PIPELINES = {
    "crawler.crawl.pipeline.ArchivePipeline": 300,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
