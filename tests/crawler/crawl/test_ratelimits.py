"""Rate limits met by real crawls: Retry-After honoured (seconds or an HTTP date) up to the
source's max_retry_after, robots.txt's Crawl-delay, and a source's proxy whose password is
never shown."""

import base64
import json
import sqlite3
import time
from email.utils import formatdate

import pytest

from crawler.crawl.ratelimits import retry_after
from tests.support.scripted import Answer, scripted  # noqa: F401 (a fixture)
from tests.support.sites import PARAGRAPHS, article_html

A, B, C = "/articles/tram.html", "/articles/bridge.html", "/articles/park.html"
PAGE = article_html("Tram line extended", PARAGRAPHS)


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after(b"120") == 120.0
    assert 28 <= retry_after(formatdate(time.time() + 30, usegmt=True)) <= 30
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date past: no wait
    assert retry_after(b"soon") is None
    assert retry_after(None) is None


def sources(ws, site, start=None, **extra):
    lines = "".join(f"{k} = {json.dumps(v)}\n" for k, v in extra.items())
    ws.sources(f'[[source]]\nname = "test"\nrole = "origin"\nstart_urls = ["{start or site.url}/"]\n'
               f'allow = ["/articles/"]\n{lines}')


def limited(status, wait):
    return Answer(b"<html><body>Too many requests</body></html>", status, {"Retry-After": wait,
                                                                         "Content-Type": "text/html"})


@pytest.mark.slow
@pytest.mark.parametrize("status", [429, 503])
def test_a_retry_after_in_seconds_pauses_the_host_and_retries_the_page(ws, scripted, status):
    scripted.index(A)
    scripted.answer(A, limited(status, "2"), PAGE)
    sources(ws, scripted)
    result = ws.crawl()
    assert result["summary"]["new_version"] == 1
    first, second = scripted.times(A)
    assert second - first >= 1.9
    assert result["stats"]["mirrorwatch/ratelimit/retry_after"] == 1
    assert result["stats"]["mirrorwatch/ratelimit/waited_seconds"] == 2.0


@pytest.mark.slow
def test_a_retry_after_as_an_http_date_is_honoured(ws, scripted):
    scripted.index(A)
    scripted.answer(A, limited(503, lambda: formatdate(time.time() + 3, usegmt=True)), PAGE)
    sources(ws, scripted)
    assert ws.crawl()["summary"]["new_version"] == 1
    first, second = scripted.times(A)
    assert second - first >= 1.9  # 3 s, less the date's one-second grain


@pytest.mark.slow
def test_a_wait_over_max_retry_after_is_an_error_capture_for_this_run(ws, scripted):
    scripted.index(A)
    scripted.answer(A, limited(429, "120"), PAGE)
    sources(ws, scripted, max_retry_after=5)
    started = time.monotonic()
    result = ws.crawl()
    assert time.monotonic() - started < 60
    assert (result["summary"]["error"], result["summary"]["new_version"]) == (1, 0)
    assert scripted.count(A) == 1
    assert ws.captures() == [(scripted.url + A, "error", 429)]
    with sqlite3.connect(ws.db) as conn:
        [(error, due, fetched)] = conn.execute("select c.error, p.next_due_at, p.last_fetched_at from capture c"
                                               " join page p on p.id = c.page_id").fetchall()
    assert error == "HTTP 429: the site asks to wait 120 s (Retry-After), more than max_retry_after (5 s)"
    assert due > fetched  # due again later
    assert result["stats"]["mirrorwatch/ratelimit/over_max"] == 1


@pytest.mark.slow
def test_robots_crawl_delay_is_the_hosts_minimum_delay(ws, scripted):
    scripted.robots(b"User-agent: *\nCrawl-delay: 2\n")
    scripted.index(A, B, C)
    for path in (A, B, C):
        scripted.answer(path, article_html(path, PARAGRAPHS))
    sources(ws, scripted)
    result = ws.crawl()
    assert result["summary"]["new_version"] == 3
    assert result["stats"]["mirrorwatch/ratelimit/crawl_delay"] == 2.0
    times = sorted(t for t, path, _ in scripted.requests if path != "/robots.txt")
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.95  # 2 s, less Scrapy's ±50% jitter


@pytest.mark.slow
def test_a_sources_proxy_carries_the_crawl_and_its_password_is_never_shown(ws, scripted):
    proxy = f"http://walker:s3cr3t-pw@{scripted.url.split('//')[1]}"
    scripted.index(A)
    scripted.answer(A, PAGE)
    sources(ws, scripted, start="http://127.0.0.1:9", proxy=proxy)  # nothing listens on port 9: only the proxy answers
    result = ws.run("crawl", "--format", "json")
    data = json.loads(result.stdout)
    assert data["sources"][0]["new_version"] == 1
    assert {h.get("Proxy-Authorization") for _, _, h in scripted.requests} == {
        "Basic " + base64.b64encode(b"walker:s3cr3t-pw").decode()}
    with sqlite3.connect(ws.db) as conn:
        stored = json.dumps(conn.execute("select stats from crawl_run").fetchall())
        stored += json.dumps(conn.execute("select headers, error from capture").fetchall())
    log = (ws.dir / "mirrorwatch-crawl.log").read_text()
    assert "walker" in log or "127.0.0.1:9" in log  # the log is the crawl's
    for shown in (stored, log, result.stdout, result.stderr, ws.cli("sources", "--format", "json").stdout):
        assert "s3cr3t-pw" not in shown
    assert '"proxy": "http://walker:***@' in ws.cli("sources", "--format", "json").stdout
