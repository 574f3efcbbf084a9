"""A rendered crawl (``render = "browser"``) against the same pages over plain HTTP, side by side.

    python -m tests.bench.render_speed [--pages 200] [--render-concurrency 4] [--recycle 50]
    python -m tests.bench.render_speed --pages 100 --pages 400 --render-concurrency 2   # memory over crawl size

Both crawls are ``mirrorwatch crawl`` in a subprocess against ``tests.bench.site`` (the 181 real
article pages served under N URLs from a sitemap), each into a fresh SQLite archive. Reported:
pages per second, and the peak memory of the browser processes (the summed RSS of the
crawl's chromium processes, sampled every 50 ms; RSS counts the pages chromium's processes share
once per process, so the PSS sum is given too) next to the whole crawl's peak, and the browser
contexts the crawl opened (scrapy-playwright's count) and closed. The rendered crawl waits for
``body`` with ``render_offsite = false`` (the real pages' external scripts and images cannot load
offline: waiting for them measures 15 s timeouts), renders ``--render-concurrency`` pages at once
and recycles its browser context every ``--recycle`` pages. Several ``--pages`` give one row pair
per size, and the ratio of the browser peaks (memory flat over crawl size means close to 1).
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


def _kib(pid: int, file: str, field: str) -> int:
    """A memory figure of a process, in KiB: ``VmRSS`` of ``status``, ``Pss`` of ``smaps_rollup``."""
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _is_browser(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip().startswith("chrom")
    except OSError:
        return False


def crawl(root: Path, site: BenchSite, render: str, *, concurrency: int = 4, recycle: int = 50) -> dict:
    work = root / f"{render}-{site.pages}"
    work.mkdir()
    extra = (f'render = "browser"\nwait_for = "body"\nrender_concurrency = {concurrency}\n'
             f'render_recycle = {recycle}\nrender_offsite = false\n') if render == "browser" else ""
    (work / "sources.toml").write_text(
        f'[[source]]\nname = "bench"\nrole = "origin"\nstart_urls = []\nsitemaps = ["{site.url}/sitemap.xml"]\n'
        f'allow = ["/a/"]\nmax_pages = {site.pages}\n{extra}', encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.Popen([PY, "-m", "crawler", "--db", str(work / "archive.db"), "--sources", "sources.toml",
                             "crawl", "--format", "json"], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ})
    peak = {"browser": 0, "all": 0, "browser_pss": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            try:
                pids = _tree(proc.pid)
            except OSError:  # a process ended while its children were listed
                continue
            peak["all"] = max(peak["all"], sum(_kib(p, "status", "VmRSS:") for p in pids))
            browser = [p for p in pids if _is_browser(p)]
            peak["browser"] = max(peak["browser"], sum(_kib(p, "status", "VmRSS:") for p in browser))
            if browser:
                peak["browser_pss"] = max(peak["browser_pss"], sum(_kib(p, "smaps_rollup", "Pss:") for p in browser))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate(timeout=1800)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"the {render} crawl exited {proc.returncode}:\n{err[-3000:]}")
    data = json.loads(out)
    row, stats = data["sources"][0], data["stats"]["bench"]
    if not row["fetched"]:  # a row of nothing is no figure: say why instead
        log = (work / "archive-crawl.log").read_text(errors="replace").splitlines()
        raise RuntimeError(f"the {render} crawl of {site.pages} pages fetched nothing:\n" + "\n".join(log[-40:]))
    return {"render": render, "size": site.pages, "pages": row["fetched"], "new_versions": row["new_version"],
            "errors": row["error"], "seconds": wall, "pages_per_s": row["fetched"] / wall,
            "browser_peak_mb": peak["browser"] / 1024, "browser_pss_mb": peak["browser_pss"] / 1024,
            "crawl_peak_mb": peak["all"] / 1024, "contexts": stats.get("playwright/context_count", 0),
            "contexts_closed": stats.get("mirrorwatch/render/contexts_closed", 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, action="append", help="crawl size (repeat for several; default 200)")
    parser.add_argument("--render-concurrency", type=int, default=4)
    parser.add_argument("--recycle", type=int, default=50, help="render_recycle: pages per browser context")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.pages or [200]:
            with BenchSite(size) as site:
                for render in ("http", "browser"):
                    rows.append(crawl(Path(tmp), site, render, concurrency=args.render_concurrency,
                                      recycle=args.recycle))
    print(f"render_concurrency {args.render_concurrency}, render_recycle {args.recycle}")
    print(f"{'render':8} {'pages':>5} {'versions':>8} {'errors':>6} {'seconds':>8} {'pages/s':>8} "
          f"{'browser RSS MB':>14} {'browser PSS MB':>14} {'crawl RSS MB':>12} {'contexts':>8} {'closed':>6}")
    for r in rows:
        print(f"{r['render']:8} {r['pages']:5} {r['new_versions']:8} {r['errors']:6} {r['seconds']:8.1f} "
              f"{r['pages_per_s']:8.1f} {r['browser_peak_mb']:14.0f} {r['browser_pss_mb']:14.0f} "
              f"{r['crawl_peak_mb']:12.0f} {r['contexts']:8} {r['contexts_closed']:6}")
    for http, browser in zip(rows[::2], rows[1::2]):
        print(f"{browser['size']} pages: rendering costs {http['pages_per_s'] / browser['pages_per_s']:.1f}x "
              "the time of plain HTTP per page")
    rendered = rows[1::2]
    for small, large in zip(rendered, rendered[1:]):
        print(f"browser peak over crawl size {small['size']} -> {large['size']}: RSS {small['browser_peak_mb']:.0f} -> "
              f"{large['browser_peak_mb']:.0f} MB ({large['browser_peak_mb'] / small['browser_peak_mb']:.2f}x), "
              f"PSS {small['browser_pss_mb']:.0f} -> {large['browser_pss_mb']:.0f} MB "
              f"({large['browser_pss_mb'] / small['browser_pss_mb']:.2f}x)")


if __name__ == "__main__":
    main()
