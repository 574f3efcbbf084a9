"""`mirrorwatch scan` against full extraction, on real pages (#17): throughput, recall, false links.

    python -m tests.bench.scan_speed [--quick] [--pages 20000] [--versions 10000] [--planted 200]

Inputs (cached under /tmp/mw-scan-bench/, rebuilt when missing):

* the archive: ``--versions`` versions on 20 origin sources. The real texts are the 181 articles
  of shared/data/article-pages and the main content of the even-numbered pages of
  shared/data/wcxb-dev (its human-reviewed ground truth); the rest, up to the count, are those
  texts with their letters rotated (a Caesar shift per copy): real lengths and word statistics,
  but no shingle in common with any real page (stand-ins for archived articles a crawl does
  not contain). Recorded through ``Archive.record`` and indexed by ``storage.copies.index_version``,
  so the fingerprint index is the real one (the archive's own copy matching is not run).
* the WARC, in ``--files`` parts: the odd-numbered wcxb pages (real pages of every kind from
  ~750 domains, unrelated to the archive) served again and again under new URLs and hosts until
  ``--pages``, with ``--planted`` copies of archived real texts under a foreign template spread
  among them (retitled, cosmetic, excerpt, edited in turn, ``tests.crawler.scan.planted``).

Measured side by side in this run: the trafilatura ceiling (the first ``--subset`` pages,
extracted in two processes), ``import warc`` of those pages, the scan on one machine (its first
pass alone too, for the split), the scan on a Dask cluster of 1 and 2 workers, and the reference
for recall: every distinct page body fully extracted and matched through the archive's own
fingerprint index (``storage.copies.candidates``) and alignment. Recall and false links compare
(page body, archived page) pairs; a body served under many URLs counts once.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import string
import sys
import time
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from contextlib import nullcontext
from pathlib import Path

from sqlalchemy import delete, select

from crawler.extract.pool import Job, extract_in_order
from crawler.ingest.warc import WarcImporter
from crawler.scan.files import FileCounts, first_pass_file
from crawler.scan.scanner import Scanner
from crawler.scan.verify import scanned_side, verify
from storage.archive import Archive
from storage.archive.write import leave_queued
from storage.copies import candidates, index_version
from storage.copies.fingerprints import fingerprints
from storage.copies.index import SourceRef
from storage.models import CopyLink, MatchQueue, Page, Source, Version
from storage.types import Extracted, Fetch
from tests.crawler.scan.planted import DATA, KINDS, T0, Article, articles, plant, write_warc

CACHE = Path("/tmp/mw-scan-bench")
SOURCES = 20


def _real_texts() -> list[Article]:
    texts = articles(min_paragraphs=3)
    for path in sorted((DATA / "wcxb-dev" / "ground-truth").glob("*.json"))[::2]:
        truth = json.loads(path.read_text(encoding="utf-8"))["ground_truth"]
        lines = tuple(ln.strip() for ln in (truth.get("main_content") or "").split("\n") if ln.strip())
        if len(lines) >= 3 and sum(len(ln.split()) for ln in lines) >= 100:
            texts.append(Article(f"wcxb{path.stem}", "", truth.get("title") or lines[0][:60], lines))
    return texts


def _rotated(text: str, k: int) -> str:
    lower, upper = string.ascii_lowercase, string.ascii_uppercase
    return text.translate(str.maketrans(lower + upper, lower[k:] + lower[:k] + upper[k:] + upper[:k]))


def _archived_url(i: int) -> str:
    return f"https://origin-{i % SOURCES}.example.com/a/{i}.html"


def build_inputs(folder: Path, *, pages: int, versions: int, planted: int, files: int) -> dict:
    """The archive and the WARC parts in ``folder`` (kept: a later run with the same sizes reuses them)."""
    if (folder / "inputs.json").exists():
        return json.loads((folder / "inputs.json").read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    reals = _real_texts()
    started = time.perf_counter()
    archive = Archive.open(f"sqlite:///{folder / 'archive.db'}")
    archive.writer.matcher = leave_queued  # queued only: indexed below, without aligning each against the archive
    for n in range(SOURCES):
        archive.ensure_source(f"origin-{n}", role="origin", origin=f"https://origin-{n}.example.com:443")
    for i in range(versions):
        base, shift = reals[i % len(reals)], i // len(reals)
        paragraphs = tuple(_rotated(p, shift % 25 + 1) if shift else p for p in base.paragraphs)
        archive.record(Fetch(source=f"origin-{i % SOURCES}", url=_archived_url(i), fetched_at=T0, status=200,
                             body=f"<p>{i}</p>".encode()),
                       Extracted(base.title, None, "2026-10-01", None, "en", None, paragraphs, "trafilatura", "b", "b"))
    recorded = time.perf_counter() - started
    _index_queued(archive)
    archive.engine.dispose()
    built = time.perf_counter() - started
    originals = [i for i in range(min(versions, len(reals))) if len(reals[i].paragraphs) >= 6][:planted]
    truth = {}
    stream = []
    for j, i in enumerate(originals):
        kind = KINDS[j % len(KINDS)]
        url = f"https://copies-{j % 50}.example.net/{j}/{kind}.html"
        truth[url] = {"key": f"planted{j}", "archived": _archived_url(i), "kind": kind}
        stream.append((url, plant(reals[i], kind, site=j % 50)[1]))
    unrelated = sorted((DATA / "wcxb-dev" / "html").glob("*.html.gz"))[1::2]
    keys: dict[str, str] = {}
    bodies = [(path.name.split(".")[0], gzip.decompress(path.read_bytes())) for path in unrelated]
    plant_every = max(1, (pages - len(stream)) // max(1, len(stream)))
    parts = [folder / f"part-{n:02d}.warc.gz" for n in range(files)]
    per_part = -(-pages // files)
    page_stream = _pages(pages, bodies, stream, plant_every, keys, truth)
    for path in parts:
        write_warc(path, islice(page_stream, per_part))
    inputs = {"parts": [str(p) for p in parts], "truth": truth, "keys": keys, "archive_seconds": built, "record_seconds": recorded,
              "versions": versions, "pages": pages, "real_texts": len(reals)}
    (folder / "inputs.json").write_text(json.dumps(inputs))
    return inputs


def _index_queued(archive: Archive) -> None:
    """The queued versions' fingerprints and boilerplate, written as the match stage writes them
    (``storage.copies.index_version``), without its alignment against the rest of the archive: the
    scan reads only the index, and a build at 10,000 versions that matched each one took ~40 minutes
    under load."""
    queued = MatchQueue.__table__
    with archive.session.begin() as s:
        for version_id in list(s.scalars(select(queued.c.version_id).order_by(queued.c.id))):
            version = s.get(Version, version_id)
            page = s.get(Page, version.page_id)
            source = s.get(Source, page.source_id)
            index_version(s, page, version, SourceRef(source.id, source.name, source.role))
        s.execute(delete(queued))


def _pages(pages: int, bodies: list[tuple[str, bytes]], planted: list[tuple[str, bytes]], every: int,
           keys: dict[str, str], truth: dict) -> Iterator[tuple[str, bytes]]:
    """``pages`` (url, body): the unrelated bodies in turn under new URLs, a planted copy every ``every``."""
    planted = list(planted)
    for n in range(pages):
        if planted and (n % every == every // 2 or pages - n <= len(planted)):
            url, body = planted.pop(0)
            keys[url] = truth[url]["key"]
        else:
            key, body = bodies[n % len(bodies)]
            url = f"https://site-{n % 997}.example.org/r{n // len(bodies)}/{key}.html"
            keys[url] = key
        yield url, body


def _archive_copy(folder: Path, name: str) -> Archive:
    shutil.copy(folder / "archive.db", folder / f"{name}.db")
    return Archive.open(f"sqlite:///{folder / f'{name}.db'}")


def _links(archive: Archive, keys: dict[str, str]) -> dict[tuple[str, str], str]:
    """(page body key, archived URL) → relation, for every stored link between a scanned and an archived page."""
    found = {}
    with archive.session() as s:
        url = {page_id: u for page_id, u in s.execute(select(Page.id, Page.url))}
        for original, copy, relation in s.execute(select(CopyLink.original_page_id, CopyLink.copy_page_id,
                                                         CopyLink.relation)):
            a, b = url[original], url[copy]
            if (a in keys) != (b in keys):
                scanned, archived = (a, b) if a in keys else (b, a)
                found[(keys[scanned], archived)] = relation
    return found


def _first_responses(parts: list[str], limit: int):
    from crawler.scan.records import Counts, responses

    n = 0
    for part in parts:
        for response in responses(part, Counts()):
            if n >= limit:
                return
            n += 1
            yield response


def ceiling(parts: list[str], subset: int) -> float:
    """Pages per second of trafilatura alone, two processes, on the first ``subset`` pages."""
    started = time.perf_counter()
    done = sum(1 for _ in extract_in_order(_first_responses(parts, subset), lambda r: Job(r.body, r.url), workers=2))
    return done / (time.perf_counter() - started)


def import_rate(folder: Path, parts: list[str], subset: int) -> float:
    path = folder / f"subset-{subset}.warc.gz"
    if not path.exists():
        write_warc(path, ((r.url, r.body) for r in _first_responses(parts, subset)))
    archive = _archive_copy(folder, "import")
    started = time.perf_counter()
    WarcImporter(archive, workers=2).run([path])
    seconds = time.perf_counter() - started
    archive.engine.dispose()
    return subset / seconds


def scan(folder: Path, inputs: dict, name: str, dask_workers: int = 0) -> tuple[dict, float, dict]:
    """(the scan's figures, its seconds, its links); on a local Dask cluster of that many workers if any."""
    archive = _archive_copy(folder, name)
    scanner = Scanner(archive, workers=2, again=True)
    if dask_workers:
        from crawler.scan.cluster import scan_on_cluster
        from tests.crawler.scan.local_cluster import local_cluster
        cluster = local_cluster(dask_workers, folder / "dask")
    else:
        cluster = nullcontext()
    with cluster as address:
        started = time.perf_counter()
        result = scan_on_cluster(scanner, inputs["parts"], address) if dask_workers else scanner.run(inputs["parts"])
        seconds = time.perf_counter() - started
    links = _links(archive, inputs["keys"])
    archive.engine.dispose()
    return result.as_dict(), seconds, links


def first_pass_alone(folder: Path, inputs: dict) -> tuple[float, float]:
    """(seconds of the first pass of every page, in one process; seconds to build the index)."""
    archive = Archive.open(f"sqlite:///{folder / 'archive.db'}")
    started = time.perf_counter()
    scanner = Scanner(archive)
    built = time.perf_counter() - started
    started = time.perf_counter()
    for part in inputs["parts"]:
        for _ in first_pass_file(part, scanner.index, scanner.known, FileCounts()):
            pass
    archive.engine.dispose()
    return time.perf_counter() - started, built


def reference(folder: Path, inputs: dict) -> dict[tuple[str, str], str]:
    """Every distinct page body extracted and matched through the archive's own index and alignment."""
    keys, seen = inputs["keys"], set()

    def distinct():
        for response in _first_responses(inputs["parts"], inputs["pages"]):
            if keys[response.url] not in seen:
                seen.add(keys[response.url])
                yield response

    archive = Archive.open(f"sqlite:///{folder / 'archive.db'}")
    found = {}
    for done in extract_in_order(distinct(), lambda r: Job(r.body, r.url), workers=2):
        if done.extracted is None:
            continue
        with archive.session() as s:
            ids = candidates(s, 0, 0, fingerprints(done.extracted.paragraphs))
            side = scanned_side(done.item.url, done.item.fetched_at, done.extracted, "reference")
            for match in verify(s, side, ids):
                found[(keys[done.item.url], match.archived_url)] = match.relation
    archive.engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 pages, 1,000 versions, 40 planted copies.")
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--planted", type=int, default=200)
    parser.add_argument("--files", type=int, default=8, help="WARC parts (a Dask task is one part).")
    parser.add_argument("--subset", type=int, default=400, help="Pages for the trafilatura ceiling and import warc.")
    parser.add_argument("--no-dask", action="store_true", help="Skip the Dask runs.")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each figure as soon as it is measured
    if args.quick:
        args.pages, args.versions, args.planted, args.subset, args.files = 2_000, 1_000, 40, 120, 4
    folder = CACHE / f"p{args.pages}-v{args.versions}-c{args.planted}-f{args.files}"
    inputs = build_inputs(folder, pages=args.pages, versions=args.versions, planted=args.planted, files=args.files)
    size = sum(Path(p).stat().st_size for p in inputs["parts"]) / 1e6
    print(f"archive: {inputs['versions']:,} versions ({inputs['real_texts']:,} real texts, the rest rotated), "
          f"built in {inputs['archive_seconds']:.0f} s ({inputs.get('record_seconds', 0):.0f} s recording, the rest "
          f"indexing); WARC: {inputs['pages']:,} pages, {len(inputs['truth'])} planted, "
          f"{len(inputs['parts'])} parts, {size:,.0f} MB gzipped")
    first_pass, index_seconds = first_pass_alone(folder, inputs)
    top = ceiling(inputs["parts"], args.subset)
    imported = import_rate(folder, inputs["parts"], args.subset)
    local, local_s, local_links = scan(folder, inputs, "scan-local")
    index = local["index"]
    pages = local["records"]
    rate = pages / local_s
    print(f"first-pass index: {index['entries']:,} entries, {index['bytes']:,} bytes = "
          f"{index['bytes'] / inputs['versions']:.0f} bytes per archived version; built in {index_seconds:.2f} s")
    print(f"trafilatura ceiling (2 processes, first {args.subset} pages): {top:6.1f} pages/s")
    print(f"import warc (2 extraction workers, same {args.subset} pages): {imported:6.1f} pages/s")
    print(f"scan, one machine (first pass in 1 process, extraction of candidates in 2): {pages:,} pages in "
          f"{local_s:.1f} s = {rate:6.1f} pages/s; first pass alone {first_pass:.1f} s ({first_pass / local_s:.0%} of "
          f"the scan), the rest (extraction, verification, recording of {local['candidates']} candidates) "
          f"{local_s - first_pass:.1f} s")
    print(f"ratio scan / trafilatura ceiling: {rate / top:.2f}x (target >= 5x); scan / import warc: {rate / imported:.2f}x")
    dask_rates = {}
    if not args.no_dask:
        for workers in (1, 2):
            data, seconds, links = scan(folder, inputs, f"scan-dask{workers}", dask_workers=workers)
            dask_rates[workers] = data["records"] / seconds
            same = "same links as the local scan" if links == local_links else f"{len(links)} links (local {len(local_links)})"
            print(f"scan on Dask, {workers} worker(s): {dask_rates[workers]:6.1f} pages/s "
                  f"({dask_rates[workers] / top:.2f}x the ceiling); {same}")
        print(f"Dask 2 workers / 1 worker: {dask_rates[2] / dask_rates[1]:.2f}x")
    ref = reference(folder, inputs)
    found, wanted = set(local_links), set(ref)
    recall = len(found & wanted) / len(wanted) if wanted else 1.0
    planted = {(t["key"], t["archived"]): t["kind"] for t in inputs["truth"].values()}
    print(f"recall: the scan finds {len(found & wanted)} of the {len(wanted)} (page, archived page) links full "
          f"extraction and matching of every distinct page find = {recall:.3f} (target >= 0.98); "
          f"links the reference does not find: {len(found - wanted)}; links that are no planted pair: "
          f"{len(found - set(planted))} (of which the reference finds {len((found - set(planted)) & wanted)})")
    by_kind = Counter(kind for pair, kind in planted.items() if pair in found)
    agree = sum(1 for pair, kind in planted.items() if local_links.get(pair) == ref.get(pair))
    print(f"planted copies found: {sum(by_kind.values())} of {len(planted)} ({dict(sorted(by_kind.items()))}); "
          f"relation as the reference judges it: {agree} of {len(planted)}; relations stored: "
          f"{dict(sorted(Counter(local_links.values()).items()))}")


if __name__ == "__main__":
    main()
