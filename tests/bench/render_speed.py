"""A rendered crawl (``render = "browser"``) against the same pages over plain HTTP, side by side.

    python -m tests.bench.render_speed [--pages 200]

Both crawls are ``mirrorwatch crawl`` in a subprocess against ``tests.bench.site`` (the 181 real
article pages served under N URLs from a sitemap), each into a fresh SQLite archive. Reported:
pages per second, and the peak memory of the browser processes (the summed RSS of the
crawl's chromium processes, sampled every 50 ms) next to the whole crawl's peak. The rendered
crawl waits for ``body`` with ``render_offsite = false`` (the real pages' external scripts and
images cannot load offline: waiting for them measures 15 s timeouts), renders 4 pages at once and
recycles its browser context every 50 pages.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.bench.measure import _tree
from tests.bench.site import BenchSite

PY = sys.executable


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _is_browser(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip().startswith("chrom")
    except OSError:
        return False


def crawl(root: Path, site: BenchSite, render: str) -> dict:
    work = root / render
    work.mkdir()
    extra = ('render = "browser"\nwait_for = "body"\nrender_concurrency = 4\nrender_recycle = 50\n'
             'render_offsite = false\n') if render == "browser" else ""
    (work / "sources.toml").write_text(
        f'[[source]]\nname = "bench"\nrole = "origin"\nstart_urls = []\nsitemaps = ["{site.url}/sitemap.xml"]\n'
        f'allow = ["/a/"]\nmax_pages = {site.pages}\n{extra}', encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.Popen([PY, "-m", "crawler", "--db", str(work / "archive.db"), "--sources", "sources.toml",
                             "crawl", "--format", "json"], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ})
    peak = {"browser": 0, "all": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            try:
                pids = _tree(proc.pid)
            except OSError:  # a process ended while its children were listed
                continue
            peak["all"] = max(peak["all"], sum(_rss_kib(p) for p in pids))
            peak["browser"] = max(peak["browser"], sum(_rss_kib(p) for p in pids if _is_browser(p)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate(timeout=1800)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"the {render} crawl exited {proc.returncode}:\n{err[-3000:]}")
    row = json.loads(out)["sources"][0]
    return {"render": render, "pages": row["fetched"], "new_versions": row["new_version"], "errors": row["error"],
            "seconds": wall, "pages_per_s": row["fetched"] / wall, "browser_peak_mb": peak["browser"] / 1024,
            "crawl_peak_mb": peak["all"] / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, BenchSite(args.pages) as site:
        for render in ("http", "browser"):
            rows.append(crawl(Path(tmp), site, render))
    print(f"{'render':8} {'pages':>5} {'versions':>8} {'errors':>6} {'seconds':>8} {'pages/s':>8} "
          f"{'browser peak MB':>15} {'crawl peak MB':>13}")
    for r in rows:
        print(f"{r['render']:8} {r['pages']:5} {r['new_versions']:8} {r['errors']:6} {r['seconds']:8.1f} "
              f"{r['pages_per_s']:8.1f} {r['browser_peak_mb']:15.0f} {r['crawl_peak_mb']:13.0f}")
    http, browser = rows
    print(f"rendering costs {http['pages_per_s'] / browser['pages_per_s']:.1f}x the time of plain HTTP per page")


if __name__ == "__main__":
    main()
