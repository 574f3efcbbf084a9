"""The write path's light reads: prebuilt Core statements for the few columns it needs.

The crawl asks them of every page it fetches (on the writer thread, which shares the GIL
with Scrapy's reactor), so they are built once, run on the session's connection and load
no ORM entity: a page's id and body hash by URL or alias, and the columns of its current
version that deciding on a fetch needs.
"""

from __future__ import annotations

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import Session

from storage.lookup import is_current
from storage.models import Page, PageAlias, Version

_page, _alias, _version = Page.__table__.c, PageAlias.__table__.c, Version.__table__.c
_PAGE_COLUMNS = (_page.id, _page.url, _page.body_sha256, _page.first_seen_at)
_PAGE_ROW = select(*_PAGE_COLUMNS).where(_page.url == bindparam("url"))
_ALIAS_ROW = (select(*_PAGE_COLUMNS).join_from(Page.__table__, PageAlias.__table__)
              .where(_alias.url == bindparam("url")))
_CURRENT = _version.page_id == bindparam("page_id"), is_current(Version.__table__)
_CURRENT_ROW = select(_version.id, _version.number, _version.text_sha256, _version.title,
                      _version.published).where(*_CURRENT)
_CURRENT_CHARS = select(func.length(_version.text)).where(*_CURRENT)
_CURRENT_TEXT = select(_version.text).where(*_CURRENT)

PageRow = Row  # (id, url, body_sha256, first_seen_at) of a stored page
CurrentRow = Row  # (id, number, text_sha256, title, published) of a page's current version


def page_row(s: Session, url: str) -> PageRow | None:
    """The page stored under this (normalised) URL or alias, without loading it."""
    conn = s.connection()
    return conn.execute(_PAGE_ROW, {"url": url}).first() or conn.execute(_ALIAS_ROW, {"url": url}).first()


def current_row(s: Session, page_id: int) -> CurrentRow | None:
    return s.connection().execute(_CURRENT_ROW, {"page_id": page_id}).first()


def current_chars(s: Session, page_id: int) -> int | None:
    """The length of the page's current text; None while it has no version."""
    return s.connection().scalar(_CURRENT_CHARS, {"page_id": page_id})


def current_text(s: Session, page_id: int) -> str | None:
    return s.connection().scalar(_CURRENT_TEXT, {"page_id": page_id})
