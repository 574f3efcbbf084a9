"""The write path: record a fetch as a capture and decide whether it is a new version.

Change detection is a cascade from cheap to costly:

1. ``304 Not Modified``  → capture ``not-modified`` (no body, no extraction); so is a rendered
   page whose raw HTML is the one last rendered (``Fetch.raw_unchanged``);
2. same raw body SHA-256 as the last good fetch → ``unchanged`` (the caller
   skips extraction: see :meth:`Writer.prior`);
3. same normalised-text hash as the current version → ``unchanged``;
4. otherwise a new version with a change summary against its parent, its
   change class and significance (``storage.text.classify``); a text equal to an
   older version names the version it reverts to. A new title over the same
   text is a new version too (class ``title``). The new version is queued for copy
   matching (``storage.copies.queue``) in the same transaction; a writer with no ``matcher``
   (the default) drains the queue after the write, one that runs beside a matcher process (a
   crawl, an import) only wakes that process.

404/410 mark a page gone (no version); other failures are ``error`` captures. A fetch the
crawler judged a wall (``Fetch.blocked``: a challenge or block page, a consent or login wall,
the site's error template) is a ``blocked`` capture: no version, no gone page, its body not
kept as the page's (so the article's next fetch compares with the article, not the wall), and
the page keeps its current version.
"""

from __future__ import annotations

import hashlib
import logging
import time
import zlib
from collections.abc import Callable
from typing import TypeVar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from storage import copies
from storage.archive import rows
from storage.archive.recheck import RecheckLimits, next_due, published_at
from storage.archive.versions import new_version, retitled
from storage.copies import queue
from storage.copies.index import SourceRef
from storage.db import insert_ignore
from storage.errors import StorageError
from storage.lookup import find_page, source_id
from storage.models import Blob, Capture, Page, PageAlias, Source, Version
from storage.text.normalize import text_sha256
from storage.types import Extracted, Fetch, utcnow
from storage.urls import normalize_url

log = logging.getLogger(__name__)

GONE_STATUSES = frozenset({404, 410})
RETRIES = 5
T = TypeVar("T")


@dataclass(frozen=True)
class Prior:
    """What the archive holds of a page before a fetch of it is recorded."""

    same_body: bool  # the body last stored for the page, which has a version: no extraction needed
    current_chars: int | None  # length of the current text; None while the page has no version
    current_text: str | None = None  # the current text, when the body is another (the wall check reads it)


@dataclass(frozen=True)
class Recorded:
    """What became of one fetch."""

    outcome: str
    page_url: str
    version_number: int | None = None
    reverts_to: int | None = None


def leave_queued() -> None:
    """A ``Writer.matcher`` that leaves queued versions to a later drain."""


