"""Peak memory of a crawl of a 10,000-URL site against a 100,000-URL one, side by side.

    python -m tests.bench.crawl_memory [--sizes 10000 100000] [--fetch 2000] [--compare main]

The site is ``tests.bench.site``: a sitemap index of N URLs of the 181 real article pages.
Each crawl is the crawl's own code (``crawler.crawl.runner.run_crawl``, the archive's pipeline,
the extraction workers, a fresh SQLite archive) in a subprocess, stopped after ``--fetch``
articles are stored (Scrapy's ``CLOSESPIDER_ITEMCOUNT``): fetching 100,000 pages would take
over an hour on this machine. ``max_pages`` is not the cap, so every sitemap URL is still
discovered and queued (in the spider's backlog, or Scrapy's scheduler on a revision without
one); the table says how many each crawl discovered. Memory is sampled from /proc every 50 ms:
the largest sum of the resident sizes of the crawl process and its children (extraction workers,
the forkserver they are forked from, the matcher), the largest of each alone, and the largest
proportional set size of them all together (PSS: a page several of them share, such as the
extractor's modules and language model the workers inherit from the forkserver, counted once;
the sum of resident sizes counts it in each). PSS is what the crawl takes from the machine, and
what the 400 MB target is read against; both are printed. ``--compare REF`` runs the same crawls on another revision (a git ref,
exported with ``git archive`` under build/) alternately with this one.
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

from tests.bench.measure import _pss_mb, _rss_mb, _tree
from tests.bench.site import BenchSite

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import json, sys
from crawler.crawl.runner import crawl_settings, run_crawl
from crawler.sources import load_sources
from storage.archive import Archive
db, path, cap = sys.argv[1], sys.argv[2], int(sys.argv[3])
Archive.open(db)  # created and migrated, as the command does before its crawl
settings = crawl_settings(db=db, sources_path=path, overrides={"CLOSESPIDER_ITEMCOUNT": cap})
(result,) = run_crawl(list(load_sources(path).values()), settings)
print(json.dumps({k: v for k, v in result.stats.items() if isinstance(v, (int, float, str))}))
"""


def sample(pid: int, done: threading.Event, peaks: dict) -> None:
    while not done.wait(0.05):
        pids = _tree(pid)
        sizes = {p: _rss_mb([p]) for p in pids}
        own, total = sizes.get(pid, 0.0), sum(sizes.values())
        peaks["crawl"] = max(peaks["crawl"], own)
        peaks["workers"] = max(peaks["workers"], total - own)
        peaks["total"] = max(peaks["total"], total)
        peaks["pss"] = max(peaks["pss"], _pss_mb(pids))
        for p, size in sizes.items():  # each process's own peak, by its role (the matcher renames itself;
            before, role = peaks["each"].get(p, (0.0, "?"))  # an exiting process's command line is empty)
            peaks["each"][p] = max(before, size), "crawl" if p == pid else _role(p) or role


def _role(pid: int) -> str | None:
    """What a child of the crawl process is, from its command line and name; None if unknown now."""
    try:
        cmd = _cmdline(pid) + " " + Path(f"/proc/{pid}/comm").read_text()  # the matcher names itself there
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None
    if "forkserver" in cmd:  # the workers are forked from it, and so carry its command line
        return "worker" if "forkserver" in _cmdline(parent) else "forkserver"
    for marker, role in (("resource_tracker", "resource tracker"), ("mw-matcher", "matcher"),
                         ("multiprocessing", "worker")):
        if marker in cmd:
            return role
    return None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def crawl(code: Path, workdir: Path, site: BenchSite, fetch: int) -> dict:
    workdir.mkdir(parents=True)
    sources = workdir / "sources.toml"
    sources.write_text(f'[[source]]\nname = "bench"\nrole = "origin"\nstart_urls = []\n'
                       f'sitemaps = ["{site.url}/sitemap.xml"]\nallow = ["/a/"]\nmax_pages = {site.pages}\n',
                       encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(workdir / "archive.db"), str(sources), str(fetch)],
                            cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = {"crawl": 0.0, "workers": 0.0, "total": 0.0, "pss": 0.0, "each": {}}
    done = threading.Event()
    sampler = threading.Thread(target=sample, args=(proc.pid, done, peaks), daemon=True)
    sampler.start()
    out, err = proc.communicate(timeout=7200)
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"crawl of {site.pages} URLs exited {proc.returncode}:\n{err[-3000:]}")
    stats = json.loads(out.splitlines()[-1])
    return {**peaks, "wall": time.perf_counter() - started,
            "discovered": stats.get("mirrorwatch/discovery/sitemap_urls", 0),
            "stored": stats.get("mirrorwatch/captures/new-version", 0),
            "finish": stats.get("finish_reason"),
            "each": ", ".join(f"{role} {mb:.0f}" for mb, role in sorted(peaks["each"].values(), key=lambda v: v[1]))}


