"""Search the archive: pages by URL or title, and full text over each page's current text.

Full text uses what the database has (created by migration 0005):

- SQLite: the FTS5 table ``version_fts`` (rowid = page id, columns title and text of the
  page's current version), kept in step by triggers on ``version``; results best match
  first (bm25), the passage from ``snippet()``.
- PostgreSQL: a GIN index on ``to_tsvector('simple', title || ' ' || text)`` over versions,
  restricted to current ones; results newest first, the passage from ``ts_headline()``.

Both use the ``simple``/``unicode61`` word rules (no stemming), so a query finds the same
pages on either backend. A query is a list of words that must all occur; SQLite's FTS5
syntax is never exposed to user input (each word is quoted).

Passages come as segments ``[{"text", "match"}]`` so that no renderer has to parse markup.
:func:`search` is the one search of the dashboard and of ``mirrorwatch search``: both kinds
of hits, optionally within one source.
"""

from __future__ import annotations

import re

from sqlalchemy import bindparam, func, literal_column, select, text, true
from sqlalchemy.orm import Session

from storage.lookup import is_current, source_id
from storage.models import Page, Source, Version

# Objects the migrations create outside the models (FTS5 table and its shadow tables, the
# expression index); schema comparisons (Alembic autogenerate, tests) must ignore them.
FTS_TABLE = "version_fts"
PG_INDEXES = ("ix_version_fulltext", "ix_version_title_fulltext")
# Must stay identical to the indexed expressions in migration 0005.
PG_DOCUMENT = "to_tsvector('simple'::regconfig, coalesce(v.title, '') || ' ' || v.text)"
PG_TITLE_DOCUMENT = "to_tsvector('simple'::regconfig, coalesce(v.title, ''))"

START, STOP = "\x02", "\x03"  # passage markers; control characters never occur in stored text
SNIPPET_WORDS = 24
MAX_QUERY_WORDS = 12


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object``: leave out the search objects the models do not describe."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    return not (type_ == "index" and name in PG_INDEXES)


def words(query: str) -> list[str]:
    """The words of a query, as both backends tokenise them (letters and digits)."""
    return re.findall(r"\w+", query)[:MAX_QUERY_WORDS]


def search(s: Session, query: str, *, source: str | None = None, limit: int = 20) -> dict:
    """``{"query", "source", "pages": find_pages(...), "texts": search_text(...)}``; an unknown
    source is a StorageError."""
    query = query.strip()
    sid = source_id(s, source) if source else None
    return {"query": query, "source": source, "pages": find_pages(s, query, limit=limit, source_id=sid),
            "texts": search_text(s, query, limit=limit, source_id=sid)}


def find_pages(s: Session, query: str, *, limit: int = 20, source_id: int | None = None) -> list[dict]:
    """Pages whose URL contains the query, or whose current title holds its words (the last
    one as a prefix: ``tram li`` finds "Tram line"), by URL.

    Titles are searched through the full-text indexes: a substring scan of ``version`` would
    read every (wide) row of the table.
    """
    query = query.strip()
    if not query:
        return []
    dialect = s.get_bind().dialect.name
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    # SQLite's LIKE ignores ASCII case already and lower() would only slow it down.
    by_url = Page.url.like(pattern, escape="\\") if dialect == "sqlite" else Page.url.ilike(pattern, escape="\\")
    in_source = Page.source_id == source_id if source_id is not None else true()
    ids = set(s.scalars(select(Page.id).where(by_url, in_source).order_by(Page.url).limit(limit)))
    terms = words(query)
    if terms and dialect == "sqlite":
        match = "title : (" + " ".join('"' + t.replace('"', '""') + '"' for t in terms) + "*)"
        ids |= set(s.scalars(text(f"SELECT f.rowid FROM {FTS_TABLE} f JOIN page p ON p.id = f.rowid "
                                  f"WHERE {FTS_TABLE} MATCH :m AND (:sid IS NULL OR p.source_id = :sid) LIMIT :n"),
                             {"m": match, "n": limit, "sid": source_id}))
    elif terms and dialect == "postgresql":
        tsquery = " & ".join(terms) + ":*"
        v = Version.__table__.alias("v")
        matches = text(f"{PG_TITLE_DOCUMENT} @@ to_tsquery('simple', :q)").bindparams(q=tsquery)
        ids |= set(s.scalars(select(v.c.page_id).where(matches, is_current(v), _of_source(v, source_id)).limit(limit)))
    if not ids:
        return []
    current = select(Version.title).where(Version.page_id == Page.id, is_current()).scalar_subquery()
    rows = s.execute(
        select(Page.url, Source.name, current)
        .join(Source, Source.id == Page.source_id)
        .where(Page.id.in_(ids))
        .order_by(Page.url)
        .limit(limit)
    )
    return [{"url": url, "source": source, "title": title} for url, source, title in rows]


