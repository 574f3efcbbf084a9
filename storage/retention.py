"""Retention: drop the captures that only repeat what is kept, and the bodies nobody needs.

:func:`prune` removes captures older than a cut-off whose outcome is
``unchanged`` or ``not-modified`` (a fetch that found the page as it was),
unless a version was created from it (the first capture of every version is
kept, and so is every version). Then it removes the blobs that no remaining
capture refers to. Gone, error and new-version captures are history and stay.
With ``dry_run`` it only counts what it would remove.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from storage.models import Blob, Capture, Version

log = logging.getLogger(__name__)

IDENTICAL_OUTCOMES = ("unchanged", "not-modified")


@dataclass(frozen=True)
class PruneResult:
    captures: int  # identical captures removed (or that would be)
    blobs: int  # bodies removed
    blob_bytes: int  # their stored (compressed) size
    dry_run: bool

    def as_dict(self) -> dict:
        return asdict(self)


def prune(session: sessionmaker[Session], *, before: datetime, dry_run: bool = False) -> PruneResult:
    """Remove identical captures fetched before ``before`` and the blobs left unused."""
    old = aliased(Capture)  # its own alias: the subqueries below also read capture
    doomed = (
        select(old.id)
        .where(old.outcome.in_(IDENTICAL_OUTCOMES), old.fetched_at < before,
               ~exists().where(Version.capture_id == old.id))
    )
    kept = select(Capture.id).where(Capture.body_sha256 == Blob.sha256)
    if dry_run:  # nothing is deleted yet: count the blobs only doomed captures refer to
        kept = kept.where(Capture.id.not_in(doomed.scalar_subquery()))
    with session.begin() as s:
        if dry_run:
            captures = s.scalar(select(func.count()).select_from(doomed.subquery()))
        else:
            captures = s.execute(delete(Capture).where(Capture.id.in_(doomed.scalar_subquery()))).rowcount
        blobs, size = s.execute(
            select(func.count(), func.coalesce(func.sum(func.length(Blob.data)), 0))
            .select_from(Blob).where(~kept.exists())
        ).one()
        if not dry_run and blobs:
            s.execute(delete(Blob).where(~kept.exists()))
    result = PruneResult(int(captures), int(blobs), int(size), dry_run)
    log.info("prune before %s: %s", before.isoformat(), result)
    return result
