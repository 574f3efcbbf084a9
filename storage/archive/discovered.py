"""What ``mirrorwatch scan`` keeps besides captures: discovered sources and scanned files.

* A **discovered** source is created by a scan on the first copy of an archived page
  found on its site: role ``mirror``, flag ``source.discovered``. The crawl and the
  scheduler only know the sources file, so it is never crawled until the user adds it
  there (``sources add``).
* A **scanned file** is a WARC file a scan read to its end (location, size, when, what
  it counted): a later scan skips it unless told to read it again.
* :func:`first_pass_entries` streams the fingerprint index's (hash, page) pairs the
  scan's in-memory first pass is built from (``crawler.scan.first_pass``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.db import insert_ignore
from storage.models import Fingerprint, Page, ScannedFile, Source
from storage.types import utcnow


def first_pass_entries(session: sessionmaker[Session], sample: int) -> Iterator[tuple[int, int]]:
    """(hash, page id) of every indexed fingerprint with ``hash % sample == 0``, in no order."""
    with session() as s:
        rows = s.execute(select(Fingerprint.hash, Fingerprint.page_id).where(Fingerprint.hash % sample == 0)
                         .execution_options(yield_per=50_000))
        for hash_, page_id in rows:
            yield hash_, page_id


def sources_by_origin(session: sessionmaker[Session]) -> dict[str, tuple[str, bool]]:
    """origin → (source name, discovered) for every source of the archive."""
    with session() as s:
        return {origin: (name, bool(discovered))
                for name, origin, discovered in s.execute(select(Source.name, Source.origin, Source.discovered))}


def mark_discovered(session: sessionmaker[Session], name: str) -> None:
    with session.begin() as s:
        s.scalar(select(Source).where(Source.name == name)).discovered = True


def discovered_sources(session: sessionmaker[Session]) -> list[dict[str, Any]]:
    """The discovered sources, with how many of their pages the archive holds, most pages first."""
    with session() as s:
        rows = s.execute(select(Source.name, Source.origin, Source.created_at, func.count(Page.id))
                         .outerjoin(Page, Page.source_id == Source.id).where(Source.discovered)
                         .group_by(Source.id)).all()
    return [{"name": name, "origin": origin, "created_at": created.isoformat(), "pages": pages}
            for name, origin, created, pages in sorted(rows, key=lambda r: (-r[3], r[0]))]


def scanned(session: sessionmaker[Session], location: str, size: int | None) -> bool:
    """Whether the file at ``location`` was scanned to its end (at this size, when known)."""
    with session() as s:
        row = s.scalar(select(ScannedFile).where(ScannedFile.location == location))
    return row is not None and (size is None or row.size is None or row.size == size)


def mark_scanned(session: sessionmaker[Session], location: str, size: int | None, summary: dict[str, Any]) -> None:
    with session.begin() as s:
        insert_ignore(s, ScannedFile, [{"location": location, "size": size, "finished_at": utcnow(), "summary": summary}])
        row = s.scalar(select(ScannedFile).where(ScannedFile.location == location))
        row.size, row.finished_at, row.summary = size, utcnow(), summary
