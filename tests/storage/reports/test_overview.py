"""The overview's health rules from crawl runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.models import CrawlRun


def test_health_rules_from_crawl_runs():
    from storage.reports.overview import warnings

    now = datetime(2026, 3, 10, 12, tzinfo=UTC)

    def run(status, *, started_hours_ago, fetched=10, errors=0):
        started = now - timedelta(hours=started_hours_ago)
        return CrawlRun(status=status, started_at=started, finished_at=None if status == "running" else started,
                        finish_reason=None, stats={"mirrorwatch/captures/unchanged": fetched - errors,
                                                   "mirrorwatch/captures/error": errors})

    healthy = run("finished", started_hours_ago=3)
    assert warnings(healthy, healthy.finished_at, now=now) == []
    old = run("finished", started_hours_ago=24 * 5)
    assert warnings(old, old.finished_at, now=now) == ["no crawl has finished for 5 days"]
    stuck = run("running", started_hours_ago=8)
    assert warnings(stuck, now - timedelta(hours=30), now=now) == ["the last crawl is still running after 8 hours"]
    assert warnings(run("running", started_hours_ago=1), now - timedelta(hours=2), now=now) == []
    empty = run("finished", started_hours_ago=1, fetched=0)
    assert warnings(empty, empty.finished_at, now=now) == ["the last crawl fetched no pages"]
    broken = run("interrupted", started_hours_ago=1, fetched=4, errors=3)
    assert warnings(broken, None, now=now) == ["the last crawl interrupted (no reason given)",
                                               "the last crawl had 3 errors in 4 fetches", "no crawl has finished"]
