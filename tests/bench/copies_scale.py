"""Scale benchmark for copy detection: an archive of 100,000 stored versions,
then 1,000 new versions matched against it (half of them copies or excerpts).

    python -m tests.bench.copies_scale [--versions 100000] [--new 1000] [--db URL]

Prints the index size, the time to record and match the new versions through
the archive's write path (target: under 5 s on this 2-core machine), how many
copies were found, and peak memory. The archive is filled with bulk inserts
(the write path would take too long for 100,000 versions); the 1,000 new
versions go through ``Archive.record`` exactly as a crawl's pages do.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, text

from storage import boilerplate, copies
from storage.archive import Archive
from storage.fingerprints import fingerprints
from storage.models import Capture, Fingerprint, Page, ParagraphSeen, Source, Version
from storage.normalize import text_sha256
from storage.types import Extracted, Fetch

SOURCES = 20
WORDS_PER_PARAGRAPH = (30, 70)
PARAGRAPHS = (5, 9)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def vocabulary(rng: random.Random, size: int = 30_000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(size)]


def article(rng: random.Random, words: list[str]) -> list[str]:
    # Zipf-like word choice, so texts share common words as real ones do.
    out = []
    for _ in range(rng.randint(*PARAGRAPHS)):
        n = rng.randint(*WORDS_PER_PARAGRAPH)
        out.append(" ".join(words[min(int(rng.paretovariate(1.1)) - 1, len(words) - 1)] if rng.random() < 0.4
                            else rng.choice(words) for _ in range(n)).capitalize() + ".")
    return out


def extracted(paragraphs: list[str]) -> Extracted:
    return Extracted("t", None, None, None, "en", None, tuple(paragraphs), "bench", "0", "bench")


def fill(archive: Archive, rng: random.Random, words: list[str], n_versions: int) -> list[list[str]]:
    """Bulk-load pages with two versions each; index each page's latest version."""
    pages = n_versions // 2
    latest_texts: list[list[str]] = []
    with archive.session.begin() as s:
        s.execute(insert(Source), [{"id": i + 1, "name": f"s{i}", "role": "origin" if i % 2 else "mirror",
                                    "origin": f"http://127.0.0.1:{10000 + i}", "created_at": T0}
                                   for i in range(SOURCES)])
    batch = 2_000
    for start in range(0, pages, batch):
        page_rows, capture_rows, version_rows, fp_rows, seen_rows = [], [], [], [], []
        for pid in range(start + 1, min(pages, start + batch) + 1):
            sid = pid % SOURCES + 1
            first = article(rng, words)
            second = first[:-1] + [article(rng, words)[0]]
            latest_texts.append(second)
            page_rows.append({"id": pid, "source_id": sid, "url": f"http://127.0.0.1:{10000 + sid - 1}/p{pid}",
                              "first_seen_at": T0})
            for number, paragraphs in ((1, first), (2, second)):
                cid = pid * 2 + number - 2
                capture_rows.append({"id": cid, "page_id": pid, "fetched_at": T0, "status": 200,
                                     "outcome": "new-version"})
                version_rows.append({"page_id": pid, "number": number, "captured_at": T0, "capture_id": cid,
                                     "text": "\n".join(paragraphs), "text_sha256": text_sha256(paragraphs),
                                     "extractor": "bench", "extractor_version": "0", "options_hash": "bench"})
            fp_rows += [{"hash": h, "page_id": pid, "source_id": sid} for h in fingerprints(second)]
            seen_rows += [{"source_id": sid, "hash": h, "page_id": pid}
                          for h in {boilerplate.paragraph_hash(p) for p in second}]
        with archive.session.begin() as s:
            s.execute(insert(Page), page_rows)
            s.execute(insert(Capture), capture_rows)
            s.execute(insert(Version), version_rows)
            s.execute(insert(Fingerprint), fp_rows)
            s.execute(insert(ParagraphSeen), seen_rows)
        print(f"  loaded {min(pages, start + batch) * 2:,} versions", end="\r", flush=True)
    print()
    return latest_texts


def _time_matching() -> dict:
    """Accumulate the time spent in copy matching while the write path runs."""
    spent = {"seconds": 0.0}
    for name in ("index_version", "match_page"):
        original = getattr(copies, name)

        def timed(*args, _f=original, **kwargs):
            started = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                spent["seconds"] += time.perf_counter() - started

        setattr(copies, name, timed)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1_000)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    rng = random.Random(20261123)
    words = vocabulary(rng)
    tmp = tempfile.mkdtemp(prefix="mw-bench-")
    db = args.db or f"sqlite:///{tmp}/archive.db"
    archive = Archive.open(db)
    started = time.perf_counter()
    stored = fill(archive, rng, words, args.versions)
    load_seconds = time.perf_counter() - started

    with archive.session() as s:
        versions = s.scalar(select(func.count()).select_from(Version))
        index_rows = s.scalar(select(func.count()).select_from(Fingerprint))
    size = os.path.getsize(f"{tmp}/archive.db") if not args.db else None

    fetches = []
    for i in range(args.new):
        sid = i % SOURCES
        if i % 2 == 0:  # a copy or an excerpt of a stored page of another source
            index = rng.randrange(len(stored))
            while (index + 1) % SOURCES == sid:  # page id index+1 lives on source (id % SOURCES)
                index = rng.randrange(len(stored))
            src = stored[index]
            k = rng.randint(1, len(src))
            paragraphs = src[:k] if i % 4 == 0 else list(src)
        else:
            paragraphs = article(rng, words)
        fetches.append((Fetch(f"s{sid}", f"http://127.0.0.1:{10000 + sid}/new{i}", T0 + timedelta(seconds=i), 200,
                              f"new {i}".encode()), extracted(paragraphs)))
    matching = _time_matching()
    started = time.perf_counter()
    for fetch, ex in fetches:
        archive.record(fetch, ex)
    record_seconds = time.perf_counter() - started
    match_seconds = matching["seconds"]
    with archive.session() as s:
        links = s.scalar(text("select count(*) from copy_link"))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"{'stored versions':<34}{versions:>14,}")
    print(f"{'fingerprint index rows':<34}{index_rows:>14,}")
    if size:
        print(f"{'database size (MB)':<34}{size / 1e6:>14,.0f}")
    print(f"{'load time (s)':<34}{load_seconds:>14.1f}")
    print(f"{'new versions':<34}{args.new:>14,}")
    print(f"{'  matching: index + candidates + alignment (s)':<48}{match_seconds:>8.2f}   "
          f"target < 5 s: {'met' if match_seconds < 5 else 'NOT met'}")
    print(f"{'  whole write path incl. matching (s)':<48}{record_seconds:>8.2f}   "
          f"(capture, blob, version, commit per page)")
    print(f"{'  matching per version (ms)':<48}{match_seconds / args.new * 1000:>8.2f}")
    print(f"{'  write path per version (ms)':<48}{record_seconds / args.new * 1000:>8.2f}")
    print(f"{'  copy links found':<34}{links:>14,}   (~{args.new // 2:,} new versions copy a stored page)")
    print(f"{'peak memory (MB)':<34}{peak_mb:>14,.0f}")


if __name__ == "__main__":
    main()
