"""The database lock of the scheduler: a live holder refuses, a stale one is taken over."""
from datetime import UTC, datetime, timedelta

import pytest

from storage.db import open_engine
from storage.lock import DatabaseLock, LockHeld

# -- the lock ------------------------------------------------------------------------


def test_lock_refuses_a_live_holder_and_takes_over_a_stale_one(db_url):
    engine = open_engine(db_url)
    first = DatabaseLock(engine, ttl=timedelta(seconds=60))
    second = DatabaseLock(engine, ttl=timedelta(seconds=60))
    first.acquire()
    with pytest.raises(LockHeld, match=r"another scheduler is running on this database \(.*:\d+:"):
        second.acquire()
    assert first.heartbeat()
    # The first holder dies; its heartbeat goes stale; the second takes over.
    second.acquire(now=datetime.now(UTC) + timedelta(seconds=61))
    assert not first.heartbeat()
    first.release()  # not the holder any more: no effect
    with pytest.raises(LockHeld):
        DatabaseLock(engine).acquire()
    second.release()
    DatabaseLock(engine).acquire()
