"""Stopping a crawl: Ctrl-C once (graceful), twice (forced), and a crawl killed outright, whose run
the next crawl closes because its heartbeat stopped. Each crawl is a subprocess of a slow local
site, signalled as a terminal signals it: the whole process group, extraction workers included."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.support.sites import PARAGRAPHS

ARTICLES = 24
DELAY = 0.6  # seconds the site takes per article


def articles(site) -> None:
    site.index(*(f"/articles/a{n}.html" for n in range(ARTICLES)))
    for n in range(ARTICLES):
        site.article(f"/articles/a{n}.html", f"Article {n}", [f"Report {n}: " + p for p in PARAGRAPHS])


@pytest.fixture
def slow_site(site):
    articles(site)
    handler = site.server.httpd.RequestHandlerClass

    class Slow(handler):
        def do_GET(self, head: bool = False) -> None:
            if self.path.startswith("/articles/"):
                time.sleep(DELAY)
            super().do_GET(head)

    site.server.httpd.RequestHandlerClass = Slow
    site.fast = handler
    return site


def start_crawl(ws, **env) -> subprocess.Popen:
    env = {**os.environ, "MIRRORWATCH_EXTRACT_WORKERS": "1", **env}
    env.pop("MIRRORWATCH_DB", None)
    env.pop("MIRRORWATCH_SOURCES", None)
    return subprocess.Popen([sys.executable, "-m", "crawler", "crawl", "--format", "json"], cwd=ws.dir, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def query(ws, sql: str, *args):
    with sqlite3.connect(ws.db) as conn:
        return conn.execute(sql, args).fetchall()


def wait_for_captures(ws, n: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            if query(ws, "select count(*) from capture")[0][0] >= n:
                return
        except sqlite3.OperationalError:  # not created yet
            pass
        time.sleep(0.1)
    raise AssertionError(f"fewer than {n} captures after {timeout} s")


def the_run(ws) -> dict:
    ((run_id, status, reason, stats),) = query(ws, "select id, status, finish_reason, stats from crawl_run")
    stats = json.loads(stats) if stats else {}
    outcomes = dict(query(ws, "select outcome, count(*) from capture where run_id = ? group by outcome", run_id))
    errors = [e for (e,) in query(ws, "select error from capture where error is not null")]
    return {"status": status, "reason": reason, "stats": stats, "stored": outcomes, "errors": errors}


def counted(stats: dict) -> dict:
    return {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("mirrorwatch/captures/")}


@pytest.mark.slow
def test_a_first_ctrl_c_stops_gracefully_and_the_workers_ignore_it(slow_site, ws):
    ws.source(slow_site)
    proc = start_crawl(ws)
    wait_for_captures(ws, 2, proc)  # the extraction worker is busy by now
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "stopping… (Ctrl-C again to force)" in stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    run = the_run(ws)
    assert (run["status"], run["reason"]) == ("interrupted", "shutdown")
    assert 2 <= sum(run["stored"].values()) < ARTICLES
    assert counted(run["stats"]) == run["stored"]  # the run's counts are what was stored
    assert run["errors"] == []  # no false "the extraction worker died"
    (row,) = json.loads(stdout)["sources"]
    assert (row["status"], row["fetched"]) == ("interrupted", sum(run["stored"].values()))


def test_a_ctrl_c_sends_no_more_requests_and_leaves_the_waiting_pages_to_the_next_crawl(site, ws):
    # A polite source: one request per 3 s. The downloader holds a dozen requests waiting for it.
    articles(site)
    ws.source(site, download_delay=3)
    proc = start_crawl(ws)
    wait_for_captures(ws, 1, proc)
    asked = articles_asked(site)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)  # without the drop, the stop waited 3 s per waiting request
    assert proc.returncode == 1 and "Traceback" not in stderr
    assert len(articles_asked(site)) <= len(asked) + 1  # one may have been on its way as the signal came
    run = the_run(ws)
    assert (run["status"], run["reason"]) == ("interrupted", "shutdown")
    assert run["stats"]["mirrorwatch/stop/dropped_waiting"] >= 5
    assert run["errors"] == [] and counted(run["stats"]) == run["stored"]
    assert set(run["stored"]) == {"new-version"}  # the requests dropped are no error captures

    ws.source(site)  # the next crawl, without the delay, fetches what the stop left
    ws.run("crawl")
    assert query(ws, "select count(*) from version") == [(ARTICLES,)]


def articles_asked(site) -> list[str]:
    return [path for path in site.server.paths_requested() if path.startswith("/articles/a")]


@pytest.mark.slow
def test_a_second_ctrl_c_forces_the_stop_and_keeps_the_run_interrupted_with_its_counts(slow_site, ws):
    ws.source(slow_site)
    proc = start_crawl(ws)
    wait_for_captures(ws, 2, proc)
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(0.2)  # the graceful stop waits for the slow site: it is still going on
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "stopping… (Ctrl-C again to force)" in stderr and "stopping now" in stderr
    assert "Traceback" not in stderr
    run = the_run(ws)
    assert (run["status"], run["reason"]) == ("interrupted", "forced shutdown")
    assert sum(run["stored"].values()) >= 2
    assert counted(run["stats"]) == run["stored"], (query(ws, "select id, run_id, outcome from capture"),
                                                    (ws.dir / "mirrorwatch-crawl.log").read_text()[-3000:])
    assert not any("worker died" in e for e in run["errors"])


@pytest.mark.slow
def test_a_killed_crawl_is_closed_as_failed_by_the_next_one_when_its_heartbeat_stops(slow_site, ws):
    ws.source(slow_site)
    beats = {"MIRRORWATCH_HEARTBEAT_INTERVAL": "0.2"}  # dead after 10 silent beats: 2 s
    proc = start_crawl(ws, **beats)
    wait_for_captures(ws, 1, proc)
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    ((status, started, beat),) = query(ws, "select status, started_at, heartbeat_at from crawl_run")
    assert status == "running" and beat > started  # it was beating until it died
    time.sleep(2.5)
    slow_site.server.httpd.RequestHandlerClass = slow_site.fast  # the next crawl need not wait
    second = ws.run("crawl", "--format", "json", env=beats, check=False)
    assert "closed run 1 as failed: its crawl process died (no heartbeat)" in second.stderr
    ((status, reason),) = query(ws, "select status, finish_reason from crawl_run where id = 1")
    assert status == "failed"
    assert reason.startswith("process died (no heartbeat since ") and reason.endswith(" UTC)")
    assert query(ws, "select status from crawl_run where id = 2") == [("finished",)]
