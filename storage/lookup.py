"""Finding rows by what people know them by: a page by its URL or an alias, a source by its
name, and a page's current version. Every query of the archive that needs one of these
builds it from here, so "the current version" means the same everywhere.

The current version of a page is its version with the highest number (versions are
numbered 1, 2, ... in capture order); :func:`is_current` is that condition on any alias
of the version table, for the queries that select many pages at once.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from storage.errors import StorageError
from storage.models import Page, PageAlias, Source, Version


def is_current(version=Version):
    """``version.number`` is the highest of its page: a condition on ``Version`` or an alias of it
    (an ORM entity or a Core table), correlated to the enclosing query."""
    columns = getattr(version, "c", version)
    other = aliased(Version)
    latest = select(func.max(other.number)).where(other.page_id == columns.page_id).scalar_subquery()
    return columns.number == latest


def current_version(s: Session, page_id: int) -> Version | None:
    """The page's current version, loaded."""
    return s.scalar(select(Version).where(Version.page_id == page_id, is_current()))


def find_page(s: Session, url: str) -> Page | None:
    """The page stored under this (normalised) URL, or under an alias of it."""
    page = s.scalar(select(Page).where(Page.url == url))
    if page is None:
        page = s.scalar(select(Page).join(PageAlias).where(PageAlias.url == url))
    return page


def source_id(s: Session, name: str) -> int:
    """The id of the source with this name; a StorageError naming it when there is none."""
    found = s.scalar(select(Source.id).where(Source.name == name))
    if found is None:
        raise StorageError(f"unknown source {name!r}")
    return found
