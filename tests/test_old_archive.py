"""An archive written by the version before the packages by role (commit 9fcd38a, see
tests/data/README.md) opens, migrates, and keeps its scheduler job with its next run time."""

from __future__ import annotations

import math
import pickle
import shutil
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from crawler.extract.extractor import OPTIONS_HASH
from crawler.monitor import scheduler as monitor
from storage.archive import Archive
from storage.db import head_revision
from storage.reports.history import history_report

OLD = Path(__file__).parent / "data" / "archive-9fcd38a.db"
SITE = "http://127.0.0.1:48721"


def old_archive(tmp_path: Path) -> Path:
    copy = tmp_path / "mirrorwatch.db"
    shutil.copy(OLD, copy)
    return copy


def stored_job(db: Path) -> tuple[float, dict]:
    with sqlite3.connect(db) as conn:
        next_run, blob = conn.execute("select next_run_time, job_state from mirrorwatch_jobs").fetchone()
    return next_run, pickle.loads(blob)


def test_the_old_archive_is_what_the_old_code_wrote(tmp_path):
    db = old_archive(tmp_path)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select version_num from alembic_version").fetchone() == ("0006",)
        assert conn.execute("select distinct options_hash from version").fetchall() == [("e3822c29a6071232",)]
    assert stored_job(db)[1]["func"] == "crawler.scheduler:crawl_job"


def test_it_opens_migrates_and_reads_as_before(tmp_path):
    db = old_archive(tmp_path)
    archive = Archive.open(str(db))
    with sqlite3.connect(db) as conn:
        assert conn.execute("select version_num from alembic_version").fetchone() == (head_revision(),)
        # The same options, hashed as they are passed now: no version looks extracted by other options.
        assert conn.execute("select distinct options_hash from version").fetchall() == [(OPTIONS_HASH,)]
    url = f"{SITE}/articles/tram.html"
    history = history_report(archive.page(url).url, archive.versions(url))
    assert [(v["number"], v["title"]) for v in history["versions"]] == [(1, "Tram line extended"),
                                                                      (2, "Tram line extended")]
    assert history["versions"][1]["change"]["paragraphs_added"] == 1
    assert [(r["source"], r["status"], r["fetched"]) for r in archive.runs()] == [("gazette", "finished", 2)] * 2
    archive.engine.dispose()


def still_due(db: Path) -> None:
    """Move the stored job's next run into the future by whole days, as a job the old code just wrote.

    The file was written with a next run a few hours ahead; once that moment has passed, the
    scheduler would rightly treat the job as missed, which is not what this test is about."""
    next_run, state = stored_job(db)
    days = max(0, math.ceil((time.time() - next_run) / 86400)) + 1
    state["next_run_time"] += timedelta(days=days)
    with sqlite3.connect(db) as conn:
        conn.execute("update mirrorwatch_jobs set next_run_time = ?, job_state = ?",
                     (next_run + days * 86400, pickle.dumps(state, pickle.HIGHEST_PROTOCOL)))


def test_its_scheduler_job_keeps_its_next_run_time(tmp_path):
    db = old_archive(tmp_path)
    still_due(db)
    next_run, _ = stored_job(db)
    (tmp_path / "sources.toml").write_text(
        f'[[source]]\nname = "gazette"\nrole = "origin"\nstart_urls = ["{SITE}/"]\nallow = ["/articles/"]\n'
        'schedule = "6h"\n')
    scheduler = monitor.MonitorScheduler(monitor.SchedulerOptions(db=str(db), sources_path=str(tmp_path / "sources.toml")))
    assert monitor.rename_stored_jobs(scheduler.engine) == 1
    assert monitor.rename_stored_jobs(scheduler.engine) == 0  # once only
    # What the scheduler does at start: load the stored jobs, then sync them with the sources file.
    apscheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{db}",
                                                                               tablename=monitor.JOBS_TABLE)},
                                      timezone="UTC")
    apscheduler.start(paused=True)
    try:
        scheduler._sync(apscheduler)
        (job,) = apscheduler.get_jobs()
        assert job.func is monitor.crawl_job and job.args == ("gazette",)
        assert job.next_run_time == datetime.fromtimestamp(next_run, UTC)
    finally:
        apscheduler.shutdown(wait=False)
        scheduler.engine.dispose()
    after, state = stored_job(db)
    assert (after, state["func"], state["name"]) == (next_run, monitor.JOB_FUNC, "crawl gazette (6h)")
