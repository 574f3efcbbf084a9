"""Crawl runs keep their stats."""
from sqlalchemy import select

from storage.models import CrawlRun
from tests.support.records import T0


def rows(archive, model):
    with archive.session() as s:
        return list(s.scalars(select(model).order_by(model.id if hasattr(model, "id") else model.sha256)))


def test_runs_keep_their_stats(archive):
    run = archive.start_run("gazette")
    archive.finish_run(run, reason="finished",
                       stats={"mirrorwatch/captures/new-version": 3, "start_time": T0})
    (row,) = rows(archive, CrawlRun)
    assert row.stats == {"mirrorwatch/captures/new-version": 3, "start_time": T0.isoformat()}
    assert row.status == "finished" and row.finished_at is not None


def test_previous_run_end_is_the_finish_of_the_sources_run_before(archive):
    first, second = archive.start_run("gazette"), archive.start_run("gazette")
    assert archive.previous_run_end("gazette", before=second) is None  # the first has not finished
    archive.finish_run(first, reason="finished", stats={})
    (row,) = [r for r in rows(archive, CrawlRun) if r.id == first]
    assert archive.previous_run_end("gazette", before=second) == row.finished_at
    assert archive.previous_run_end("gazette", before=first) is None
    assert archive.previous_run_end("gazette", before=None) == row.finished_at


def test_a_running_run_whose_heartbeat_stopped_is_closed_as_failed_and_a_beating_one_is_not(archive):
    from datetime import timedelta

    from sqlalchemy import update

    from storage.types import utcnow

    dead, alive, finished = archive.start_run("gazette"), archive.start_run("gazette"), archive.start_run("gazette")
    archive.finish_run(finished, reason="finished", stats={})
    last = (utcnow() - timedelta(seconds=301)).replace(microsecond=0)
    with archive.session.begin() as s:
        s.execute(update(CrawlRun).where(CrawlRun.id.in_([dead, finished])).values(heartbeat_at=last))
    archive.beat(alive)
    assert archive.close_stale_runs(interval=30) == [dead]  # 10 beats of 30 s missed
    by_id = {r.id: r for r in rows(archive, CrawlRun)}
    assert (by_id[dead].status, by_id[dead].finish_reason) == (
        "failed", f"process died (no heartbeat since {last:%Y-%m-%d %H:%M:%S} UTC)")
    assert by_id[alive].status == "running" and by_id[finished].status == "finished"
    assert archive.close_stale_runs(interval=30) == []


def test_a_run_without_any_answer_names_the_cause_and_the_pages_not_checked():
    from storage.archive.runs import no_answer, run_counts

    refused = {"downloader/exception_type_count/scrapy.exceptions.DownloadConnectionRefusedError": 54,
               "mirrorwatch/captures/error": 14}
    assert no_answer(refused) == "connection refused: 14 pages not checked"
    assert run_counts(refused)["fetched"] == 0 and run_counts(refused)["error"] == 14
    unknown = {"downloader/exception_type_count/scrapy.exceptions.CannotResolveHostError": 3}
    assert no_answer(unknown) == "host not found: no page fetched"
    assert no_answer({"downloader/response_status_count/503": 4, "mirrorwatch/captures/error": 1}) == (
        "HTTP 503: 1 page not checked")
    # One answer is an answer: a site that is up with some failing pages is not "down".
    assert no_answer({**refused, "downloader/response_status_count/404": 1}) is None
    assert no_answer({}) is None
