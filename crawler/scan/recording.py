"""Recording a verified match: a capture and version of a page on a discovered source.

The page goes through ``Archive.record`` as a crawled or imported page does (capture,
blob, version, fingerprints, copy links with the original chosen by the usual rules),
on the source of its site: the one an earlier scan discovered, else a new source named
after the host (``storage.urls.site_name``), role ``mirror``, marked discovered
(``storage.archive.discovered``). A capture not newer than the page's last one (the
same file scanned again) is not recorded twice: a page's history is a chain in capture
order.
"""

from __future__ import annotations

from crawler.scan.files import Candidate
from storage.archive import Archive
from storage.archive import discovered
from storage.errors import UnknownPage
from storage.types import Extracted, Fetch
from storage.urls import origin_of, site_name


class Recorder:
    """Writes the matches of one scan; ``by_origin`` is the archive's origin → (name, discovered)."""

    def __init__(self, archive: Archive, by_origin: dict[str, tuple[str, bool]]):
        self.archive = archive
        self.by_origin = dict(by_origin)
        self.created: list[tuple[str, str]] = []  # (name, origin) of the sources discovered

    def source_name(self, url: str) -> str:
        """The source a page of this site is recorded on: its discovered source, or the name one would get."""
        origin = origin_of(url)
        if origin in self.by_origin:
            return self.by_origin[origin][0]
        name, taken = site_name(origin), {n for n, _ in self.by_origin.values()}
        suffix = 2
        while name in taken:  # a name already used by a source of another site
            name, suffix = f"{site_name(origin)}-{suffix}", suffix + 1
        return name

    def record(self, candidate: Candidate, extracted: Extracted) -> bool:
        """Record the page; False when the archive already holds this capture of it (or a later one)."""
        response = candidate.response
        try:
            page = self.archive.page(candidate.url)
        except UnknownPage:
            page = None
        if page is not None and response.fetched_at <= (page.last_fetched_at or page.first_seen_at):
            return False
        name = self._ensure_source(candidate.url)
        self.archive.record(Fetch(
            source=name, url=candidate.url, fetched_at=response.fetched_at, status=response.status,
            body=response.body, content_type=response.header("Content-Type"), etag=response.header("ETag"),
            last_modified=response.header("Last-Modified"), headers=response.headers), extracted)
        return True

    def _ensure_source(self, url: str) -> str:
        origin = origin_of(url)
        if origin in self.by_origin:
            return self.by_origin[origin][0]
        name = self.source_name(url)
        self.archive.ensure_source(name, role="mirror", origin=origin)
        discovered.mark_discovered(self.archive.session, name)
        self.by_origin[origin] = (name, True)
        self.created.append((name, origin))
        return name
