"""Value types and column types shared by the archive's modules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    SQLite drops time zones silently; values are stored as naive UTC and come
    back aware, so comparisons never mix naive and aware datetimes.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | str | None) -> datetime | None:
    """An aware UTC datetime; a naive one (or ISO text, as raw SQLite aggregates return) is read as UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class Extracted:
    """What extraction keeps of one page (produced by ``crawler.extract.extractor``)."""

    title: str | None
    author: str | None
    published: str | None  # the date as the page states it (ISO)
    site_name: str | None
    language: str | None
    canonical_url: str | None
    paragraphs: tuple[str, ...]
    extractor: str
    extractor_version: str
    options_hash: str
    links: tuple[str, ...] = ()  # absolute URLs of other sites the page links to
    # The detector's guess from the text, for a page that declares no language in its markup
    # (``language``); the write path prefers a Content-Language header to it (storage.text.language).
    detected_language: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class Fetch:
    """One fetch of a page, as the crawler saw it."""

    source: str
    url: str  # normalised URL after redirects: the page's identity
    fetched_at: datetime
    status: int | None  # None when no response came back
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    aliases: tuple[tuple[str, str], ...] = ()  # (normalised url, "redirect" | "canonical")
    error: str | None = None
    listed_modified: str | None = None  # the sitemap's lastmod or the feed's date for this URL
    headers: tuple[tuple[str, str], ...] = ()  # response headers as received, in order (for WARC export)
    blocked: str | None = None  # why the answer is a bot wall or block page: a ``blocked`` capture, no version
    raw_unchanged: bool = False  # a rendered page whose raw HTML is the one last rendered: not modified


@dataclass(frozen=True)
class KnownPage:
    """What a re-crawl needs to know about a stored page."""

    url: str
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    next_due_at: datetime | None = None  # None: never scheduled, so due now
    listed_modified: str | None = None  # the last sitemap lastmod / feed date seen for it
    last_seen_at: datetime | None = None  # the last capture that saw the page (not an error)

    def due(self, now: datetime) -> bool:
        return self.next_due_at is None or self.next_due_at <= now
