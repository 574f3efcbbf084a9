"""The match stage: new versions are fingerprinted and matched for copies off the write's path.

The write of a new version (``storage.archive.write``) only queues its id in ``match_queue``,
in the version's own transaction, so a stored version is always either matched or queued.
:func:`drain` empties the queue in batches, each batch its own short transaction: for each
queued version still current, :func:`~storage.copies.index_version` (fingerprints,
boilerplate) and :func:`~storage.copies.match_page` (candidates, alignment, links). A version
that a newer one replaced meanwhile is only dequeued: the newer one is queued after it.

Drainers never overlap: a batch starts by taking the queue's lock (PostgreSQL: a transaction
advisory lock; SQLite: the batch's first statement is the write that dequeues, so it holds
the database's write lock from its start). Two versions of different sources stored at the
same moment are thus matched one after the other, and the second finds the first.

:class:`Matcher` is the process that drains a database's queue while a crawl, a WARC import
or a re-extraction writes (``multiprocessing`` spawn, like the extraction pool): it polls
every ``POLL_SECONDS``, so **a copy link exists within** :data:`GUARANTEE_SECONDS` **of both
versions being stored** while one runs, as long as matching keeps up with the writes (one
version costs it some 15 ms) and once it has started (spawn, imports, its connection: about
a second on an idle machine, longer on a loaded one). It starts with the first version queued
(or at once when an earlier run left some), so a run that stores nothing new never spawns it. Those commands
stop it and drain what is left before they return, so the links are always there when they
return; a crash leaves queued ids, which the next writer's matcher (or ``mirrorwatch db
match``) drains first.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import time
from pathlib import Path

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from storage import copies
from storage.copies.index import SourceRef
from storage.dbfaults import describe
from storage.errors import StorageError
from storage.lookup import current_version
from storage.models import MatchQueue, Page, Source, Version
from storage.types import utcnow

log = logging.getLogger(__name__)

BATCH = 16  # versions per transaction: short, so that a crawl's writer waits little for SQLite's lock
POLL_SECONDS = 0.5
GUARANTEE_SECONDS = 5.0
_LOCK_KEY = 0x6D61746368  # "match": PostgreSQL's advisory lock of the queue
_queue = MatchQueue.__table__


def enqueue(s: Session, version_id: int) -> None:
    """Queue a version for matching, in the caller's transaction (the version's own)."""
    s.connection().execute(insert(_queue), {"version_id": version_id, "queued_at": utcnow()})


def pending(session: sessionmaker[Session]) -> int:
    """How many versions wait to be matched."""
    with session() as s:
        return s.scalar(select(func.count()).select_from(_queue)) or 0


def drain_batch(session: sessionmaker[Session], batch: int = BATCH) -> int:
    """Match up to ``batch`` queued versions in one transaction; returns how many were dequeued."""
    with session.begin() as s:
        conn = s.connection()
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        first = select(_queue.c.id).order_by(_queue.c.id).limit(batch).scalar_subquery()
        ids = sorted(set(conn.execute(delete(_queue).where(_queue.c.id.in_(first))
                                      .returning(_queue.c.version_id)).scalars()))
        for version_id in ids:
            _match(s, version_id)
        return len(ids)


def _match(s: Session, version_id: int) -> None:
    version = s.get(Version, version_id)
    if version is None:
        return
    current = current_version(s, version.page_id)
    if current is None or current.id != version.id:  # replaced meanwhile: the newer one is queued
        return
    page = s.get(Page, version.page_id)
    source = s.get(Source, page.source_id)
    side = copies.index_version(s, page, version, SourceRef(source.id, source.name, source.role))
    copies.match_page(s, page.id, side)


def drain(session: sessionmaker[Session], *, batch: int = BATCH) -> int:
    """Match every queued version, batch after batch; returns how many were dequeued."""
    total = 0
    while n := drain_batch(session, batch):
        total += n
    return total


class Matcher:
    """A process draining one database's match queue until :meth:`stop`."""

    def __init__(self, url: str, *, poll: float = POLL_SECONDS):
        context = multiprocessing.get_context("spawn")
        self.stopping, self.ready = context.Event(), context.Event()
        self.process = context.Process(target=serve, args=(url, self.stopping, poll, self.ready),
                                       name="mirrorwatch-matcher", daemon=True)

    def start(self) -> Matcher:
        """Start the process with SIGINT ignored (or, started from another thread than the main
        one, such as a crawl's writer, blocked) from its first instruction: a Ctrl-C while it is
        still importing must not end it with a traceback (the command decides how to stop). An
        ignored signal and a blocked one are both inherited by the new process."""
        main = threading.current_thread() is threading.main_thread()
        if main:
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        else:  # only the main thread may set a handler; a thread may block a signal for itself
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.process.start()
        finally:
            if main:
                signal.signal(signal.SIGINT, previous)
            else:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        return self

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Whether the process has started (imported, connected) within ``timeout`` seconds."""
        return self.ready.wait(timeout)

    def stop(self) -> None:
        """Ask the process to drain what is queued and end; wait for it."""
        self.stopping.set()
        self.process.join()


def serve(url: str, stopping, poll: float = POLL_SECONDS, ready=None) -> None:
    """The matcher process: drain, wait ``poll`` seconds, again; once asked to stop, drain and end.

    It ignores SIGINT (a Ctrl-C reaches the whole process group; the command decides how to
    stop), outlives a failed batch (rolled back, still queued) to try again, and ends when the
    command that started it is gone (killed: what is queued waits for the next writer)."""
    from storage.db import open_engine, session_factory  # the child's own engine and connections

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked when started from a thread: now ignored
    _name("mw-matcher")
    try:
        session = session_factory(open_engine(url, migrate=False))
    except StorageError as exc:  # the database went away before the first version was queued
        log.info("copy matching: %s; stopping", exc)  # the command says it in its one Error line
        return
    parent = multiprocessing.parent_process()
    if ready is not None:
        ready.set()
    while parent is None or parent.is_alive():
        last = stopping.is_set()  # asked before this drain: everything queued by then is drained
        try:
            drain(session)
        except OperationalError as exc:  # the command that stops it drains what is left itself
            # Not a warning: the command meets the same database and says so in its one Error line;
            # the matcher's stderr is the terminal's, so a warning here would be a second, raw one.
            log.info("copy matching: %s; %s", describe(exc), "stopping" if last else "trying again")
            if last:
                return
            time.sleep(poll)
            continue
        if last:
            return
        stopping.wait(poll)


def _name(name: str) -> None:
    """The process's name as ``ps``, ``top`` and the benchmarks see it (Linux), where it can be set."""
    try:
        Path("/proc/self/comm").write_text(name)
    except OSError:
        pass


_running: dict[str, list] = {}  # database URL → [its Matcher or None (not started yet), how many users]


def running(url: str) -> Matcher | None:
    """The matcher process this process runs on ``url``, if it has started."""
    entry = _running.get(url)
    return entry[0] if entry else None


def acquire(url: str, *, start: bool = False) -> None:
    """Be one of the users of ``url``'s matcher (one per database in this process, shared by its
    users). The process starts on the first :func:`wake` (or now, ``start``): a run that stores
    no new version (a re-check of unchanged pages) never pays for its spawn and imports."""
    if url in _running:
        _running[url][1] += 1
    else:
        _running[url] = [None, 1]
    if start:
        wake(url)


def wake(url: str) -> None:
    """A version was queued on ``url``: have its matcher process running, if it has users."""
    entry = _running.get(url)
    if entry is not None and entry[0] is None:
        entry[0] = Matcher(url).start()


def release(url: str) -> None:
    """One user less; the last one stops the process, which drains the queue as it ends."""
    entry = _running.get(url)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] == 0:
        del _running[url]
        if entry[0] is not None:
            entry[0].stop()