class Writer:
    """The write path on one database; it remembers the sources it has written for."""

    def __init__(self, session: sessionmaker[Session]):
        self.session = session
        self._sources: dict[str | int, SourceRef] = {}  # by name and id
        # None: a new version's copies are matched here, before record returns; else this is called
        # after a write that queued one (storage.copies.queue.wake: the matcher process's turn).
        self.matcher: Callable[[], None] | None = None

    def ensure_source(self, name: str, *, role: str, origin: str) -> None:
        self._sources.clear()
        with self.session.begin() as s:
            # Crawler processes of one source may start together: insert, or find the other's row.
            insert_ignore(s, Source, [{"name": name, "role": role, "origin": origin, "created_at": utcnow()}])
            source = s.scalar(select(Source).where(Source.name == name))
            source.role, source.origin = role, origin

    def prior(self, url: str, body: bytes) -> Prior:
        """What the archive holds of a page before this body of it is recorded (two light
        queries: the crawl asks this of every page it fetches); for another body than the
        stored one, the current text too, which the body's extraction is compared with."""
        with self.session() as s:
            found = rows.page_row(s, normalize_url(url))
            if found is None:
                return Prior(same_body=False, current_chars=None)
            if found.body_sha256 == _sha256(body):
                chars = rows.current_chars(s, found.id)
                return Prior(same_body=chars is not None, current_chars=chars)
            text = rows.current_text(s, found.id)
            return Prior(same_body=False, current_chars=None if text is None else len(text), current_text=text)

    def record(self, fetch: Fetch, extracted: Extracted | None = None, *, run_id: int | None = None,
               recheck: RecheckLimits = RecheckLimits()) -> Recorded:
        """Store one fetch; ``extracted`` is needed unless the body is known (see ``prior``).

        It also sets the page's next re-check time (``storage.archive.recheck``) within the
        source's limits ``recheck``.

        Several processes may record at once (one archive, many crawlers): rows that
        others may create at the same moment are inserted with ON CONFLICT DO NOTHING,
        and a transaction that still loses a race (two processes numbering the same
        page's next version) is retried, then sees the other's work.
        """
        recorded = _retried(fetch, lambda: self._record(fetch, extracted, run_id, recheck))
        if recorded.outcome == "new-version":  # stored and committed: matching is a step of its own
            self.matched()
        return recorded

    def record_known(self, fetch: Fetch, *, body_sha256: str | None = None, run_id: int | None = None,
                     recheck: RecheckLimits = RecheckLimits()) -> Recorded | None:
        """Record a 304 of a stored page, or a 200 with its stored body, in one transaction of four
        Core statements; None, with nothing written, for any other fetch (``record`` it then). A
        re-check asks this first of a page whose body hash is the one it knew at its start: one
        round trip instead of ``prior`` and then ``record``. ``body_sha256``: the body's hash,
        when the caller has computed it."""

        def write() -> Recorded | None:
            with self.session.begin() as s:
                return self._known_body(s, fetch, run_id, recheck, body_sha256=body_sha256)

        return _retried(fetch, write)

    def matched(self) -> None:
        """After a write that queued a version: match it now, unless a matcher process does."""
        if self.matcher is None:
            queue.drain(self.session)
        else:
            self.matcher()

    def _record(self, fetch: Fetch, extracted: Extracted | None, run_id: int | None,
                recheck: RecheckLimits) -> Recorded:
        with self.session.begin() as s:
            if recorded := self._known_body(s, fetch, run_id, recheck):
                return recorded
            page = self._page_for(s, fetch)
            capture = Capture(**_capture_row(page.id, fetch, run_id, outcome="error"))
            s.add(capture)
            page.last_fetched_at = fetch.fetched_at
            current = rows.current_row(s, page.id)
            result = self._classify(s, page, capture, fetch, extracted, current)
            capture.outcome = result.outcome
            published = extracted.published if extracted is not None else (current.published if current else None)
            page.next_due_at = _next_due(fetch, published, page.first_seen_at, recheck,
                                         changed=result.outcome == "new-version" and (result.version_number or 0) > 1)
            return result

    def _known_body(self, s: Session, fetch: Fetch, run_id: int | None, recheck: RecheckLimits, *,
                    body_sha256: str | None = None) -> Recorded | None:
        """A 304 of a stored page, or a 200 with the body stored last: the writes a monitor makes
        most, in four Core statements (what the general path below does for them, at a third of
        its cost). None for anything else, and for a page not stored yet or without a version, or
        a fetch with aliases: the general path decides those."""
        not_modified = fetch.status == 304 or fetch.raw_unchanged
        if fetch.aliases or (not not_modified and (fetch.status != 200 or fetch.body is None or fetch.blocked)):
            return None
        page = rows.page_row(s, normalize_url(fetch.url))
        if page is None:
            return None
        current = rows.current_row(s, page.id)
        changes = {"last_fetched_at": fetch.fetched_at,
                   "next_due_at": _next_due(fetch, current.published if current else None, page.first_seen_at, recheck)}
        if not_modified:
            row = _capture_row(page.id, fetch, run_id, outcome="not-modified", version_id=current.id if current else None)
        elif current is not None and page.body_sha256 == (body_sha256 or _sha256(fetch.body)):
            row = _capture_row(page.id, fetch, run_id, outcome="unchanged", version_id=current.id,
                               body_sha256=page.body_sha256)
            changes |= {"gone_at": None, "etag": fetch.etag, "last_modified": fetch.last_modified}
        else:
            return None
        if fetch.listed_modified:
            changes["listed_modified"] = fetch.listed_modified
        conn = s.connection()
        conn.execute(insert(Capture.__table__), row)
        conn.execute(update(Page.__table__).where(Page.__table__.c.id == page.id).values(changes))
        return Recorded(row["outcome"], page.url, current.number if current else None)

    def _classify(self, s: Session, page: Page, capture: Capture, fetch: Fetch, extracted,
                  current: rows.CurrentRow | None) -> Recorded:
        if fetch.status == 304 or fetch.raw_unchanged:
            capture.version_id = current.id if current else None
            return Recorded("not-modified", page.url, current.number if current else None)
        if fetch.blocked:
            capture.error = fetch.blocked[:1000]
            return Recorded("blocked", page.url, current.number if current else None)
        if fetch.status in GONE_STATUSES:
            page.gone_at = page.gone_at or fetch.fetched_at
            return Recorded("gone", page.url)
        if fetch.status is None or fetch.status >= 400 or fetch.body is None:
            capture.error = capture.error or f"HTTP {fetch.status}"
            return Recorded("error", page.url)

        body_sha = _store_blob(s, fetch.body)
        capture.body_sha256 = body_sha
        page.gone_at = None
        same_body = page.body_sha256 == body_sha and current is not None
        page.body_sha256, page.etag, page.last_modified = body_sha, fetch.etag, fetch.last_modified
        if same_body:
            capture.version_id = current.id
            return Recorded("unchanged", page.url, current.number)
        if extracted is None:
            raise StorageError(f"{page.url}: a new body needs an extraction")
        if not extracted.paragraphs:
            capture.error = "no main text found"
            return Recorded("error", page.url)

        digest = text_sha256(extracted.paragraphs)
        # A new headline over the same text is a change too (class ``title``).
        if current is not None and current.text_sha256 == digest and not retitled(current, extracted):
            capture.version_id = current.id
            return Recorded("unchanged", page.url, current.number)
        s.flush()  # the capture needs its id
        parent = s.get(Version, current.id) if current is not None else None
        version = new_version(s, page, capture, parent, extracted, digest)
        capture.version_id = version.id
        reverts = s.get(Version, version.reverts_to_id) if version.reverts_to_id else None
        return Recorded("new-version", page.url, version.number, reverts.number if reverts else None)

    def source_ref(self, s: Session, key: str | int) -> SourceRef:
        """A source by name or id, read once per writer (``ensure_source`` forgets them)."""
        if key not in self._sources:
            source = s.scalar(select(Source).where(Source.name == key if isinstance(key, str) else Source.id == key))
            if source is None:
                raise StorageError(f"unknown source {key!r}")
            self._sources[source.name] = self._sources[source.id] = SourceRef(source.id, source.name, source.role)
        return self._sources[key]

    def _page_for(self, s: Session, fetch: Fetch) -> Page:
        url = normalize_url(fetch.url)
        page = find_page(s, url)
        if page is None:
            insert_ignore(s, Page, [{"source_id": self.source_ref(s, fetch.source).id, "url": url,
                                     "first_seen_at": fetch.fetched_at}])
            page = s.scalar(select(Page).where(Page.url == url))
        if fetch.listed_modified:
            page.listed_modified = fetch.listed_modified
        for alias_url, kind in fetch.aliases:
            alias_url = normalize_url(alias_url)
            if alias_url != page.url and find_page(s, alias_url) is None:
                insert_ignore(s, PageAlias, [{"page_id": page.id, "url": alias_url, "kind": kind,
                                              "first_seen_at": fetch.fetched_at}])
        return page

    def add_redirects(self, redirects: dict[str, str]) -> int:
        """Store redirects (from → to) as aliases of the pages they lead to; returns how many
        were new. Chains resolve to their end; targets not archived (not articles) are skipped."""
        added = 0
        with self.session.begin() as s:
            for origin, target in redirects.items():
                seen = {origin}
                while target in redirects and target not in seen:  # follow a chain to its end
                    seen.add(target)
                    target = redirects[target]
                page = find_page(s, normalize_url(target))
                origin = normalize_url(origin)
                if page is None or origin == page.url or find_page(s, origin) is not None:
                    continue
                insert_ignore(s, PageAlias, [{"page_id": page.id, "url": origin, "kind": "redirect",
                                              "first_seen_at": utcnow()}])
                added += 1
        return added

    def refresh_links(self, source: str) -> int:
        """Re-verify the copy links of a source's pages; returns how many were checked."""
        with self.session.begin() as s:
            return copies.refresh_links(s, source_id(s, source))


