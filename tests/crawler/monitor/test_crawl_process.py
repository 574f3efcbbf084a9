"""Crawl processes started by the scheduler: a crashed crawl is recorded as failed and the next one runs."""

import sys

import pytest

from storage.db import open_engine


@pytest.mark.slow
def test_a_crashed_crawl_is_recorded_as_failed_and_the_next_one_runs(sqlite_url):
    from crawler.monitor.crawl_process import CrawlProcesses
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
