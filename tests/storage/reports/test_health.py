"""Health warnings of one crawl run: a scheduled run with nothing due is not one."""
from datetime import UTC, datetime

START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_a_scheduled_run_with_nothing_due_is_not_a_health_warning():
    from storage.models import CrawlRun
    from storage.reports.monitor import run_warnings

    def run(**stats):
        return CrawlRun(id=1, started_at=START, status="finished", finish_reason="finished", stats=stats)

    assert run_warnings(run(**{"mirrorwatch/recheck/due": 0})) == []
    # A manual crawl (no due count), due pages not fetched, or a site that did not answer: warnings.
    assert run_warnings(run()) == ["the last crawl fetched no pages"]
    assert run_warnings(run(**{"mirrorwatch/recheck/due": 2})) == ["the last crawl fetched no pages"]
    down = run(**{"mirrorwatch/recheck/due": 0, "log_count/ERROR": 2, "downloader/exception_count": 3})
    assert run_warnings(down) == ["the last crawl fetched no pages"]
