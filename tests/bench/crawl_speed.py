"""Crawl speed, re-crawl cost, memory and database growth on the real pages.

    python -m tests.bench.crawl_speed [--pages 1000] [--runs 3]

Every crawl is ``mirrorwatch crawl`` in a subprocess against ``tests.bench.site``
(the 181 real pages served under N URLs from a sitemap), with the default
settings (one extraction process per core, AutoThrottle on) and a fresh SQLite
archive. Measured side by side in one run, so that ratios hold on a noisy machine:

* first crawl, pages/s, against (a) trafilatura's extraction alone on the same
  HTML in one process per core (the ceiling: no fetching, no storage) and (b)
  trafilatura's own command line fetching the same URL list;
* re-crawl of the unchanged site with ETag support (304s) and without (200s
  with the same bodies): CPU time and wall time against the first crawl's;
* peak memory (the crawl and its extraction workers) at two site sizes;
* database growth over unchanged re-crawls.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tests.bench import measure
from tests.bench.pages import load_pages
from tests.bench.site import BenchSite, free_port, serving

PY = sys.executable


def _sources(workdir: Path, site: BenchSite) -> None:
    (workdir / "sources.toml").write_text(
        f'[[source]]\nname = "bench"\nrole = "origin"\nstart_urls = []\n'
        f'sitemaps = ["{site.url}/sitemap.xml"]\nallow = ["/a/"]\nmax_pages = {site.pages}\n',
        encoding="utf-8")


class Workspace:
    """A folder with the sources file and a SQLite archive for one series of crawls."""

    def __init__(self, root: Path, name: str):
        self.dir = root / name
        self.dir.mkdir()
        self.db = self.dir / "archive.db"

    def crawl(self, site: BenchSite) -> tuple[measure.Measured, dict]:
        _sources(self.dir, site)
        result = measure.run([PY, "-m", "crawler", "--db", str(self.db), "--sources", "sources.toml",
                              "crawl", "--format", "json"], cwd=self.dir)
        data = json.loads(result.stdout)
        return result, {**data["sources"][0], "stats": data["stats"]["bench"]}

    def sizes(self) -> dict[str, int]:
        with sqlite3.connect(self.db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            counts = {t: conn.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608
                      for t in ("capture", "version", "blob", "page")}
        counts["bytes"] = self.db.stat().st_size
        return counts


# -- (a) the ceiling: extraction alone ----------------------------------------------

def _extract_plain(html: bytes) -> int:
    import trafilatura

    from crawler.extract.extractor import _CONFIG

    doc = trafilatura.bare_extraction(html.decode("utf-8", errors="replace"), output_format="python",
                                      include_comments=False, include_tables=True, include_images=False,
                                      deduplicate=False, with_metadata=True, config=_CONFIG)
    return len(doc.text or "") if doc is not None else 0


def extraction_ceiling(pages: int) -> float:
    """Pages/s of trafilatura alone (the crawl's options), one process per core, warm pool."""
    real = load_pages()
    bodies = [p.html for p in real]
    served = serving(real)
    work = [bodies[served(k)] for k in range(pages)]  # the pages the bench site serves
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(_extract_plain, bodies[:8]))  # start and import in every worker first
        started = time.perf_counter()
        list(pool.map(_extract_plain, work, chunksize=4))
        return pages / (time.perf_counter() - started)


# -- (b) trafilatura's command line ---------------------------------------------------

TRAFILATURA_CFG = """[DEFAULT]
DOWNLOAD_TIMEOUT = 30
MAX_FILE_SIZE = 20000000
MIN_FILE_SIZE = 10
# trafilatura waits 5 s between two requests to one host by default (1,000 pages of
# one site: over an hour); mirrorwatch's AutoThrottle goes down to the server's latency.
SLEEP_TIME = 0
USER_AGENTS =
COOKIE =
MAX_REDIRECTS = 2
# Its fetcher refuses loopback and private addresses (checked on the connected peer,
# so no hostname alias gets round it); this switch is the documented way for intranets.
SSRF_PROTECTION = off
INSECURE_SSL_FALLBACK = on
MIN_EXTRACTED_SIZE = 250
MIN_OUTPUT_SIZE = 1
MIN_OUTPUT_COMM_SIZE = 1
MAX_TREE_SIZE =
EXTRACTION_TIMEOUT = 30
MIN_DUPLCHECK_SIZE = 100
MAX_REPETITIONS = 2
EXTENSIVE_DATE_SEARCH = on
EXTERNAL_URLS = off
"""


