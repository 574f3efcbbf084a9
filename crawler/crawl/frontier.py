"""The shared frontier: N worker processes, on one machine or many, crawl a source together.

With a Redis URL (``mirrorwatch crawl --redis URL``, ``MIRRORWATCH_REDIS``, or the
``MIRRORWATCH_REDIS_URL`` setting) each crawl uses scrapy-redis's scheduler and
duplicate filter, so the request queue and the "seen" set live in Redis and every
request is fetched by exactly one worker.

Runs. The queue and the filter are keyed per run, ``mirrorwatch:<source>:<run>:requests``
and ``...:dupefilter``, so a run never sees the previous run's filter (known pages are
re-fetched on every run, as without Redis). A worker joins the source's open run
(``mirrorwatch:<source>:current``), or opens one when there is none; ``--run ID`` names
the run instead (a scheduler starting N workers at once can pass the same ID to all).
The first worker of a run seeds it (known pages, start pages, sitemaps, feeds); the
others only take requests from the queue. A worker leaves when the queue is empty and
no other worker is busy, for two idle checks in a row (Scrapy checks every 5 s); the
last one out deletes the run's keys. A crashed worker's busy mark counts for
``MIRRORWATCH_REDIS_STALE_SECONDS`` (300), and an abandoned run's ``current`` key
expires after ``MIRRORWATCH_REDIS_RUN_TTL`` seconds (300) without a busy worker. A worker
stopped gracefully (Ctrl-C, SIGTERM) puts the requests it had taken and not sent back on the
run's queue (:func:`hand_back`), and a run whose queue is not empty is not cleaned up: the
other workers, or the next one to join within the TTL, fetch those pages.

Settings: ``MIRRORWATCH_REDIS_URL``; ``MIRRORWATCH_FRONTIER_SOURCE``, ``_RUN`` and ``_SEED``
(set per crawl by :func:`configure`); ``MIRRORWATCH_REDIS_RUN_TTL``,
``MIRRORWATCH_REDIS_STALE_SECONDS``. Stats: ``mirrorwatch/frontier/run``,
``mirrorwatch/frontier/seeder``.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import Settings

from crawler.crawl.errors import FrontierError

log = logging.getLogger(__name__)

# Above "cmdline" (40): Scrapy 2.19 merges the process's settings into each crawler's at
# their own priority, which would put the command line's empty run id back.
PER_CRAWL = 50

KEY_PREFIX = "mirrorwatch"
QUIET_CHECKS = 2  # idle checks in a row with nothing queued and nobody busy before leaving
MARK_EVERY = 2.0  # seconds between refreshes of this worker's busy mark


@dataclass(frozen=True)
class FrontierRun:
    """One worker's place in one run of one source."""

    redis_url: str
    source: str
    run_id: str
    seeder: bool

    @property
    def prefix(self) -> str:
        return run_prefix(self.source, self.run_id)


def run_prefix(source: str, run_id: str) -> str:
    # scrapy-redis formats its keys with ``% {"spider": ...}``: a literal % must be doubled.
    return f"{KEY_PREFIX}:{source}:{run_id}".replace("%", "%%")


def current_key(source: str) -> str:
    return f"{KEY_PREFIX}:{source}:current"


def connect(url: str) -> redis.Redis:
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=5, decode_responses=True)
        server.ping()
    except (redis.RedisError, ValueError) as exc:
        raise FrontierError(f"cannot use Redis at {url}: {exc}") from exc
    return server


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def join_run(url: str, source: str, *, run_id: str | None = None, ttl: int = 300) -> FrontierRun:
    """Join the source's open run (or the one named ``run_id``); the first worker seeds it."""
    server = connect(url)
    if run_id is None:
        fresh = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        # SET NX: of the workers starting together, exactly one opens the run.
        if server.set(current_key(source), fresh, nx=True, ex=ttl):
            run_id = fresh
        else:
            run_id = server.get(current_key(source)) or fresh
    seeder = bool(server.set(f"{run_prefix(source, run_id)}:seeder", worker_id(), nx=True, ex=86400))
    log.info("%s: %s run %s at %s", source, "opened" if seeder else "joined", run_id, url)
    return FrontierRun(url, source, run_id, seeder)


def configure(settings: Settings, run: FrontierRun) -> Settings:
    """The settings of one source's crawl, on the shared frontier of ``run``."""
    settings = settings.copy()
    values = {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "REDIS_URL": run.redis_url,
        # Each worker leaving must not flush what the others still work on: the last one does.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{run.prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{run.prefix}:dupefilter",
        "MIRRORWATCH_FRONTIER_SOURCE": run.source,
        "MIRRORWATCH_FRONTIER_RUN": run.run_id,
        "MIRRORWATCH_FRONTIER_SEED": run.seeder,
    }
    for key, value in values.items():
        settings.set(key, value, priority=PER_CRAWL)
    extensions = settings.getdict("EXTENSIONS")
    extensions["crawler.crawl.frontier.FrontierWorker"] = 500
    settings.set("EXTENSIONS", extensions, priority=PER_CRAWL)
    return settings


