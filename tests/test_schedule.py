"""The scheduler: real `mirrorwatch schedule` processes against a local site.

Runs are crawl subprocesses; every one is recorded in crawl_run. One scheduler per
database (lock row with heartbeat); SIGTERM lets a running crawl finish, a second
SIGTERM interrupts it.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from crawler.scheduler import due_sources
from crawler.schedules import parse_schedule
from crawler.sources import SourcesError, load_config
from storage.db import open_engine
from storage.lock import DatabaseLock, LockHeld
from tests.conftest import PARAGRAPHS, source_table

A = "/articles/tram.html"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def runs(ws):
    with sqlite3.connect(ws.db) as conn:
        return conn.execute("select id, status, finish_reason, stats is not null, finished_at is not null "
                            "from crawl_run order by id").fetchall()


def captures(ws):
    with sqlite3.connect(ws.db) as conn:
        return conn.execute("select c.run_id, p.url, c.outcome from capture c join page p on p.id = c.page_id "
                            "order by c.id").fetchall()


def start_scheduler(ws, *args):
    ws.run("db", "upgrade")  # so that the test can read the tables at once
    env = {**os.environ, "MIRRORWATCH_EXTRACT_WORKERS": "1"}
    env.pop("MIRRORWATCH_DB", None)
    env.pop("MIRRORWATCH_SOURCES", None)
    log = open(ws.dir / "scheduler.log", "w")  # noqa: SIM115 - closed by the test's stop()
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "schedule", *args], cwd=ws.dir, env=env,
                            stdout=subprocess.PIPE, stderr=log, text=True)
    proc.log_file = log
    return proc


def stop(proc, *, signals=1, timeout=120) -> str:
    for _ in range(signals):
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
    try:
        proc.wait(timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.log_file.close()
    return open(proc.log_file.name).read()


def wait_for(predicate, *, timeout=150, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def store_job(ws, source, schedule, *, next_run_time):
    """A job in the scheduler's job store as an earlier scheduler would have left it."""
    from apscheduler.job import Job
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    store = SQLAlchemyJobStore(url=ws.db_url, tablename="mirrorwatch_jobs")
    store.start(BackgroundScheduler(timezone="UTC"), "default")
    store.add_job(Job(store._scheduler, id=f"crawl:{source}", func="crawler.scheduler:crawl_job",
                      trigger=parse_schedule(schedule).trigger(), args=(source,), kwargs={},
                      name=f"crawl {source} ({schedule})", next_run_time=next_run_time, misfire_grace_time=3 * 3600,
                      coalesce=True, max_instances=1, executor="default"))
    store.shutdown()


# -- schedules and due sources ---------------------------------------------------


def test_schedules_parse_and_say_when_a_source_is_due():
    every = parse_schedule("6h")
    assert every.interval == timedelta(hours=6) and every.jitter == 300
    assert every.is_due(None, NOW)
    assert not every.is_due(NOW - timedelta(hours=5, minutes=59), NOW)
    assert every.is_due(NOW - timedelta(hours=6), NOW)
    cron = parse_schedule("0 */2 * * *")
    assert cron.cron == "0 */2 * * *"
    assert cron.is_due(NOW - timedelta(minutes=1), NOW)  # 12:00 came after 11:59
    assert not cron.is_due(NOW + timedelta(seconds=30), NOW + timedelta(minutes=118))  # 14:00 not yet
    assert parse_schedule("2s").jitter == pytest.approx(0.2)
    for bad in ("soon", "0m", "61 * * * *", "* * *"):
        with pytest.raises(ValueError):
            parse_schedule(bad)


def test_sources_file_validates_schedule_limits_and_notify(tmp_path):
    path = tmp_path / "sources.toml"
    base = '[[source]]\nname = "news"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:1/"]\n'
    path.write_text(base + 'schedule = "30m"\nrecheck_min = "10m"\nrecheck_max = "2d"\n'
                    '[[notify]]\nwebhook = "http://127.0.0.1:2/hook"\nmin_significance = 0.3\nsources = ["news"]\n')
    config = load_config(path)
    news = config.sources["news"]
    assert (news.recheck_min, news.recheck_max) == (timedelta(minutes=10), timedelta(days=2))
    assert [(t.webhook, t.min_significance, t.sources) for t in config.notify] == [
        ("http://127.0.0.1:2/hook", 0.3, ("news",))]
    cases = {
        'schedule = "sometimes"\n': "field 'schedule': not a schedule: 'sometimes'",
        'recheck_min = "1d"\nrecheck_max = "1h"\n': "field 'recheck_min': must not be longer than recheck_max",
        'recheck_max = "forever"\n': "field 'recheck_max': not a duration",
        '[[notify]]\nwebhook = "ftp://x/"\n': "notify #1: field 'webhook': not an http(s) URL",
        '[[notify]]\nwebhook = "http://x/"\nsources = ["blog"]\n': "notify #1: field 'sources': unknown source 'blog'",
        '[[notify]]\nmin_significance = 0.5\n': "notify #1: field 'url': give exactly one of",
    }
    for extra, message in cases.items():
        path.write_text(base + extra)
        with pytest.raises(SourcesError) as error:
            load_config(path)
        assert message in str(error.value) and "\n" not in str(error.value)


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


