"""The scheduler: real `mirrorwatch schedule` processes against a local site.

Runs are crawl subprocesses; every one is recorded in crawl_run. One scheduler per
database (lock row with heartbeat); SIGTERM lets a running crawl finish, a second
SIGTERM interrupts it.
"""
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from crawler.monitor.scheduler import due_sources
from crawler.monitor.schedules import parse_schedule
from crawler.sources import load_config
from storage.db import open_engine
from storage.lock import DatabaseLock
from tests.support.scheduler import captures, runs, start_scheduler, stop, wait_for
from tests.support.sites import PARAGRAPHS
from tests.support.workspace import source_table

A = "/articles/tram.html"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def store_job(ws, source, schedule, *, next_run_time):
    """A job in the scheduler's job store as an earlier scheduler would have left it."""
    from apscheduler.job import Job
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    store = SQLAlchemyJobStore(url=ws.db_url, tablename="mirrorwatch_jobs")
    store.start(BackgroundScheduler(timezone="UTC"), "default")
    store.add_job(Job(store._scheduler, id=f"crawl:{source}", func="crawler.monitor.scheduler:crawl_job",
                      trigger=parse_schedule(schedule).trigger(), args=(source,), kwargs={},
                      name=f"crawl {source} ({schedule})", next_run_time=next_run_time, misfire_grace_time=3 * 3600,
                      coalesce=True, max_instances=1, executor="default"))
    store.shutdown()


