"""The archive's tables as SQLAlchemy 2 typed models.

source ─< page ─< capture >─ blob
              ├─< page_alias
              └─< version (parent, reverts_to) ; crawl_run ─< capture
version ─< match_queue (versions not yet matched for copies)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, false, Float, ForeignKey, Index, LargeBinary, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, WriteOnlyMapped, mapped_column, relationship

from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

URL = String(2048)
SHA256 = String(64)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Source(Base):
    """A configured site, as last seen in the sources file."""

    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # origin | mirror
    origin: Mapped[str] = mapped_column(String(300))  # scheme://host:port
    created_at: Mapped[datetime]
    # Created by `mirrorwatch scan` on a first copy found there, not by the sources file: never
    # crawled on a schedule (the crawl only knows sources.toml) until `sources add` promotes it.
    discovered: Mapped[bool] = mapped_column(default=False, server_default=false())

    pages: WriteOnlyMapped[Page] = relationship(back_populates="source")


class Page(Base):
    """One article URL on one source; validators of its last good fetch."""

    __tablename__ = "page"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    url: Mapped[str] = mapped_column(URL, unique=True)
    first_seen_at: Mapped[datetime]
    last_fetched_at: Mapped[datetime | None]
    gone_at: Mapped[datetime | None]
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    body_sha256: Mapped[str | None] = mapped_column(SHA256)
    # When a sitemap (<lastmod>) or feed (pubDate/updated) last said the page changed, as written.
    listed_modified: Mapped[str | None] = mapped_column(String(64))
    # When the re-check policy next wants this page fetched (None: at the next crawl).
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)

    source: Mapped[Source] = relationship(back_populates="pages")
    versions: WriteOnlyMapped[Version] = relationship(
        back_populates="page", order_by="Version.number", foreign_keys="Version.page_id"
    )
    captures: WriteOnlyMapped[Capture] = relationship(back_populates="page")


class PageAlias(Base):
    """Another URL of a page: a redirect that led to it, or its rel=canonical."""

    __tablename__ = "page_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id"), index=True)
    url: Mapped[str] = mapped_column(URL, unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # redirect | canonical
    first_seen_at: Mapped[datetime]


class Blob(Base):
    """A raw response body, stored once by SHA-256, zlib-compressed."""

    __tablename__ = "blob"

    sha256: Mapped[str] = mapped_column(SHA256, primary_key=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime]


class CrawlRun(Base):
    """One crawl of one source: when, how it ended, and its Scrapy stats."""

    __tablename__ = "crawl_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))  # running | finished | interrupted | failed
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    stats: Mapped[dict[str, Any] | None]
    # Set when the run opens and every few seconds while its crawl lives (storage.archive.runs):
    # a 'running' run whose heartbeat stopped long ago belongs to a process that died.
    heartbeat_at: Mapped[datetime | None]


class Capture(Base):
    """One fetch of a page and what came of it."""

    __tablename__ = "capture"
    __table_args__ = (Index("ix_capture_page_fetched", "page_id", "fetched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"), index=True)
    fetched_at: Mapped[datetime]
    status: Mapped[int | None]
    # new-version | unchanged | not-modified | gone | error
    outcome: Mapped[str] = mapped_column(String(16))
    body_sha256: Mapped[str | None] = mapped_column(ForeignKey("blob.sha256"), index=True)
    content_type: Mapped[str | None] = mapped_column(String(200))
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    # The response headers as received ([[name, value], ...] in order), for WARC export.
    headers: Mapped[list[Any] | None] = mapped_column(JSON)
    # The version this capture created or confirmed (None for gone and error).
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("version.id", use_alter=True), index=True
    )

    page: Mapped[Page] = relationship(back_populates="captures")


class Version(Base):
    """An extracted state of a page; a new one only when the normalised text changed."""

    __tablename__ = "version"
    __table_args__ = (
        UniqueConstraint("page_id", "number"),
        # The change list walks versions newest first and pages by (captured_at, id); the other
        # columns let SQLite apply its filters inside the index, without reading the (wide) rows.
        Index("ix_version_changes", "captured_at", "id", "page_id", "number", "change_class", "significance"),
        # The change list filtered by class: the equality and the order from one index.
        Index("ix_version_class_changes", "change_class", "captured_at", "id", "page_id", "significance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id"))
    number: Mapped[int]
    captured_at: Mapped[datetime]
    capture_id: Mapped[int] = mapped_column(ForeignKey("capture.id"))
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(40))
    site_name: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(20))
    canonical_url: Mapped[str | None] = mapped_column(URL)
    text: Mapped[str] = mapped_column(Text)  # paragraphs joined by "\n"
    text_sha256: Mapped[str] = mapped_column(SHA256, index=True)  # of the normalised text
    extractor: Mapped[str] = mapped_column(String(40))
    extractor_version: Mapped[str] = mapped_column(String(40))
    options_hash: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("version.id"))
    reverts_to_id: Mapped[int | None] = mapped_column(ForeignKey("version.id"))
    change: Mapped[dict[str, Any] | None]  # ChangeSummary against the parent
    # What kind of change this version is against its parent (typo, title, rewrite, ...) and
    # how much it matters (0..1); None for a first version.
    change_class: Mapped[str | None] = mapped_column(String(32), index=True)
    significance: Mapped[float | None] = mapped_column(Float)
    # Declared attribution: {"names": publishers named as the source, "links": outbound URLs}
    attribution: Mapped[dict[str, Any] | None]

    page: Mapped[Page] = relationship(back_populates="versions", foreign_keys=[page_id])

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n") if self.text else []


class Fingerprint(Base):
    """Sampled word-shingle hashes of a page's current version: the copy-candidate index."""

    __tablename__ = "fingerprint"
    __table_args__ = (UniqueConstraint("page_id", "hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hash: Mapped[int] = mapped_column(BigInteger, index=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))


class ParagraphSeen(Base):
    """Which pages of a source carry a paragraph: recurring ones are boilerplate."""

    __tablename__ = "paragraph_seen"
    __table_args__ = (
        UniqueConstraint("source_id", "hash", "page_id"),
        Index("ix_paragraph_seen_page", "page_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    hash: Mapped[int] = mapped_column(BigInteger)
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id"))


class CopyLink(Base):
    """Two pages on different sources that share substantial text; one is the original."""

    __tablename__ = "copy_link"
    __table_args__ = (UniqueConstraint("original_page_id", "copy_page_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    original_page_id: Mapped[int] = mapped_column(ForeignKey("page.id"), index=True)
    copy_page_id: Mapped[int] = mapped_column(ForeignKey("page.id"), index=True)
    original_version_id: Mapped[int] = mapped_column(ForeignKey("version.id"))
    copy_version_id: Mapped[int] = mapped_column(ForeignKey("version.id"))
    relation: Mapped[str] = mapped_column(String(16))  # identical | cosmetic | excerpt | edited | extended
    original_reason: Mapped[str] = mapped_column(String(40))
    coverage: Mapped[float] = mapped_column(Float)  # share of the original the copy carries
    precision: Mapped[float] = mapped_column(Float)  # share of the copy taken from the original
    matched_tokens: Mapped[int]
    found_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SchedulerLock(Base):
    """Who runs the scheduler on this database: one row, held while its heartbeat is fresh."""

    __tablename__ = "scheduler_lock"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(200))  # host:pid:token; None when released
    acquired_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]


class ScannedFile(Base):
    """A WARC file `mirrorwatch scan` read to the end: a later scan skips it unless told again."""

    __tablename__ = "scanned_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    location: Mapped[str] = mapped_column(URL, unique=True)  # a local path (absolute) or an http(s) URL
    size: Mapped[int | None] = mapped_column(BigInteger)  # bytes, when known
    finished_at: Mapped[datetime]
    summary: Mapped[dict[str, Any]]  # what the scan of this file counted


class MatchQueue(Base):
    """A new version waiting to be fingerprinted and matched for copies (``storage.copies.queue``)."""

    __tablename__ = "match_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("version.id"))
    queued_at: Mapped[datetime]
