"""Driving real ``mirrorwatch schedule`` processes: start one, stop it, wait for what it does."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time


def runs(ws):
    with sqlite3.connect(ws.db) as conn:
        return conn.execute("select id, status, finish_reason, stats is not null, finished_at is not null "
                            "from crawl_run order by id").fetchall()


def captures(ws):
    with sqlite3.connect(ws.db) as conn:
        return conn.execute("select c.run_id, p.url, c.outcome from capture c join page p on p.id = c.page_id "
                            "order by c.id").fetchall()


def start_scheduler(ws, *args):
    ws.cli("db", "upgrade")  # so that the test can read the tables at once
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
