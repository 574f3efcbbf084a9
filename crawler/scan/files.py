"""The first pass over one whole WARC file: which of its HTML pages are worth extracting.

:func:`first_pass_file` reads a file's responses (``crawler.scan.records``) and keeps
the HTML pages (the crawl's own rule, ``crawler.extract.decode.not_html``) of sites the
archive does not already follow: a page of a configured source, or of a source the
archive holds that no scan discovered, is left to ``import warc`` and only counted. Each
remaining page's visible text is looked up in the first-pass index; a page with archived
candidates comes out as a :class:`Candidate`. It needs nothing but the file, the index
and the known origins, so a Dask worker runs it as is (``crawler.scan.cluster``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from crawler.extract.decode import decode_html, not_html, page_encoding
from crawler.scan.first_pass import FirstPassIndex, page_keys, visible_text
from crawler.scan.records import Counts, responses
from storage.interchange.warc_in import WarcResponse
from storage.urls import normalize_url, origin_of


@dataclass
class FileCounts:
    """What the scan of one file (or of several, :meth:`add`) counted."""

    records: int = 0
    html_pages: int = 0
    left_to_import: int = 0  # pages of sites the archive already follows
    candidates: int = 0
    matched_pages: int = 0
    recorded: int = 0
    matches: Counter[str] = field(default_factory=Counter)  # verified matches by relation
    hosts: Counter[str] = field(default_factory=Counter)  # matched pages by site
    skipped: Counter[str] = field(default_factory=Counter)

    def add(self, other: FileCounts) -> None:
        for name in ("records", "html_pages", "left_to_import", "candidates", "matched_pages", "recorded"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("matches", "hosts", "skipped"):
            getattr(self, name).update(getattr(other, name))

    def as_dict(self, *, top_hosts: int = 10) -> dict[str, Any]:
        return {"records": self.records, "html_pages": self.html_pages, "left_to_import": self.left_to_import,
                "candidates": self.candidates, "matched_pages": self.matched_pages, "recorded": self.recorded,
                "matches": dict(sorted(self.matches.items())),
                "hosts": [{"host": host, "pages": n} for host, n in self.hosts.most_common(top_hosts)],
                "skipped": dict(sorted(self.skipped.items()))}


@dataclass(frozen=True)
class Candidate:
    """A scanned HTML page sharing fingerprints with archived pages (their ids, most shared first)."""

    response: WarcResponse
    url: str  # normalised
    encoding: str | None
    page_ids: tuple[int, ...]


def first_pass_file(location: str, index: FirstPassIndex, known_origins: Collection[str], counts: FileCounts,
                    on_page: Callable[[], None] | None = None) -> Iterator[Candidate]:
    """The candidates of one file, in file order; everything is counted in ``counts``."""
    read = Counts()
    try:
        for response in responses(location, read):
            candidate = _first_pass(response, index, known_origins, counts)
            if candidate is not None:
                counts.candidates += 1
                yield candidate
            if on_page is not None:
                on_page()
    finally:
        counts.records += read.records
        counts.skipped.update(read.skipped)


def _first_pass(response: WarcResponse, index: FirstPassIndex, known_origins: Collection[str],
                counts: FileCounts) -> Candidate | None:
    content_type = response.header("Content-Type")
    if response.status != 200:
        counts.skipped[f"HTTP {response.status}"] += 1
        return None
    if not_html(content_type, response.body):
        counts.skipped["not an HTML page"] += 1
        return None
    counts.html_pages += 1
    url = normalize_url(response.url)
    if origin_of(url) in known_origins:
        counts.left_to_import += 1
        return None
    encoding = page_encoding(content_type, response.body)
    found = index.candidates(page_keys(visible_text(decode_html(response.body, encoding))))
    return Candidate(response, url, encoding, tuple(found)) if found else None
