"""WARC import: responses from WARC files through the same pipeline as a crawl.

Each usable response (``storage.interchange.warc_in``) becomes a fetch of a page on the
source whose scheme, host and port it matches, and goes where a crawled page
goes: extraction with the crawl's fixed options in a process pool
(``crawler.extract.pool``; an unchanged body is not extracted again), then
``Archive.record``, which stores the capture and blob and decides on a new
version; copies on other sources are matched meanwhile by a matcher process
(``storage.copies.queue``), and what it has not matched yet is matched before
the import returns. Redirects become aliases of their targets, and each
source's copy links are re-verified at the end, as after a crawl.

The source of a response is, in this order: the source of the sources file
with that origin; the archive's source with that origin; the source named by
the mirrorwatch metadata record that follows the response (a file written by
``mirrorwatch export warc``); else a new source named after the host and port,
with the role given (``origin`` unless told). Responses that are not HTML
pages (images, robots.txt, feeds) are counted and skipped, and so are non-200
answers for pages the archive does not know. A capture not newer than the
page's last one (the same file imported twice) is skipped: a page's history
is a chain in capture order.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

from sqlalchemy import select

from crawler.extract.decode import not_html, page_encoding
from crawler.extract.pool import Job, extract_in_order
from crawler.sources import Source as ConfiguredSource
from storage.archive import Archive
from storage.errors import UnknownPage
from storage.models import Source
from storage.urls import normalize_url, origin_of, site_name
from storage.types import Fetch
from storage.interchange.warc_in import ReadCounts, WarcResponse, read_responses

log = logging.getLogger(__name__)


@dataclass
class ImportResult:
    """What an import did: responses read, outcomes recorded, records skipped by reason."""

    files: int = 0
    read: ReadCounts = field(default_factory=ReadCounts)
    outcomes: Counter[str] = field(default_factory=Counter)
    sources_created: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"files": self.files, "responses": self.read.responses,
                "outcomes": dict(sorted(self.outcomes.items())),
                "skipped": dict(sorted(self.read.skipped.items())),
                "skipped_total": sum(self.read.skipped.values()),
                "sources_created": self.sources_created}


@dataclass(frozen=True)
class _Item:
    response: WarcResponse
    source: str
    url: str
    encoding: str | None
    content_type: str | None


class WarcImporter:
    """Imports WARC files into one archive; ``configured`` are the sources file's sources."""

    def __init__(self, archive: Archive, *, configured: Sequence[ConfiguredSource] = (), role: str = "origin",
                 workers: int | None = None):
        self.archive = archive
        self.role = role
        self.workers = workers
        self.by_origin = {s.origin: (s.name, s.role) for s in configured}
        self.ready: dict[str, str] = {}  # origin → source name in the archive
        self.pending: Counter[str] = Counter()  # URLs in the extraction window, not yet recorded
        self.window_latest: dict[str, datetime] = {}  # newest capture time of URLs in the window
        self.redirects: dict[str, str] = {}
        self.result = ImportResult()

    def run(self, paths: Sequence[str | Path], on_response: Callable[[], None] | None = None) -> ImportResult:
        with self.archive.matching():  # every imported version is matched before the command returns
            self._record_all(paths, on_response)
        self.archive.add_redirects(self.redirects)
        for name in sorted(set(self.ready.values())):
            self.archive.refresh_links(name)
        return self.result

    def _record_all(self, paths: Sequence[str | Path], on_response: Callable[[], None] | None) -> None:
        for done in extract_in_order(self._items(paths), self._job, workers=self.workers):
            item = done.item
            self.pending[item.url] -= 1
            if not self.pending[item.url]:
                del self.pending[item.url]
                self.window_latest.pop(item.url, None)
            fetch = self._fetch(item, done.extracted, done.error)
            recorded = self.archive.record(fetch, done.extracted if done.error is None else None)
            self.result.outcomes[recorded.outcome] += 1
            if on_response is not None:
                on_response()

    # -- reading ---------------------------------------------------------------

    def _items(self, paths: Sequence[str | Path]) -> Iterator[_Item]:
        counts = self.result.read
        for path in paths:
            self.result.files += 1
            for response in read_responses(path, counts):
                item = self._item(response, counts)
                if item is not None:
                    yield item

    def _item(self, response: WarcResponse, counts: ReadCounts) -> _Item | None:
        url = normalize_url(response.url)
        if 300 <= response.status < 400 and response.status != 304:
            location = response.header("Location")
            if location:
                self.redirects[url] = normalize_url(urljoin(response.url, location))
            counts.skip("redirect", url)
            return None
        content_type = response.header("Content-Type")
        if response.status == 200 and not_html(content_type, response.body):  # the crawl's own rule
            counts.skip("not an HTML page", url)
            return None
        last = self._last_fetched(url)
        if response.status != 200 and response.meta is None and last is None:
            counts.skip(f"HTTP {response.status} for a page not in the archive", url)
            return None
        if last is not None and response.fetched_at <= last:
            # History is a chain in capture order: a capture already stored (the same file
            # imported twice) or older than the page's last one cannot be inserted into it.
            counts.skip("not newer than the page's last capture", url)
            return None
        self.window_latest[url] = response.fetched_at
        # The crawl's own rule for the encoding: BOM, header, <meta charset>.
        encoding = page_encoding(content_type, response.body) if response.status == 200 else None
        return _Item(response, self._source(url, response.meta), url, encoding, content_type)

    def _last_fetched(self, url: str) -> datetime | None:
        """When the page was last fetched, by the archive or by a response still in the window."""
        if url in self.window_latest:
            return self.window_latest[url]
        try:
            page = self.archive.page(url)
        except UnknownPage:
            return None
        return page.last_fetched_at or page.first_seen_at

    # -- sources ---------------------------------------------------------------

    def _source(self, url: str, meta: dict | None) -> str:
        origin = origin_of(url)
        if origin in self.ready:
            return self.ready[origin]
        with self.archive.session() as s:
            stored = {name: stored_origin for name, stored_origin in s.execute(select(Source.name, Source.origin))}
        name, role = self.by_origin.get(origin, (None, None))
        if name is None:
            name = next((n for n, o in sorted(stored.items()) if o == origin), None)
            role = None
        if name is None and meta and isinstance(meta.get("source"), dict) and meta["source"].get("origin") == origin:
            name, role = str(meta["source"].get("name")), meta["source"].get("role")
        if name is None or stored.get(name, origin) != origin:  # a name already used for another site
            name = site_name(origin)
        if name not in stored:
            self.result.sources_created.append(name)
        if role is not None or name not in stored:
            self.archive.ensure_source(name, role=role if role in ("origin", "mirror") else self.role, origin=origin)
        self.ready[origin] = name
        return name

    # -- extraction and recording -------------------------------------------

    def _job(self, item: _Item) -> Job | None:
        response = item.response
        earlier = self.pending[item.url] > 0  # an earlier capture of the page is still in the window
        self.pending[item.url] += 1
        if response.status != 200:
            return None
        if earlier or not self.archive.prior(item.url, response.body).same_body:
            return Job(response.body, item.url, item.encoding)
        return None

    def _fetch(self, item: _Item, extracted, error: str | None) -> Fetch:
        response = item.response
        aliases = ()
        canonical = extracted.canonical_url if extracted is not None else None
        if canonical and origin_of(canonical) == origin_of(item.url) and normalize_url(canonical) != item.url:
            aliases = ((normalize_url(canonical), "canonical"),)
        return Fetch(
            source=item.source,
            url=item.url,
            fetched_at=response.fetched_at,
            status=response.status,
            body=response.body if response.status == 200 and error is None else None,
            content_type=item.content_type,
            etag=response.header("ETag"),
            last_modified=response.header("Last-Modified"),
            aliases=aliases,
            error=error,
            headers=response.headers,
        )