def export(ref: str, into: Path) -> Path:
    """A checkout of ``ref`` (read from git, not a worktree) under ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def note(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=(10_000, 100_000), metavar=("SMALL", "LARGE"))
    parser.add_argument("--fetch", type=int, default=2000, help="articles stored before each crawl stops")
    parser.add_argument("--compare", metavar="REF", help="also measure this git revision, alternately")
    args = parser.parse_args()
    revisions = {"this tree": ROOT}
    if args.compare:
        revisions[args.compare] = export(args.compare, ROOT / "build" / "bench-src" / args.compare.replace("/", "_"))
    results: dict[tuple[str, int], dict] = {}
    with tempfile.TemporaryDirectory(prefix="mw-memory-") as tmp:
        for n in args.sizes:
            with BenchSite(n) as site:
                for name, code in revisions.items():
                    r = crawl(code, Path(tmp) / f"{name.replace(' ', '-').replace('/', '_')}-{n}", site, args.fetch)
                    note(f"{name}, {n:,} URLs: {r['total']:.0f} MB peak RSS, {r['pss']:.0f} MB PSS, "
                         f"{r['discovered']:,} discovered, "
                         f"{r['stored']:,} stored, {r['wall']:.0f} s; per process (MB): {r['each']}")
                    results[name, n] = r
    small, large = args.sizes
    print(f"crawl stopped after {args.fetch:,} stored articles; peak RSS in MB (crawl process + its children: "
          f"extraction workers, matcher); PSS: the same processes' proportional set size together, a page "
          f"they share counted once")
    print(f"{'revision':<12} {'site':>9} {'discovered':>11} {'stored':>7} {'crawl':>7} {'children':>8} {'RSS sum':>8} "
          f"{'PSS':>6}")
    for (name, n), r in results.items():
        print(f"{name:<12} {n:>9,} {r['discovered']:>11,} {r['stored']:>7,} {r['crawl']:>7.0f} {r['workers']:>8.0f} "
              f"{r['total']:>8.0f} {r['pss']:>6.0f}")
    for name in revisions:
        a, b = results[name, small], results[name, large]
        print(f"{name}: {large:,} / {small:,} URLs = {b['pss'] / a['pss']:.2f} in PSS, {b['total'] / a['total']:.2f} "
              f"in RSS (target <= 1.20); {large:,} URLs: {b['pss']:.0f} MB PSS, {b['total']:.0f} MB RSS "
              f"(target < 400 MB)")
    if args.compare:
        for n in args.sizes:
            mine, other = results["this tree", n], results[args.compare, n]
            print(f"{n:,} URLs: this tree / {args.compare} = PSS {mine['pss']:.0f} / {other['pss']:.0f} MB "
                  f"= {mine['pss'] / other['pss']:.2f}, RSS {mine['total']:.0f} / {other['total']:.0f} MB "
                  f"= {mine['total'] / other['total']:.2f}; crawl process alone {mine['crawl']:.0f} / "
                  f"{other['crawl']:.0f} MB")


if __name__ == "__main__":
    main()
