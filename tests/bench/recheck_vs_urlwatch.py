"""Re-checking unchanged pages: mirrorwatch against urlwatch, side by side.

    python -m tests.bench.recheck_vs_urlwatch [--pages 1000] [--rounds 3]

urlwatch, the page monitor people run from cron, is installed from PyPI into its own venv
under build/ (``pip install urlwatch``). A local server (its own process) serves N real article
pages (``/a/<k>.html`` is real page ``k`` for the first 181, then again one with a long article:
see ``tests.bench.site.serving``) with validators (ETag, 304 on ``If-None-Match``) or without.
For each of the two: mirrorwatch's first crawl (``mirrorwatch crawl`` of a sitemap source, a
fresh SQLite archive) and urlwatch's first run (its cache filled), then ``--rounds`` re-checks of
the unchanged site by each, alternately, in subprocesses: medians of wall time and CPU time
(the whole process tree: children included). Then 10 pages are edited (a sentence added to
their longest paragraph) and both run again: each must find exactly those 10. Last, a run
that re-checks one page (a source, and a urls file, of one URL), the median of ``--rounds``.
Targets (#18): mirrorwatch's re-check ≤ 10 % of its first crawl's CPU, ≥ 5× faster in wall
time, and no more wall or CPU time than urlwatch. mirrorwatch's modules are byte-compiled first,
as ``pip install`` does for urlwatch's.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import multiprocessing
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from html import unescape
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.bench import measure
from tests.bench.pages import load_pages
from tests.bench.site import free_port, serve_forever, serving

ROOT = Path(__file__).resolve().parents[2]
URLWATCH_VENV = ROOT / "build" / "urlwatch-venv"
EDITED = 10
_LONGEST_P = re.compile(rb"(<p[^>]*>)([^<]{200,})(</p>)")


def edit(body: bytes, truth: str, k: int) -> bytes:
    """The page with one sentence added to the longest paragraph of its article (its ground truth
    names the paragraphs that are the article's text, not its furniture)."""
    paragraphs = sorted(_LONGEST_P.finditer(body), key=lambda m: -len(m.group(2)))
    m = next((m for m in paragraphs if unescape(m.group(2)[:80].decode("utf-8", "replace")).strip()[:40] in truth),
             None)
    if m is None:
        raise ValueError(f"page {k}: no paragraph of its article found to edit")
    return body[:m.end(2)] + f" Correction {k}: the figure given here was revised on Tuesday.".encode() + body[m.end(2):]


def editable(n: int) -> tuple[int, ...]:
    """``EDITED`` page numbers below ``n``, spread over the site, whose article has a paragraph to
    edit that the archived text holds: an edit of a paragraph the extraction leaves out (one of
    the 181 pages) changes no archived text, and mirrorwatch rightly stores no version for it."""
    from crawler.extract.extractor import extract

    real = load_pages()
    served = serving(real)
    ok = []
    for k in range(n):
        try:
            edit(real[served(k)].html, real[served(k)].truth, k)
            ok.append(k)
        except ValueError:
            pass
    picked = []
    for k in ok[::max(len(ok) // (2 * EDITED), 1)]:
        page = real[served(k)]
        if extract(edit(page.html, page.truth, k), url="http://bench/").paragraphs != extract(
                page.html, url="http://bench/").paragraphs:
            picked.append(k)
    return tuple(picked[::max(len(picked) // EDITED, 1)][:EDITED])


def _serve(port: int, n: int, validators: bool, edited: tuple[int, ...], ready) -> None:
    real = load_pages()
    served = serving(real)
    base = f"http://127.0.0.1:{port}"
    bodies = {k: edit(real[served(k)].html, real[served(k)].truth, k) for k in edited}

    def body_of(k: int) -> bytes:
        return bodies[k] if k in bodies else real[served(k)].html

    def sitemap(urls) -> bytes:
        rows = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
        return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'.encode()

    maps = {"/sitemap.xml": sitemap(f"{base}/a/{k}.html" for k in range(n)),
            "/sitemap-one.xml": sitemap([f"{base}/a/0.html"])}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path in maps:
                return self._send(200, maps[path], {"Content-Type": "application/xml"})
            if path.startswith("/a/") and path.endswith(".html") and 0 <= (k := int(path[3:-5])) < n:
                body = body_of(k)
                headers = {"Content-Type": "text/html; charset=utf-8"}
                if validators:
                    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                    headers |= {"ETag": etag, "Last-Modified": "Mon, 02 Mar 2026 10:00:00 GMT"}
                    if self.headers.get("If-None-Match") == etag:
                        return self._send(304, b"", {k: v for k, v in headers.items() if k != "Content-Type"})
                return self._send(200, body, headers)
            self._send(404, b"not found", {"Content-Type": "text/plain"})

        def _send(self, status: int, body: bytes, headers: dict) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    serve_forever(port, Handler, ready)


class Site:
    def __init__(self, port: int, n: int, validators: bool, edited: tuple[int, ...] = ()):
        self.args = (port, n, validators, edited)
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> Site:
        ctx = multiprocessing.get_context("spawn")
        ready = ctx.Event()
        self.process = ctx.Process(target=_serve, args=(*self.args, ready), daemon=True)
        self.process.start()
        if not ready.wait(60):
            raise RuntimeError("the benchmark site did not start")
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.join(10)


def urlwatch_bin() -> Path:
    binary = URLWATCH_VENV / "bin" / "urlwatch"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(URLWATCH_VENV)], check=True)
        subprocess.run([str(URLWATCH_VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                        "urlwatch"], check=True)
    return binary


class Monitors:
    """One mirrorwatch workspace and one urlwatch workspace watching the same URLs."""

    def __init__(self, root: Path, port: int, n: int, sitemap: str = "/sitemap.xml"):
        self.dir = root
        root.mkdir(parents=True)
        base = f"http://127.0.0.1:{port}"
        urls = [f"{base}/a/{k}.html" for k in range(n)]
        (root / "sources.toml").write_text(
            f'[[source]]\nname = "bench"\nrole = "origin"\nstart_urls = []\nsitemaps = ["{base}{sitemap}"]\n'
            f'allow = ["/a/"]\nmax_pages = {n}\n', encoding="utf-8")
        (root / "urls.yaml").write_text("\n---\n".join(f"url: {u}" for u in urls) + "\n", encoding="utf-8")
        self.db = root / "archive.db"

    def mirrorwatch(self) -> tuple[measure.Measured, dict]:
        result = measure.run([sys.executable, "-m", "crawler", "--db", str(self.db), "--sources", "sources.toml",
                              "crawl", "--format", "json"], cwd=self.dir, check=False)
        return result, json.loads(result.stdout)["sources"][0]

    def urlwatch(self) -> tuple[measure.Measured, list[str]]:
        d = self.dir
        result = measure.run([str(urlwatch_bin()), "--urls", str(d / "urls.yaml"), "--config", str(d / "urlwatch.yaml"),
                              "--hooks", str(d / "hooks.py"), "--cache", str(d / "cache.db")], cwd=d, check=False)
        return result, re.findall(r"^CHANGED: (\S+)", result.stdout, re.M)

    def versioned(self) -> list[str]:
        """The pages mirrorwatch holds a second version of."""
        with sqlite3.connect(self.db) as conn:
            return [url for (url,) in conn.execute(
                "select p.url from page p join version v on v.page_id = p.id where v.number = 2 order by p.url")]


def note(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def series(root: Path, n: int, rounds: int, validators: bool) -> dict:
    port = free_port()
    m = Monitors(root / ("etag" if validators else "no-etag"), port, n)
    label = "ETag" if validators else "no validators"
    rows: dict[str, list] = {"mw_wall": [], "mw_cpu": [], "uw_wall": [], "uw_cpu": []}
    with Site(port, n, validators):
        first, summary = m.mirrorwatch()
        assert summary["new_version"] == n, summary
        uw_first, _ = m.urlwatch()
        note(f"{label}: first crawl {first.wall:.1f} s, {first.cpu:.1f} s CPU; urlwatch's first run {uw_first.wall:.1f} s")
        for r in range(rounds):
            uw, changed = m.urlwatch()
            assert changed == [], changed[:5]
            mw, summary = m.mirrorwatch()
            assert summary["not_modified" if validators else "unchanged"] == n, summary
            note(f"{label}, round {r + 1}: mirrorwatch {mw.wall:.2f} s wall, {mw.cpu:.2f} s CPU; "
                 f"urlwatch {uw.wall:.2f} s, {uw.cpu:.2f} s")
            rows["mw_wall"].append(mw.wall)
            rows["mw_cpu"].append(mw.cpu)
            rows["uw_wall"].append(uw.wall)
            rows["uw_cpu"].append(uw.cpu)
    edited = editable(n)
    expected = sorted(f"http://127.0.0.1:{port}/a/{k}.html" for k in edited)
    with Site(port, n, validators, edited):
        _, changed = m.urlwatch()
        _, summary = m.mirrorwatch()
    return {"first_wall": first.wall, "first_cpu": first.cpu, **{k: measure.med(v) for k, v in rows.items()},
            "uw_found": sorted(changed) == expected, "uw_changed": len(changed),
            "mw_found": m.versioned() == expected and summary["new_version"] == EDITED,
            "mw_changed": summary["new_version"]}


def one_page(root: Path, rounds: int) -> dict:
    port = free_port()
    m = Monitors(root / "one", port, 1, sitemap="/sitemap-one.xml")
    rows: dict[str, list] = {"mw_wall": [], "mw_cpu": [], "uw_wall": [], "uw_cpu": []}
    with Site(port, 1, True):
        m.mirrorwatch()
        m.urlwatch()
        for _ in range(rounds):
            uw, _ = m.urlwatch()
            mw, summary = m.mirrorwatch()
            assert summary["not_modified"] == 1, summary
            rows["mw_wall"].append(mw.wall)
            rows["mw_cpu"].append(mw.cpu)
            rows["uw_wall"].append(uw.wall)
            rows["uw_cpu"].append(uw.cpu)
    return {k: measure.med(v) for k, v in rows.items()}


def report(n: int, rounds: int, results: dict, one: dict) -> None:
    print(f"re-check of {n:,} unchanged local real pages, medians of {rounds} rounds (CPU includes children)")
    print(f"{'':<15} {'first crawl':>16} {'mirrorwatch':>16} {'urlwatch':>16}  {'mw/first CPU':>12} {'speed-up':>8} "
          f"{'mw/uw wall':>10} {'mw/uw CPU':>9}")
    for label, r in results.items():
        print(f"{label:<15} {r['first_wall']:>6.2f} s {r['first_cpu']:>5.2f} s {r['mw_wall']:>6.2f} s {r['mw_cpu']:>5.2f} s "
              f"{r['uw_wall']:>6.2f} s {r['uw_cpu']:>5.2f} s  {r['mw_cpu'] / r['first_cpu']:>12.1%} "
              f"{r['first_wall'] / r['mw_wall']:>7.1f}x {r['mw_wall'] / r['uw_wall']:>10.2f} {r['mw_cpu'] / r['uw_cpu']:>9.2f}")
    print("targets: mw/first CPU <= 10%, speed-up >= 5x, mw/uw wall and CPU <= 1.00")
    for label, r in results.items():
        print(f"{label}: after editing {EDITED} pages, mirrorwatch found {r['mw_changed']} "
              f"({'exactly those' if r['mw_found'] else 'NOT exactly those'}), urlwatch {r['uw_changed']} "
              f"({'exactly those' if r['uw_found'] else 'NOT exactly those'})")
    print(f"one page re-checked (ETag, 304): mirrorwatch {one['mw_wall']:.2f} s wall, {one['mw_cpu']:.2f} s CPU; "
          f"urlwatch {one['uw_wall']:.2f} s, {one['uw_cpu']:.2f} s; mw/uw CPU {one['mw_cpu'] / one['uw_cpu']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    urlwatch_bin()
    # pip byte-compiles what it installs, urlwatch included. This checkout's editable install is
    # not, and under PYTHONDONTWRITEBYTECODE (set on this machine, and in many container images)
    # nothing writes the bytecode later: each run would compile mirrorwatch's modules again.
    for package in ("crawler", "storage"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    with tempfile.TemporaryDirectory(prefix="mw-recheck-") as tmp:
        results = {label: series(Path(tmp), args.pages, args.rounds, validators)
                   for label, validators in (("ETag", True), ("no validators", False))}
        one = one_page(Path(tmp), args.rounds)
    report(args.pages, args.rounds, results, one)


if __name__ == "__main__":
    main()
