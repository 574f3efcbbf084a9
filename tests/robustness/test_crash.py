"""Crash safety: a crawl killed with SIGKILL at random moments leaves a consistent archive, and
the next crawl completes the rest with each page stored once.

Each round starts ``mirrorwatch crawl`` on a small, slow site and kills its whole process group
(the crawler and its extraction workers) after a random delay; then the SQLite file must pass
``PRAGMA integrity_check`` and ``foreign_key_check``, and hold no version without its capture,
no capture or page whose body hash has no blob, no ``new-version`` capture without a version.
The same harness kills the scheduler (``mirrorwatch schedule``) together with the crawl it
started. Set ``MIRRORWATCH_CRASH_SEED`` to replay a run; the seed is printed on failure.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.support.consistency import consistency_problems
from tests.support.databases import IN_CI, REPO
from tests.support.sites import PARAGRAPHS

# Rounds of each kill harness: MIRRORWATCH_CRASH_ROUNDS, or 20 under CI and 5 elsewhere.
ROUNDS = int(os.environ.get("MIRRORWATCH_CRASH_ROUNDS", 20 if IN_CI else 5))
PAGES = 12
SEED = int(os.environ.get("MIRRORWATCH_CRASH_SEED", random.randrange(1 << 30)))


def captures(db) -> int:
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("select count(*) from capture").fetchone()[0]
        except sqlite3.OperationalError:
            return 0  # no schema yet


def start_crawl(ws) -> subprocess.Popen:
    env = {**os.environ, "MIRRORWATCH_EXTRACT_WORKERS": "1"}
    env.pop("MIRRORWATCH_DB", None)
    env.pop("MIRRORWATCH_SOURCES", None)
    # A session of its own, so that the kill takes the extraction worker too.
    return subprocess.Popen([sys.executable, "-m", "crawler", "crawl"], cwd=ws.dir, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)


def kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it had finished already
    process.wait(timeout=30)


@pytest.fixture
def slow_site(site, ws):
    paths = [f"/articles/a{n:02d}.html" for n in range(PAGES)]
    for n, path in enumerate(paths):
        site.article(path, f"Article {n}", [f"Article {n} reports. " + p for p in PARAGRAPHS])
    site.index(*paths)
    # One request at a time, 0.25 s apart: a crawl lasts a few seconds, long enough to be hit mid-write.
    ws.source(site, download_delay=0.25, concurrency=1)
    return paths


@pytest.mark.slow
def test_a_crawl_killed_at_random_moments_loses_nothing(site, ws, slow_site):
    rng = random.Random(SEED)
    outcomes, before = [], 0
    for round_ in range(ROUNDS):
        process = start_crawl(ws)
        # Early kills land in start-up and migration, later ones among the page writes.
        time.sleep(rng.uniform(0.2, 6.0))
        finished = process.poll() is not None
        kill(process)
        if ws.db.exists():
            problems = consistency_problems(ws.db)
            assert problems == [], f"seed {SEED}, round {round_}: {problems}"
        written = captures(ws.db)
        outcomes.append("finished" if finished else ("killed mid-crawl" if written > before else "killed early"))
        before = written
    # The harness is only worth something if many kills hit a crawl while it was writing.
    assert outcomes.count("killed mid-crawl") >= 3, f"seed {SEED}: {outcomes}"

    final = ws.crawl()  # the next crawl completes the rest
    assert final["summary"]["error"] == 0, f"seed {SEED}"
    assert consistency_problems(ws.db) == []
    with sqlite3.connect(ws.db) as conn:
        pages = conn.execute("select url from page order by url").fetchall()
        versions = conn.execute("select p.url, count(v.id) from page p left join version v on v.page_id = p.id"
                                " group by p.url order by p.url").fetchall()
    assert [u for (u,) in pages] == [site.url + p for p in slow_site], f"seed {SEED}"
    assert versions == [(site.url + p, 1) for p in slow_site], f"seed {SEED}: a page stored twice or not at all"


KILL_AT_STATEMENT = """
import os, signal, sys
from sqlalchemy import event
from storage import db
make_engine, seen = db.make_engine, []
def killing_engine(url):
    engine = make_engine(url)
    @event.listens_for(engine, "before_cursor_execute")
    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("CREATE", "ALTER", "DROP", "INSERT INTO ALEMBIC", "UPDATE ALEMBIC")):
            seen.append(statement)
            if len(seen) == int(sys.argv[2]):
                os.kill(os.getpid(), signal.SIGKILL)
    return engine
db.make_engine = killing_engine
db.open_engine(sys.argv[1])
"""


@pytest.mark.slow
@pytest.mark.parametrize("statement", [1, 4, 9, 15, 22])
def test_a_migration_killed_midway_leaves_a_database_the_next_run_migrates(ws, statement):
    # SIGKILL right before the Nth schema statement of a fresh database's migrations.
    killed = subprocess.run([sys.executable, "-c", KILL_AT_STATEMENT, ws.db_url, str(statement)],
                            cwd=ws.dir.parent.parent, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-1500:]
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("select name from sqlite_master where type = 'table'").fetchall() == []
    result = ws.cli("db", "upgrade", check=False)
    assert result.returncode == 0, result.stderr[-1500:]
    assert consistency_problems(ws.db) == []
    assert ws.cli("runs", "--format", "json").stdout.strip().startswith("{")


WORKER_DIES = """
import crawler.crawl.pipeline
from tests.support.hostile.crashing import parse_or_die


