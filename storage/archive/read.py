"""The read side: the questions the commands and the dashboard ask of one page or the whole
archive. Lookups resolve a URL through its aliases (``storage.lookup``).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage import copies
from storage.copies.align import Alignment
from storage.errors import StorageError, UnknownPage
from storage.lookup import find_page, is_current
from storage.models import CopyLink, Page, Source, Version
from storage.urls import normalize_url


def page(session: sessionmaker[Session], url: str) -> Page:
    """The page stored under this URL or one of its aliases."""
    with session() as s:
        found = find_page(s, normalize_url(url))
        if found is None:
            raise UnknownPage(f"no page in the archive for {url}")
        return found


def versions(session: sessionmaker[Session], url: str) -> list[Version]:
    stored = page(session, url)
    with session() as s:
        return list(s.scalars(stored.versions.select().order_by(Version.number)))


def pages_overview(session: sessionmaker[Session]) -> list[dict]:
    """Every page with its source, version count and current title, by source and URL."""
    counts = select(Version.page_id, func.count().label("count")).group_by(Version.page_id).subquery()
    query = (
        select(Source.name, Page.url, counts.c.count, Version.title, Version.text)
        .join(Page, Page.source_id == Source.id)
        .join(counts, counts.c.page_id == Page.id, isouter=True)
        .join(Version, (Version.page_id == Page.id) & is_current(), isouter=True)
        .order_by(Source.name, Page.url)
    )
    with session() as s:
        return [
            {"source": name, "url": url, "versions": count or 0, "title": title,
             "paragraphs": len(text.split("\n")) if text else 0}
            for name, url, count, title, text in s.execute(query)
        ]


def page_copies(session: sessionmaker[Session], url: str) -> list[dict]:
    """The pages linked to this one as copy or original, most coverage first."""
    stored = page(session, url)
    with session() as s:
        links = s.scalars(select(CopyLink).where(
            (CopyLink.original_page_id == stored.id) | (CopyLink.copy_page_id == stored.id))).all()
        out = []
        for link in links:
            other_id = link.copy_page_id if link.original_page_id == stored.id else link.original_page_id
            other = s.get(Page, other_id)
            original = s.get(Page, link.original_page_id)
            out.append({
                "url": other.url,
                "source": other.source.name,
                "relation": link.relation,
                "original_url": original.url,
                "original_reason": link.original_reason,
                "coverage": link.coverage,
                "precision": link.precision,
            })
        return sorted(out, key=lambda row: (-row["coverage"], row["url"]))


def compare(session: sessionmaker[Session], url_a: str, url_b: str) -> tuple[copies.Side, copies.Side, str | None, Alignment]:
    """Align two pages' current versions: (original, copy, reason, alignment); for two pages that
    are no copies, (the first, the second, None, alignment)."""
    a, b = page(session, url_a), page(session, url_b)
    with session() as s:
        side_a, side_b = copies.load_side(s, a.id), copies.load_side(s, b.id)
        for side, url in ((side_a, url_a), (side_b, url_b)):
            if side is None:
                raise StorageError(f"{url}: no version stored yet")
        if a.id == b.id:
            raise StorageError(f"{url_a} and {url_b} are the same page")
        original, copy, reason = copies.choose_original(s, side_a, side_b)
        alignment = copies.compare(original, copy)
        if not alignment.is_copy:  # no original to name: the two pages as they were asked for
            return side_a, side_b, None, alignment if original is side_a else copies.compare(side_a, side_b)
        return original, copy, reason, alignment
