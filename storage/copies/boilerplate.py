"""Site boilerplate learned per source: paragraphs that recur on many of its pages.

Share prompts, disclaimers, author bios and "Published by ..." lines stay in
the stored text but are left out of copy matching and comparison. A paragraph
is boilerplate on a source once it has been seen on at least
``max(MIN_PAGES, SHARE × pages of the source)`` pages (capped at ``MAX_PAGES``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from storage.db import insert_ignore_statement
from storage.copies.fingerprints import hash64
from storage.models import Page, ParagraphSeen
from storage.text.normalize import normalize_text

MIN_PAGES = 3
SHARE = 0.1
MAX_PAGES = 50


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
    """Indexes of the paragraphs that are boilerplate on this source (one query)."""
    hashes = [paragraph_hash(p) for p in paragraphs]
    if not hashes:
        return set()
    frequent = set(s.connection().scalars(_FREQUENT, {"source_id": source_id, "hashes": list(set(hashes))}))
    return {i for i, h in enumerate(hashes) if h in frequent}
