"""Crawl runs: one row per crawl of one source, with its status and Scrapy's stats.

The crawl opens its run (:func:`start_run`) and closes it with its stats
(:func:`finish_run`); the scheduler reads when each source last started
(:func:`last_run_starts`) and closes the runs of a crawl process that died before
closing them itself (:func:`close_open_runs`), or its row would stay ``running`` for ever.

A run's outcome counts come from its stats in one spelling, :data:`COUNT_KEYS`, for every
command and page that shows them (``crawl`` and ``runs --format json``, ``schedule --once``,
the report's health, the dashboard); :func:`finish_status` maps Scrapy's finish reason to
the run's status, and :func:`extraction_problem` says when extraction failed for most pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from storage.lookup import source_id
from storage.models import CrawlRun, Source
from storage.types import utcnow

OUTCOMES = ("new-version", "unchanged", "not-modified", "gone", "error")
# The outcome counts of a run, each a capture outcome with '_' for '-', after their sum.
COUNT_KEYS = ("fetched", *(outcome.replace("-", "_") for outcome in OUTCOMES))


def run_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """``{"fetched", "new_version", "unchanged", "not_modified", "gone", "error"}`` from a run's stats."""
    counts = {o.replace("-", "_"): int(stats.get(f"mirrorwatch/captures/{o}", 0) or 0) for o in OUTCOMES}
    return {"fetched": sum(counts.values()), **counts}


def extraction_problem(stats: Mapping[str, Any]) -> str | None:
    """When extraction failed for most of a run's pages (a broken install, not odd pages): one line
    naming the first failure's cause; None otherwise."""
    failed = int(stats.get("mirrorwatch/extract/failed", 0) or 0)
    calls = int(stats.get("mirrorwatch/extract/calls", 0) or 0)
    if failed == 0 or failed * 2 <= calls:
        return None
    cause = stats.get("mirrorwatch/extract/first_error") or "the extraction worker died"
    return f"extraction failed for {failed} of {calls} pages: {cause}"


def finish_status(reason: str | None) -> str:
    """A run's status from Scrapy's finish reason: ``finished``, ``interrupted`` (a shutdown) or ``failed``."""
    return "finished" if reason == "finished" else ("interrupted" if reason == "shutdown" else "failed")


def start_run(session: sessionmaker[Session], source: str) -> int:
    with session.begin() as s:
        run = CrawlRun(source_id=source_id(s, source), started_at=utcnow(), status="running")
        s.add(run)
        s.flush()
        return run.id


def finish_run(session: sessionmaker[Session], run_id: int, *, reason: str | None, stats: dict) -> None:
    with session.begin() as s:
        run = s.get(CrawlRun, run_id)
        run.finished_at, run.status, run.finish_reason = utcnow(), finish_status(reason), reason
        run.stats = {k: _jsonable(v) for k, v in sorted(stats.items())}


def runs(session: sessionmaker[Session], *, source: str | None = None, limit: int = 50) -> list[dict]:
    """Crawl runs, newest first, with their outcome counts."""
    query = select(CrawlRun, Source.name).join(Source).order_by(CrawlRun.id.desc()).limit(limit)
    if source is not None:
        query = query.where(Source.name == source)
    with session() as s:
        rows = s.execute(query).all()
    return [{**run_row(run), "source": name} for run, name in rows]


def run_row(run: CrawlRun) -> dict:
    """One run as the commands show it: times, status, outcome counts, extractions."""
    stats = run.stats or {}
    return {"id": run.id, "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "status": run.status, "finish_reason": run.finish_reason, **run_counts(stats),
            "extractions": int(stats.get("mirrorwatch/extract/calls", 0)),
            "partial_refetched": int(stats.get("mirrorwatch/fetch/partial_refetched", 0))}


def last_run_starts(session: sessionmaker[Session]) -> dict[str, datetime]:
    """Each source's latest run start, by source name (sources never crawled are absent)."""
    with session() as s:
        rows = s.execute(select(Source.name, func.max(CrawlRun.id)).join(CrawlRun).group_by(Source.name)).all()
        starts = {run.id: run.started_at for run in s.scalars(
            select(CrawlRun).where(CrawlRun.id.in_([run_id for _, run_id in rows])))}
    return {name: starts[run_id] for name, run_id in rows}


def previous_run_end(session: sessionmaker[Session], source: str, *, before: int | None) -> datetime | None:
    """When the source's last run before run ``before`` (before every run: None) finished."""
    query = (select(CrawlRun.finished_at).join(Source).where(Source.name == source, CrawlRun.finished_at.is_not(None))
             .order_by(CrawlRun.id.desc()).limit(1))
    if before is not None:
        query = query.where(CrawlRun.id < before)
    with session() as s:
        return s.scalar(query)


def close_open_runs(session: sessionmaker[Session], source: str, *, since: datetime, status: str,
                    reason: str) -> int:
    """Mark the source's runs begun at or after ``since`` and still ``running`` as ended
    with ``status`` (``interrupted`` or ``failed``); returns how many there were."""
    with session.begin() as s:
        found = s.scalar(select(Source.id).where(Source.name == source))
        if found is None:
            return 0
        return s.execute(
            update(CrawlRun)
            .where(CrawlRun.source_id == found, CrawlRun.status == "running", CrawlRun.started_at >= since)
            .values(status=status, finish_reason=reason, finished_at=utcnow())
        ).rowcount


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)
