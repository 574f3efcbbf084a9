"""Site boilerplate learned per source: paragraphs that recur on many of its pages.

Share prompts, disclaimers, author bios and "Published by ..." lines stay in
the stored text but are left out of copy matching and comparison. A paragraph
is boilerplate on a source once it has been seen on at least
``max(MIN_PAGES, SHARE × pages of the source)`` pages (capped at ``MAX_PAGES``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from storage.db import insert_ignore
from storage.fingerprints import hash64
from storage.models import Page, ParagraphSeen
from storage.normalize import normalize_text

MIN_PAGES = 3
SHARE = 0.1
MAX_PAGES = 50


def paragraph_hash(paragraph: str) -> int:
    return hash64(normalize_text(paragraph))


def remember(s: Session, source_id: int, page_id: int, paragraphs: Sequence[str], *, first: bool = False) -> None:
    """Note the paragraphs of a page's new version (idempotent; ``first``: none noted yet)."""
    hashes = {paragraph_hash(p) for p in paragraphs}
    known = set() if first else set(s.scalars(select(ParagraphSeen.hash).where(
        ParagraphSeen.page_id == page_id, ParagraphSeen.source_id == source_id)))
    if new := hashes - known:
        insert_ignore(s, ParagraphSeen, [{"source_id": source_id, "hash": h, "page_id": page_id} for h in new])


def _threshold_expr(source_id: int):
    pages = select(func.count()).select_from(Page).where(Page.source_id == source_id).scalar_subquery()
    share = pages * SHARE
    return case((share < MIN_PAGES, MIN_PAGES), (share > MAX_PAGES, MAX_PAGES), else_=share)


def boilerplate_indexes(s: Session, source_id: int, paragraphs: Sequence[str]) -> set[int]:
    """Indexes of the paragraphs that are boilerplate on this source (one query)."""
    hashes = [paragraph_hash(p) for p in paragraphs]
    if not hashes:
        return set()
    frequent = set(s.scalars(
        select(ParagraphSeen.hash)
        .where(ParagraphSeen.source_id == source_id, ParagraphSeen.hash.in_(set(hashes)))
        .group_by(ParagraphSeen.hash)
        # an integer count reaches ceil(x) exactly when it reaches x
        .having(func.count(ParagraphSeen.page_id) >= _threshold_expr(source_id))
    ))
    return {i for i, h in enumerate(hashes) if h in frequent}
