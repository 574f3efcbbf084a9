"""What the spider hands to the pipeline: one fetch of one article URL."""

from __future__ import annotations

from dataclasses import dataclass, field


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