def hand_back(crawler):
    """How a worker stopping gracefully puts back on its run's queue a request it took and will
    not send (``crawler.crawl.runner.drop_waiting``), so the run's other workers, or the next
    worker to join it, fetch the page. None before the crawl has its scheduler."""
    if crawler.engine.scheduler is None:
        return None
    return crawler.engine.scheduler.queue.push  # scrapy-redis's queue: no "seen" check, it was seen


class FrontierWorker:
    """Keeps a worker in its run while others may still add requests; cleans up after the last."""

    def __init__(self, crawler, server: redis.Redis, source: str, run_id: str):
        self.crawler = crawler
        self.server = server
        self.source = source
        self.run_id = run_id
        self.prefix = run_prefix(source, run_id).replace("%%", "%")
        self.me = worker_id()
        self.ttl = crawler.settings.getint("MIRRORWATCH_REDIS_RUN_TTL", 300)
        self.stale = crawler.settings.getint("MIRRORWATCH_REDIS_STALE_SECONDS", 300)
        self.seeder = crawler.settings.getbool("MIRRORWATCH_FRONTIER_SEED", True)
        self.marked_at = 0.0
        self.quiet = 0

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        url, run_id = settings.get("MIRRORWATCH_REDIS_URL"), settings.get("MIRRORWATCH_FRONTIER_RUN")
        if not url or not run_id:
            raise NotConfigured("no shared frontier (MIRRORWATCH_REDIS_URL, MIRRORWATCH_FRONTIER_RUN)")
        worker = cls(crawler, connect(url), settings.get("MIRRORWATCH_FRONTIER_SOURCE"), run_id)
        crawler.signals.connect(worker.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(worker.busy, signal=signals.request_reached_downloader)
        crawler.signals.connect(worker.busy, signal=signals.item_scraped)
        crawler.signals.connect(worker.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(worker.spider_closed, signal=signals.spider_closed)
        return worker

    @property
    def busy_key(self) -> str:
        return f"{self.prefix}:busy"

    @property
    def queue_key(self) -> str:
        return f"{self.prefix}:requests"

    def spider_opened(self, spider) -> None:
        self.crawler.stats.set_value("mirrorwatch/frontier/run", self.run_id)
        self.crawler.stats.set_value("mirrorwatch/frontier/seeder", self.seeder)
        self.busy(force=True)
        if self.seeder:
            # Joiners wait for this before they may leave: the seeder may not have queued anything yet.
            self.server.set(f"{self.prefix}:seeded", "1", ex=86400)

    def busy(self, *args, force: bool = False, **kwargs) -> None:
        now = time.time()
        if not force and now - self.marked_at < MARK_EVERY:
            return
        self.marked_at = now
        with self.server.pipeline() as pipe:
            pipe.hset(self.busy_key, self.me, now)
            pipe.expire(self.busy_key, 86400)
            pipe.get(current_key(self.source))
            current = pipe.execute()[-1]
        if current == self.run_id:
            self.server.expire(current_key(self.source), self.ttl)

    def _others_busy(self) -> bool:
        now = time.time()
        marks = self.server.hgetall(self.busy_key)
        return any(float(t) > now - self.stale for w, t in marks.items() if w != self.me)

    def spider_idle(self, spider) -> None:
        self.server.hdel(self.busy_key, self.me)
        self.marked_at = 0.0
        if not self.server.exists(f"{self.prefix}:seeder"):
            return  # the run is over and cleaned up: this worker joined it as it ended
        if (self.server.zcard(self.queue_key) or self._others_busy()
                or not self.server.exists(f"{self.prefix}:seeded")):
            self.quiet = 0
            raise DontCloseSpider("other workers may still add requests")
        self.quiet += 1
        if self.quiet < QUIET_CHECKS:
            raise DontCloseSpider("waiting one more check before leaving the run")

    def spider_closed(self, spider, reason: str) -> None:
        self.server.hdel(self.busy_key, self.me)
        if self._others_busy() or self.server.zcard(self.queue_key):
            return
        # The last worker out: the next run starts with an empty filter.
        keys = [f"{self.prefix}:{name}" for name in ("requests", "dupefilter", "busy", "seeded", "seeder")]
        self.server.delete(*keys)
        if self.server.get(current_key(self.source)) == self.run_id:
            self.server.delete(current_key(self.source))
        log.info("%s: run %s finished, its frontier keys deleted", self.source, self.run_id)
