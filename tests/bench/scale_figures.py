"""Per-core figures for ``docs/SCALE.md``: extraction against a first pass, and the size of the
fingerprint index per version, on this machine.

    python -m tests.bench.scale_figures [--pages 1000] [--versions 20000] [--pg] [--only pages|index]

``pages``: real pages (the 181 article pages, then the wcxb-dev pages in name order, up to
``--pages``), each through (a) mirrorwatch's ``extract`` (trafilatura, the crawl's options) and
(b) a first pass: the page's visible text (no main-content extraction) with lxml, and with
resiliparse when installed (not a dependency), then ``fingerprints`` of it. CPU time of this
one process, the order rotated on each page so that the machine's drift falls on all alike;
prints ms per page, pages per second per core and the ratio to (a). Also: fingerprints per
version of the extracted texts (what an index of the archive holds) and per page of the visible
texts (what a first pass looks up), and the share of a page's extracted fingerprints that its
visible text carries (a first pass can only find what is there).

``index``: an archive of ``--versions`` versions (``tests.bench.copies_scale.fill``: two versions
per page, the latest indexed), then the bytes of the fingerprint table with its indexes (SQLite:
``dbstat``; PostgreSQL with ``--pg``: ``pg_total_relation_size``), per indexed version and per row;
and the memory of the same hashes held in a process: a Python dict against sorted NumPy arrays.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import random
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from crawler.extract import extractor
from crawler.extract.decode import decode_html
from storage.copies.fingerprints import fingerprints
from tests.bench.pages import PAGES_DIR, load_pages

WCXB_HTML = PAGES_DIR.parent / "wcxb-dev" / "html"
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head")


def real_pages(n: int) -> list[bytes]:
    pages = [p.html for p in load_pages()]
    for path in sorted(WCXB_HTML.glob("*.html.gz")):
        if len(pages) >= n:
            break
        pages.append(gzip.decompress(path.read_bytes()))
    return pages[:n]


def lxml_text(html: bytes) -> list[str]:
    """The visible text of a page, one piece per text node: lxml's parser, invisible elements dropped."""
    import lxml.html

    root = lxml.html.document_fromstring(decode_html(html, None))
    for element in list(root.iter(*_INVISIBLE)):  # listed first: dropping while iterating skips some
        element.drop_tree()
    return [t for t in (s.strip() for s in root.itertext()) if t]


def resiliparse_text(html: bytes) -> list[str]:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(decode_html(html, None), main_content=False, alt_texts=False, links=False).split("\n")


def first_passes() -> dict:
    passes = {"lxml visible text": lxml_text}
    if importlib.util.find_spec("resiliparse"):
        passes["resiliparse visible text"] = resiliparse_text
    return passes


def measure_pages(n: int) -> None:
    pages = real_pages(n)
    runs = {"trafilatura extract": lambda html: list(extractor.extract(html).paragraphs), **first_passes()}
    seconds = dict.fromkeys(runs, 0.0)
    counts: dict[str, list[int]] = {name: [] for name in runs}
    carried: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for i, html in enumerate(pages):
        prints = {}
        for name in names[i % len(names):] + names[:i % len(names)]:
            started = time.process_time()
            try:
                prints[name] = fingerprints(runs[name](html))
            except Exception:  # a page a parser refuses: counted as empty, time kept
                prints[name] = set()
            seconds[name] += time.process_time() - started
        full = prints["trafilatura extract"]
        for name in names:
            counts[name].append(len(prints[name]))
            if full:
                carried[name].append(len(full & prints[name]) / len(full))
    base = seconds["trafilatura extract"]
    print(f"== {len(pages)} real pages, CPU time of one process (text + fingerprints) ==")
    print(f"{'pass':<26}{'ms/page':>9}{'pages/s/core':>14}{'vs extract':>12}{'fp/page':>9}{'carries':>9}")
    for name in names:
        ms = 1000 * seconds[name] / len(pages)
        print(f"{name:<26}{ms:>9.2f}{1000 / ms:>14.1f}{base / seconds[name]:>11.1f}x"
              f"{statistics.mean(counts[name]):>9.0f}{statistics.mean(carried[name]):>9.3f}")
    with_text = [c for c in counts["trafilatura extract"] if c]
    print(f"extracted versions with text: {len(with_text)}; fingerprints per version: mean {statistics.mean(with_text):.0f},"
          f" median {statistics.median(with_text):.0f}")
    print("'carries': mean share of a page's extracted fingerprints found in that pass's fingerprints")


