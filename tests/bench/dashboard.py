"""Dashboard speed on a big archive: every page of ``mirrorwatch serve`` timed over HTTP.

    python -m tests.bench.dashboard [--versions 100000] [--db URL] [--repeat 7]

Builds an archive of 100,000 versions (25,000 pages of 4 versions on 20 sources over 90
days, change classes and significance set, copy links between sources, crawl runs) with bulk
inserts, not the crawl; the full-text index is fed by the same triggers as a crawl's writes.
On PostgreSQL the load ends with ``VACUUM ANALYZE``, as autovacuum would. Then serves the
dashboard on 127.0.0.1 (uvicorn in a thread) and requests each page ``--repeat`` times after
one warm-up, printing the median and the slowest time; the target is a median under 200 ms
for every page. Deep pages of the change list are reached by
their keyset cursor, as a user clicking "older" 500 times would reach them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx
from sqlalchemy import func, insert, select

from storage.archive import Archive
from storage.models import Capture, CopyLink, CrawlRun, Page, Source, Version
from storage.text.normalize import text_sha256
from storage.reports.changelist import PAGE_SIZE, encode_cursor
from tests.bench.copies_scale import article, vocabulary
from tests.support.dashboard import dashboard

SOURCES = 20
VERSIONS_PER_PAGE = 4
CLASSES = ("typo", "minor", "major", "title", "rewrite")
T0 = datetime(2026, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=90)
TARGET_MS = 200


def fill(archive: Archive, rng: random.Random, n_versions: int) -> None:
    words = vocabulary(rng, 20_000)
    pages = n_versions // VERSIONS_PER_PAGE
    with archive.session.begin() as s:
        s.execute(insert(Source), [{"id": i + 1, "name": f"s{i:02d}", "role": "origin" if i % 2 else "mirror",
                                    "origin": f"http://127.0.0.1:{10000 + i}", "created_at": T0}
                                   for i in range(SOURCES)])
        runs = []
        for i in range(SOURCES):
            for day in range(0, 90, 3):
                started = T0 + timedelta(days=day, hours=i)
                runs.append({"source_id": i + 1, "started_at": started, "finished_at": started + timedelta(minutes=5),
                             "status": "finished" if (day + i) % 17 else "failed", "finish_reason": "finished",
                             "stats": {"mirrorwatch/captures/new-version": 40, "mirrorwatch/captures/error": i % 3}})
        s.execute(insert(CrawlRun), runs)
    batch = 1_000
    vid = cid = 0
    for start in range(0, pages, batch):
        page_rows, capture_rows, version_rows = [], [], []
        for pid in range(start + 1, min(pages, start + batch) + 1):
            sid = pid % SOURCES + 1
            first_seen = T0 + SPAN * rng.random() * 0.5
            page_rows.append({"id": pid, "source_id": sid, "first_seen_at": first_seen,
                              "url": f"http://127.0.0.1:{10000 + sid - 1}/{2026}/{pid % 12 + 1:02d}/article-{pid}.html"})
            paragraphs = article(rng, words)
            title = " ".join(rng.choice(words) for _ in range(6)).capitalize()
            at = first_seen
            for number in range(1, VERSIONS_PER_PAGE + 1):
                if number > 1:  # an edit: one paragraph changed, sometimes one added, sometimes a new title
                    k = rng.randrange(len(paragraphs))
                    paragraphs = paragraphs[:k] + [article(rng, words)[0]] + paragraphs[k + 1:]
                    if number == 3:
                        paragraphs.append(article(rng, words)[0])
                    if number == 4:
                        title = title + " (updated)"
                    at = at + (T0 + SPAN - at) * rng.random() * 0.5
                cid += 1
                vid += 1
                capture_rows.append({"id": cid, "page_id": pid, "fetched_at": at, "status": 200, "outcome": "new-version"})
                version_rows.append({
                    "id": vid, "page_id": pid, "number": number, "captured_at": at, "capture_id": cid, "title": title,
                    "text": "\n".join(paragraphs), "text_sha256": text_sha256(paragraphs), "extractor": "bench",
                    "extractor_version": "0", "options_hash": "bench", "parent_id": vid - 1 if number > 1 else None,
                    "change": {"chars_added": 300, "chars_removed": 280, "paragraphs_added": int(number == 3),
                               "paragraphs_removed": 0, "paragraphs_changed": 1} if number > 1 else None,
                    "change_class": rng.choice(CLASSES) if number > 1 else None,
                    "significance": round(rng.random(), 2) if number > 1 else None,
                })
        with archive.session.begin() as s:
            s.execute(insert(Page), page_rows)
            s.execute(insert(Capture), capture_rows)
            s.execute(insert(Version), version_rows)
        print(f"  loaded {vid:,} versions", end="\r", flush=True)
    print()
    links = []
    for pid in range(1, pages - SOURCES, 5):  # page pid copied by the page of the next source
        links.append({"original_page_id": pid, "copy_page_id": pid + 1, "original_version_id": pid * VERSIONS_PER_PAGE,
                      "copy_version_id": (pid + 1) * VERSIONS_PER_PAGE, "relation": "excerpt",
                      "original_reason": "role", "coverage": 0.3, "precision": 0.9, "matched_tokens": 200,
                      "found_at": T0, "updated_at": T0})
    with archive.session.begin() as s:
        s.execute(insert(CopyLink), links)
    if archive.engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load; without statistics the planner picks
        # plans no live archive would see (a filtered change list took 8 s instead of 20 ms).
        with archive.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def deep_cursor(archive: Archive, page: int, *, source: str | None = None) -> str:
    """The cursor a user holds after clicking "older" ``page - 1`` times (or fewer, on a small archive)."""
    query = select(Version.id, Version.captured_at).order_by(Version.captured_at.desc(), Version.id.desc())
    if source:
        query = query.join(Page).join(Source).where(Source.name == source)
    with archive.session() as s:
        total = s.scalar(select(func.count()).select_from(query.subquery()))
        page = max(2, min(page, total // PAGE_SIZE))
        vid, at = s.execute(query.offset(PAGE_SIZE * (page - 1) - 1).limit(1)).one()
    return encode_cursor(at, vid)


def targets(archive: Archive, rng: random.Random) -> list[tuple[str, str]]:
    with archive.session() as s:
        pages = s.scalar(select(func.count()).select_from(Page))
        pid = pages // 5 * 3 + 1  # a copied page (see fill), in the middle of the archive
        url = s.scalar(select(Page.url).where(Page.id == pid))
        copied = s.scalar(select(Page.url).where(Page.id == pid + 1))
        word = s.scalar(select(Version.text).where(Version.id == 17)).split()[3].strip(".,").lower()
        rare = s.scalar(select(Version.text).where(Version.page_id == pages // 2).order_by(Version.number.desc())
                        .limit(1)).split()[-1].strip(".,").lower()
    deep = deep_cursor(archive, 500)
    q = lambda **kw: "?" + urlencode(kw)  # noqa: E731
    return [
        ("home", "/"),
        ("home JSON", "/api/sources"),
        ("changes, page 1", "/changes"),
        ("changes, page 500 (keyset)", "/changes" + q(after=deep)),
        ("changes JSON, page 500", "/api/changes" + q(after=deep)),
        ("changes, one source", "/changes" + q(source="s07")),
        ("changes, one source, page 100", "/changes" + q(source="s07", after=deep_cursor(archive, 100, source="s07"))),
        ("changes, class", "/changes" + q(**{"class": "rewrite"})),
        ("changes, significance >= 0.95", "/changes" + q(min_significance="0.95")),
        ("changes, class + source + sig.", "/changes" + q(**{"class": "typo", "source": "s03", "min_significance": "0.9"})),
        ("changes, last 7 days", "/changes" + q(since=(T0 + SPAN - timedelta(days=7)).date().isoformat())),
        ("new pages only", "/changes" + q(**{"class": "new"})),
        ("Atom feed", "/feed.atom"),
        ("Atom feed, one source", "/feed.atom" + q(source="s11")),
        ("page history", "/page" + q(url=url)),
        ("history JSON", "/api/history" + q(url=url)),
        ("diff", "/diff" + q(url=url, **{"from": 1, "to": 4})),
        ("copies", "/copies" + q(url=url)),
        ("compare", "/compare" + q(a=url, b=copied)),
        ("search: URL part", "/search" + q(q=f"article-{pid}.")),
        ("search: common word", "/search" + q(q=word)),
        ("search: rare word", "/search" + q(q=rare)),
        ("search: two words", "/search" + q(q=f"{word} {rare}")),
        ("search JSON", "/api/search" + q(q=word)),
    ]


def keyset_against_offset(archive: Archive, page: int, repeat: int) -> tuple[float, float]:
    """Median ms of the change list's page ``page`` by keyset (as served) and by OFFSET (the
    usual alternative), the same rows either way, measured side by side in this process."""
    from storage.reports.changelist import ChangeFilter, changes

    cursor = deep_cursor(archive, page)
    by_offset = (select(Version.id, Version.captured_at, Version.number, Version.title, Version.change_class,
                        Version.significance, Version.change, Page.url, Source.name)
                 .join(Page, Page.id == Version.page_id).join(Source, Source.id == Page.source_id)
                 .order_by(Version.captured_at.desc(), Version.id.desc()).offset(PAGE_SIZE * (page - 1))
                 .limit(PAGE_SIZE + 1))
    keyset_ms, offset_ms = [], []
    with archive.session() as s:
        assert [r["url"] for r in changes(s, ChangeFilter(), after=cursor)["changes"]] == \
               [row.url for row in s.execute(by_offset)][:PAGE_SIZE]
        for _ in range(repeat):
            t = time.perf_counter()
            changes(s, ChangeFilter(), after=cursor)
            keyset_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            s.execute(by_offset).all()
            offset_ms.append((time.perf_counter() - t) * 1000)
    return statistics.median(keyset_ms), statistics.median(offset_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file); an archive that "
                                     "already holds versions is used as it is")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(20261123)
    db = args.db or f"sqlite:///{tempfile.mkdtemp(prefix='mw-dash-bench-')}/archive.db"
    archive = Archive.open(db)
    started = time.perf_counter()
    with archive.session() as s:
        empty = not s.scalar(select(func.count()).select_from(Version))
    if empty:  # an archive given with --db that already holds versions is timed as it is
        fill(archive, rng, args.versions)
    with archive.session() as s:
        n = s.scalar(select(func.count()).select_from(Version))
    print(f"{'stored versions':<34}{n:>10,}   loaded in {time.perf_counter() - started:.0f} s ({archive.engine.dialect.name})")
    pages = targets(archive, rng)
    slow = []
    with dashboard(db) as base, httpx.Client(base_url=base, timeout=60) as client:
        print(f"{'page':<34}{'median ms':>10}{'max ms':>9}{'bytes':>9}")
        for label, path in pages:
            times = []
            for i in range(args.repeat + 1):
                t = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - t) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{label}: {path} answered {response.status_code}: {response.text[:200]}")
                if i:  # the first request warms caches
                    times.append(elapsed)
            median = statistics.median(times)
            if median >= TARGET_MS:
                slow.append(label)
            print(f"{label:<34}{median:>10.1f}{max(times):>9.1f}{len(response.content):>9,}")
    print(f"target: median < {TARGET_MS} ms for every page: " + ("met" if not slow else "NOT met: " + ", ".join(slow)))
    keyset, offset = keyset_against_offset(archive, 500, args.repeat)
    print(f"change list page 500, query only: keyset {keyset:.1f} ms, OFFSET {offset:.1f} ms "
          f"(OFFSET/keyset = {offset / keyset:.1f}x)")


if __name__ == "__main__":
    main()
