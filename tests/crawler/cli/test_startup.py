"""Start-up loads only what the command uses: commands load lazily, and ``crawl --help`` needs
neither Scrapy nor SQLAlchemy nor rich (a re-check run from cron pays for its imports)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.databases import REPO
from tests.support.sites import PARAGRAPHS

HEAVY = ("scrapy", "twisted", "sqlalchemy", "alembic", "rich", "jinja2", "redis", "trafilatura", "apscheduler",
         "storage.archive", "crawler.cli.report", "crawler.cli.files")

PROBE = """
import json, sys
from crawler.cli import cli
try:
    cli(sys.argv[1:], prog_name="mirrorwatch")
except SystemExit as stop:
    print(json.dumps({"exit": stop.code, "loaded": sorted(m for m in sys.modules if m.split(".")[0] in
                      ("scrapy", "twisted", "sqlalchemy", "alembic", "rich", "jinja2", "redis", "trafilatura",
                       "apscheduler", "storage", "crawler"))}), file=sys.stderr)
"""


def run(*args: str) -> tuple[str, dict]:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=REPO, timeout=120)
    return out.stdout, json.loads(out.stderr.strip().splitlines()[-1])


def test_crawl_help_loads_no_crawl_machinery_and_no_database_code():
    text, probe = run("crawl", "--help")
    assert probe["exit"] == 0
    assert "Crawl all sources now, or the NAMES given." in text
    loaded = [m for m in probe["loaded"] if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert loaded == []


def test_the_group_help_still_lists_every_command_with_its_summary():
    from crawler.cli import COMMANDS

    text, probe = run("--help")
    assert probe["exit"] == 0
    listed = [line.split()[0] for line in text.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == sorted(COMMANDS)
    assert "Crawl all sources now, or the NAMES given." in text


def test_the_defaults_written_for_start_up_are_the_librarys():
    import crawler.cli
    import crawler.sources
    import storage.db

    assert (crawler.cli.DEFAULT_DB, crawler.cli.DEFAULT_SOURCES) == (storage.db.DEFAULT_DB, crawler.sources.DEFAULT_SOURCES)


# A re-check run from cron, in a subprocess as a user runs it: what it loaded and which processes it spawned.
RECHECK_PROBE = """
import json, multiprocessing, sys
from crawler.cli import cli
spawned = []
start = multiprocessing.process.BaseProcess.start
def counted(self):
    spawned.append(self.name)
    return start(self)
multiprocessing.process.BaseProcess.start = counted
try:
    cli(sys.argv[1:], prog_name="mirrorwatch")
except SystemExit as stop:
    print(json.dumps({"exit": stop.code, "spawned": spawned, "loaded": sorted(sys.modules)}), file=sys.stderr)
"""
# What a plain re-check never needs: migrations, the shared frontier, the browser, the servers
# Scrapy would start (and their imports), the cookie jar's public-suffix list.
NOT_FOR_A_RECHECK = ("alembic", "redis", "scrapy_redis", "scrapy_playwright", "playwright", "aiohttp",
                     "tldextract", "scrapy.extensions.telnet", "scrapy.extensions.remote_control",
                     "scrapy.extensions.feedexport", "scrapy.downloadermiddlewares.cookies")


@pytest.mark.slow
def test_a_recheck_of_unchanged_pages_loads_no_migrations_frontier_or_browser_and_spawns_no_process(site, ws):
    site.index("/articles/tram.html")
    site.article("/articles/tram.html", "Tram", PARAGRAPHS)
    ws.source(site, name="gazette")
    assert ws.crawl()["summary"]["new_version"] == 1  # the first crawl: extraction workers and the matcher
    out = ws.run("crawl", "--format", "json", script=RECHECK_PROBE, check=False)
    probe = json.loads(out.stderr.strip().splitlines()[-1])
    assert probe["exit"] in (0, None)
    (row,) = json.loads(out.stdout)["sources"]
    assert (row["fetched"], row["new_version"], row["not_modified"]) == (1, 0, 1)
    assert probe["spawned"] == []  # no extraction worker, no matcher: nothing was new
    assert [m for m in probe["loaded"] if any(m == n or m.startswith(n + ".") for n in NOT_FOR_A_RECHECK)] == []
    assert "scrapy" in probe["loaded"] and "sqlalchemy" in probe["loaded"]  # the probe saw the crawl's modules