def search_text(s: Session, query: str, *, limit: int = 20, source_id: int | None = None) -> list[dict]:
    """Pages whose current title or text holds every word of the query, with a passage."""
    terms = words(query)
    if not terms:
        return []
    dialect = s.get_bind().dialect.name
    if dialect == "sqlite":
        rows = _sqlite(s, terms, limit, source_id)
    elif dialect == "postgresql":
        rows = _postgresql(s, terms, limit, source_id)
    else:  # pragma: no cover - the archive only runs on these two
        return []
    return [
        {"url": url, "source": source, "title": title, "passage": segments(passage or "")}
        for url, source, title, passage in rows
    ]


def _of_source(v, source_id: int | None):
    """A condition on a version alias: its page is on this source (always true for None)."""
    if source_id is None:
        return true()
    return v.c.page_id.in_(select(Page.id).where(Page.source_id == source_id))


def _sqlite(s: Session, terms: list[str], limit: int, source_id: int | None):
    match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
    return s.execute(
        text(
            f"""SELECT p.url, src.name, f.title,
                       snippet({FTS_TABLE}, 1, :start, :stop, '…', :words)
                FROM {FTS_TABLE} f JOIN page p ON p.id = f.rowid JOIN source src ON src.id = p.source_id
                WHERE {FTS_TABLE} MATCH :match AND (:sid IS NULL OR p.source_id = :sid)
                ORDER BY rank LIMIT :limit"""
        ),
        {"start": START, "stop": STOP, "words": SNIPPET_WORDS, "match": match, "limit": limit, "sid": source_id},
    ).all()


def _postgresql(s: Session, terms: list[str], limit: int, source_id: int | None):
    # Every word must occur: plainto_tsquery ANDs them and ignores any operator characters.
    options = f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=8, MaxFragments=1"
    v = Version.__table__.alias("v")
    hits = (select(v.c.id).where(text(f"{PG_DOCUMENT} @@ plainto_tsquery('simple', :query)"), is_current(v),
                                 _of_source(v, source_id))
            .order_by(v.c.captured_at.desc(), v.c.id.desc()).limit(limit).correlate(None))
    simple = literal_column("'simple'::regconfig")
    passage = func.ts_headline(simple, func.coalesce(v.c.title, "") + " … " + v.c.text,
                               func.plainto_tsquery(simple, bindparam("query")), bindparam("options"))
    query = (select(Page.url, Source.name, v.c.title, passage)
             .join_from(v, Page.__table__, Page.__table__.c.id == v.c.page_id)
             .join(Source.__table__, Source.__table__.c.id == Page.__table__.c.source_id)
             .where(v.c.id.in_(hits.scalar_subquery()))
             .order_by(v.c.captured_at.desc(), v.c.id.desc()))
    return s.execute(query, {"query": " ".join(terms), "options": options}).all()


def segments(passage: str) -> list[dict]:
    """``"a \\x02b\\x03 c"`` → ``[{"text": "a ", "match": False}, {"text": "b", "match": True}, ...]``."""
    out: list[dict] = []
    for i, part in enumerate(re.split(f"[{START}{STOP}]", passage)):
        if part:
            out.append({"text": part, "match": i % 2 == 1})
    return out


__all__ = ["find_pages", "include_object", "search", "search_text", "segments", "words"]
