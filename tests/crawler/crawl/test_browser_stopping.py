"""Ctrl-C during a rendered crawl (``render = "browser"``): the crawl stops within a bound, its
run is closed ``interrupted``, no chromium process outlives it, and no partial page is stored.
Signalled as a terminal signals it: the whole process group, chromium included."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from tests.crawler.crawl.test_stopping import counted, start_crawl, the_run, wait_for_captures
from tests.support.sites import PARAGRAPHS
from tests.support.spa import need_chromium, spa_article

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ARTICLES = 12
JSON_DELAY = 1.5  # seconds the site takes per data request: renders are under way when Ctrl-C comes
STOP_WITHIN = 15  # seconds from Ctrl-C to the crawl's exit (about 1 s on a quiet machine)


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found.update(children)
            todo += children
    return found


def is_chromium(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip().startswith("chrom")
    except OSError:
        return False


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def spa_site(make_site, articles: int, data_delay: float):
    """A site of ``articles`` pages built by JavaScript, whose data requests each take
    ``data_delay`` seconds; and an event set when the first data request arrives."""
    need_chromium()
    site = make_site("spa")
    for n in range(articles):
        spa_article(site, f"a{n}", f"Article {n}", [f"Report {n}: " + p for p in PARAGRAPHS])
    site.index(*(f"/articles/a{n}.html" for n in range(articles)))
    handler, asked = site.server.httpd.RequestHandlerClass, threading.Event()

    class Slow(handler):
        def do_GET(self, head: bool = False) -> None:
            if self.path.startswith("/api/"):
                asked.set()
                time.sleep(data_delay)
            super().do_GET(head)

    site.server.httpd.RequestHandlerClass = Slow
    return site, asked


@pytest.fixture
def slow_spa(make_site):
    return spa_site(make_site, ARTICLES, JSON_DELAY)[0]


def test_ctrl_c_stops_a_rendered_crawl_promptly_without_chromium_left_or_partial_pages(slow_spa, ws):
    ws.source(slow_spa, render="browser", wait_for="article h1", render_timeout=10, render_concurrency=2)
    proc = start_crawl(ws)
    wait_for_captures(ws, 2, proc, timeout=90)
    browsers = {pid for pid in descendants(proc.pid) if is_chromium(pid)}
    assert browsers, "no chromium process under the crawl"
    os.killpg(proc.pid, signal.SIGINT)
    stopped = time.monotonic()
    stdout, stderr = proc.communicate(timeout=STOP_WITHIN + 30)
    took = time.monotonic() - stopped
    assert took < STOP_WITHIN, f"{took:.1f} s to stop"
    assert proc.returncode == 1
    assert "stopping… (Ctrl-C again to force)" in stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    log = (ws.dir / "mirrorwatch-crawl.log").read_text()
    assert "Traceback" not in log  # the browser's pages failing as it goes are no errors to report
    assert log.count("Launching browser chromium") == 1  # none relaunched for the renders the stop cut short
    assert "requests not sent yet are left for the next crawl" in log
    deadline = time.monotonic() + 5
    while (left := {pid for pid in browsers if alive(pid)}) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"chromium processes left behind: {sorted(left)}"

    run = the_run(ws)
    assert (run["status"], run["reason"]) == ("interrupted", "shutdown")
    assert 2 <= sum(run["stored"].values()) < ARTICLES
    assert counted(run["stats"]) == run["stored"]
    assert run["errors"] == []  # a render cut short by the stop is no error of the site's
    # Every version stored is a whole article, exactly as the site builds it.
    with sqlite3.connect(ws.db) as conn:
        stored = conn.execute("select p.url, v.text from version v join page p on p.id = v.page_id").fetchall()
    assert len(stored) == run["stored"].get("new-version", 0) >= 2
    for url, text in stored:
        n = int(url.rsplit("/a", 1)[1].removesuffix(".html"))
        assert text == "\n".join([f"Article {n}", *(f"Report {n}: " + p for p in PARAGRAPHS)])


def test_a_stop_sent_to_the_crawl_alone_ends_the_renders_in_flight_instead_of_waiting_for_them(make_site, ws):
    """As the scheduler stops a crawl (SIGTERM to it, chromium untouched): renders whose data never
    comes would hold the graceful stop until ``render_timeout``; they are cancelled and store nothing."""
    site, asked = spa_site(make_site, 4, 45)
    ws.source(site, render="browser", wait_for="article h1", render_timeout=40, render_concurrency=2)
    proc = start_crawl(ws)
    deadline = time.monotonic() + 90
    while not asked.wait(0.1):  # a page is rendering, waiting for its data
        assert proc.poll() is None and time.monotonic() < deadline, "no render started"
    os.kill(proc.pid, signal.SIGTERM)
    stopped = time.monotonic()
    _, stderr = proc.communicate(timeout=60)
    took = time.monotonic() - stopped
    assert took < 20, f"{took:.1f} s to stop: the stop waited for the renders"  # they had 40 s to go
    assert proc.returncode == 1 and "Traceback" not in stderr
    run = the_run(ws)
    assert (run["status"], run["reason"]) == ("interrupted", "shutdown")
    assert run["stored"] == {} and run["errors"] == []  # a render cut short is no capture, no error
    assert run["stats"]["mirrorwatch/render/cut_short"] >= 1
