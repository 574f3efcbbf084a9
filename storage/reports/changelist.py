"""The change list: versions newest first, filtered, paginated by keyset.

changes → ``{"changes": [{"url", "source", "number", "captured_at", "title", "change_class",
            "significance", "change", "reverts_to"}], "next": cursor | null}``

A first version (a new page) has ``number`` 1, ``change`` null and class ``new`` for the
filter. Pages are cut by keyset on ``(captured_at, id)`` (index ``ix_version_captured_at_id``),
never by OFFSET, so the 500th page costs what the first does; ``next`` is the opaque cursor
of the following page. ``change_class`` and ``significance`` are read from the columns the
monitoring classifier fills (null where it has not run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from storage.errors import StorageError
from storage.lookup import source_id
from storage.models import Page, Source, Version

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
NEW_CLASS = "new"  # the filter's name for first versions, which carry no change class

@dataclass(frozen=True)
class ChangeFilter:
    source: str | None = None
    change_class: str | None = None
    min_significance: float | None = None
    since: datetime | None = None
    until: datetime | None = None


def encode_cursor(captured_at: datetime, version_id: int) -> str:
    return f"{captured_at.astimezone(UTC).strftime('%Y%m%dT%H%M%S.%f')}~{version_id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        stamp, vid = cursor.split("~")
        return datetime.strptime(stamp, "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC), int(vid)
    except ValueError:
        raise StorageError(f"bad page cursor {cursor!r}") from None


def changes(s: Session, flt: ChangeFilter = ChangeFilter(), *, after: str | None = None,
            limit: int = PAGE_SIZE) -> dict:
    """One page of the change list, newest first; ``after`` is the cursor of the previous page."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    reverted = aliased(Version)
    query = (
        select(Version.id, Version.captured_at, Version.number, Version.title, Version.change_class,
               Version.significance, Version.change, reverted.number, Page.url, Source.name)
        .join(Page, Page.id == Version.page_id)
        .join(Source, Source.id == Page.source_id)
        .outerjoin(reverted, reverted.id == Version.reverts_to_id)
        .order_by(Version.captured_at.desc(), Version.id.desc())
        .limit(limit + 1)
    )
    if flt.source:
        source = source_id(s, flt.source)
        if s.get_bind().dialect.name == "sqlite":
            # `+ 0` keeps SQLite from driving the query by page.source_id (every version of the
            # source, then a sort): walking the change index newest first stops after one page.
            query = query.where(Page.source_id + 0 == source)
        else:
            query = query.where(Page.source_id == source)
    if flt.change_class == NEW_CLASS:
        query = query.where(Version.number == 1)
    elif flt.change_class:
        query = query.where(Version.change_class == flt.change_class)
    if flt.min_significance is not None:
        query = query.where(Version.significance >= flt.min_significance)
    if flt.since is not None:
        query = query.where(Version.captured_at >= flt.since)
    if flt.until is not None:
        query = query.where(Version.captured_at < flt.until)
    if after:
        at, vid = decode_cursor(after)
        # (captured_at, id) < (at, vid), spelled so that the first term bounds an index range on
        # both backends (an OR alone made SQLite walk the index from the newest entry).
        query = query.where(Version.captured_at <= at, or_(Version.captured_at < at, Version.id < vid))
    rows = s.execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    out = [
        {
            "url": url,
            "source": source,
            "number": number,
            "captured_at": captured_at.isoformat(),
            "title": title,
            "change_class": change_class or (NEW_CLASS if number == 1 else None),
            "significance": significance,
            "change": change,
            "reverts_to": reverts_to,
        }
        for _vid, captured_at, number, title, change_class, significance, change, reverts_to, url, source in rows
    ]
    cursor = encode_cursor(rows[-1][1], rows[-1][0]) if more and rows else None
    return {"changes": out, "next": cursor}


def change_classes(s: Session) -> list[str]:
    """The classes present in the archive, for the filter's choices (``new`` first)."""
    found = s.scalars(select(Version.change_class).where(Version.change_class.is_not(None)).distinct())
    return [NEW_CLASS, *sorted(c for c in found if c != NEW_CLASS)]
