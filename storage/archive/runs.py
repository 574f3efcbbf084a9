"""Crawl runs: one row per crawl of one source, with its status and Scrapy's stats.

The crawl opens its run (:func:`start_run`) and closes it with its stats
(:func:`finish_run`); the scheduler reads when each source last started
(:func:`last_run_starts`) and closes the runs of a crawl process that died before
closing them itself (:func:`close_open_runs`), or its row would stay ``running`` for ever.
A crawl beats while it lives (:func:`beat`, every ``MIRRORWATCH_HEARTBEAT_INTERVAL``
seconds); a run still ``running`` whose heartbeat is older than :data:`STALE_AFTER` beats
belongs to a process that died without a word (SIGKILL, power loss): the next crawl closes
it as ``failed`` (:func:`close_stale_runs`) and the report's health says so (:func:`stale_since`).

A run's outcome counts come from its stats in one spelling, :data:`COUNT_KEYS`, for every
command and page that shows them (``crawl`` and ``runs --format json``, ``schedule --once``,
the report's health, the dashboard; ``blocked`` is the pages the site answered with a bot
wall, a block page or its error template, :func:`all_blocked` when that was every page);
:func:`finish_status` maps Scrapy's finish reason to
the run's status, :func:`extraction_problem` says when extraction failed for most pages and
:func:`no_answer` when the site gave no usable answer at all. ``fetched`` counts the pages
that got an answer: error captures (time-outs, refused connections) are counted in ``error`` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from storage.lookup import source_id
from storage.models import Capture, CrawlRun, Source
from storage.types import utcnow

OUTCOMES = ("new-version", "unchanged", "not-modified", "gone", "error", "blocked")
# The outcome counts of a run, each a capture outcome with '_' for '-', after their sum.
COUNT_KEYS = ("fetched", *(outcome.replace("-", "_") for outcome in OUTCOMES))


INTERRUPTED = ("shutdown", "forced shutdown")  # Ctrl-C or SIGTERM; a second Ctrl-C
HEARTBEAT_INTERVAL = 30.0  # seconds between two beats of a crawl (MIRRORWATCH_HEARTBEAT_INTERVAL)
STALE_AFTER = 10  # beats missed before a running run counts as dead

# Scrapy's download exceptions (the stats name their classes) in a user's words.
_NO_ANSWER_WORDS = {"ConnectionRefused": "connection refused", "CannotResolveHost": "host not found",
                    "DNSLookup": "host not found", "Timeout": "timed out", "DataLoss": "connection lost",
                    "ConnectionLost": "connection lost", "SSL": "TLS handshake failed", "TLS": "TLS handshake failed",
                    "DownloadFailed": "connection broke", "UnsupportedURLScheme": "unsupported URL scheme"}


def run_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """``{"fetched", "new_version", "unchanged", "not_modified", "gone", "error", "blocked"}`` from a
    run's stats; ``fetched`` is the pages answered (every outcome but ``error``; ``blocked``: the
    site answered with a wall or block page instead of the article)."""
    counts = {o.replace("-", "_"): int(stats.get(f"mirrorwatch/captures/{o}", 0) or 0) for o in OUTCOMES}
    return {"fetched": sum(counts.values()) - counts["error"], **counts}


def discovery_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """What finding the articles cost: every request made, those that were not article fetches
    (robots.txt, start pages, sitemaps, feeds, links followed, their retries), and the article
    URLs left out at ``max_pages``."""
    return {"requests": int(stats.get("downloader/request_count", 0) or 0),
            "other_requests": int(stats.get("mirrorwatch/requests/other", 0) or 0),
            "over_max_pages": int(stats.get("mirrorwatch/discovery/over_max_pages", 0) or 0)}


def no_answer(stats: Mapping[str, Any]) -> str | None:
    """When a run's requests got no answer at all (the site down, its name unknown): one line
    with the cause and the pages left unchecked, e.g. ``connection refused: 14 pages not checked``."""
    answered = sum(int(v or 0) for k, v in stats.items() if k.startswith("downloader/response_status_count/")
                   and int(k.rsplit("/", 1)[1]) < 500)
    failures = {k.rsplit("/", 1)[1]: int(v or 0) for k, v in stats.items()
                if k.startswith("downloader/exception_type_count/")}
    servers = {k.rsplit("/", 1)[1]: int(v or 0) for k, v in stats.items()
               if k.startswith("downloader/response_status_count/") and int(k.rsplit("/", 1)[1]) >= 500}
    if answered or not (failures or servers):
        return None
    if failures:
        name = max(failures, key=failures.get).rsplit(".", 1)[-1]
        cause = next((words for key, words in _NO_ANSWER_WORDS.items() if key in name), name)
    else:
        cause = f"HTTP {max(servers, key=servers.get)}"
    errors = int(stats.get("mirrorwatch/captures/error", 0) or 0)
    return f"{cause}: {errors} page{'s' if errors != 1 else ''} not checked" if errors else f"{cause}: no page fetched"


def all_blocked(stats: Mapping[str, Any]) -> str | None:
    """When every article fetch of a run was a wall or block page: one line,
    ``blocked by the site: 3 pages``; None otherwise."""
    counts = run_counts(stats)
    blocked = counts["blocked"]
    if blocked == 0 or blocked < counts["fetched"] + counts["error"]:
        return None
    return f"blocked by the site: {blocked} page{'s' if blocked != 1 else ''}"


def blocked_words(blocked: int) -> str:
    """``blocked by the site (N pages)``: how the commands, the report and the dashboard say it."""
    return f"blocked by the site ({blocked} page{'s' if blocked != 1 else ''})"


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
    """A run's status from Scrapy's finish reason: ``finished``, ``interrupted`` (a shutdown, forced
    or not) or ``failed``."""
    return "finished" if reason == "finished" else ("interrupted" if reason in INTERRUPTED else "failed")


def start_run(session: sessionmaker[Session], source: str) -> int:
    with session.begin() as s:
        now = utcnow()
        run = CrawlRun(source_id=source_id(s, source), started_at=now, heartbeat_at=now, status="running")
        s.add(run)
        s.flush()
        return run.id


def finish_run(session: sessionmaker[Session], run_id: int, *, reason: str | None, stats: dict) -> None:
    with session.begin() as s:
        run = s.get(CrawlRun, run_id)
        run.finished_at, run.status, run.finish_reason = utcnow(), finish_status(reason), reason
        run.stats = {k: _jsonable(v) for k, v in sorted(stats.items())}


def beat(session: sessionmaker[Session], run_id: int) -> None:
    """The run's crawl is alive now."""
    with session.begin() as s:
        s.execute(update(CrawlRun).where(CrawlRun.id == run_id, CrawlRun.status == "running")
                  .values(heartbeat_at=utcnow()))


