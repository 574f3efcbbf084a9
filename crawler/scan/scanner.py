"""A scan: WARC files → first pass → extraction of candidates → verified matches → recorded.

:class:`Scanner` builds the first-pass index once from the archive's fingerprint
table (``FirstPassIndex``), reads each file's candidates (``crawler.scan.files``, here
or on Dask workers: ``crawler.scan.cluster``), extracts them in the crawl's process
pool (``crawler.extract.pool``, in order), verifies each against its archived
candidates until one matches (``crawler.scan.verify``) and records the matches
(``crawler.scan.recording``): the links and relations counted are those the archive's
matching stores for the page. Pages that match nothing are counted, not stored. A file
read to its end is noted (``storage.archive.discovered``): a later scan skips it unless
``again``. Only this process writes to the database, so SQLite serves as well as
PostgreSQL.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.extract.pool import Job, extract_in_order
from crawler.scan import records
from crawler.scan.files import Candidate, FileCounts, first_pass_file
from crawler.scan.first_pass import FIRST_PASS_SAMPLE, FirstPassIndex
from crawler.scan.recording import Recorder
from crawler.scan.verify import scanned_side, verify
from storage.archive import Archive
from storage.archive import discovered
from storage.urls import normalize_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pending:
    """A candidate on its way through extraction, with the counts of the file it came from."""

    candidate: Candidate
    counts: FileCounts


@dataclass(frozen=True)
class FileDone:
    """The end of one file's items, once its last candidate has been recorded."""

    location: str
    size: int | None
    counts: FileCounts
    worker: str | None = None  # the Dask worker that read it


@dataclass
class ScanResult:
    files: list[str] = field(default_factory=list)  # scanned now
    files_skipped: list[str] = field(default_factory=list)  # scanned before
    workers: Counter[str] = field(default_factory=Counter)  # files read by each Dask worker
    counts: FileCounts = field(default_factory=FileCounts)
    sources_created: list[tuple[str, str]] = field(default_factory=list)  # (name, origin)
    index_entries: int = 0
    index_bytes: int = 0
    index_pages: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "files_skipped": self.files_skipped, **self.counts.as_dict(),
                "workers": dict(sorted(self.workers.items())),
                "sources_created": [{"name": name, "promote": promote_command(name, origin)}
                                    for name, origin in self.sources_created],
                "index": {"entries": self.index_entries, "bytes": self.index_bytes,
                          "archived_pages": self.index_pages}}


def promote_command(name: str, origin: str) -> str:
    return f"mirrorwatch sources add {name} {normalize_url(origin)} --role mirror"


def build_index(archive: Archive) -> FirstPassIndex:
    return FirstPassIndex.build(discovered.first_pass_entries(archive.session, FIRST_PASS_SAMPLE))


def known_origins(by_origin: dict[str, tuple[str, bool]], configured: Iterable[str]) -> frozenset[str]:
    """Sites whose pages are left to ``import warc``: configured ones, and the archive's own (not discovered)."""
    return frozenset(configured) | {origin for origin, (_, found) in by_origin.items() if not found}


class Scanner:
    """Scans WARC files against one archive; ``configured``: the sources file's origins."""

    def __init__(self, archive: Archive, *, configured: Iterable[str] = (), workers: int | None = None,
                 again: bool = False, on_page: Callable[[], None] | None = None):
        self.archive = archive
        self.workers = workers
        self.again = again
        self.on_page = on_page
        by_origin = discovered.sources_by_origin(archive.session)
        self.known = known_origins(by_origin, configured)
        self.recorder = Recorder(archive, by_origin)
        self.index = build_index(archive)
        self.result = ScanResult(index_entries=len(self.index), index_bytes=self.index.nbytes,
                                 index_pages=len(self.index.page_ids))

    def to_scan(self, arguments: Sequence[str]) -> list[str]:
        """The files of the arguments not scanned yet (all with ``again``), each checked first."""
        wanted = []
        for location in records.locations(list(arguments)):
            records.check(location)
            if not self.again and discovered.scanned(self.archive.session, location, records.size_of(location)):
                self.result.files_skipped.append(location)
            elif location not in wanted:
                wanted.append(location)
        return wanted

    def run(self, arguments: Sequence[str]) -> ScanResult:
        return self.finish(self._local(self.to_scan(arguments)))

    def finish(self, items: Iterable[Pending | FileDone]) -> ScanResult:
        """Extract, verify and record the candidates of ``items``; note each file as it ends."""
        for done in extract_in_order(items, _job, workers=self.workers):
            item = done.item
            if isinstance(item, FileDone):
                discovered.mark_scanned(self.archive.session, item.location, item.size, item.counts.as_dict())
                self.result.files.append(item.location)
                if item.worker:
                    self.result.workers[item.worker] += 1
                self.result.counts.add(item.counts)
            elif done.extracted is None:
                item.counts.skipped["extraction failed" if done.error else "no text extracted"] += 1
            else:
                self._verified(item.candidate, item.counts, done.extracted)
        self.result.sources_created = list(self.recorder.created)
        return self.result

    def _local(self, locations: list[str]) -> Iterator[Pending | FileDone]:
        for location in locations:
            counts = FileCounts()
            size = records.size_of(location)
            for candidate in first_pass_file(location, self.index, self.known, counts, self.on_page):
                yield Pending(candidate, counts)
            yield FileDone(location, size, counts)

    def _verified(self, candidate: Candidate, counts: FileCounts, extracted) -> None:
        scanned = scanned_side(candidate.url, candidate.response.fetched_at, extracted,
                               self.recorder.source_name(candidate.url))
        with self.archive.session() as s:
            if not verify(s, scanned, list(candidate.page_ids), first=True):
                return
        counts.matched_pages += 1
        counts.hosts[scanned.source.name] += 1
        if self.recorder.record(candidate, extracted):
            counts.recorded += 1
        else:
            counts.skipped["already recorded"] += 1
        # The links the archive's matching stored for the page (crawler.scan.verify says why).
        counts.matches.update(link["relation"] for link in self.archive.copies(candidate.url))


def _job(item: Pending | FileDone) -> Job | None:
    if isinstance(item, FileDone):
        return None
    response = item.candidate.response
    return Job(response.body, item.candidate.url, item.candidate.encoding)
