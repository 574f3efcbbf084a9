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
