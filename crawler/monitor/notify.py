"""Notifications: one batched message per scheduled run, to the ``[[notify]]`` targets.

After each scheduled crawl the monitoring report for that run's window and source
(``storage.reports.monitor``) is written as HTML next to the archive
(``reports/run-<id>-<source>.html``), and each target whose filters leave anything
to say gets ONE message naming every change with its class and significance,
the new and gone pages, and the report's path. Targets (sources.toml):

    [[notify]]
    webhook = "https://hooks.example.org/mirrorwatch"   # a plain JSON POST (no extra dependency)
    min_significance = 0.3                               # leave out smaller changes
    sources = ["example-news"]                           # only these sources' runs

    [[notify]]
    url = "mailto://user:pass@example.org"               # any Apprise URL: pip install mirrorwatch[notify]

A delivery that fails is retried ``ATTEMPTS`` times with exponential backoff and
logged; it never stops the scheduler.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from crawler.monitor.crawl_process import RunOutcome
from crawler.sources import NotifyTarget, load_config
from storage.db import database_url

log = logging.getLogger(__name__)

ATTEMPTS = 4
BACKOFF = 1.0  # seconds before the 2nd attempt; doubled each time
TIMEOUT = 10.0
USER_AGENT = "mirrorwatch-notify/0.1"


class DeliveryError(Exception):
    pass


def message(report: dict, outcome: RunOutcome, *, report_path: str | None,
            min_significance: float = 0.0) -> dict | None:
    """The message for one run, or None when nothing is left to say after the filter.

    ``report`` has the monitoring report's shape (``new``, ``changed``, ``gone``,
    ``new_copies``, ``diverged_copies``, ``health``; entries with ``url`` and ``source``,
    changes with ``class`` and ``significance``).
    """
    changed = [c for c in report.get("changed", []) if (c.get("significance") or 0.0) >= min_significance]
    new, gone = report.get("new", []), report.get("gone", [])
    copies = report.get("new_copies", []) + report.get("diverged_copies", [])
    warnings = [h for h in report.get("health", []) if h.get("warnings")]
    failed = outcome.status != "finished"
    if not (changed or new or gone or copies or warnings or failed):
        return None
    lines = [f"mirrorwatch: {outcome.source} run {outcome.run_id or '-'} {outcome.status}: "
             f"{len(changed)} changed, {len(new)} new, {len(gone)} gone, {len(copies)} copies"]
    lines += [f"changed [{c.get('class') or 'change'} {c.get('significance') or 0.0:.2f}] {c['url']}"
              for c in changed]
    lines += [f"new {e['url']}" for e in new]
    lines += [f"gone {e['url']}" for e in gone]
    lines += [f"copy {e['url']}" for e in copies]
    for health in warnings:
        lines += [f"warning {health.get('source')}: {w}" for w in health["warnings"]]
    if report_path:
        lines.append(f"report: {report_path}")
    return {
        "title": lines[0],
        "text": "\n".join(lines),
        "source": outcome.source,
        "run": outcome.as_dict(),
        "report_path": report_path,
        "changed": [{k: c.get(k) for k in ("url", "source", "class", "significance", "title")} for c in changed],
        "new": [{"url": e["url"], "source": e.get("source")} for e in new],
        "gone": [{"url": e["url"], "source": e.get("source")} for e in gone],
        "copies": [{"url": e["url"], "source": e.get("source")} for e in copies],
    }


def post_json(url: str, payload: dict, *, timeout: float = TIMEOUT) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode(), method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(str(getattr(exc, "reason", exc))) from None


def send_apprise(url: str, payload: dict) -> None:
    try:
        import apprise
    except ImportError:
        raise DeliveryError("Apprise is not installed: pip install 'mirrorwatch[notify]'") from None
    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise DeliveryError("Apprise does not understand this URL")
    if not notifier.notify(title=payload["title"], body=payload["text"]):
        raise DeliveryError("Apprise reported a failed delivery")


def deliver(target: NotifyTarget, payload: dict, *, attempts: int = ATTEMPTS, backoff: float = BACKOFF,
            sleep: Callable[[float], None] = time.sleep) -> bool:
    """Send one message to one target, retrying with backoff; True when delivered. Never raises."""
    for attempt in range(1, attempts + 1):
        try:
            if target.webhook:
                post_json(target.webhook, payload)
            else:
                send_apprise(target.url, payload)
            log.info("notified %s (attempt %d)", target.label, attempt)
            return True
        except Exception as exc:  # whatever the transport raises, a notification is never fatal
            if attempt == attempts:
                log.error("notification to %s failed after %d attempts: %s", target.label, attempts, exc)
                return False
            delay = backoff * 2 ** (attempt - 1)
            log.warning("notification to %s failed (%s); retrying in %.1f s", target.label, exc, delay)
            sleep(delay)
    return False


class Notifier:
    """What the scheduler calls after each run: report, HTML file, one message per target."""

    def __init__(self, targets: tuple[NotifyTarget, ...], *, db: str, report_dir: Path,
                 backoff: float = BACKOFF,
                 build_report: Callable[[RunOutcome], tuple[dict, str | None]] | None = None):
        self.targets = targets
        self.db = db
        self.report_dir = report_dir
        self.backoff = backoff
        self.build_report = build_report or self.report
        self._archive = None  # opened at the first report, kept: the scheduler runs for months

    @classmethod
    def from_sources(cls, sources_path: str, *, db: str, report_dir: Path | None = None) -> Notifier:
        return cls(load_config(sources_path).notify, db=db, report_dir=report_dir or default_report_dir(db))

    def after_run(self, outcome: RunOutcome) -> None:
        targets = [t for t in self.targets if not t.sources or outcome.source in t.sources]
        if not targets:
            return
        try:
            report, html = self.build_report(outcome)
        except Exception:  # the run is stored either way; say so and tell the targets what we know
            log.exception("%s: cannot build the run report", outcome.source)
            report, html = {}, None
        path = self.write_html(outcome, html) if html is not None else None
        for target in targets:
            payload = message(report, outcome, report_path=str(path) if path else None,
                              min_significance=target.min_significance)
            if payload is not None:
                deliver(target, payload, backoff=self.backoff)

    def report(self, outcome: RunOutcome) -> tuple[dict, str | None]:
        """The monitoring report of the run's window and source, and its HTML."""
        from crawler.render.html import monitor_html
        from storage.archive import Archive
        from storage.reports.monitor import monitor_report

        if self._archive is None:
            self._archive = Archive.open(self.db)
        # A second of slack (the child stamps its captures just after we noted the start), but never
        # back into the source's previous run: runs close together would report its changes twice.
        since = outcome.started_at - timedelta(seconds=1)
        previous = self._archive.previous_run_end(outcome.source, before=outcome.run_id)
        report = monitor_report(self._archive.session, since=max(since, previous) if previous else since,
                                until=outcome.finished_at, source=outcome.source)
        return report, monitor_html(report)

    def write_html(self, outcome: RunOutcome, html: str) -> Path | None:
        run = outcome.run_id or f"{outcome.started_at:%Y%m%dT%H%M%S}"  # a crawl that never began its run
        path = self.report_dir / f"run-{run}-{outcome.source}.html"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(html, encoding="utf-8")
        except OSError as exc:
            log.error("cannot write the run report %s: %s", path, exc)
            return None
        return path.resolve()


def default_report_dir(db: str) -> Path:
    """``reports/`` beside a SQLite archive, else in the working directory."""
    url = database_url(db)
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):]).parent / "reports"
    return Path("reports")
