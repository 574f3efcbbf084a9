"""What the crawl's components hand each other: the plan of a crawl, and one fetch of an article.

:class:`CrawlPlan` is the contract between the pipeline, the spider and the redirect
middleware. The spider owns it (``spider.plan``); when the spider opens, the pipeline fills
``known`` and ``recheck`` from the archive; during the crawl ``RedirectAliasMiddleware``
notes every on-site redirect in ``redirects``; when the spider closes, the pipeline stores
them as aliases. Nothing else is set on the spider from outside.

:class:`PageFetched` is the item: one fetch of one article URL, whatever its outcome.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from storage.types import Fetch, KnownPage


@dataclass
class CrawlPlan:
    known: dict[str, KnownPage] = field(default_factory=dict)  # the source's stored pages, by URL
    recheck: set[str] = field(default_factory=set)  # the known pages to re-fetch now
    redirects: dict[str, str] = field(default_factory=dict)  # from → to, seen in this crawl
    # A rendered source's pages: what their last rendering started from, as the X-Mirrorwatch-*
    # headers of its capture (the raw HTML's SHA-256, the data responses: crawler.crawl.browser).
    rendered: dict[str, dict[str, str]] = field(default_factory=dict)

    def plan(self, known: list[KnownPage], recheck: list[KnownPage] | None = None) -> None:
        """Set the known pages and those to re-check (all of them unless told)."""
        self.known = {page.url: page for page in known}
        self.recheck = set(self.known) if recheck is None else {page.url for page in recheck}

    def known_body(self, url: str, body: bytes) -> str | None:
        """The body's SHA-256 when it is the one stored for the known page ``url`` (else None)."""
        known = self.known.get(url)
        if known is None or not known.body_sha256:
            return None
        digest = hashlib.sha256(body).hexdigest()
        return digest if digest == known.body_sha256 else None


@dataclass
class PageFetched:
    source: str
    url: str  # normalised, after redirects
    fetched_at: str  # ISO time
    status: int | None
    body: bytes | None = None
    encoding: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    aliases: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None
    listed_modified: str | None = None  # sitemap lastmod / feed date that led here
    headers: list[tuple[str, str]] = field(default_factory=list)  # response headers, in order
    blocked: str | None = None  # why the answer is a wall, not the article (crawler.crawl.walls)
    rendered: bool = False  # the body is the document Chromium rendered (crawler.crawl.browser)
    raw_unchanged: bool = False  # a rendered source's raw HTML is the one last rendered: not modified
    follow_depth: int | None = None  # the links the worker reads on it are followed, at this depth
    known_sha256: str | None = None  # the body's SHA-256, set when it is the body the crawl knew (spider._fetched)

    def to_fetch(self) -> Fetch:
        """This fetch as the archive records it (``storage.types.Fetch``)."""
        return Fetch(
            source=self.source,
            url=self.url,
            fetched_at=datetime.fromisoformat(self.fetched_at),
            status=self.status,
            body=self.body,
            content_type=self.content_type,
            etag=self.etag,
            last_modified=self.last_modified,
            aliases=tuple(self.aliases),
            error=self.error,
            listed_modified=self.listed_modified,
            headers=tuple((str(k), str(v)) for k, v in self.headers),
            blocked=self.blocked,
            raw_unchanged=self.raw_unchanged,
        )
