"""Crawl runs as the scheduler sees them: when each source last started, and
closing the runs of a crawl process that ended without closing them itself.

A crawl subprocess records its own run (``crawler.pipelines``); when it is
killed or crashes, its row would stay ``running`` for ever. The scheduler calls
:func:`close_open_runs` after each subprocess so that the row says what happened.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from storage.models import CrawlRun, Source
from storage.types import utcnow


def last_run_starts(session: sessionmaker[Session]) -> dict[str, datetime]:
    """Each source's latest run start, by source name (sources never crawled are absent)."""
    with session() as s:
        rows = s.execute(select(Source.name, func.max(CrawlRun.id)).join(CrawlRun).group_by(Source.name)).all()
        starts = {run.id: run.started_at for run in s.scalars(
            select(CrawlRun).where(CrawlRun.id.in_([run_id for _, run_id in rows])))}
    return {name: starts[run_id] for name, run_id in rows}


def close_open_runs(session: sessionmaker[Session], source: str, *, since: datetime, status: str,
                    reason: str) -> int:
    """Mark the source's runs begun at or after ``since`` and still ``running`` as ended
    with ``status`` (``interrupted`` or ``failed``); returns how many there were."""
    with session.begin() as s:
        source_id = s.scalar(select(Source.id).where(Source.name == source))
        if source_id is None:
            return 0
        return s.execute(
            update(CrawlRun)
            .where(CrawlRun.source_id == source_id, CrawlRun.status == "running", CrawlRun.started_at >= since)
            .values(status=status, finish_reason=reason, finished_at=utcnow())
        ).rowcount
