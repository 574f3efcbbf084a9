"""``make bench``: every benchmark in one go, one table of figures, ratios and targets.

    python -m tests.bench.suite [--quick]

The workload is the 181 real article pages (``tests.bench.pages``) served under many
URLs by a local server (``tests.bench.site``). Each figure is the median of several
runs, and every ratio compares figures measured side by side in this run: the
machine is shared and noisy, so absolute rates move from one run to the next.
``--quick`` shrinks every size for development (minutes, not a quarter of an hour).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.bench import crawl_speed, quality


@dataclass(frozen=True)
class Sizes:
    pages: int  # first crawl and re-crawls
    runs: int
    memory: tuple[int, int]  # small and large crawl for peak memory
    growth_pages: int
    recrawls: int
    copies: tuple[int, int]  # stored versions, new versions


# The sizes: 100 unchanged re-crawls of a 1,000-page site (about half an hour of the run).
FULL = Sizes(pages=1000, runs=3, memory=(2000, 10_000), growth_pages=1000, recrawls=100, copies=(100_000, 1000))
QUICK = Sizes(pages=300, runs=1, memory=(300, 1500), growth_pages=300, recrawls=4, copies=(10_000, 200))

Row = tuple[str, str, str, str]  # measure, figure, target, verdict


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def crawl_rows(root: Path, sizes: Sizes) -> list[Row]:
    r = crawl_speed.first_and_recrawls(root, sizes.pages, sizes.runs)
    first, ceiling, cli = r["first"], r["ceiling"], r["cli"]
    n = f"{sizes.pages:,} pages, median of {sizes.runs}"
    etag_cpu, noetag_cpu = r["etag_cpu"] / r["first_cpu"], r["noetag_cpu"] / r["first_cpu"]
    first_wall = sizes.pages / first
    return [
        (f"first crawl ({n})", f"{first:.1f} pages/s, {r['first_cpu']:.0f} s CPU", "", ""),
        ("(a) trafilatura extraction alone, 1 process/core", f"{ceiling:.1f} pages/s", "", ""),
        ("    mirrorwatch / (a)", f"{first / ceiling:.2f}", ">= 0.85", verdict(first / ceiling >= 0.85)),
        ("(b) trafilatura -i urls.txt (SSRF off, SLEEP_TIME 0)", f"{cli:.1f} pages/s, {r['cli_cpu']:.0f} s CPU", "", ""),
        ("    mirrorwatch / (b)", f"{first / cli:.2f}", ">= 1.7", verdict(first / cli >= 1.7)),
        ("    trafilatura -i, default config", f"{r['protected_texts']} of 5 local pages", "", "refuses 127.0.0.1"),
        ("re-crawl, ETag (304s): CPU / first crawl's", f"{etag_cpu:.1%} ({r['etag_cpu']:.1f} s)", "<= 10%",
         verdict(etag_cpu <= 0.10)),
        ("re-crawl, ETag: wall speed-up", f"{first_wall / r['etag_wall']:.1f}x ({r['etag_wall']:.1f} s)", ">= 5x",
         verdict(first_wall / r["etag_wall"] >= 5)),
        ("re-crawl, no ETag (same bodies): CPU / first's", f"{noetag_cpu:.1%} ({r['noetag_cpu']:.1f} s)", "<= 10%",
         verdict(noetag_cpu <= 0.10)),
        ("re-crawl, no ETag: wall speed-up", f"{first_wall / r['noetag_wall']:.1f}x ({r['noetag_wall']:.1f} s)",
         ">= 5x", verdict(first_wall / r["noetag_wall"] >= 5)),
    ]


def memory_rows(root: Path, sizes: Sizes) -> list[Row]:
    small, large = sizes.memory
    peaks = crawl_speed.memory(root, sizes.memory)
    ratio = peaks[large] / peaks[small]
    return [
        (f"peak memory, {small:,}-page crawl (with workers)", f"{peaks[small]:.0f} MB", "", ""),
        (f"peak memory, {large:,}-page crawl (with workers)", f"{peaks[large]:.0f} MB", "<= 400 MB",
         verdict(peaks[large] <= 400)),
        (f"    {large:,} / {small:,}", f"{ratio:.2f}", "<= 1.20", verdict(ratio <= 1.20)),
    ]


def quality_rows() -> list[Row]:
    q = quality.measure()
    mw, tf = q["mirrorwatch"], q["trafilatura defaults"]
    fmt = "F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f})"
    return [
        ("extraction quality, 181 real pages: mirrorwatch", fmt.format(**mw), ">= defaults",
         verdict(mw["f1"] >= tf["f1"])),
        ("    trafilatura defaults", fmt.format(**tf), "", ""),
    ]


def growth_rows(root: Path, sizes: Sizes) -> list[Row]:
    g = crawl_speed.growth(root, sizes.growth_pages, sizes.recrawls)
    b, a, k = g["before"], g["after"], g["recrawls"]
    o = g["outcomes"]
    per = {t: (a[t] - b[t]) / k for t in ("capture", "version", "blob", "page")}
    text_free = per["version"] == 0 and per["blob"] == 0 and per["page"] == 0
    return [
        (f"database growth, {k} unchanged re-crawls of {g['pages']:,} pages",
         f"+{per['capture']:,.0f} captures, +{per['version']:.0f} versions, +{per['blob']:.0f} blobs per re-crawl",
         "captures only", verdict(text_free and o["new_version"] == 0)),
        ("    bytes per re-crawl (SQLite file)", f"{(a['bytes'] - b['bytes']) / k / 1024:,.0f} KiB "
         f"({b['bytes'] / 1e6:.1f} MB after the first crawl)", "", ""),
        ("    outcomes", f"{o['not_modified']:,} not-modified, {o['unchanged']:,} unchanged, "
         f"{o['new_version']} new, {o['error']} errors", "", ""),
    ]


def copies_rows(sizes: Sizes) -> list[Row]:
    """``tests.bench.copies_scale`` as it is (another helper tunes it): its figures, as printed."""
    versions, new = sizes.copies
    out = subprocess.run([sys.executable, "-m", "tests.bench.copies_scale", "--versions", str(versions),
                          "--new", str(new)], capture_output=True, text=True, check=True).stdout
    rows: list[Row] = []
    for line in out.replace("\r", "\n").splitlines():
        match = re.match(r"^(\s*\S.*?\S)\s{2,}([\d.,]+)\b(.*)$", line)
        if match and "loaded" not in line:
            rows.append((f"copy matching: {match.group(1).strip()}", match.group(2), match.group(3).strip(), ""))
    return rows


def print_table(rows: list[Row]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    header = ("measure", "figure", "target", "")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.replace("|", "/").ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one run: for development")
    parser.add_argument("--only", choices=["crawl", "memory", "quality", "growth", "copies"], action="append",
                        help="run only these parts (repeatable)")
    parser.add_argument("--runs", type=int, help="runs of the first crawl and re-crawls (median)")
    parser.add_argument("--recrawls", type=int, help="unchanged re-crawls for the database growth (full: 100)")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    if args.runs:
        sizes = dataclasses.replace(sizes, runs=args.runs)
    if args.recrawls:
        sizes = dataclasses.replace(sizes, recrawls=args.recrawls)
    parts = args.only or ["crawl", "memory", "quality", "growth", "copies"]
    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="mw-bench-") as tmp:
        root = Path(tmp)
        for part in parts:
            crawl_speed.note(f"== {part}")
            if part == "crawl":
                rows += crawl_rows(root, sizes)
            elif part == "memory":
                rows += memory_rows(root, sizes)
            elif part == "quality":
                rows += quality_rows()
            elif part == "growth":
                rows += growth_rows(root, sizes)
            else:
                rows += copies_rows(sizes)
    print(f"\nmirrorwatch benchmarks ({'quick' if args.quick else 'full'}; "
          f"{time.perf_counter() - started:.0f} s; {time.strftime('%Y-%m-%d')})\n")
    print_table(rows)


if __name__ == "__main__":
    main()
