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
