"""Nothing let in: requests stay on the source's origin, nothing listens for commands, database
passwords never leave the process, reports escape scraped text, sources.toml is data only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from crawler.crawl.middlewares import SameOriginMiddleware
from crawler.crawl.runner import crawl_settings
from crawler.render.html import compare_html, copies_html, diff_html
from crawler.sources import SourcesError, load_sources
from tests.support.databases import REPO, _pg_database
from tests.support.sites import PARAGRAPHS

ORIGIN = "http://127.0.0.1:8001"


def middleware() -> SameOriginMiddleware:
    crawler = get_crawler()
    crawler.spider = SimpleNamespace(source=SimpleNamespace(origin="http://127.0.0.1:8001"))
    return SameOriginMiddleware.from_crawler(crawler)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8001/a.html",
    "HTTP://127.0.0.1:8001/a.html",  # scheme case
    "http://127.0.0.1:8001/a.html?x=1#top",
])
def test_requests_on_the_sources_own_origin_pass(url):
    assert middleware().process_request(Request(url)) is None


@pytest.mark.parametrize("url", [
    "https://127.0.0.1:8001/a.html",  # another scheme
    "http://127.0.0.1:8002/a.html",  # another port
    "http://127.0.0.1/a.html",  # the default port is another port
    "http://localhost:8001/a.html",  # another host name for the same machine
    "http://127.0.0.1:8001@evil.example/a.html",  # user-info trick: the host is evil.example
    "http://169.254.169.254/latest/meta-data/",  # a cloud metadata address
    "http://10.0.0.1:8001/a.html",  # a private address
    "ftp://127.0.0.1:8001/a.html",
    "file:///etc/passwd",
    "data:text/html,<p>hi</p>",
])
def test_requests_anywhere_else_are_refused_and_counted(url):
    mw = middleware()
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request(url))
    assert mw.crawler.stats.get_value("mirrorwatch/offsite/ignored") == 1


def test_nothing_listens_for_commands():
    settings = crawl_settings(db="x.db", sources_path="sources.toml")
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    # the crawl's own log is checked in tests/crawler/crawl/test_runner.py::test_no_telnet_console_or_remote_control_server


# -- database passwords ------------------------------------------------------------------------

SECRET = "s3cret-pw-x7"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MIRRORWATCH_EXTRACT_WORKERS": "1"}
    env.pop("MIRRORWATCH_DB", None)
    return subprocess.run([sys.executable, "-m", "crawler", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("command", [["runs"], ["db", "upgrade"], ["history", "http://x.example/a"], ["crawl"]])
def test_an_unreachable_database_password_is_never_printed(ws, command):
    ws.sources(f'[[source]]\nname = "t"\nrole = "origin"\nstart_urls = ["{ORIGIN}/"]\n')
    result = run_cli("-vv", "--db", f"postgresql://user:{SECRET}@127.0.0.1:1/x", *command, cwd=ws.dir)
    assert result.returncode == 1
    assert SECRET not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        next(line for line in result.stderr.splitlines() if line.startswith("Error: "))]
    assert "postgresql://user:***@127.0.0.1:1/x" in result.stderr  # the URL as typed, password hidden
    assert "Traceback" not in result.stderr


@pytest.fixture
def pg_url() -> str:
    yield from _pg_database()


@pytest.mark.slow
@pytest.mark.postgres
def test_a_crawl_with_a_password_in_the_url_never_shows_it(pg_url, site, ws):
    # The test server trusts local connections, so any password works and the crawl is real.
    url = pg_url.replace("postgresql+psycopg://postgres@", f"postgresql://postgres:{SECRET}@")
    site.index("/articles/tram.html")
    site.article("/articles/tram.html", "Tram", PARAGRAPHS)
    ws.source(site)
    crawl = run_cli("-vv", "--db", url, "crawl", "--format", "json", cwd=ws.dir)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    assert json.loads(crawl.stdout)["sources"][0]["new_version"] == 1
    runs = run_cli("--db", url, "runs", "--format", "json", cwd=ws.dir)
    for output in (crawl.stdout, crawl.stderr, runs.stdout, runs.stderr):
        assert SECRET not in output
    assert "MIRRORWATCH_DB" not in json.dumps(json.loads(runs.stdout))


# -- reports escape scraped text ----------------------------------------------------------------

PLANT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_the_copies_report_escapes_scraped_strings():
    html = copies_html({"url": f"{ORIGIN}/a.html", "copies": [{
        "url": f"{ORIGIN}/b.html?q=\"><script>", "source": PLANT, "relation": "excerpt",
        "original_url": f"{ORIGIN}/a.html", "original_reason": f"declared: originally published on {PLANT}",
        "coverage": 0.5, "precision": 1.0}]})
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_the_compare_report_escapes_titles_and_paragraphs():
    page = {"url": f"{ORIGIN}/a.html", "source": "s", "title": PLANT}
    other = {**page, "url": f"{ORIGIN}/b.html", "title": PLANT + "!"}
    html = compare_html({"original": page, "copy": other, "pages": [page, other], "relation": "edited",
                         "original_reason": PLANT, "is_copy": True, "verdict": PLANT, "titles_differ": True,
                         "coverage": 1.0, "precision": 1.0, "shared_words": 30,
                         "paragraphs": [{"status": "edited", "original": PLANT, "copy": PLANT + "!",
                                         "words": [{"op": "+", "text": PLANT}]},
                                        {"status": "cosmetic", "original": PLANT, "copy": PLANT,
                                         "typography": [{"op": "=", "text": PLANT}, {"op": "-", "text": PLANT},
                                                        {"op": "+", "text": PLANT}]}],
                         "summary": {"cosmetic": 1, "edited": 1}})
    assert "<script>" not in html and "<img" not in html
    assert html.count("&lt;script&gt;") >= 8
    # the marks of a cosmetic paragraph are elements around escaped text, never the text's own tags
    assert '<ins class="typo" title="typography">&lt;script&gt;alert' in html
    not_copies = compare_html({"original": None, "copy": None, "pages": [page, other], "relation": None,
                               "original_reason": None, "is_copy": False, "verdict": "not copies: " + PLANT,
                               "titles_differ": True, "coverage": 0.0, "precision": 0.0, "shared_words": 0,
                               "paragraphs": [], "summary": {}})
    assert "<script>" not in not_copies and "<img" not in not_copies
    assert not_copies.count("&lt;script&gt;") >= 4  # the verdict, both titles in the heading and the list


def test_the_diff_report_escapes_its_marks_and_paragraphs():
    diff = {"url": f"{ORIGIN}/a.html?q=\"><script>", "from": 1, "to": 2,
            "title": {"old": PLANT, "new": "T", "change": f"title: {PLANT} → T"},
            "paragraphs": [{"status": "changed", "old": PLANT, "new": PLANT + " x",
                            "words": [{"op": "=", "text": PLANT}, {"op": "+", "text": PLANT}]},
                           {"status": "removed", "old": PLANT, "new": None}],
            "ends": {"paragraph": 1, "of": 2, "inside": False, "last_words": PLANT, "text": f"ends: {PLANT}"},
            "summary": {"chars_added": 1, "chars_removed": 1, "paragraphs_added": 0, "paragraphs_removed": 1,
                        "paragraphs_changed": 1}}
    html = diff_html(diff)
    assert "<script>" not in html and "<img" not in html
    assert "<ins>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</ins>" in html
    assert html.count("&lt;script&gt;") >= 6  # the URL, the title change, the end, both sides, the removal


# -- sources.toml is data ----------------------------------------------------------------------

def test_sources_file_values_are_never_evaluated(tmp_path):
    marker = tmp_path / "pwned"
    payload = f"__import__('os').system('touch {marker}')"
    (tmp_path / "sources.toml").write_text(
        f'[[source]]\nname = "t"\nrole = "origin"\nstart_urls = ["{ORIGIN}/"]\n'
        f'allow = ["{payload}"]\n', encoding="utf-8")
    assert load_sources(tmp_path / "sources.toml")["t"].allow == (payload,)  # kept as a string
    # A schedule is parsed as an interval or a cron expression, never run: this one is refused.
    (tmp_path / "schedule.toml").write_text(
        f'[[source]]\nname = "t"\nrole = "origin"\nstart_urls = ["{ORIGIN}/"]\nschedule = "{payload}"\n',
        encoding="utf-8")
    with pytest.raises(SourcesError, match="field 'schedule': not a schedule"):
        load_sources(tmp_path / "schedule.toml")
    (tmp_path / "bad.toml").write_text(f'[[source]]\nname = "t"\nrole = "origin"\nstart_urls = [{payload}]\n',
                                       encoding="utf-8")
    with pytest.raises(SourcesError, match="not valid TOML"):
        load_sources(tmp_path / "bad.toml")
    assert not marker.exists()
    result = run_cli("--sources", str(tmp_path / "sources.toml"), "sources", "--check", cwd=REPO)
    assert result.returncode == 0 and not marker.exists()