# -- the lock ------------------------------------------------------------------------


def test_lock_refuses_a_live_holder_and_takes_over_a_stale_one(db_url):
    engine = open_engine(db_url)
    first = DatabaseLock(engine, ttl=timedelta(seconds=60))
    second = DatabaseLock(engine, ttl=timedelta(seconds=60))
    first.acquire()
    with pytest.raises(LockHeld, match=r"another scheduler is running on this database \(.*:\d+:"):
        second.acquire()
    assert first.heartbeat()
    # The first holder dies; its heartbeat goes stale; the second takes over.
    second.acquire(now=datetime.now(UTC) + timedelta(seconds=61))
    assert not first.heartbeat()
    first.release()  # not the holder any more: no effect
    with pytest.raises(LockHeld):
        DatabaseLock(engine).acquire()
    second.release()
    DatabaseLock(engine).acquire()


def test_second_scheduler_refuses_to_start_with_one_line(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site, schedule="1h")
    ws.run("db", "upgrade")
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


def test_once_runs_what_is_due_and_exits(make_site, ws):
    news, blog = make_site("news"), make_site("blog")
    for site in (news, blog):
        site.index(A)
        site.article(A, "Tram", PARAGRAPHS)
    ws.sources(source_table(news, name="news", schedule="1h") + source_table(blog, name="blog", role="mirror"))
    first = ws.json("schedule", "--once")
    assert [(r["source"], r["status"], r["fetched"], r["new_versions"]) for r in first["runs"]] == [
        ("news", "finished", 1, 1)]
    assert blog.server.paths_requested() == []  # no schedule: never run by the scheduler
    assert [r[1] for r in runs(ws)] == ["finished"]
    again = ws.run("schedule", "--once")
    assert again.stdout.strip() == "nothing due"
    assert len(runs(ws)) == 1


# -- the long-running scheduler -----------------------------------------------------------


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


def test_jobs_of_removed_sources_are_dropped_at_start(make_site, ws):
    site = make_site("news")
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.run("db", "upgrade")
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


def test_a_crashed_crawl_is_recorded_as_failed_and_the_next_one_runs(sqlite_url):
    from crawler.crawl_process import CrawlProcesses
    from storage.archive import Archive

    engine = open_engine(sqlite_url)
    Archive(engine).ensure_source("news", role="origin", origin="http://127.0.0.1:1")
    crash = ("import os, sys; from storage.archive import Archive; "
             f"Archive.open({sqlite_url!r}).start_run(sys.argv[1]); os._exit(3)")

    class Crashing(CrawlProcesses):
        def command(self, source):
            return [sys.executable, "-c", crash, source]

    seen = []
    crawls = Crashing(engine, sqlite_url, "sources.toml", after_run=seen.append)
    first, second = crawls.run("news"), crawls.run("news")
    assert (first.status, first.exit_code, second.status) == ("failed", 3, "failed")
    assert [o.source for o in seen] == ["news", "news"]
    rows = Archive(engine).runs()
    assert [(r["status"], r["finish_reason"]) for r in rows] == [
        ("failed", "crawl process exited with status 3")] * 2
    assert all(r["finished_at"] for r in rows)


def test_a_run_missed_while_the_scheduler_was_down_is_logged(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site, schedule="1h")
    ws.run("db", "upgrade")
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


def test_once_records_its_run_on_either_database(db_url, site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site, schedule="1d")
    first = ws.json("--db", db_url, "schedule", "--once")
    assert [(r["status"], r["new_versions"]) for r in first["runs"]] == [("finished", 1)]
    assert ws.json("--db", db_url, "schedule", "--once")["runs"] == []
    [run] = ws.json("--db", db_url, "runs")["runs"]
    assert (run["id"], run["status"], run["new_version"], run["finished_at"] is not None) == (
        first["runs"][0]["run_id"], "finished", 1, True)