def stale_since(run: CrawlRun, now: datetime, interval: float = HEARTBEAT_INTERVAL) -> datetime | None:
    """When a ``running`` run last showed life, if that is more than ``STALE_AFTER`` beats ago
    (its process died); None for a live or closed run, and for a run from before heartbeats
    (the dashboard's "still running after 6 hours" rule judges those)."""
    last = run.heartbeat_at
    if run.status != "running" or last is None or now - last <= timedelta(seconds=interval * STALE_AFTER):
        return None
    return last


def died_reason(last: datetime) -> str:
    return f"process died (no heartbeat since {last.strftime('%Y-%m-%d %H:%M:%S')} UTC)"


def close_stale_runs(session: sessionmaker[Session], *, interval: float = HEARTBEAT_INTERVAL) -> list[int]:
    """Close as ``failed`` the runs still ``running`` whose crawl stopped beating; their ids."""
    now = utcnow()
    closed = []
    with session.begin() as s:
        for run in s.scalars(select(CrawlRun).where(CrawlRun.status == "running")):
            if (last := stale_since(run, now, interval)) is not None:
                run.status, run.finished_at = "failed", now
                run.finish_reason = died_reason(last)[:100]
                closed.append(run.id)
    return closed


def recorded_outcomes(session: sessionmaker[Session], run_id: int) -> dict[str, int]:
    """How many captures of each outcome the run stored (what its stats should say)."""
    with session() as s:
        rows = s.execute(select(Capture.outcome, func.count()).where(Capture.run_id == run_id)
                         .group_by(Capture.outcome)).all()
    return {outcome: n for outcome, n in rows}


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
            "heartbeat_at": run.heartbeat_at.isoformat() if run.heartbeat_at else None, **discovery_counts(stats),
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