def trafilatura_cli(site: BenchSite, workdir: Path, *, protected: bool = False) -> tuple[measure.Measured, int]:
    """``trafilatura -i urls.txt -o DIR``; returns the measure and how many files it wrote.

    It names each output by a hash of its text, so N URLs of the 181 pages give at most
    181 files; a refused fetch gives none.
    """
    urls = workdir / "urls.txt"
    urls.write_text("\n".join(site.urls()) + "\n", encoding="utf-8")
    out = workdir / ("out-protected" if protected else "out")
    cmd = [str(Path(PY).with_name("trafilatura")), "-i", str(urls), "-o", str(out)]
    if not protected:
        cfg = workdir / "trafilatura.cfg"
        cfg.write_text(TRAFILATURA_CFG, encoding="utf-8")
        cmd += ["--config-file", str(cfg)]
    result = measure.run(cmd, cwd=workdir, check=not protected)  # refused everything: exit status 126
    return result, len(list(out.glob("*"))) if out.exists() else 0


# -- the series ---------------------------------------------------------------------

def note(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def first_and_recrawls(root: Path, pages: int, runs: int) -> dict:
    """First crawls, ceiling and trafilatura CLI interleaved run by run; then re-crawls."""
    rows: dict[str, list] = {k: [] for k in ("first", "first_cpu", "first_peak", "ceiling", "cli", "cli_cpu", "cli_texts",
                                             "etag_wall", "etag_cpu", "noetag_wall", "noetag_cpu")}
    for run in range(runs):
        port = free_port()  # one origin for the series: the re-crawls find the known pages
        with BenchSite(pages, port=port) as site:
            ws = Workspace(root, f"first-{run}")
            result, summary = ws.crawl(site)
            assert summary["new_version"] == pages, summary
            note(f"first crawl of {pages}: {result.wall:.1f} s, {result.cpu:.1f} s CPU")
            rows["first"].append(pages / result.wall)
            rows["first_cpu"].append(result.cpu)
            rows["first_peak"].append(result.peak_rss_mb)
            again, summary = ws.crawl(site)
            assert summary["not_modified"] == pages, summary
            note(f"re-crawl, ETag: {again.wall:.1f} s")
            rows["etag_wall"].append(again.wall)
            rows["etag_cpu"].append(again.cpu)
            cli, texts = trafilatura_cli(site, ws.dir)
            note(f"trafilatura -i: {cli.wall:.1f} s, {cli.cpu:.1f} s CPU, {texts} distinct texts")
            rows["cli"].append(pages / cli.wall)
            rows["cli_cpu"].append(cli.cpu)
            rows["cli_texts"].append(texts)
        with BenchSite(pages, validators=False, port=port) as site:
            again, summary = ws.crawl(site)
            assert summary["unchanged"] == pages, summary
            note(f"re-crawl, no ETag: {again.wall:.1f} s")
            rows["noetag_wall"].append(again.wall)
            rows["noetag_cpu"].append(again.cpu)
        rows["ceiling"].append(extraction_ceiling(pages))
        note(f"extraction alone: {rows['ceiling'][-1]:.1f} pages/s")
    with BenchSite(5) as site:  # the default configuration refuses a local server: say so, measured
        ws = Workspace(root, "protected")
        _, protected_texts = trafilatura_cli(site, ws.dir, protected=True)
    return {"pages": pages, "runs": runs, "protected_texts": protected_texts,
            **{k: measure.med(v) for k, v in rows.items()}}


def memory(root: Path, sizes: tuple[int, ...]) -> dict[int, float]:
    peaks = {}
    for n in sizes:
        with BenchSite(n) as site:
            result, summary = Workspace(root, f"mem-{n}").crawl(site)
            assert summary["new_version"] == n, summary
            peaks[n] = result.peak_rss_mb
    return peaks


def growth(root: Path, pages: int, recrawls: int) -> dict:
    """Unchanged re-crawls, half against a server with validators (304) and half without (200)."""
    ws = Workspace(root, "growth")
    port = free_port()
    with BenchSite(pages, port=port) as site:
        ws.crawl(site)
    before = ws.sizes()
    outcomes: dict[str, int] = {}
    for n in range(recrawls):
        with BenchSite(pages, validators=n % 2 == 0, port=port) as site:
            _, summary = ws.crawl(site)
        for key in ("new_version", "unchanged", "not_modified", "error"):
            outcomes[key] = outcomes.get(key, 0) + summary[key]
    after = ws.sizes()
    return {"pages": pages, "recrawls": recrawls, "before": before, "after": after, "outcomes": outcomes}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mw-bench-") as tmp:
        print(json.dumps(first_and_recrawls(Path(tmp), args.pages, args.runs), indent=2))


if __name__ == "__main__":
    main()
