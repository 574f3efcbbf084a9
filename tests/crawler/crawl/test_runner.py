"""The crawl process as the runner sets it up: no extractor imported, no telnet console or remote
control server, `scrapy crawl` from the repository root."""

import pytest

from tests.support.sites import PARAGRAPHS

A = "/articles/tram.html"


@pytest.mark.slow
def test_no_telnet_console_or_remote_control_server(site, ws):
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site)
    log = ws.run("-v", "crawl").stderr
    assert "Spider opened" in log  # info lines are shown, so the listeners would be too
    assert "Telnet console listening" not in log
    assert "Remote control HTTP server listening" not in log


@pytest.mark.slow
def test_scrapy_crawl_from_the_repo_root(site, ws):
    import os
    import subprocess
    import sys

    from tests.support.databases import REPO
    site.index(A)
    site.article(A, "Tram", PARAGRAPHS)
    ws.source(site, name="gazette")
    env = {**os.environ, "MIRRORWATCH_DB": str(ws.db), "MIRRORWATCH_SOURCES": str(ws.dir / "sources.toml"),
           "MIRRORWATCH_EXTRACT_WORKERS": "1"}
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "article", "-a", "source=gazette"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "'mirrorwatch/captures/new-version': 1" in result.stderr
    assert ws.json("history", site.url + A)["versions"][0]["number"] == 1


# -- What keeps a crawl's per-page cost and memory down, each checked on its own:

import subprocess
import sys


@pytest.mark.slow
def test_the_crawl_process_never_imports_the_extractor():
    # trafilatura and its parsers (some 30 MB) belong in the extraction workers only.
    code = ("import sys, crawler.cli, crawler.crawl.runner, crawler.crawl.pipeline, crawler.crawl.spider, "
            "crawler.extract.pool; print(sorted(m for m in ('trafilatura', 'justext', 'htmldate') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
