"""The article URLs a crawl has accepted and not yet handed to Scrapy, kept out of memory.

A sitemap index of 100,000 URLs would otherwise become 100,000 ``scrapy.Request`` objects in
the scheduler's memory queue (each with its headers and meta dicts). The spider writes each
URL it accepts into a :class:`Backlog` instead: a private temporary SQLite database, which
SQLite keeps in a file of its own and deletes when it is closed, so the crawl process holds
only SQLite's small page cache. :class:`Feeder` hands Scrapy a batch of requests from it, in
the order the URLs were accepted, whenever the scheduler runs dry (``scheduler_empty``,
``spider_idle``): the scheduler and the downloader hold a few dozen requests at any time,
however large the site.

Every URL met is remembered by an 8-byte key (BLAKE2b), with whether it was accepted or
left out (``max_pages``): "listed twice?" needs no URL string kept in memory. Two URLs
sharing a key (about one chance in 10^9 in a crawl of 100,000 URLs) would make the second
one count as already listed.

:class:`CompactDupeFilter` is Scrapy's duplicate filter keeping the first 8 bytes of each
request fingerprint as one int instead of the 20-byte string.

With a shared frontier (``crawler.crawl.frontier``) the queue is Redis, not this process's
memory, and other workers take from it: the spider hands its requests to Scrapy at once there.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable

from scrapy import Request, signals
from scrapy.dupefilters import RFPDupeFilter

ACCEPTED, LEFT_OUT = 1, 0


def url_key(url: str) -> int:
    return int.from_bytes(hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "big", signed=True)


class Backlog:
    """Accepted URLs waiting for a request (first in, first out), and the key of every URL met."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)  # "": a temporary file
        self._db.executescript("""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE met (key INTEGER PRIMARY KEY, accepted INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE waiting (id INTEGER PRIMARY KEY, url TEXT NOT NULL, depth INTEGER NOT NULL, listed TEXT);
        """)
        self.accepted = 0  # URLs accepted in this crawl (max_pages counts them)
        self.left_out = 0  # distinct URLs met after max_pages was reached
        self.waiting = 0  # accepted URLs not yet taken

    def state(self, url: str) -> int | None:
        """ACCEPTED, LEFT_OUT, or None for a URL not met yet."""
        row = self._db.execute("SELECT accepted FROM met WHERE key = ?", (url_key(url),)).fetchone()
        return None if row is None else row[0]

    def accept(self, url: str) -> None:
        """Note the URL as requested in this crawl (without queueing it: see :meth:`push`)."""
        self._db.execute("INSERT OR REPLACE INTO met VALUES (?, 1)", (url_key(url),))
        self.accepted += 1

    def leave_out(self, url: str) -> None:
        if self._db.execute("INSERT OR IGNORE INTO met VALUES (?, 0)", (url_key(url),)).rowcount:
            self.left_out += 1

    def push(self, url: str, depth: int, listed: str | None) -> None:
        self._db.execute("INSERT INTO waiting (url, depth, listed) VALUES (?, ?, ?)", (url, depth, listed))
        self.waiting += 1

    def take(self, n: int) -> list[tuple[str, int, str | None]]:
        """The next ``n`` accepted URLs (fewer when the backlog runs out), removed from it."""
        rows = self._db.execute("SELECT id, url, depth, listed FROM waiting ORDER BY id LIMIT ?", (n,)).fetchall()
        if rows:
            self._db.execute("DELETE FROM waiting WHERE id <= ?", (rows[-1][0],))
            self.waiting -= len(rows)
        return [row[1:] for row in rows]

    def close(self) -> None:
        self._db.close()


class Feeder:
    """Hands the backlog to Scrapy a batch at a time, whenever its scheduler runs dry."""

    def __init__(self, crawler, backlog: Backlog, request: Callable[[str, int, str | None], Request]):
        self.crawler, self.backlog, self.request = crawler, backlog, request
        self.batch = max(crawler.settings.getint("CONCURRENT_REQUESTS"), 1)
        crawler.signals.connect(self.top_up, signal=signals.scheduler_empty)
        crawler.signals.connect(self.top_up, signal=signals.spider_idle)  # before the spider may close
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    def top_up(self, *args, **kwargs) -> None:
        engine = self.crawler.engine
        if engine is None or not self.backlog.waiting:
            return
        for url, depth, listed in self.backlog.take(self.batch):
            engine.crawl(self.request(url, depth, listed))

    def closed(self, *args, **kwargs) -> None:
        self.backlog.close()


class CompactDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, each fingerprint kept as an int of its first 8 bytes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)  # with JOBDIR it has read the fingerprints seen before
        self._fingerprints = {int.from_bytes(fp[:8], "big") for fp in self._fingerprints}

    def request_seen(self, request: Request) -> bool:
        fp = self._fingerprint(request)
        key = int.from_bytes(fp[:8], "big")
        if key in self._fingerprints:
            return True
        self._fingerprints.add(key)
        if self.file:  # JOBDIR: Scrapy's own file format, whole fingerprints
            self.file.write(len(fp).to_bytes(2, "big") + fp)
        return False
