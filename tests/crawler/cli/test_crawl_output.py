"""What `mirrorwatch crawl` shows a person: one line per source whose site is down (Scrapy's log in a
file), a progress line that moves while listing pages are fetched, a summary at 80 columns."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import time

import pytest

from tests.support.sites import PARAGRAPHS

A, B = "/articles/tram.html", "/articles/bridge.html"


@pytest.mark.slow
def test_a_site_that_is_down_is_one_line_per_source_and_exit_1(site, ws):
    site.index(A, B)
    site.article(A, "Tram", PARAGRAPHS)
    site.article(B, "Bridge", PARAGRAPHS[::-1])
    ws.source(site, name="example-news")
    ws.run("crawl")
    site.server.stop()  # the site goes down
    down = ws.run("crawl", check=False)
    assert down.returncode == 1
    assert down.stderr.splitlines() == ["Error: example-news: connection refused: 2 pages not checked"]
    log = (ws.dir / "mirrorwatch-crawl.log").read_text()
    assert "Connection was refused" in log and "Traceback" in log  # the details, for whoever wants them
    runs = ws.json("runs")["runs"]
    assert (runs[0]["fetched"], runs[0]["error"]) == (0, 2)  # error captures are not pages fetched
    again = json.loads(ws.run("crawl", "--format", "json", check=False).stdout)
    assert again["sources"][0]["problem"] == "connection refused: 2 pages not checked"


@pytest.mark.slow
def test_with_v_the_log_goes_to_the_terminal(site, ws):
    ws.sources('[[source]]\nname = "gone"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:9/"]\n')
    down = ws.run("-v", "crawl", check=False)
    assert down.returncode == 1
    assert down.stderr.endswith("Error: gone: connection refused: 1 page not checked\n")
    assert "Connection was refused" in down.stderr
    assert not (ws.dir / "mirrorwatch-crawl.log").exists()


def read_terminal(args: list[str], cwd, env: dict) -> tuple[int, str]:
    """Run a command with its stderr on a pseudo-terminal; what it drew there."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return proc.wait(timeout=120), out.decode("utf-8", "replace")


@pytest.mark.slow
def test_progress_moves_while_listing_pages_are_followed(site, ws):
    sections = [f"/section-{n}.html" for n in range(4)]
    site.index(*sections)
    for n, path in enumerate(sections):
        site.write(path, f"<html><body><a href='/articles/a{n}.html'>a{n}</a></body></html>")
        site.article(f"/articles/a{n}.html", f"Article {n}", [f"Story {n}: " + p for p in PARAGRAPHS])
    handler = site.server.httpd.RequestHandlerClass

    class SlowListings(handler):
        def do_GET(self, head: bool = False) -> None:
            if self.path.startswith("/section-"):
                time.sleep(0.5)
            super().do_GET(head)

    site.server.httpd.RequestHandlerClass = SlowListings
    ws.source(site, concurrency=1)  # one listing after the other
    env = {**os.environ, "MIRRORWATCH_EXTRACT_WORKERS": "1", "COLUMNS": "200"}
    code, screen = read_terminal([sys.executable, "-m", "crawler", "crawl"], ws.dir, env)
    assert code == 0
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen).replace("\r", "")
    frames = re.findall(r"test: (\d+) requests done, \d+ queued · (\d+) articles stored \S+\n"
                        r"\s*(?:\d+ being extracted · )?fetching (\S+)", text)
    listing = {int(done) for done, stored, url in frames
               if stored == "0" and re.fullmatch(rf"{re.escape(site.url)}/section-\d\.html", url)}
    assert len(listing) >= 2, text[-2000:]  # it said what it fetched before any article was stored, and moved
    assert re.search(r"test: \d+ requests done, 0 queued · 4 articles stored", text)
