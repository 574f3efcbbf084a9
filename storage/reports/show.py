"""One version of a page, looked at closely: its stored text, or the raw body that made it.

version_text → ``{"url", "version", "versions", "captured_at", "title", "author", "published",
"language", "text"}`` (``versions``: how many the page has);
raw_body     → a :class:`RawBody`: the bytes of the capture that created the version, as
fetched, with that capture's content type and headers (the crawler decodes them).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.errors import StorageError
from storage.models import Blob, Capture, Page, Version


@dataclass(frozen=True)
class RawBody:
    url: str
    version: int
    fetched_at: datetime
    status: int | None
    content_type: str | None
    headers: tuple[tuple[str, str], ...]
    body: bytes


def find_version(s: Session, page: Page, number: int | None) -> Version:
    """The page's version ``number`` (default: the current one); a StorageError naming the
    versions there are when it has no such version."""
    numbers = list(s.scalars(select(Version.number).where(Version.page_id == page.id).order_by(Version.number)))
    if not numbers:
        raise StorageError(f"{page.url}: no versions stored yet")
    number = numbers[-1] if number is None else number
    if number not in numbers:
        raise StorageError(f"{page.url}: no version {number} (versions: {', '.join(map(str, numbers))})")
    return s.scalar(select(Version).where(Version.page_id == page.id, Version.number == number))


def version_text(s: Session, page: Page, number: int | None = None) -> dict:
    version = find_version(s, page, number)
    count = s.scalar(select(Version.number).where(Version.page_id == page.id).order_by(Version.number.desc()))
    return {"url": page.url, "version": version.number, "versions": count,
            "captured_at": version.captured_at.isoformat(), "title": version.title, "author": version.author,
            "published": version.published, "language": version.language, "text": version.text}


def raw_body(s: Session, page: Page, number: int | None = None) -> RawBody:
    version = find_version(s, page, number)
    capture = s.get(Capture, version.capture_id)
    data = s.scalar(select(Blob.data).where(Blob.sha256 == capture.body_sha256)) if capture.body_sha256 else None
    if data is None:  # pruned, or a version imported without its body
        raise StorageError(f"{page.url}: the raw body of version {version.number} is not stored")
    return RawBody(page.url, version.number, capture.fetched_at, capture.status, capture.content_type,
                   tuple((name, value) for name, value in capture.headers or ()), zlib.decompress(data))