def test_due_sources_never_run_or_past_their_interval(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text("".join(
        f'[[source]]\nname = "{name}"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:{port}/"]\n{extra}'
        for name, port, extra in (("hourly", 1, 'schedule = "1h"\n'), ("new", 2, 'schedule = "1d"\n'),
                                  ("manual", 3, ""))))
    config = load_config(path)
    starts = {"hourly": NOW - timedelta(minutes=30), "manual": NOW - timedelta(days=9)}
    assert [s.name for s in due_sources(config, starts, NOW)] == ["new"]
    starts["hourly"] = NOW - timedelta(minutes=61)
    assert [s.name for s in due_sources(config, starts, NOW)] == ["hourly", "new"]


@pytest.mark.slow
def test_second_scheduler_refuses_to_start_with_one_line(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site, schedule="1h")
    ws.cli("db", "upgrade")
    holder = DatabaseLock(open_engine(ws.db_url))
    holder.acquire()
    refused = ws.run("schedule", "--once", check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1].startswith(
        "Error: another scheduler is running on this database")
    assert "Traceback" not in refused.stderr
    assert runs(ws) == []
    # A scheduler killed without releasing: after the time-to-live its lock is taken over.
    with sqlite3.connect(ws.db) as conn:
        conn.execute("update scheduler_lock set heartbeat_at = '2000-01-01 00:00:00'")
    taken = ws.run("schedule", "--once", "--format", "json")
    assert [r["status"] for r in __import__("json").loads(taken.stdout)["runs"]] == ["finished"]


# -- --once ----------------------------------------------------------------------------


@pytest.mark.slow
def test_once_runs_what_is_due_and_exits(make_site, ws):
    news, blog = make_site("news"), make_site("blog")
    for site in (news, blog):
        site.index(A)
        site.article(A, "Tram", PARAGRAPHS)
    ws.sources(source_table(news, name="news", schedule="1h") + source_table(blog, name="blog", role="mirror"))
    first = ws.json("schedule", "--once")
    assert [(r["source"], r["status"], r["fetched"], r["new_version"]) for r in first["runs"]] == [
        ("news", "finished", 1, 1)]
    assert first["unscheduled"] == ["blog"]
    assert blog.server.paths_requested() == []  # no schedule: never run by the scheduler
    assert [r[1] for r in runs(ws)] == ["finished"]
    again = ws.run("schedule", "--once")
    assert again.stdout.strip() == "nothing due: news ran within its schedule"
    assert again.stderr.startswith(
        'Note: no schedule, never crawled by the scheduler: blog (add e.g. schedule = "6h" (or a cron expression '
        'such as "0 */6 * * *") to their [[source]] in sources.toml)\n')
    assert len(runs(ws)) == 1


# -- the long-running scheduler -----------------------------------------------------------


@pytest.mark.slow
def test_scheduler_runs_on_its_interval_and_sees_an_edit(site, ws):
    site.index(A)
    site.article(A, "Tram line extended", PARAGRAPHS)
    ws.source(site, schedule="2s")
    proc = start_scheduler(ws)
    try:
        wait_for(lambda: [r for r in runs(ws) if r[1] == "finished"], what="a first finished run")
        # The page was just captured, so it is not due yet: make it due, then edit it.
        with sqlite3.connect(ws.db) as conn:
            conn.execute("update page set next_due_at = '2000-01-01 00:00:00'")
        site.article(A, "Tram line extended", PARAGRAPHS[:3] + ["The first trams now run in 2030."])
        wait_for(lambda: [c for c in captures(ws) if c[2] == "new-version" and c[0] != 1],
                 what="a run that stores the edit")
    finally:
        log = stop(proc)
    assert proc.returncode == 0, log
    recorded = runs(ws)
    assert len(recorded) >= 2
    assert all(status == "finished" and has_stats and ended for _, status, _, has_stats, ended in recorded)
    assert [c[2] for c in captures(ws) if c[2] == "new-version"] == ["new-version", "new-version"]
    assert ws.json("history", site.url + A)["versions"][-1]["number"] == 2
    assert "test: scheduled 2s, next run now" in log and "scheduler stopped" in log
    assert "Error notifying listener" not in log
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("select owner from scheduler_lock").fetchall() == [(None,)]
        jobs = [job for (job,) in conn.execute("select id from mirrorwatch_jobs")]
    assert jobs == ["crawl:test"]


def _slow_site(site, ws, pages=6):
    paths = [f"/articles/a{n}.html" for n in range(pages)]
    for n, path in enumerate(paths):
        site.article(path, f"A{n}", [f"Number {n}. " + p for p in PARAGRAPHS])
    site.index(*paths)
    # About a second between requests: the crawl takes several seconds.
    ws.source(site, schedule="1h", download_delay=1.0, concurrency=1)


@pytest.mark.slow
def test_sigterm_lets_the_running_crawl_finish(site, ws):
    _slow_site(site, ws)
    proc = start_scheduler(ws)
    try:
        wait_for(lambda: [r for r in runs(ws) if r[1] == "running"], what="a running crawl")
    finally:
        log = stop(proc)
    assert proc.returncode == 0, log
    assert runs(ws) == [(1, "finished", "finished", 1, 1)]
    assert len([c for c in captures(ws) if c[2] == "new-version"]) == 6
    assert "waiting for the running crawl of test" in log


@pytest.mark.slow
def test_second_sigterm_interrupts_the_crawl_and_records_it(site, ws):
    _slow_site(site, ws, pages=30)
    proc = start_scheduler(ws)
    try:
        wait_for(lambda: [c for c in captures(ws)], what="a first capture")
    finally:
        log = stop(proc, signals=2)
    assert proc.returncode == 0, log
    [(run_id, status, reason, has_stats, ended)] = runs(ws)
    assert (status, reason, has_stats, ended) == ("interrupted", "shutdown", 1, 1), log
    assert len(captures(ws)) < 30  # the rest of the crawl was dropped


@pytest.mark.slow
def test_a_crawl_longer_than_the_stop_timeout_is_interrupted(site, ws):
    _slow_site(site, ws, pages=30)
    proc = start_scheduler(ws, "--stop-timeout", "2")
    try:
        wait_for(lambda: [c for c in captures(ws)], what="a first capture")
    finally:
        log = stop(proc)
    assert proc.returncode == 0, log
    assert [r[1:3] for r in runs(ws)] == [("interrupted", "shutdown")], log
    assert "crawls still running after 2 s: interrupting them" in log


@pytest.mark.slow
def test_jobs_of_removed_sources_are_dropped_at_start(make_site, ws):
    site = make_site("news")
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.cli("db", "upgrade")
    # A job store left by an earlier configuration with a source that is gone now.
    store_job(ws, "removed", "1h", next_run_time=datetime.now(UTC) + timedelta(hours=1))
    ws.source(site, name="news", schedule="1h")
    proc = start_scheduler(ws)
    try:
        wait_for(lambda: [r for r in runs(ws) if r[1] == "finished"], what="the news crawl")
    finally:
        log = stop(proc)
    assert "dropping the job of removed" in log
    with sqlite3.connect(ws.db) as conn:
        assert [job for (job,) in conn.execute("select id from mirrorwatch_jobs")] == ["crawl:news"]


@pytest.mark.slow
def test_a_run_missed_while_the_scheduler_was_down_is_logged(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site, schedule="1h")
    ws.cli("db", "upgrade")
    # The job as an earlier scheduler left it (with a 3 h grace): its run was due two hours ago.
    # This scheduler's grace of 60 s applies to the kept job, so the run counts as missed.
    store_job(ws, "test", "1h", next_run_time=datetime.now(UTC) - timedelta(hours=2))
    proc = start_scheduler(ws, "--misfire-grace", "60")
    try:
        wait_for(lambda: "missed the run due at" in open(ws.dir / "scheduler.log").read(), what="the missed run")
    finally:
        log = stop(proc)
    assert proc.returncode == 0, log
    assert "test: missed the run due at" in log and "more than 0:01:00 late" in log
    assert runs(ws) == []  # skipped, not run late


@pytest.mark.slow
def test_once_records_its_run_on_either_database(db_url, site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site, schedule="1d")
    first = ws.json("--db", db_url, "schedule", "--once")
    assert [(r["status"], r["new_version"]) for r in first["runs"]] == [("finished", 1)]
    assert ws.json("--db", db_url, "schedule", "--once")["runs"] == []
    [run] = ws.json("--db", db_url, "runs")["runs"]
    assert (run["id"], run["status"], run["new_version"], run["finished_at"] is not None) == (
        first["runs"][0]["run_id"], "finished", 1, True)
