"""Two real worker processes share one Redis frontier: each page fetched once per run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections import Counter

import pytest

from tests.support.databases import IN_CI
from tests.support.sites import PARAGRAPHS

REDIS_URL = os.environ.get("MIRRORWATCH_TEST_REDIS", "redis://127.0.0.1:6379/0")
PAGES = 40


@pytest.fixture
def redis_url():
    import redis

    try:
        server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        server.ping()
    except redis.RedisError as exc:
        reason = f"Redis not reachable at {REDIS_URL}: {exc}"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    yield REDIS_URL
    server.close()


@pytest.fixture
def source_name(redis_url):
    import redis

    name = f"frontier-{uuid.uuid4().hex[:8]}"  # our own key prefix: mirrorwatch:<name>:*
    yield name
    server = redis.Redis.from_url(redis_url)
    keys = list(server.scan_iter(f"mirrorwatch:{name}:*"))
    if keys:
        server.delete(*keys)
    server.close()


def start_workers(ws, name: str, redis_url: str, n: int = 2, *args: str,
                  session: bool = False) -> list[subprocess.Popen]:
    """``args``: more options of ``crawl``; ``session``: each in a process group of its own (to be
    signalled as a terminal signals it)."""
    env = {**os.environ, "MIRRORWATCH_EXTRACT_WORKERS": "1"}
    for key in ("MIRRORWATCH_DB", "MIRRORWATCH_SOURCES", "MIRRORWATCH_REDIS"):
        env.pop(key, None)
    return [subprocess.Popen([sys.executable, "-m", "crawler", "crawl", name, "--redis", redis_url,
                              "--format", "json", *args], cwd=ws.dir, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=session) for _ in range(n)]


def finish(workers: list[subprocess.Popen]) -> list[dict]:
    rows = []
    try:
        for worker in workers:
            out, err = worker.communicate(timeout=180)
            assert worker.returncode == 0, err[-3000:]
            data = json.loads(out)
            rows.append({**data["sources"][0], "stats": data["stats"][data["sources"][0]["source"]]})
    finally:  # a failed worker must not leave the other one writing keys after the clean-up
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    return rows


def articles(site, n: int) -> list[str]:
    """``n`` articles, each with its own first sentence, listed on the site's index; their paths."""
    paths = [f"/articles/{k}.html" for k in range(n)]
    site.index(*paths)
    for k, path in enumerate(paths):
        site.article(path, f"Article {k}", [f"Article {k} opens with its own sentence number {k}.", *PARAGRAPHS])
    return paths


def article_requests(site) -> Counter:
    return Counter(path for method, path, _ in site.server.requests if path.startswith("/articles/"))


@pytest.mark.slow
@pytest.mark.redis
def test_two_workers_share_a_run_and_the_next_run_refetches(site, ws, redis_url, source_name):
    import redis

    paths = articles(site, PAGES)
    # 0.3 s per request (12 s for all): an idle worker looks at the queue every 5 s (Scrapy's heartbeat).
    ws.source(site, name=source_name, download_delay=0.3)
    ws.cli("db", "upgrade")  # migrate once, before the workers start (as the deployment notes say)

    first = finish(start_workers(ws, source_name, redis_url))
    requested = article_requests(site)
    assert sorted(requested) == sorted(paths) and set(requested.values()) == {1}  # each page once
    assert all(row["fetched"] > 0 for row in first), [row["fetched"] for row in first]  # both did part of the work
    assert sum(row["new_version"] for row in first) == PAGES
    assert sorted(row["stats"]["mirrorwatch/frontier/seeder"] for row in first) == [False, True]
    assert len({row["stats"]["mirrorwatch/frontier/run"] for row in first}) == 1  # one run, shared
    assert not list(redis.Redis.from_url(redis_url).scan_iter(f"mirrorwatch:{source_name}:*"))  # cleaned up

    site.server.requests.clear()
    second = finish(start_workers(ws, source_name, redis_url))
    requested = article_requests(site)
    assert sorted(requested) == sorted(paths) and set(requested.values()) == {1}  # not blocked by run 1's filter
    assert sum(row["not_modified"] for row in second) == PAGES
    assert sum(row["fetched"] for row in second) == PAGES
    assert {row["stats"]["mirrorwatch/frontier/run"] for row in second}.isdisjoint(
        {row["stats"]["mirrorwatch/frontier/run"] for row in first})
    history = ws.json("history", site.url + paths[0])
    assert len(history["versions"]) == 1


@pytest.mark.slow
def test_unreachable_redis_is_one_line(site, ws):
    site.index()
    ws.source(site)
    result = ws.run("crawl", "--redis", "redis://127.0.0.1:1/0", check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: cannot use Redis at redis://127.0.0.1:1/0")
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.redis
def test_a_worker_stopped_by_ctrl_c_hands_its_waiting_requests_back_to_the_run(site, ws, redis_url, source_name):
    import pickle
    import signal

    import redis

    from tests.crawler.crawl.test_stopping import query, wait_for_captures

    paths = articles(site, 24)
    ws.source(site, name=source_name, download_delay=3)  # a dozen requests wait in the downloader
    ws.cli("db", "upgrade")
    (worker,) = start_workers(ws, source_name, redis_url, 1, "--run", "r1", session=True)
    try:
        wait_for_captures(ws, 1, worker)
        os.killpg(worker.pid, signal.SIGINT)
        out, err = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 1, err[-3000:]
    stats = json.loads(out)["stats"][source_name]
    handed = stats["mirrorwatch/stop/dropped_waiting"]
    assert handed >= 5
    key = f"mirrorwatch:{source_name}:r1:requests"
    queued = [pickle.loads(v)["url"] for v in redis.Redis.from_url(redis_url).zrange(key, 0, -1)]
    assert len(queued) >= handed  # back on the run's queue (with what no worker had taken yet)
    queued = {url.removeprefix(site.url) for url in queued if "/articles/" in url}
    stored = {url.removeprefix(site.url) for (url,) in query(ws, "select p.url from page p join version v on v.page_id = p.id")}
    assert stored.isdisjoint(queued) and stored | queued == set(paths)  # nothing the worker took is lost to the run

    ws.source(site, name=source_name)  # the next worker of the run, without the delay
    (row,) = finish(start_workers(ws, source_name, redis_url, 1, "--run", "r1"))
    assert row["new_version"] == len(queued)
    assert query(ws, "select count(*) from version") == [(len(paths),)]
    assert set(article_requests(site).values()) == {1}  # each page fetched once in the run