crawler.crawl.pipeline.parse = parse_or_die  # pickled by name: the workers import it too
from crawler.cli import main
import sys
sys.argv = ["mirrorwatch", "crawl", "--format", "json"]
main()
"""


@pytest.mark.slow
def test_an_extraction_worker_that_dies_is_replaced_and_the_crawl_goes_on(site, ws):
    import json

    paths = [f"/articles/a{n}.html" for n in range(3)] + ["/articles/crash.html"] + [f"/articles/b{n}.html" for n in range(3)]
    for n, path in enumerate(paths):
        site.article(path, f"Article {n}", [f"Article {n} reports. " + p for p in PARAGRAPHS])
    site.index(*paths)
    # 1 s between fetches: few pages wait in the pool when its worker dies, so the dead pool takes
    # the crash page and at most a neighbour with it, not most of the crawl (which would make the
    # crawl say "extraction failed for most pages", exit 1, on a loaded machine).
    ws.source(site, concurrency=1, download_delay=1.0)
    env = {**os.environ, "MIRRORWATCH_EXTRACT_WORKERS": "1", "PYTHONPATH": str(REPO)}
    env.pop("MIRRORWATCH_DB", None)
    result = subprocess.run([sys.executable, "-c", WORKER_DIES], cwd=ws.dir, env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    stats = json.loads(result.stdout)["stats"]["test"]
    assert stats["mirrorwatch/extract/pool_restarts"] >= 1
    with sqlite3.connect(ws.db) as conn:
        outcomes = dict(conn.execute("select p.url, c.outcome from capture c join page p on p.id = c.page_id"))
        errors = {e for (e,) in conn.execute("select error from capture where outcome = 'error'")}
    # Every fetch is recorded: pages in the dead pool's queue as errors with the reason, the
    # pages after it as versions from the new workers.
    assert len(outcomes) == len(paths)
    assert outcomes[site.url + "/articles/crash.html"] == "error"
    assert errors == {"extraction failed: the extraction worker died on this page or one beside it"}
    assert "new-version" in outcomes.values()
    assert consistency_problems(ws.db) == []
    ws.crawl()  # the next crawl stores what the dead worker took with it
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("select count(distinct page_id) from version").fetchone()[0] == len(paths)


def descendants(pid: int) -> list[int]:
    """Every living process below ``pid`` (the scheduler's crawl runs in a session of its own)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@pytest.mark.slow
def test_a_scheduler_killed_at_random_moments_loses_nothing(site, ws, slow_site):
    """The scheduler and the crawl it started die together (a machine that loses power): the
    archive stays consistent, the next scheduler takes over the dead one's lock, and one
    ``schedule --once`` completes the rest with each page stored once."""
    # Every known page is due on every run (recheck_max 1 s), so every run writes captures.
    ws.source(site, download_delay=0.25, concurrency=1, schedule="2s", recheck_max="1s")
    rng = random.Random(SEED)
    env = {**os.environ, "MIRRORWATCH_EXTRACT_WORKERS": "1"}
    env.pop("MIRRORWATCH_DB", None)
    env.pop("MIRRORWATCH_SOURCES", None)
    mid_crawl, before = 0, 0
    for round_ in range(ROUNDS):
        scheduler = subprocess.Popen([sys.executable, "-m", "crawler", "schedule", "--lock-ttl", "1"],
                                     cwd=ws.dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, start_new_session=True)
        time.sleep(rng.uniform(0.5, 6.0))
        if round_ % 2 == 0:
            # Every other kill waits until the crawl is writing, however long its start takes on a
            # loaded machine (a crawl now spawns its extraction workers and a matcher first).
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not (ws.db.exists() and captures(ws.db) > before):
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 0.5))
        assert scheduler.poll() is None, f"seed {SEED}, round {round_}: {scheduler.stderr.read()[-1500:]}"
        doomed = descendants(scheduler.pid)
        kill(scheduler)
        for pid in doomed:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if ws.db.exists():
            problems = consistency_problems(ws.db)
            assert problems == [], f"seed {SEED}, round {round_}: {problems}"
        written = captures(ws.db)
        mid_crawl += written > before
        before = written
        time.sleep(1.1)  # the dead scheduler's lock goes stale (--lock-ttl 1)
    assert mid_crawl >= 3, f"seed {SEED}: only {mid_crawl} kills landed while a crawl was writing"
    time.sleep(2.1)  # the source's 2 s interval has passed since the last run started: it is due
    once = ws.run("schedule", "--once", "--lock-ttl", "1", "--format", "json")
    assert [r["status"] for r in json.loads(once.stdout)["runs"]] == ["finished"], f"seed {SEED}"
    assert consistency_problems(ws.db) == []
    with sqlite3.connect(ws.db) as conn:
        versions = conn.execute("select p.url, count(v.id) from page p left join version v on v.page_id = p.id"
                                " group by p.url order by p.url").fetchall()
    assert versions == [(site.url + p, 1) for p in slow_site], f"seed {SEED}: a page stored twice or not at all"
