"""Memory benchmark for the JSONL corpus export: is it streamed, whatever the archive's size?

    python -m tests.bench.export_memory [--sizes 1000,10000] [--words 400]

Builds one SQLite archive per size (pages with two versions each, ~400 words a
version, a copy link on every tenth page; bulk inserts, since the write path
is not what is measured), then exports every version of each as JSONL in a
fresh process and prints that process's peak RSS, its growth over a process
that only opens the archive, and the ratio between sizes. A streamed export
stays flat; one that held the records would grow with the archive's text
(about 2.5 MB per 1,000 versions here).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from storage.archive import Archive
from storage.models import Capture, CopyLink, Page, Source, Version
from storage.text.normalize import text_sha256
from tests.bench.measure import own_peak_rss_kib

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def build(db: Path, versions: int, words_per_version: int) -> None:
    rng = random.Random(versions)
    vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
                  for _ in range(5000)]
    archive = Archive.open(f"sqlite:///{db}")
    archive.ensure_source("origin", role="origin", origin="http://127.0.0.1:1")
    archive.ensure_source("mirror", role="mirror", origin="http://127.0.0.1:2")
    pages = versions // 2
    with archive.session.begin() as s:
        source_ids = {name: s.scalar(Source.__table__.select().with_only_columns(Source.id)
                                     .where(Source.name == name)) for name in ("origin", "mirror")}
        s.execute(insert(Page), [{"id": p + 1, "source_id": source_ids["mirror" if p % 10 == 9 else "origin"],
                                  "url": f"http://127.0.0.1:{2 if p % 10 == 9 else 1}/a/{p}.html",
                                  "first_seen_at": T0} for p in range(pages)])
        captures, rows = [], []
        for p in range(pages):
            for n in (1, 2):
                vid = p * 2 + n
                paragraphs = [" ".join(rng.choice(vocabulary) for _ in range(words_per_version // 8)).capitalize()
                              for _ in range(8)]
                at = T0 + timedelta(minutes=vid)
                captures.append({"id": vid, "page_id": p + 1, "fetched_at": at, "status": 200,
                                 "outcome": "new-version"})
                rows.append({"id": vid, "page_id": p + 1, "number": n, "captured_at": at, "capture_id": vid,
                             "title": f"Page {p}", "language": "en", "text": "\n".join(paragraphs),
                             "text_sha256": text_sha256(paragraphs), "extractor": "bench",
                             "extractor_version": "0", "options_hash": "bench",
                             "parent_id": vid - 1 if n == 2 else None})
            if len(rows) >= 2000:
                s.execute(insert(Capture), captures)
                s.execute(insert(Version), rows)
                captures, rows = [], []
        if rows:
            s.execute(insert(Capture), captures)
            s.execute(insert(Version), rows)
        s.execute(insert(CopyLink), [
            {"original_page_id": p, "copy_page_id": p + 1, "original_version_id": p * 2,
             "copy_version_id": (p + 1) * 2, "relation": "excerpt", "original_reason": "source role",
             "coverage": 0.3, "precision": 1.0, "matched_tokens": 100, "found_at": T0, "updated_at": T0}
            for p in range(9, pages, 10)])
    archive.engine.dispose()


def child(db: str, out: str | None) -> None:
    """Runs in a fresh process: export (or only open the archive) and report peak RSS."""
    from storage.interchange.corpus import CorpusQuery, corpus_records, write_corpus

    archive = Archive.open(f"sqlite:///{db}")
    started = time.perf_counter()
    count = 0
    if out:
        count = write_corpus(corpus_records(archive.session, CorpusQuery(latest=False)), out)
    seconds = time.perf_counter() - started
    peak_kb = own_peak_rss_kib()
    print(json.dumps({"records": count, "peak_rss_mb": peak_kb / 1024, "seconds": seconds}))


def measure(db: Path, out: Path | None) -> dict:
    args = [sys.executable, "-m", "tests.bench.export_memory", "--child", str(db)] + ([str(out)] if out else [])
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="Archive sizes in versions, comma-separated.")
    parser.add_argument("--words", type=int, default=400, help="Words per version.")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1] if len(args.child) > 1 else None)
        return
    sizes = [int(x) for x in args.sizes.split(",")]
    results = {}
    with tempfile.TemporaryDirectory(prefix="mw-bench-export-") as tmp:
        for size in sizes:
            db, out = Path(tmp) / f"{size}.db", Path(tmp) / f"{size}.jsonl"
            build(db, size, args.words)
            baseline = measure(db, None)
            exported = measure(db, out)
            results[size] = (baseline, exported, out.stat().st_size)
            print(f"{size:>7,} versions: {exported['records']:>7,} records, {out.stat().st_size / 1e6:6.1f} MB of JSONL "
                  f"in {exported['seconds']:.2f} s; peak RSS {exported['peak_rss_mb']:.1f} MB "
                  f"(+{exported['peak_rss_mb'] - baseline['peak_rss_mb']:.1f} MB over opening the archive, "
                  f"{baseline['peak_rss_mb']:.1f} MB)")
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        ratio = results[large][1]["peak_rss_mb"] / results[small][1]["peak_rss_mb"]
        growth = (results[large][1]["peak_rss_mb"] - results[large][0]["peak_rss_mb"]) \
            - (results[small][1]["peak_rss_mb"] - results[small][0]["peak_rss_mb"])
        print(f"peak RSS {large:,} / {small:,} versions: {ratio:.2f}x for {large / small:.0f}x the data "
              f"({results[large][2] / results[small][2]:.1f}x the output); export growth difference {growth:+.1f} MB")


if __name__ == "__main__":
    main()
