"""Scale benchmark for copy detection: an archive of 100,000 stored versions,
then 1,000 new versions matched against it (half of them copies or excerpts).

    python -m tests.bench.copies_scale [--versions 100000] [--new 1000] [--db URL]
    python -m tests.bench.copies_scale --compare main [--rounds 3] [--reuse DIR]

Prints the index size, the time to record and match the new versions through
the archive's write path (target: under 5 s on this 2-core machine), how many
copies were found, and peak memory. The archive is filled with bulk inserts
(the write path would take too long for 100,000 versions); the 1,000 new
versions go through ``Archive.record`` exactly as a crawl's pages do.

``--compare GIT_REF`` times another revision's matcher against this tree's on
fresh copies of the same SQLite archive, alternating runs in subprocesses, and
prints the median of each and their ratio: on a shared machine, only figures
measured side by side compare.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

from storage import copies
from storage.archive import Archive
from storage.copies import boilerplate
from storage.copies.fingerprints import fingerprints
from storage.models import Capture, Fingerprint, Page, ParagraphSeen, Source, Version
from storage.text.normalize import text_sha256
from storage.types import Extracted, Fetch
from tests.bench.measure import own_peak_rss_kib

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


def new_texts(stored: list[list[str]], rng: random.Random, words: list[str], n: int) -> list[tuple[int, list[str]]]:
    """(source index, paragraphs) of the new versions: every other one copies or excerpts a
    stored page of another source, the rest are new articles."""
    out = []
    for i in range(n):
        sid = i % SOURCES
        if i % 2 == 0:  # a copy or an excerpt of a stored page of another source
            index = rng.randrange(len(stored))
            while (index + 1) % SOURCES == sid:  # page id index+1 lives on source (id % SOURCES)
                index = rng.randrange(len(stored))
            src = stored[index]
            k = rng.randint(1, len(src))
            out.append((sid, src[:k] if i % 4 == 0 else list(src)))
        else:
            out.append((sid, article(rng, words)))
    return out


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


def measure(archive: Archive, texts: list[tuple[int, list[str]]]) -> dict:
    """Record the new versions through the write path: matching time, whole time, links."""
    fetches = [(Fetch(f"s{sid}", f"http://127.0.0.1:{10000 + sid}/new{i}", T0 + timedelta(seconds=i), 200,
                      f"new {i}".encode()), extracted(paragraphs))
               for i, (sid, paragraphs) in enumerate(texts)]
    matching = _time_matching()
    started = time.perf_counter()
    for fetch, ex in fetches:
        archive.record(fetch, ex)
    record_seconds = time.perf_counter() - started
    with archive.session() as s:
        links = s.scalar(text("select count(*) from copy_link"))
    return {"match_seconds": matching["seconds"], "record_seconds": record_seconds, "links": links,
            "peak_mb": peak_mb()}


def peak_mb() -> float:
    return own_peak_rss_kib() / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1_000)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--compare", metavar="GIT_REF",
                        help="also time the matcher of GIT_REF (e.g. main; or a directory holding another "
                             "checkout) on copies of the same archive")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each matcher with --compare (default 3)")
    parser.add_argument("--reuse", metavar="DIR", type=Path,
                        help="with --compare: the archive and new versions an earlier --compare left in DIR")
    parser.add_argument("--match-only", metavar="TEXTS_JSON", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.match_only:  # one timed run for --compare, in a process of its own
        texts = json.loads(Path(args.match_only).read_text())
        out = measure(Archive.open(args.db), [(sid, paragraphs) for sid, paragraphs in texts])
        print(json.dumps({**out, "code": str(Path(copies.__file__).resolve().parents[2])}))
        return
    if args.compare and args.db:
        parser.error("--compare copies a SQLite file: leave out --db")
    if args.reuse and not (args.compare and (args.reuse / "archive.db").is_file()):
        parser.error("--reuse needs --compare and a directory an earlier --compare left")
    tmp = args.reuse or Path(tempfile.mkdtemp(prefix="mw-bench-"))
    db = args.db or f"sqlite:///{tmp}/archive.db"
    archive = Archive.open(db)
    started = time.perf_counter()
    if args.reuse:
        texts = [(sid, paragraphs) for sid, paragraphs in json.loads((tmp / "texts.json").read_text())]
    else:
        rng = random.Random(20261123)
        words = vocabulary(rng)
        stored = fill(archive, rng, words, args.versions)
        texts = new_texts(stored, rng, words, args.new)
        del stored
    load_seconds = time.perf_counter() - started

    with archive.session() as s:
        versions = s.scalar(select(func.count()).select_from(Version))
        index_rows = s.scalar(select(func.count()).select_from(Fingerprint))
    size = os.path.getsize(tmp / "archive.db") if not args.db else None

    print(f"{'stored versions':<34}{versions:>14,}")
    print(f"{'fingerprint index rows':<34}{index_rows:>14,}")
    if size:
        print(f"{'database size (MB)':<34}{size / 1e6:>14,.0f}")
    print(f"{'load time (s)':<34}{load_seconds:>14.1f}")
    print(f"{'new versions':<34}{len(texts):>14,}")
    if args.compare:
        archive.engine.dispose()
        compare(args.compare, tmp, texts, args.rounds)
        return
    report(measure(archive, texts), len(texts))


def report(out: dict, new: int) -> None:
    match_seconds, record_seconds = out["match_seconds"], out["record_seconds"]
    print(f"{'  matching: index + candidates + alignment (s)':<48}{match_seconds:>8.2f}   "
          f"target < 5 s: {'met' if match_seconds < 5 else 'NOT met'}")
    print(f"{'  whole write path incl. matching (s)':<48}{record_seconds:>8.2f}   "
          f"(capture, blob, version, commit per page)")
    print(f"{'  matching per version (ms)':<48}{match_seconds / new * 1000:>8.2f}")
    print(f"{'  write path per version (ms)':<48}{record_seconds / new * 1000:>8.2f}")
    print(f"{'  copy links found':<34}{out['links']:>14,}   (~{new // 2:,} new versions copy a stored page)")
    print(f"{'peak memory (MB)':<34}{out['peak_mb']:>14,.0f}")


# Runs a script with another tree's packages first on the path: argv = tree, script, args...
_RUNNER = "import runpy, sys; sys.path.insert(0, sys.argv[1]); del sys.argv[:2]; " \
          "runpy.run_path(sys.argv[0], run_name='__main__')"


def compare(ref: str, tmp: Path, texts: list[tuple[int, list[str]]], rounds: int) -> None:
    """Time GIT_REF's matcher and this tree's on fresh copies of one archive, alternating
    (ABBA...) so that load from other processes falls on both alike; report medians."""
    repo = Path(__file__).resolve().parents[2]
    old = Path(ref)
    if not old.is_dir():  # a git ref: export that revision's files
        old = Path(tempfile.mkdtemp(prefix="ref-", dir=tmp))
        tar = subprocess.run(["git", "-C", str(repo), "archive", ref], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=tar, check=True)
    (tmp / "texts.json").write_text(json.dumps(texts))
    print(f"  (archive and new versions kept in {tmp}: --reuse {tmp} runs again without loading)")
    runs: dict[str, list[dict]] = {ref: [], "this tree": []}
    trees = {ref: old, "this tree": repo}
    for r in range(rounds):
        for label in (ref, "this tree") if r % 2 == 0 else ("this tree", ref):
            for suffix in ("", "-wal", "-shm"):
                (tmp / f"run.db{suffix}").unlink(missing_ok=True)
            shutil.copyfile(tmp / "archive.db", tmp / "run.db")
            done = subprocess.run(
                [sys.executable, "-c", _RUNNER, str(trees[label]), __file__, "--match-only",
                 str(tmp / "texts.json"), "--db", f"sqlite:///{tmp}/run.db"],
                check=True, capture_output=True, text=True)
            out = json.loads(done.stdout.strip().splitlines()[-1])
            if Path(out["code"]) != trees[label].resolve():
                raise SystemExit(f"{label}: ran the code in {out['code']}, not {trees[label]}")
            runs[label].append(out)
            print(f"  round {r + 1} {label:<12} matching {out['match_seconds']:6.2f} s   "
                  f"links {out['links']:,}", flush=True)
    medians = {label: statistics.median(o["match_seconds"] for o in outs) for label, outs in runs.items()}
    print(f"{'  matching, median of ' + str(rounds) + ' (s)':<48}"
          + "   ".join(f"{label}: {m:.2f}" for label, m in medians.items()))
    print(f"{'  ratio this tree / ' + ref:<48}{medians['this tree'] / medians[ref]:>8.2f}")
    best = min(runs["this tree"], key=lambda o: abs(o["match_seconds"] - medians["this tree"]))
    print("this tree's median run:")
    report(best, len(texts))


if __name__ == "__main__":
    main()
