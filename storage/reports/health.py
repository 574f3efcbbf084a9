"""Crawl health: what looks wrong with a crawl run, in plain words.

The monitoring report (``storage.reports.monitor``) and the dashboard's overview
(``storage.reports.overview``) apply these rules to a source's last run: failed or
interrupted, no answer from the site at all (the cause named), fetched nothing (unless it was a
quiet scheduled run), mostly errors, pages blocked by the site (bot walls, block pages,
its error template: "blocked by the site (N pages)"), extraction failing for most pages (a broken install: the
warning names the cause), and a run still ``running`` whose process stopped beating (it died).
"""

from __future__ import annotations

from storage.archive.runs import blocked_words, died_reason, extraction_problem, no_answer, run_row, stale_since
from storage.models import CrawlRun
from storage.types import utcnow

__all__ = ["run_row", "run_warnings"]


def run_warnings(run: CrawlRun) -> list[str]:
    """What went wrong in one crawl run (also the dashboard's health rules for a last run)."""
    summary = run_row(run)
    warnings = []
    if run.status in ("failed", "interrupted"):
        warnings.append(f"the last crawl {run.status} ({run.finish_reason or 'no reason given'})")
    if run.status == "running":  # its figures are not in yet, unless its process died
        if (last := stale_since(run, utcnow())) is not None:
            warnings.append(f"the last crawl's {died_reason(last)}")
        return warnings
    if problem := no_answer(run.stats or {}):
        warnings.append(f"the last crawl got no answer from the site ({problem})")
    elif summary["fetched"] == 0 and not _quiet(run):
        warnings.append("the last crawl fetched no pages")
    elif summary["error"] * 2 > (tried := summary["fetched"] + summary["error"]):
        warnings.append(f"the last crawl had {summary['error']} errors in {tried} fetches")
    if summary["blocked"]:
        warnings.append(f"the last crawl was {blocked_words(summary['blocked'])}")
    if problem := extraction_problem(run.stats or {}):
        warnings.append(f"the last crawl's {problem}")
    return warnings


def _quiet(run: CrawlRun) -> bool:
    """A scheduled crawl (re-checking only due pages) that had nothing due, found nothing new
    and met no error: fetching no article is what it should do, not a sign of a broken site."""
    stats = run.stats or {}
    return (stats.get("mirrorwatch/recheck/due") == 0 and not stats.get("log_count/ERROR")
            and not stats.get("downloader/exception_count"))