def _store_blob(s: Session, body: bytes) -> str:
    digest = _sha256(body)
    if s.scalar(select(Blob.sha256).where(Blob.sha256 == digest)) is None:  # not the body itself
        insert_ignore(s, Blob, [{"sha256": digest, "size": len(body), "data": zlib.compress(body, 6),
                                 "stored_at": utcnow()}])
    return digest


def _capture_row(page_id: int, fetch: Fetch, run_id: int | None, **columns) -> dict:
    """The columns of a capture of ``fetch`` (for the ORM's ``Capture`` and a Core insert alike)."""
    return {"page_id": page_id, "run_id": run_id, "fetched_at": fetch.fetched_at, "status": fetch.status,
            "content_type": fetch.content_type, "etag": fetch.etag, "last_modified": fetch.last_modified,
            "error": fetch.error, "headers": [[name, value] for name, value in fetch.headers] or None, **columns}


def _next_due(fetch: Fetch, published: str | None, first_seen_at: datetime, recheck: RecheckLimits, *,
              changed: bool = False) -> datetime:
    """The page's next re-check after this fetch: from the article's stated date, else its first capture."""
    return next_due(fetch.fetched_at, born=published_at(published) or first_seen_at, changed=changed, limits=recheck)


def _transient(exc: OperationalError) -> bool:
    """A deadlock or serialisation failure, SQLite still busy, or a connection dropped under
    the transaction (the pool reconnects, pre-pinging): worth another try."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code in ("40P01", "40001") or "database is locked" in str(exc.orig) or exc.connection_invalidated


def _retried(fetch: Fetch, write: Callable[[], T]) -> T:
    """``write()``, once more after a transaction that lost a race with another writer."""
    for attempt in range(1, RETRIES + 1):
        try:
            return write()
        except (IntegrityError, OperationalError) as exc:
            if attempt == RETRIES or (isinstance(exc, OperationalError) and not _transient(exc)):
                raise
            log.info("%s: lost a race with another writer (%s), retrying", fetch.url, type(exc.orig).__name__)
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