def measure_index(n_versions: int, pg: bool) -> None:
    from sqlalchemy import func, select, text

    from storage.archive import Archive
    from storage.models import Fingerprint, ParagraphSeen
    from tests.bench.copies_scale import fill, vocabulary

    urls = {"SQLite": f"sqlite:///{tempfile.mkdtemp(prefix='mw-scale-')}/archive.db"}
    cleanup = None
    if pg:
        from tests.support.databases import pg_database

        cleanup = pg_database()
        urls["PostgreSQL"] = next(cleanup)
    texts = None
    print(f"== fingerprint index of {n_versions:,} versions: {n_versions // 2:,} pages, the current version of "
          f"each indexed ==")
    print(f"{'database':<12}{'rows':>12}{'rows/page':>11}{'fp MB':>9}{'B/page':>9}{'B/row':>7}"
          f"{'paragraph_seen B/page':>23}")
    try:
        for label, url in urls.items():
            archive = Archive.open(url)
            rng = random.Random(20261123)
            stored = fill(archive, rng, vocabulary(rng), n_versions)
            texts = texts or stored
            with archive.session() as s:
                rows = s.scalar(select(func.count()).select_from(Fingerprint))
                if label == "SQLite":
                    size = lambda t: s.scalar(text("select sum(pgsize) from dbstat where name in "  # noqa: E731
                                                   "(select name from sqlite_master where tbl_name = :t)"), {"t": t})
                else:
                    size = lambda t: s.scalar(text("select pg_total_relation_size(:t)"), {"t": t})  # noqa: E731
                fp, seen = size(Fingerprint.__tablename__), size(ParagraphSeen.__tablename__)
                compact = size(_compact_copy(s, label))
            archive.engine.dispose()
            indexed = len(stored)
            print(f"{label:<12}{rows:>12,}{rows / indexed:>11.1f}{fp / 1e6:>9.1f}{fp / indexed:>9,.0f}"
                  f"{fp / rows:>7.1f}{seen / indexed:>23,.0f}")
            print(f"{'  compact':<12}{rows:>12,}{rows / indexed:>11.1f}{compact / 1e6:>9.1f}{compact / indexed:>9,.0f}"
                  f"{compact / rows:>7.1f}   (hash, page_id) as the primary key, no id column nor other index")
    finally:
        if cleanup is not None:
            cleanup.close()
    memory(texts)


def _compact_copy(s, label: str) -> str:
    """The fingerprint rows in the layout a partitioned index would use: (hash, page_id) as the key."""
    from sqlalchemy import text

    rowid = " WITHOUT ROWID" if label == "SQLite" else ""
    s.execute(text(f"CREATE TABLE fp_compact (hash BIGINT NOT NULL, page_id INTEGER NOT NULL, "
                   f"PRIMARY KEY (hash, page_id)){rowid}"))
    s.execute(text("INSERT INTO fp_compact SELECT hash, page_id FROM fingerprint ORDER BY page_id"))
    s.commit()
    return "fp_compact"


def memory(texts: list[list[str]]) -> None:
    """The same hashes in a worker's memory: {hash: page} in a dict (its keys and values counted),
    and two sorted NumPy arrays."""
    import numpy as np

    prints = [np.fromiter(fingerprints(paragraphs), dtype=np.int64) for paragraphs in texts]
    n = sum(len(p) for p in prints)
    tracemalloc.start()
    index: dict[int, int] = {}
    for page, page_hashes in enumerate(prints):
        for h in page_hashes.tolist():  # new int objects, allocated (and counted) here, as a worker would
            index[h] = page
    as_dict = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del prints
    hashes = np.sort(np.fromiter(index, dtype=np.int64, count=len(index)))
    arrays = hashes.nbytes + np.zeros(len(index), dtype=np.int32).nbytes
    print(f"in memory, {n:,} hashes ({len(index):,} distinct) of {len(texts):,} pages: dict "
          f"{as_dict / len(texts):,.0f} B/page ({as_dict / len(index):.0f} B/hash); sorted int64 hash + int32 "
          f"page arrays {arrays / len(texts):,.0f} B/page ({arrays / len(index):.0f} B/hash); "
          f"ratio {as_dict / arrays:.1f}x")
    lookups(index, hashes)
    del index


def lookups(index: dict[int, int], hashes, pages: int = 1000, per_page: int = 330) -> None:
    """The first pass's lookups: ``per_page`` hashes a page (the visible text's, as measured above),
    a tenth of them in the index, through the dict and through a binary search of the sorted array."""
    import numpy as np

    rng = random.Random(7)
    present = list(index)
    queries = [[rng.choice(present) if rng.random() < 0.1 else rng.getrandbits(63) for _ in range(per_page)]
               for _ in range(pages)]
    started = time.process_time()
    found_dict = sum(sum(1 for h in q if h in index) for q in queries)
    in_dict = time.process_time() - started
    arrays = [np.array(q, dtype=np.int64) for q in queries]
    started = time.process_time()
    found_array = 0
    for q in arrays:
        at = np.searchsorted(hashes, q).clip(max=len(hashes) - 1)
        found_array += int((hashes[at] == q).sum())
    in_array = time.process_time() - started
    assert found_dict == found_array
    print(f"lookups of {per_page} hashes a page: dict {1e6 * in_dict / pages:.0f} us/page, sorted array "
          f"{1e6 * in_array / pages:.0f} us/page ({len(hashes):,} hashes held)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="real pages for the first-pass figures (default 1000)")
    parser.add_argument("--versions", type=int, default=20_000, help="versions of the index archive (default 20000)")
    parser.add_argument("--pg", action="store_true", help="also measure the index on PostgreSQL (127.0.0.1:5432)")
    parser.add_argument("--only", choices=["pages", "index"])
    args = parser.parse_args()
    if args.only in (None, "pages"):
        measure_pages(args.pages)
    if args.only in (None, "index"):
        measure_index(args.versions, args.pg)


if __name__ == "__main__":
    main()
