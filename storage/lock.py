"""A lock row with a heartbeat: at most one scheduler per database.

The holder refreshes ``heartbeat_at`` every few seconds; a row whose heartbeat
is older than the time-to-live belongs to a scheduler that died (killed, machine
lost) and is taken over. Taking and refreshing are each one conditional UPDATE,
atomic on SQLite and PostgreSQL alike, so two schedulers starting together
cannot both win.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, update

from storage.db import insert_ignore, session_factory
from storage.errors import StorageError
from storage.models import SchedulerLock
from storage.types import utcnow

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(seconds=60)


class LockHeld(StorageError):
    """Another live process holds the lock; the message says which, in one line."""


class DatabaseLock:
    """``acquire()`` or LockHeld; ``heartbeat()`` False once the lock was lost; ``release()``."""

    def __init__(self, engine, name: str = "scheduler", *, ttl: timedelta = DEFAULT_TTL):
        self.session = session_factory(engine)
        self.name = name
        self.ttl = ttl
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def acquire(self, now: datetime | None = None) -> None:
        now = now or utcnow()
        with self.session.begin() as s:
            insert_ignore(s, SchedulerLock, [{"name": self.name, "owner": None}])
            taken = s.execute(
                update(SchedulerLock)
                .where(SchedulerLock.name == self.name,
                       or_(SchedulerLock.owner.is_(None), SchedulerLock.owner == self.owner,
                           SchedulerLock.heartbeat_at.is_(None), SchedulerLock.heartbeat_at < now - self.ttl))
                .values(owner=self.owner, acquired_at=now, heartbeat_at=now)
            ).rowcount
            if taken == 1:
                log.info("%s lock taken by %s", self.name, self.owner)
                return
            holder = s.get(SchedulerLock, self.name)
            raise LockHeld(
                f"another {self.name} is running on this database ({holder.owner}, last heartbeat "
                f"{holder.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC); stop it first, or wait "
                f"{int(self.ttl.total_seconds())} s after it died"
            )

    def heartbeat(self) -> bool:
        with self.session.begin() as s:
            kept = s.execute(
                update(SchedulerLock)
                .where(SchedulerLock.name == self.name, SchedulerLock.owner == self.owner)
                .values(heartbeat_at=utcnow())
            ).rowcount
        if kept != 1:
            log.error("%s lock lost: another process took it over", self.name)
        return kept == 1

    def release(self) -> None:
        with self.session.begin() as s:
            s.execute(
                update(SchedulerLock)
                .where(SchedulerLock.name == self.name, SchedulerLock.owner == self.owner)
                .values(owner=None, heartbeat_at=None)
            )
