"""``mirrorwatch serve`` as a user runs it: binds to 127.0.0.1, answers, stops on a signal;
a bad database is one line and exit status 1."""

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request

import pytest

from tests.support.databases import REPO
from tests.support.sites import PARAGRAPHS


@pytest.mark.slow
def test_serve_answers_on_the_port_it_prints(site, ws):
    site.index("/articles/tram.html")
    site.article("/articles/tram.html", "Tram", PARAGRAPHS)
    ws.source(site, name="gazette")
    ws.crawl()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "--db", str(ws.db), "serve", "--port", "0"],
                            cwd=ws.dir, env=env, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        match = re.match(r"mirrorwatch dashboard on (http://127\.0\.0\.1:(\d+)/)", line)
        assert match, line
        with urllib.request.urlopen(match.group(1) + "api/sources", timeout=10) as response:
            sources = json.load(response)["sources"]
        assert [(s["name"], s["pages"], s["versions"], s["warnings"]) for s in sources] == [("gazette", 1, 1, [])]
        with urllib.request.urlopen(match.group(1) + "changes", timeout=10) as response:
            assert "Tram" in response.read().decode()
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0


def test_serve_with_an_unreachable_database_is_one_line(ws):
    result = ws.run("--db", "postgresql://nobody@127.0.0.1:1/none", "serve", check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: cannot open database") and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_serve_on_a_busy_port_names_it(ws, sqlite_url):
    import shutil
    import socket

    shutil.copy(sqlite_url.removeprefix("sqlite:///"), ws.db)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = ws.run("serve", "--port", str(port), check=False)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"Error: port {port} on 127.0.0.1 is in use\n")


@pytest.mark.slow
def test_serve_on_a_mistyped_database_creates_none(ws):
    result = ws.run("--db", "typo.db", "serve", "--port", "0", check=False)
    assert (result.returncode, result.stderr) == (
        1, "Error: no archive at typo.db (run `mirrorwatch crawl` to create one, or check --db)\n")
    assert not (ws.dir / "typo.db").exists()
