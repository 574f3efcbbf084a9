"""Site boilerplate learned from the archive: paragraphs that recur on many pages of a source,
and short lines that many sources share.

Share prompts, disclaimers, author bios and "Published by ..." lines stay in
the stored text but are left out of copy matching and comparison. A paragraph
is boilerplate on a source once it has been seen on at least
``max(MIN_PAGES, SHARE × pages of the source)`` pages (capped at ``MAX_PAGES``).
A source with one or two pages cannot show what it repeats, but blog furniture
("Like this:", "Share this:", "Related", "Loading...", a cookie prompt) is the
same on many sites: a line under ``ACROSS_TOKENS`` tokens seen on ``ACROSS_SOURCES``
sources or more is boilerplate everywhere. Only short lines: an article that many
sources republish shares its paragraphs too, and must still be found.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy import bindparam, case, distinct, func, select
from sqlalchemy.orm import Session

from storage.db import insert_ignore_statement
from storage.copies.align import tokens
from storage.copies.fingerprints import hash64
from storage.models import Page, ParagraphSeen, Source
from storage.text.normalize import normalize_text

MIN_PAGES = 3
SHARE = 0.1
MAX_PAGES = 50
ACROSS_SOURCES = 3
ACROSS_TOKENS = 20


@lru_cache(maxsize=1 << 14)  # a new version's paragraphs are hashed here and in matching
def paragraph_hash(paragraph: str) -> int:
    return hash64(normalize_text(paragraph))


_seen = ParagraphSeen.__table__.c
# Statements built once: matching runs them for every new version and candidate.
_KNOWN = select(_seen.hash).where(_seen.page_id == bindparam("page_id"), _seen.source_id == bindparam("source_id"))
_pages = select(func.count()).select_from(Page.__table__).where(
    Page.__table__.c.source_id == bindparam("source_id")).scalar_subquery()
_threshold = case((_pages * SHARE < MIN_PAGES, MIN_PAGES), (_pages * SHARE > MAX_PAGES, MAX_PAGES),
                  else_=_pages * SHARE)
_FREQUENT = (
    select(_seen.hash)
    .where(_seen.source_id == bindparam("source_id"), _seen.hash.in_(bindparam("hashes", expanding=True)))
    .group_by(_seen.hash)
    # an integer count reaches ceil(x) exactly when it reaches x
    .having(func.count(_seen.page_id) >= _threshold)
)


# By every source id, so that the (source, hash, page) index serves a lookup by hash.
_ACROSS = (
    select(_seen.hash)
    .where(_seen.source_id.in_(select(Source.__table__.c.id).scalar_subquery()),
           _seen.hash.in_(bindparam("hashes", expanding=True)))
    .group_by(_seen.hash)
    .having(func.count(distinct(_seen.source_id)) >= ACROSS_SOURCES)
)


def remember(s: Session, source_id: int, page_id: int, paragraphs: Sequence[str], *, first: bool = False) -> None:
    """Note the paragraphs of a page's new version (idempotent; ``first``: none noted yet)."""
    hashes = {paragraph_hash(p) for p in paragraphs}
    known = set() if first else set(s.connection().scalars(_KNOWN, {"page_id": page_id, "source_id": source_id}))
    if new := hashes - known:
        conn = s.connection()
        # another writer may note the same paragraph of the same page at the same time
        conn.execute(insert_ignore_statement(conn.dialect.name, ParagraphSeen.__table__),
                     [{"source_id": source_id, "hash": h, "page_id": page_id} for h in new])


def boilerplate_indexes(s: Session, source_id: int, paragraphs: Sequence[str]) -> set[int]:
    """Indexes of the paragraphs that are boilerplate on this source (two queries)."""
    hashes = [paragraph_hash(p) for p in paragraphs]
    if not hashes:
        return set()
    conn = s.connection()
    frequent = set(conn.scalars(_FREQUENT, {"source_id": source_id, "hashes": list(set(hashes))}))
    if short := {h for h, p in zip(hashes, paragraphs) if len(tokens(p)) < ACROSS_TOKENS} - frequent:
        frequent |= set(conn.scalars(_ACROSS, {"hashes": list(short)}))
    return {i for i, h in enumerate(hashes) if h in frequent}
