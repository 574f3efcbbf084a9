"""``mirrorwatch demo``: the bundled sites served locally, crawled twice, what changed.

1. copy ``sites/origin`` (a news site with the seed article) and ``sites/blog``
   (a WordPress-style blog republishing an excerpt of it) to a work folder;
2. serve both on 127.0.0.1 and write a ``sources.toml`` for them;
3. crawl both into a fresh SQLite archive;
4. edit one origin article (a figure corrected, a correction appended);
5. crawl again and show the history and diff of the edited article.

Each crawl runs in a subprocess: the Twisted reactor cannot run twice in one process.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from importlib.resources import as_file, files
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crawler.demo.server import SiteServer
from crawler.render import text as render
from crawler.render.html import compare_html
from storage.archive import Archive
from storage.reports.copies import compare_report, copies_report
from storage.reports.history import diff_report, history_report

SEED_ORIGIN = "articles/russian-belarusian-relations-back-to-being-brothers.html"
SEED_COPY = "2020/08/18/russian-belarusian-relations-back-to-being-brothers-crimea-2-0-is-unlikely/"


class DemoError(RuntimeError):
    """The demo could not run; the message says why."""
EDITED = "articles/central-bank-digital-currencies.html"
EDIT_OLD = "<p>By the end of 2020, at least 60 central banks"
EDIT_NEW = "<p>By the end of 2020, at least 86 central banks"
CORRECTION = (
    "<p>Correction, 21 August 2020: an earlier version of this article understated the number of "
    "central banks studying a digital currency. It is 86, not 60.</p>"
)

SOURCES = """\
[[source]]
name = "global-research"
role = "origin"
start_urls = ["{origin}/"]
sitemaps = ["{origin}/sitemap.xml"]
feeds = ["{origin}/feed.xml"]
allow = ['/articles/[^/]+\\.html$']
max_depth = 2

[[source]]
name = "tcttnews"
role = "mirror"
start_urls = ["{blog}/"]
feeds = ["{blog}/feed/index.xml"]
allow = ['/\\d{{4}}/\\d{{2}}/\\d{{2}}/[^/]+/$']
"""


def run_demo(console: Console, workdir: Path | None = None) -> Path:
    if workdir is None:
        workdir = Path(tempfile.mkdtemp(prefix="mirrorwatch-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sites = workdir / "sites"
    if sites.exists():
        shutil.rmtree(sites)
    with as_file(files("crawler.demo") / "sites") as bundled:
        shutil.copytree(bundled, sites)
    db = workdir / "mirrorwatch.db"
    for stale in workdir.glob("mirrorwatch.db*"):
        stale.unlink()

    with SiteServer(sites / "origin") as origin, SiteServer(sites / "blog") as blog:
        (workdir / "sources.toml").write_text(SOURCES.format(origin=origin.url, blog=blog.url))
        console.print(f"[bold]Serving[/] the origin site at {origin.url}/ and the blog at {blog.url}/")
        console.print(Text(f"Work folder: {workdir}\n"), soft_wrap=True)

        console.rule("Crawl 1: both sites, fresh archive")
        _crawl(console, workdir)
        _pages(console, Archive.open(str(db)))

        console.rule("Edit one article on the origin site")
        edited = sites / "origin" / EDITED
        html = edited.read_text(encoding="utf-8")
        if EDIT_OLD not in html:
            raise DemoError(f"demo site changed: {EDITED} no longer holds the text to edit")
        html = html.replace(EDIT_OLD, EDIT_NEW, 1).replace("</article>", CORRECTION + "\n</article>", 1)
        edited.write_text(html, encoding="utf-8")
        console.print(f"{EDITED}: 60 → 86 in one paragraph, a correction appended\n")

        console.rule("Crawl 2: the same sites again")
        _crawl(console, workdir)

        url = f"{origin.url}/{EDITED}"
        archive = Archive.open(str(db))
        page = archive.page(url)
        versions = archive.versions(url)
        render.history_text(console, history_report(page.url, versions))
        render.diff_text(console, diff_report(page.url, versions, None, None))

        console.rule("What the blog copied from the news site")
        original_url, copy_url = f"{origin.url}/{SEED_ORIGIN}", f"{blog.url}/{SEED_COPY}"
        render.copies_text(console, copies_report(archive.page(original_url).url, archive.copies(original_url)))
        report = compare_report(*archive.compare(original_url, copy_url))
        render.compare_text(console, report)
        html = workdir / "compare.html"
        html.write_text(compare_html(report), encoding="utf-8")
        console.print(Text(f"\nSide-by-side HTML report: {html}"), soft_wrap=True)
    console.print(Text(f"\nThe archive is kept in {db}; try:"), soft_wrap=True)
    for command in suggested_commands(db, url, original_url, copy_url):
        console.print(Text("  " + command), soft_wrap=True)  # never wrapped: each pastes as one line
    return workdir


def suggested_commands(db: Path, edited_url: str, original_url: str, copy_url: str) -> list[str]:
    """Commands to try on the demo's archive, quoted for a shell."""
    base = ["mirrorwatch", "--db", str(db)]
    return [shlex.join(base + args) for args in (
        ["history", edited_url], ["diff", edited_url], ["copies", original_url],
        ["compare", original_url, copy_url], ["report", "--since", "1h"],
    )]


def _crawl(console: Console, workdir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crawler", "--db", "mirrorwatch.db", "--sources", "sources.toml",
         "crawl", "--format", "json"],
        cwd=workdir, capture_output=True, text=True,
    )
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines() or ["no output"]
        raise DemoError(f"demo crawl failed: {lines[-1]}")
    data = json.loads(result.stdout)
    render.crawl_summary(console, data["sources"])


def _pages(console: Console, archive: Archive) -> None:
    table = Table(expand=True)
    table.add_column("source", no_wrap=True)
    table.add_column("versions", no_wrap=True, justify="right")
    table.add_column("path", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column("title", no_wrap=True, overflow="ellipsis", ratio=1)
    for row in archive.pages_overview():
        table.add_row(row["source"], str(row["versions"]), Text(urlsplit(row["url"]).path), Text(row["title"] or "-"))
    console.print(table)
