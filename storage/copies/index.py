"""The SQL of copy matching: prebuilt Core statements on the fingerprint index and links, and the
plain values they read (``PageRef``, ``VersionRef``, ``SourceRef``, and a pair's ``Side``).

Matching a new version runs a handful of statements (write its fingerprints,
find candidates, load them, write links). Built once here on the tables (not
the ORM entities) and executed on the session's connection, each costs one
cache lookup in SQLAlchemy instead of a statement construction and an ORM
round of entity loading: about 1.5 ms of overhead per statement otherwise, which
was most of the cost of matching (``tests/bench/copies_scale.py``).

Which hashes are rare enough to look up is decided in ``storage.copies`` from
the document frequencies read here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, exists, func, insert, or_, select, update

from storage.lookup import is_current
from storage.models import CopyLink, Fingerprint, Page, PageAlias, Source, Version

_fp = Fingerprint.__table__.c
_page, _version, _source = Page.__table__.c, Version.__table__.c, Source.__table__.c
_link, _alias = CopyLink.__table__.c, PageAlias.__table__.c


@dataclass(frozen=True)
class PageRef:
    id: int
    url: str
    source_id: int
    first_seen_at: datetime


@dataclass(frozen=True)
class SourceRef:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class VersionRef:
    id: int
    number: int
    title: str | None
    text: str
    published: str | None
    site_name: str | None
    canonical_url: str | None
    attribution: dict[str, Any] | None

    @cached_property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n") if self.text else []


@dataclass(frozen=True)
class Side:
    """One page's current version as matching sees it: plain values, boilerplate indexes, and
    (for a version just indexed) its fingerprints."""

    page: PageRef
    version: VersionRef
    source: SourceRef
    boilerplate: set[int]
    hashes: frozenset[int] | None = None

    @property
    def paragraphs(self) -> list[str]:
        return self.version.paragraphs


def refs(page, version, source) -> tuple[PageRef, VersionRef, SourceRef]:
    """Plain values of ORM rows (or of anything with the same attributes)."""
    return (
        PageRef(page.id, page.url, page.source_id, page.first_seen_at),
        VersionRef(version.id, version.number, version.title, version.text, version.published,
                   version.site_name, version.canonical_url, version.attribution),
        SourceRef(source.id, source.name, source.role),
    )


# -- the fingerprint index -------------------------------------------------

_DELETE_FINGERPRINTS = delete(Fingerprint.__table__).where(_fp.page_id == bindparam("page_id"))
_PAGE_HASHES = select(_fp.hash).where(_fp.page_id == bindparam("page_id"))
def _by_df(keep):
    """The given hashes whose document frequency (pages carrying them) ``keep`` accepts."""
    df = Fingerprint.__table__.alias("df")
    return select(df.c.hash).where(df.c.hash.in_(bindparam("hashes", expanding=True))) \
        .group_by(df.c.hash).having(keep(func.count()))


_rare = _by_df(lambda n: n <= bindparam("max_df"))
_frequent = _by_df(lambda n: n > bindparam("max_df"))
_SHARED = (  # pages carrying the new text's rare hashes (its own page too: how many are rare)
    select(_fp.page_id, _fp.source_id, func.count())
    .where(_fp.hash.in_(_rare))
    .group_by(_fp.page_id, _fp.source_id)
)
_SHARED_FREQUENT_WITH_ORIGINALS = (  # ... its frequent ones, on pages that are the original of a link
    select(_fp.page_id, _fp.source_id, func.count())
    .where(_fp.hash.in_(_frequent), _fp.source_id != bindparam("source_id"),
           exists().where(_link.original_page_id == _fp.page_id))
    .group_by(_fp.page_id, _fp.source_id)
)


def replace_fingerprints(conn: Connection, page_id: int, source_id: int, hashes: Collection[int],
                         *, first: bool) -> None:
    if not first:
        conn.execute(_DELETE_FINGERPRINTS, {"page_id": page_id})
    if hashes:
        # Plain integers straight to the driver's executemany: SQLAlchemy's per-row parameter
        # handling cost as much as the insert itself (~90 rows a version).
        conn.exec_driver_sql(_insert_fingerprints_sql(conn.dialect.paramstyle),
                             [(h, page_id, source_id) for h in hashes])


@lru_cache(maxsize=None)
def _insert_fingerprints_sql(paramstyle: str) -> str:
    mark = "?" if paramstyle == "qmark" else "%s"  # sqlite3; psycopg takes %s for positional
    return f"INSERT INTO fingerprint (hash, page_id, source_id) VALUES ({mark}, {mark}, {mark})"


def page_hashes(conn: Connection, page_id: int) -> list[int]:
    return list(conn.scalars(_PAGE_HASHES, {"page_id": page_id}))


def shared_counts(conn: Connection, hashes: list[int], source_id: int, max_df: int, *,
                  frequent: bool = False) -> Iterable[tuple[int, int, int]]:
    """(page, its source, how many of the rare ``hashes`` it carries), every page; or with
    ``frequent``, of the frequent ones, for pages of other sources that are the original of
    a link. ``hashes`` at most a few hundred."""
    return conn.execute(_SHARED_FREQUENT_WITH_ORIGINALS if frequent else _SHARED,
                        {"hashes": hashes, "source_id": source_id, "max_df": max_df})


# -- the sides of a pair -----------------------------------------------------

_SIDES = (
    select(_page.id, _page.url, _page.source_id, _page.first_seen_at,
           _version.id, _version.number, _version.title, _version.text, _version.published,
           _version.site_name, _version.canonical_url, _version.attribution,
           _source.id, _source.name, _source.role)
    .join_from(Page.__table__, Version.__table__, _version.page_id == _page.id)
    .join(Source.__table__, _source.id == _page.source_id)
    .where(_page.id.in_(bindparam("ids", expanding=True)), is_current(Version.__table__))
)


def load(conn: Connection, page_ids: Collection[int]) -> dict[int, tuple[PageRef, VersionRef, SourceRef]]:
    """The current version of each page (with its source), by page id; pages without one left out."""
    out = {}
    for row in conn.execute(_SIDES, {"ids": list(page_ids)}):
        out[row[0]] = (PageRef(*row[0:4]), VersionRef(*row[4:12]), SourceRef(*row[12:15]))
    return out


_ALIASES = select(_alias.url).where(_alias.page_id == bindparam("page_id"))


def aliases(conn: Connection, page_id: int) -> list[str]:
    return list(conn.scalars(_ALIASES, {"page_id": page_id}))


# -- links -------------------------------------------------------------------

_LINKS_OF = select(_link.id, _link.original_page_id, _link.copy_page_id).where(
    or_(_link.original_page_id == bindparam("page_id"), _link.copy_page_id == bindparam("page_id")))
_LINK_BETWEEN = select(_link.id).where(or_(
    and_(_link.original_page_id == bindparam("a"), _link.copy_page_id == bindparam("b")),
    and_(_link.original_page_id == bindparam("b"), _link.copy_page_id == bindparam("a"))))
_INSERT_LINK = insert(CopyLink.__table__)
_UPDATE_LINK = update(CopyLink.__table__).where(_link.id == bindparam("link_id"))
_DELETE_LINK = delete(CopyLink.__table__).where(_link.id == bindparam("link_id"))


def links_of(conn: Connection, page_id: int) -> dict[int, int]:
    """The page's links: other page id -> link id."""
    return {b if a == page_id else a: link_id
            for link_id, a, b in conn.execute(_LINKS_OF, {"page_id": page_id})}


def link_between(conn: Connection, a: int, b: int) -> int | None:
    return conn.scalar(_LINK_BETWEEN, {"a": a, "b": b})


def write_link(conn: Connection, link_id: int | None, values: dict[str, Any]) -> None:
    """Insert a link, or update the one with ``link_id`` (``values`` without ``found_at``)."""
    if link_id is None:
        conn.execute(_INSERT_LINK, {**values, "found_at": values["updated_at"]})
    else:
        conn.execute(_UPDATE_LINK, {**values, "link_id": link_id})


def delete_link(conn: Connection, link_id: int) -> None:
    conn.execute(_DELETE_LINK, {"link_id": link_id})
