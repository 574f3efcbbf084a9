"""The archive at a glance: each source with its role, last run, counts and health warnings.

overview → ``{"sources": [{"name", "role", "origin", "pages", "versions", "last_run":
             {"id", "started_at", "finished_at", "status", "finish_reason", "fetched", "errors"} | null,
             "warnings": [str]}]}``

Health is derived from the ``crawl_run`` table alone, by simple rules (thresholds below):
no run yet; the last run failed, was interrupted or is still running long after it began;
no run has finished for ``STALE_AFTER``; the last run fetched nothing, or most of its
fetches were errors.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import CrawlRun, Page, Source, Version

STALE_AFTER = timedelta(days=2)  # no finished crawl for this long: the source is not watched
RUNNING_TOO_LONG = timedelta(hours=6)  # a run "running" this long has most likely died
ERROR_SHARE = 0.5  # at least this share of a run's fetches failed


def overview(s: Session, *, now: datetime | None = None) -> dict:
    now = now or datetime.now(UTC)
    pages = dict(s.execute(select(Page.source_id, func.count()).group_by(Page.source_id)).all())
    versions = dict(s.execute(
        select(Page.source_id, func.count()).select_from(Version).join(Page, Page.id == Version.page_id)
        .group_by(Page.source_id)).all())
    last_ids = select(func.max(CrawlRun.id)).group_by(CrawlRun.source_id)
    last_runs = {run.source_id: run for run in s.scalars(select(CrawlRun).where(CrawlRun.id.in_(last_ids)))}
    last_finished = dict(s.execute(
        select(CrawlRun.source_id, func.max(CrawlRun.finished_at))
        .where(CrawlRun.status == "finished").group_by(CrawlRun.source_id)).all())
    out = []
    for source in s.scalars(select(Source).order_by(Source.name)):
        run = last_runs.get(source.id)
        out.append({
            "name": source.name,
            "role": source.role,
            "origin": source.origin,
            "pages": pages.get(source.id, 0),
            "versions": versions.get(source.id, 0),
            "last_run": _run(run) if run else None,
            "warnings": warnings(run, last_finished.get(source.id), now=now),
        })
    return {"sources": out}


def _run(run: CrawlRun) -> dict:
    stats = run.stats or {}
    outcomes = {k.rsplit("/", 1)[1]: int(v) for k, v in stats.items() if k.startswith("mirrorwatch/captures/")}
    return {
        "id": run.id,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "status": run.status,
        "finish_reason": run.finish_reason,
        "fetched": sum(outcomes.values()),
        "errors": outcomes.get("error", 0),
    }


def warnings(run: CrawlRun | None, last_finished: datetime | None, *, now: datetime) -> list[str]:
    """What looks wrong with a source, in plain words (empty when nothing does)."""
    if run is None:
        return ["never crawled"]
    out = []
    if run.status in ("failed", "interrupted"):
        out.append(f"last run {run.status}" + (f" ({run.finish_reason})" if run.finish_reason else ""))
    elif run.status == "running" and now - run.started_at > RUNNING_TOO_LONG:
        out.append(f"last run still running after {_age(now - run.started_at)}")
    if last_finished is None:
        out.append("no run has finished")
    elif now - last_finished > STALE_AFTER:
        out.append(f"no finished run for {_age(now - last_finished)}")
    if run.status != "running":
        summary = _run(run)
        fetched, errors = summary["fetched"], summary["errors"]
        if fetched == 0:
            out.append("last run fetched no pages")
        elif errors / fetched >= ERROR_SHARE:
            out.append(f"{errors} of {fetched} fetches failed in the last run")
    return out


def _age(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24} days" if hours >= 48 else f"{hours} hours"
