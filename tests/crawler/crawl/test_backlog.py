"""Discovered article URLs wait on disk and reach Scrapy's scheduler a batch at a time
(``crawler.crawl.backlog``): none is lost or fetched twice, max_pages takes the first ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.crawl.backlog import ACCEPTED, LEFT_OUT, Backlog, CompactDupeFilter
from tests.support.scripted import Answer, scripted  # noqa: F401 (a fixture)

XML = {"Content-Type": "application/xml"}
ROOT = Path(__file__).resolve().parents[3]
PAGE = "<html><head><title>Story {k}</title></head><body><p>Story number {k}.</p></body></html>"


def test_the_backlog_gives_urls_in_the_order_accepted_and_remembers_every_url_met():
    backlog = Backlog()
    for k in range(5):
        backlog.accept(f"http://s/{k}")
        backlog.push(f"http://s/{k}", k, f"2026-01-0{k + 1}" if k else None)
    backlog.leave_out("http://s/late")
    backlog.leave_out("http://s/late")  # met twice, counted once
    assert (backlog.accepted, backlog.left_out, backlog.waiting) == (5, 1, 5)
    assert backlog.take(2) == [("http://s/0", 0, None), ("http://s/1", 1, "2026-01-02")]
    assert [url for url, _, _ in backlog.take(10)] == ["http://s/2", "http://s/3", "http://s/4"]
    assert (backlog.take(10), backlog.waiting) == ([], 0)
    assert [backlog.state(u) for u in ("http://s/3", "http://s/late", "http://s/new")] == [ACCEPTED, LEFT_OUT, None]
    backlog.close()


def test_the_duplicate_filter_keeps_one_int_per_request():
    from scrapy import Request

    dupes = CompactDupeFilter()
    assert [dupes.request_seen(Request(u)) for u in ("http://s/a", "http://s/b", "http://s/a")] == [False, False, True]
    assert all(type(fp) is int for fp in dupes._fingerprints) and len(dupes._fingerprints) == 2


def site_with_sitemaps(scripted, n: int, per: int) -> list[str]:
    paths = [f"/a/{k}.html" for k in range(n)]
    parts = [paths[i:i + per] for i in range(0, n, per)]
    scripted.answer("/sitemap.xml", Answer(
        ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
         + "".join(f"<sitemap><loc>{scripted.url}/sitemap-{i}.xml</loc></sitemap>" for i in range(len(parts)))
         + "</sitemapindex>").encode(), headers=XML))
    for i, part in enumerate(parts):
        rows = "".join(f"<url><loc>{scripted.url}{p}</loc></url>" for p in part)
        scripted.answer(f"/sitemap-{i}.xml", Answer(
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'
            .encode(), headers=XML))
    for k, path in enumerate(paths):
        scripted.answer(path, PAGE.format(k=k))
    return paths


def crawl(tmp_path, scripted, max_pages: int) -> dict:
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "big"\nrole = "origin"\nstart_urls = []\n'
                       f'sitemaps = ["{scripted.url}/sitemap.xml"]\nallow = ["/a/"]\nmax_pages = {max_pages}\n',
                       encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "tests.support.discovery_crawl", str(sources), "big"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=600,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


@pytest.mark.slow
def test_5000_sitemap_urls_are_each_fetched_once_with_few_requests_in_memory(tmp_path, scripted):
    paths = site_with_sitemaps(scripted, 5000, 1000)
    result = crawl(tmp_path, scripted, max_pages=10_000)
    assert sorted(result["urls"]) == sorted(scripted.url + p for p in paths)
    assert [scripted.count(p) for p in paths] == [1] * 5000
    assert result["stats"]["mirrorwatch/discovery/sitemap_urls"] == 5000
    assert result["stats"]["mirrorwatch/requests/articles"] == 5000
    # The scheduler held a batch or two (CONCURRENT_REQUESTS is 16) and the sitemaps, not 5,000 requests.
    assert result["most_scheduled"] <= 40


@pytest.mark.slow
def test_max_pages_fetches_the_first_accepted_urls_and_counts_the_others(tmp_path, scripted):
    paths = site_with_sitemaps(scripted, 50, 50)  # one sitemap: its order is the order of discovery
    result = crawl(tmp_path, scripted, max_pages=20)
    assert sorted(result["urls"]) == sorted(scripted.url + p for p in paths[:20])  # the first 20 listed
    assert [scripted.count(p) for p in paths] == [1] * 20 + [0] * 30
    assert result["stats"]["mirrorwatch/discovery/sitemap_urls"] == 50
    assert result["stats"]["mirrorwatch/discovery/over_max_pages"] == 30
