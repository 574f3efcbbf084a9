"""The archive: what a fetch leaves behind, and what the commands read back.

A fetch of a page flows through, in order:

1. ``recheck``    before a crawl: the source's known pages and which are due (``known_pages``,
                  ``due_pages``); after each capture, the page's next due time;
2. ``runs``       the crawl's run row is opened, and closed with its stats and status;
3. ``write``      per fetch: ``prior`` (is this body already stored?), then ``record``:
                  capture → blob → version (only when the normalised text changed) →
                  queued for copy matching, in one transaction; then fingerprints and copy
                  links (``storage.copies.queue``): at once, or in a matcher process while
                  a crawl or an import runs (``start_matching`` ... ``finish_matching``);
4. ``reextract``  stored bodies extracted again after the extractor changed, through the
                  same version path;
5. ``read``       pages, versions, copies and comparisons for the commands and reports.

``rows`` holds the prebuilt statements of the write path's light reads.
:class:`Archive` is the facade the crawler calls: one object per database, each method
one step above.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine

from storage.archive import read, recheck, reextract, runs
from storage.archive.reextract import StoredBody
from storage.archive.recheck import RecheckLimits
from storage.archive.write import Prior, Recorded, Writer
from storage.copies import queue
from storage.db import open_engine, session_factory
from storage.lookup import source_id
from storage.types import Extracted, Fetch, KnownPage


class Archive:
    """The archive on one database."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.session = session_factory(engine)
        self.writer = Writer(self.session)

    @property
    def url(self) -> str:
        """The database's URL, password included (what another process opens it with)."""
        return self.engine.url.render_as_string(hide_password=False)

    @classmethod
    def open(cls, url: str | None, *, read_only: bool = False) -> Archive:
        """The archive at ``url`` (an SQLAlchemy URL or a SQLite path), created or migrated on
        open; with ``read_only`` as it is, never created nor migrated (``storage.db.open_engine``)."""
        return cls(open_engine(url, read_only=read_only))

    # -- sources and runs ------------------------------------------------------

    def ensure_source(self, name: str, *, role: str, origin: str) -> None:
        self.writer.ensure_source(name, role=role, origin=origin)

    def check_source(self, name: str) -> None:
        """A StorageError when the archive has no source of this name."""
        with self.session() as s:
            source_id(s, name)

    def start_run(self, source: str) -> int:
        return runs.start_run(self.session, source)

    def finish_run(self, run_id: int, *, reason: str | None, stats: dict) -> None:
        runs.finish_run(self.session, run_id, reason=reason, stats=stats)

    def beat(self, run_id: int) -> None:
        runs.beat(self.session, run_id)

    def recorded_outcomes(self, run_id: int) -> dict[str, int]:
        return runs.recorded_outcomes(self.session, run_id)

    def close_stale_runs(self, *, interval: float = runs.HEARTBEAT_INTERVAL) -> list[int]:
        return runs.close_stale_runs(self.session, interval=interval)

    def runs(self, *, source: str | None = None, limit: int = 50) -> list[dict]:
        return runs.runs(self.session, source=source, limit=limit)

    def previous_run_end(self, source: str, *, before: int | None) -> datetime | None:
        return runs.previous_run_end(self.session, source, before=before)

    # -- re-checks ---------------------------------------------------------------

    def known_pages(self, source: str) -> list[KnownPage]:
        return recheck.known_pages(self.session, source)

    def render_marks(self, source: str) -> dict[str, dict[str, str]]:
        """A rendered source's pages and what their last rendering started from (``recheck.render_marks``)."""
        return recheck.render_marks(self.session, source)

    @staticmethod
    def due_pages(pages: list[KnownPage], now: datetime,
                  limits: RecheckLimits = RecheckLimits()) -> tuple[list[KnownPage], list[KnownPage]]:
        return recheck.due_pages(pages, now, limits)

    # -- the write path -------------------------------------------------------------

    def prior(self, url: str, body: bytes) -> Prior:
        return self.writer.prior(url, body)

    def record(self, fetch: Fetch, extracted: Extracted | None = None, *, run_id: int | None = None,
               recheck: RecheckLimits = RecheckLimits()) -> Recorded:
        return self.writer.record(fetch, extracted, run_id=run_id, recheck=recheck)

    def record_known(self, fetch: Fetch, *, body_sha256: str | None = None, run_id: int | None = None,
                     recheck: RecheckLimits = RecheckLimits()) -> Recorded | None:
        return self.writer.record_known(fetch, body_sha256=body_sha256, run_id=run_id, recheck=recheck)

    def add_redirects(self, redirects: dict[str, str]) -> int:
        return self.writer.add_redirects(redirects)

    # -- copy matching (storage.copies.queue) ----------------------------------------------

    def start_matching(self) -> None:
        """From now on new versions are matched by a matcher process on this database, which
        first drains what an earlier run left queued; ``record`` only queues them (and wakes the
        process: it starts with the first version queued). An in-memory
        SQLite database has no other process to see it: it keeps matching at once."""
        if self.engine.url.database in (None, "", ":memory:") and self.engine.dialect.name == "sqlite":
            return
        self.writer.matcher = functools.partial(queue.wake, self.url)
        queue.acquire(self.url, start=self.pending_matches() > 0)

    def finish_matching(self, *, drain: bool = True) -> int:
        """Stop this archive's use of the matcher process (the last user stops it, and it drains
        the queue), then drain here whatever is still queued (unless ``drain`` is false: a run
        that failed leaves it to the next one); returns how many were drained here."""
        if self.writer.matcher is not None:
            self.writer.matcher = None
            queue.release(self.url)
        return self.drain_matches() if drain else 0

    def drain_matches(self) -> int:
        """Match every queued version here, now (``mirrorwatch db match``); returns how many."""
        return queue.drain(self.session)

    @contextmanager
    def matching(self) -> Iterator[None]:
        """``start_matching`` ... ``finish_matching`` around a run of writes (an import, a
        re-extraction): drained at its end; a run that fails leaves the queue to the next writer."""
        self.start_matching()
        try:
            yield
        except BaseException:
            self.finish_matching(drain=False)
            raise
        self.finish_matching()

    def pending_matches(self) -> int:
        return queue.pending(self.session)

    def refresh_links(self, source: str) -> int:
        return self.writer.refresh_links(source)

    # -- re-extraction ------------------------------------------------------------------

    def stored_bodies(self, **selection) -> Iterator[StoredBody]:
        """The bodies behind current versions (``storage.archive.reextract.stored_bodies``)."""
        return reextract.stored_bodies(self.session, **selection)

    def record_reextraction(self, body: StoredBody, extracted: Extracted | None) -> str:
        return reextract.record_reextraction(self.writer, body, extracted)

    # -- the read side ----------------------------------------------------------------

    def page(self, url: str):
        return read.page(self.session, url)

    def versions(self, url: str):
        return read.versions(self.session, url)

    def pages_overview(self) -> list[dict]:
        return read.pages_overview(self.session)

    def copies(self, url: str) -> list[dict]:
        return read.page_copies(self.session, url)

    def compare(self, url_a: str, url_b: str):
        return read.compare(self.session, url_a, url_b)


__all__ = ["Archive", "Prior", "Recorded"]
