"""Health warnings of one crawl run: a scheduled run with nothing due is not one."""
from datetime import UTC, datetime

START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_a_scheduled_run_with_nothing_due_is_not_a_health_warning():
    from storage.models import CrawlRun
    from storage.reports.health import run_warnings

    def run(**stats):
        return CrawlRun(id=1, started_at=START, status="finished", finish_reason="finished", stats=stats)

    assert run_warnings(run(**{"mirrorwatch/recheck/due": 0})) == []
    # A manual crawl (no due count), due pages not fetched, or a site that did not answer: warnings.
    assert run_warnings(run()) == ["the last crawl fetched no pages"]
    assert run_warnings(run(**{"mirrorwatch/recheck/due": 2})) == ["the last crawl fetched no pages"]
    down = run(**{"mirrorwatch/recheck/due": 0, "log_count/ERROR": 2, "downloader/exception_count": 3})
    assert run_warnings(down) == ["the last crawl fetched no pages"]


def test_extraction_failing_for_most_pages_is_a_warning_naming_its_cause():
    from storage.models import CrawlRun
    from storage.reports.health import run_warnings

    cause = "the extractor cannot be loaded: ImportError: lxml.html.clean module is now a separate project"
    stats = {"mirrorwatch/captures/error": 3, "mirrorwatch/captures/new-version": 1,
             "mirrorwatch/extract/calls": 4, "mirrorwatch/extract/failed": 3, "mirrorwatch/extract/first_error": cause}
    broken = CrawlRun(id=1, started_at=START, status="finished", finish_reason="finished", stats=stats)
    assert run_warnings(broken) == ["the last crawl had 3 errors in 4 fetches",
                                    f"the last crawl's extraction failed for 3 of 4 pages: {cause}"]
    # A page or two that trafilatura cannot parse, among many, is no broken extractor.
    odd = {**stats, "mirrorwatch/captures/error": 1, "mirrorwatch/captures/new-version": 9,
           "mirrorwatch/extract/calls": 10, "mirrorwatch/extract/failed": 1}
    assert run_warnings(CrawlRun(id=2, started_at=START, status="finished", finish_reason="finished", stats=odd)) == []


def test_a_running_run_whose_process_died_is_a_warning_not_ok():
    from datetime import timedelta

    from storage.models import CrawlRun
    from storage.reports.health import run_warnings
    from storage.types import utcnow

    beat = utcnow().replace(microsecond=0) - timedelta(minutes=20)
    dead = CrawlRun(id=1, started_at=beat, heartbeat_at=beat, status="running", stats=None)
    assert run_warnings(dead) == [f"the last crawl's process died (no heartbeat since {beat:%Y-%m-%d %H:%M:%S} UTC)"]
    alive = CrawlRun(id=2, started_at=beat, heartbeat_at=utcnow(), status="running", stats=None)
    assert run_warnings(alive) == []


def test_a_site_that_gave_no_answer_is_named_in_the_warning():
    from storage.models import CrawlRun
    from storage.reports.health import run_warnings

    stats = {"downloader/exception_type_count/scrapy.exceptions.DownloadConnectionRefusedError": 9,
             "mirrorwatch/captures/error": 3}
    down = CrawlRun(id=1, started_at=START, status="finished", finish_reason="finished", stats=stats)
    assert run_warnings(down) == ["the last crawl got no answer from the site (connection refused: 3 pages not checked)"]


def test_pages_blocked_by_the_site_are_a_warning():
    from storage.models import CrawlRun
    from storage.reports.health import run_warnings

    stats = {"mirrorwatch/captures/blocked": 3, "mirrorwatch/captures/unchanged": 5}
    walled = CrawlRun(id=1, started_at=START, status="finished", finish_reason="finished", stats=stats)
    assert run_warnings(walled) == ["the last crawl was blocked by the site (3 pages)"]
    one = {"mirrorwatch/captures/blocked": 1, "mirrorwatch/captures/unchanged": 5}
    assert run_warnings(CrawlRun(id=2, started_at=START, status="finished", finish_reason="finished", stats=one)) == [
        "the last crawl was blocked by the site (1 page)"]
