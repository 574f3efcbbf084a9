"""The archive at a glance: each source with its role, last run, counts and health warnings.

overview → ``{"sources": [{"name", "role", "origin", "pages", "versions", "last_run":
             {"id", "started_at", "finished_at", "status", "finish_reason", "fetched", "new_version",
              "unchanged", "not_modified", "gone", "error", "partial_refetched"} | null,
             "warnings": [str]}]}``

Health is derived from the ``crawl_run`` table: the last run's warnings are the monitoring
report's (:func:`storage.reports.health.run_warnings`: failed or interrupted, fetched
nothing, mostly errors), and over all runs: never crawled, a run still "running" long after
it began, no run finished for ``STALE_AFTER``. The report's warning about extraction
returning much shorter texts needs a time window and is left to ``mirrorwatch report``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import CrawlRun, Page, Source, Version
from storage.reports.health import run_row, run_warnings

STALE_AFTER = timedelta(days=2)  # no finished crawl for this long: the source is not watched
RUNNING_TOO_LONG = timedelta(hours=6)  # a run "running" this long has most likely died


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
            "last_run": _last_run(run) if run else None,
            "warnings": warnings(run, last_finished.get(source.id), now=now),
        })
    return {"sources": out}


def _last_run(run: CrawlRun) -> dict:
    return run_row(run)


def warnings(run: CrawlRun | None, last_finished: datetime | None, *, now: datetime) -> list[str]:
    """What looks wrong with a source, in plain words (empty when nothing does)."""
    if run is None:
        return ["never crawled"]
    out = run_warnings(run)
    if run.status == "running" and now - run.started_at > RUNNING_TOO_LONG:
        out.append(f"the last crawl is still running after {_age(now - run.started_at)}")
    if last_finished is None:
        out.append("no crawl has finished")
    elif now - last_finished > STALE_AFTER:
        out.append(f"no crawl has finished for {_age(now - last_finished)}")
    return out


def _age(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24} days" if hours >= 48 else f"{hours} hours"
